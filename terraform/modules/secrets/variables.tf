variable "name_prefix" {
  description = "Environment prefix of every resource name (PHARMAGEN_RESOURCE_PREFIX)."
  type        = string
}

variable "kms_key_arn" {
  description = "Customer-managed key that encrypts the secrets."
  type        = string
}

variable "recovery_window_days" {
  description = "Days a deleted secret can still be restored (0 deletes at once)."
  type        = number
  default     = 7
}
