variable "topology" {
  description = "The decoded terraform/topology.json: bucket and table names."
  type        = any
}

variable "name_prefix" {
  description = "Environment prefix of every resource name (PHARMAGEN_RESOURCE_PREFIX). Bucket names are global: make it unique to the account."
  type        = string
}

variable "kms_key_arn" {
  description = "Customer-managed key that encrypts the assets bucket and the tables."
  type        = string
}

variable "failed_asset_expiry_days" {
  description = "Days before assets of a failed job (tagged pharmagen-status=failed by the app) are deleted."
  type        = number
  default     = 7
}

variable "force_destroy" {
  description = "Allow destroying non-empty buckets (throw-away environments and the emulator only)."
  type        = bool
  default     = false
}

variable "deletion_protection" {
  description = "Protect the DynamoDB tables from deletion."
  type        = bool
  default     = true
}
