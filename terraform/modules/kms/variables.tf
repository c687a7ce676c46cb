variable "name_prefix" {
  description = "Environment prefix of every resource name (PHARMAGEN_RESOURCE_PREFIX), e.g. \"dev-\"."
  type        = string
}

variable "deletion_window_days" {
  description = "Days a scheduled key deletion can still be cancelled."
  type        = number
  default     = 30
}
