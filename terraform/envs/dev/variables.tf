variable "name_prefix" {
  description = "Prefix of every resource name, and the services' PHARMAGEN_RESOURCE_PREFIX; unique to the account (bucket names are global)."
  type        = string
}

variable "region" {
  description = "AWS region of the stack."
  type        = string
  default     = "us-east-1"
}

variable "availability_zones" {
  description = "Zones the VPC spans (at least two)."
  type        = list(string)
  default     = ["us-east-1a", "us-east-1b"]
}

variable "image_tag" {
  description = "Release tag of the image (pushed as <tag>-base and <tag>-media)."
  type        = string
}

variable "api_origin_domain" {
  description = "DNS name for the ALB, covered by alb_certificate_arn."
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
