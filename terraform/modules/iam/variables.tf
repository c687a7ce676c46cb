variable "topology" {
  description = "The decoded terraform/topology.json: one task role per stage, plus the gateway's."
  type        = any
}

variable "account_id" {
  description = "AWS account the roles live in (trust policy condition, log group ARNs)."
  type        = string
}

variable "name_prefix" {
  description = "Environment prefix of every resource name (PHARMAGEN_RESOURCE_PREFIX)."
  type        = string
}

variable "queue_arns" {
  description = "Stage name → ARN of its work queue (messaging module)."
  type        = map(string)
}

variable "topic_arn" {
  description = "ARN of the events topic."
  type        = string
}

variable "keys_table_arn" {
  description = "ARN of the keys table."
  type        = string
}

variable "jobs_table_arn" {
  description = "ARN of the job ledger table."
  type        = string
}

variable "usage_table_arn" {
  description = "ARN of the usage table."
  type        = string
}

variable "assets_bucket_arn" {
  description = "ARN of the assets bucket."
  type        = string
}

variable "secret_arns" {
  description = "Secret key (replicate, openai, stream_token) → ARN (secrets module)."
  type        = map(string)
}

variable "kms_key_arn" {
  description = "Customer-managed key of the stack's data (queues, topic, tables, bucket, secrets)."
  type        = string
}

variable "ecr_repository_arn" {
  description = "ARN of the image repository the execution roles pull from."
  type        = string
}

variable "log_group_prefix" {
  description = "Log groups are named <prefix>/<service> (the compute module creates them)."
  type        = string
}

variable "service_access" {
  description = "Per service, what it needs beyond its own queue and (if it publishes) the topic. Services not listed get the worker default."
  type = map(object({
    ledger_actions = optional(list(string), ["dynamodb:GetItem", "dynamodb:UpdateItem"])
    usage_actions  = optional(list(string), [])
    object_actions = optional(list(string), ["s3:GetObject", "s3:PutObject", "s3:PutObjectTagging"])
    secrets        = optional(list(string), [])
    key_actions    = optional(list(string), [])
  }))
  default = {
    gateway = {
      ledger_actions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"]
      usage_actions  = ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:Query"]
      # PutObject: the presigned POSTs of user uploads are signed with this role, and the checked bytes of an
      # upload are written to its ready key (docs/brand.md).
      object_actions = ["s3:GetObject", "s3:PutObject", "s3:PutObjectTagging"]
      key_actions    = ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DescribeTable"]
      secrets        = ["stream_token"]
    }
    script    = { secrets = ["replicate"] }
    keyframes = { secrets = ["replicate"] }
    narration = { secrets = ["openai"] }
    clips     = { secrets = ["replicate"] }
    music     = { secrets = ["replicate"] }
    composer  = { usage_actions = ["dynamodb:UpdateItem"] }
    notifier  = { object_actions = ["s3:GetObject"], key_actions = ["dynamodb:GetItem"] }
  }
}
