variable "topology" {
  description = "The decoded terraform/topology.json (shared.topology.export): topic name and one entry per stage."
  type        = any
}

variable "name_prefix" {
  description = "Environment prefix of every resource name (PHARMAGEN_RESOURCE_PREFIX), e.g. \"dev-\"."
  type        = string
}

variable "kms_key_arn" {
  description = "Customer-managed key that encrypts the topic and the queues."
  type        = string
}

variable "dlq_retention_s" {
  description = "How long a dead letter is kept for an operator to inspect and replay (SQS maximum: 14 days)."
  type        = number
  default     = 1209600
}

variable "enable_redrive_allow_policy" {
  description = "Restrict each DLQ to its own source queue. Off only against the moto emulator, which drops the attribute and makes the apply wait forever."
  type        = bool
  default     = true
}
