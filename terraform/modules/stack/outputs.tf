# Outputs map 1:1 to the services' settings (shared/config.py): `service_settings` is the
# environment every task gets, in the names the settings read.

output "service_settings" {
  description = "Settings environment of every service (shared.config.Settings names)."
  value = {
    AWS_REGION                      = var.region
    PHARMAGEN_RESOURCE_PREFIX       = var.name_prefix
    PHARMAGEN_REPLICATE_SECRET_NAME = module.secrets.names["replicate"]
    PHARMAGEN_OPENAI_SECRET_NAME    = module.secrets.names["openai"]
  }
}

output "topic_arn" {
  description = "Events topic (name = PHARMAGEN_RESOURCE_PREFIX + topology topic)."
  value       = module.messaging.topic_arn
}

output "queue_urls" {
  description = "Stage name → work queue URL."
  value       = module.messaging.queue_urls
}

output "assets_bucket" {
  description = "Assets bucket name."
  value       = module.storage.assets_bucket_name
}

output "frontend_bucket" {
  description = "Bucket to upload the web page to."
  value       = module.storage.frontend_bucket_name
}

output "jobs_table" {
  description = "Job ledger table name."
  value       = module.storage.jobs_table_name
}

output "usage_table" {
  description = "Usage table name."
  value       = module.storage.usage_table_name
}

output "secret_names" {
  description = "Secret key → Secrets Manager name to put its value into (provider keys, stream token secret)."
  value       = module.secrets.names
}

output "ecr_repository_url" {
  description = "Where to push the image."
  value       = module.compute.ecr_repository_url
}

output "cluster_name" {
  description = "ECS cluster name."
  value       = module.compute.cluster_name
}

output "service_names" {
  description = "Service → ECS service name."
  value       = module.compute.service_names
}

output "alb_dns_name" {
  description = "Point api_origin_domain (DNS) at this."
  value       = module.compute.alb_dns_name
}

output "cdn_domain_name" {
  description = "Point the site aliases (DNS) at this."
  value       = module.cdn.domain_name
}

output "cdn_distribution_id" {
  description = "Distribution to invalidate after uploading the web page."
  value       = module.cdn.distribution_id
}
