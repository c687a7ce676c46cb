output "task_role_arns" {
  description = "Service name (each stage, and gateway) → ARN of its task role."
  value       = { for s, role in aws_iam_role.task : s => role.arn }
}

output "execution_role_arns" {
  description = "Service name → ARN of its execution role."
  value       = { for s, role in aws_iam_role.execution : s => role.arn }
}

output "secrets_by_service" {
  description = "Service name → secret keys (replicate, openai, stream_token) injected into its task."
  value       = { for s in local.services : s => local.access[s].secrets }
}
