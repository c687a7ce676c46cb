variable "name_prefix" {
  description = "Environment prefix of every resource name, and the services' PHARMAGEN_RESOURCE_PREFIX (e.g. \"acme-dev-\"; bucket names are global)."
  type        = string
}

variable "region" {
  description = "AWS region of the stack."
  type        = string
}

variable "availability_zones" {
  description = "Zones the VPC spans (at least two)."
  type        = list(string)
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all zones (dev) instead of one per zone."
  type        = bool
  default     = false
}

variable "interface_endpoints" {
  description = "AWS services reached through interface endpoints instead of the NAT."
  type        = list(string)
  default     = ["ecr.api", "ecr.dkr", "logs", "sqs", "sns", "secretsmanager"]
}

variable "image_tag" {
  description = "Release tag of the image (pushed as <tag>-base and <tag>-media)."
  type        = string
}

variable "api_origin_domain" {
  description = "DNS name for the ALB, covered by alb_certificate_arn; CloudFront's /api/* origin."
  type        = string
}

variable "alb_certificate_arn" {
  description = "ACM certificate (stack region) for api_origin_domain."
  type        = string
}

variable "site_aliases" {
  description = "Public host names of the site."
  type        = list(string)
}

variable "site_certificate_arn" {
  description = "ACM certificate in us-east-1 covering site_aliases."
  type        = string
}

variable "web_acl_id" {
  description = "ARN of the WAFv2 web ACL (scope CLOUDFRONT) for the site."
  type        = string
}

variable "stage_scaling" {
  description = "Stage name → task count bounds (stages not listed: default_stage_scaling)."
  type        = map(object({ min = number, max = number }))
  default     = {}
}

variable "default_stage_scaling" {
  description = "Task count bounds of a stage not in stage_scaling."
  type        = object({ min = number, max = number })
  default     = { min = 1, max = 4 }
}

variable "gateway_scaling" {
  description = "Gateway task count bounds and CPU target."
  type        = object({ min = number, max = number, cpu_target = number })
  default     = { min = 2, max = 6, cpu_target = 60 }
}

variable "protect_data" {
  description = "Deletion protection on tables and the ALB; no force-destroy of buckets."
  type        = bool
  default     = true
}

variable "failed_asset_expiry_days" {
  description = "Days before a failed job's assets are deleted."
  type        = number
  default     = 7
}

variable "environment" {
  description = "Extra PHARMAGEN_* settings for every service."
  type        = map(string)
  default     = {}
}
