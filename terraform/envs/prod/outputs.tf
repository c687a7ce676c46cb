output "service_settings" {
  description = "Settings environment of every service (shared.config.Settings names)."
  value       = module.stack.service_settings
}

output "ecr_repository_url" {
  description = "Where to push the image."
  value       = module.stack.ecr_repository_url
}

output "frontend_bucket" {
  description = "Bucket to upload the web page to."
  value       = module.stack.frontend_bucket
}

output "secret_names" {
  description = "Secret key → Secrets Manager name to put its value into (provider keys, stream token secret)."
  value       = module.stack.secret_names
}

output "cluster_name" {
  description = "ECS cluster name."
  value       = module.stack.cluster_name
}

output "service_names" {
  description = "Service → ECS service name."
  value       = module.stack.service_names
}

output "alb_dns_name" {
  description = "Point api_origin_domain (DNS) at this."
  value       = module.stack.alb_dns_name
}

output "cdn_domain_name" {
  description = "Point the site aliases (DNS) at this."
  value       = module.stack.cdn_domain_name
}

output "cdn_distribution_id" {
  description = "Distribution to invalidate after uploading the web page."
  value       = module.stack.cdn_distribution_id
}
