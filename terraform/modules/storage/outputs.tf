output "assets_bucket_name" {
  description = "Name of the assets bucket."
  value       = aws_s3_bucket.assets.id
}

output "assets_bucket_arn" {
  description = "ARN of the assets bucket."
  value       = aws_s3_bucket.assets.arn
}

output "frontend_bucket_name" {
  description = "Name of the bucket holding the web page."
  value       = aws_s3_bucket.frontend.id
}

output "frontend_bucket_arn" {
  description = "ARN of the bucket holding the web page."
  value       = aws_s3_bucket.frontend.arn
}

output "frontend_bucket_regional_domain_name" {
  description = "Regional domain of the frontend bucket, CloudFront's S3 origin."
  value       = aws_s3_bucket.frontend.bucket_regional_domain_name
}

output "jobs_table_name" {
  description = "Name of the job ledger table."
  value       = aws_dynamodb_table.jobs.name
}

output "jobs_table_arn" {
  description = "ARN of the job ledger table."
  value       = aws_dynamodb_table.jobs.arn
}

output "usage_table_name" {
  description = "Name of the usage table."
  value       = aws_dynamodb_table.usage.name
}

output "usage_table_arn" {
  description = "ARN of the usage table."
  value       = aws_dynamodb_table.usage.arn
}

output "keys_table_arn" {
  description = "ARN of the keys table (API key digests, encrypted webhook secrets)."
  value       = aws_dynamodb_table.keys.arn
}
