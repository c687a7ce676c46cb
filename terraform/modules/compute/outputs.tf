output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "service_names" {
  description = "Service name (each stage, and gateway) → ECS service name."
  value       = { for s, svc in aws_ecs_service.service : s => svc.name }
}

output "ecr_repository_url" {
  description = "Where to push the image (tags <release>-base and <release>-media)."
  value       = aws_ecr_repository.this.repository_url
}

output "ecr_repository_arn" {
  description = "ARN of the image repository."
  value       = aws_ecr_repository.this.arn
}

output "alb_dns_name" {
  description = "DNS name of the ALB; point the certificate's name (api_origin_domain) at it."
  value       = aws_lb.gateway.dns_name
}

output "task_environment" {
  description = "The plain environment every task gets (no secrets: those are in task_secrets)."
  value       = local.base_environment
}

output "task_secrets" {
  description = "Service → the secrets ECS injects into its task from Secrets Manager."
  value       = local.task_secrets
}
