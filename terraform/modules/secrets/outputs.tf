output "arns" {
  description = "Secret key (replicate, openai, stream_token) → ARN."
  value       = { for key, s in aws_secretsmanager_secret.provider : key => s.arn }
}

output "names" {
  description = "Secret key (replicate, openai, stream_token) → name."
  value       = { for key, s in aws_secretsmanager_secret.provider : key => s.name }
}
