output "topic_arn" {
  description = "ARN of the events topic."
  value       = module.messaging.topic_arn
}

output "queue_urls" {
  description = "Stage name → URL of its work queue."
  value       = module.messaging.queue_urls
}

output "dlq_arns" {
  description = "Stage name → ARN of its dead-letter queue."
  value       = module.messaging.dlq_arns
}

output "assets_bucket_name" {
  description = "Name of the assets bucket."
  value       = module.storage.assets_bucket_name
}

output "frontend_bucket_name" {
  description = "Name of the web page bucket."
  value       = module.storage.frontend_bucket_name
}

output "jobs_table_name" {
  description = "Name of the job ledger table."
  value       = module.storage.jobs_table_name
}

output "usage_table_name" {
  description = "Name of the usage table."
  value       = module.storage.usage_table_name
}
