variable "name_prefix" {
  description = "Environment prefix of every resource name (PHARMAGEN_RESOURCE_PREFIX)."
  type        = string
}

variable "cidr_block" {
  description = "VPC address range; split into /20 subnets, public ones first."
  type        = string
  default     = "10.40.0.0/16"
}

variable "availability_zones" {
  description = "Zones to spread the subnets over (at least two, for the ALB)."
  type        = list(string)
  validation {
    condition     = length(var.availability_zones) >= 2
    error_message = "The ALB needs subnets in at least two availability zones."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all zones (cheaper, for dev) instead of one per zone."
  type        = bool
  default     = false
}

variable "interface_endpoints" {
  description = "AWS services reached through interface endpoints instead of the NAT (each costs per hour per zone; worth it where traffic is heavy)."
  type        = list(string)
  default     = ["ecr.api", "ecr.dkr", "logs", "sqs", "sns", "secretsmanager"]
}

variable "kms_key_arn" {
  description = "Customer-managed key that encrypts the flow log group."
  type        = string
}

variable "flow_log_retention_days" {
  description = "Days VPC flow logs are kept."
  type        = number
  default     = 365
}
