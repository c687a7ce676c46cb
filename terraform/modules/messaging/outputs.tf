output "topic_arn" {
  description = "ARN of the events topic."
  value       = aws_sns_topic.events.arn
}

output "topic_name" {
  description = "Name of the events topic."
  value       = aws_sns_topic.events.name
}

output "queue_arns" {
  description = "Stage name → ARN of its work queue."
  value       = { for name, q in aws_sqs_queue.stage : name => q.arn }
}

output "queue_names" {
  description = "Stage name → name of its work queue."
  value       = { for name, q in aws_sqs_queue.stage : name => q.name }
}

output "queue_urls" {
  description = "Stage name → URL of its work queue."
  value       = { for name, q in aws_sqs_queue.stage : name => q.id }
}

output "dlq_arns" {
  description = "Stage name → ARN of its dead-letter queue."
  value       = { for name, q in aws_sqs_queue.dlq : name => q.arn }
}
