output "key_arn" {
  description = "ARN of the customer-managed data key."
  value       = aws_kms_key.data.arn
}
