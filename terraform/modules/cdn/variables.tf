variable "name_prefix" {
  description = "Environment prefix of every resource name (PHARMAGEN_RESOURCE_PREFIX)."
  type        = string
}

variable "frontend_bucket_name" {
  description = "Bucket holding the web page (storage module)."
  type        = string
}

variable "frontend_bucket_arn" {
  description = "ARN of the web page bucket."
  type        = string
}

variable "frontend_bucket_regional_domain_name" {
  description = "Regional domain of the web page bucket."
  type        = string
}

variable "api_origin_domain" {
  description = "DNS name of the ALB as its certificate names it; CloudFront sends /api/* there over HTTPS."
  type        = string
}

variable "aliases" {
  description = "Public host names of the site."
  type        = list(string)
}

variable "certificate_arn" {
  description = "ACM certificate in us-east-1 covering the aliases."
  type        = string
}

variable "web_acl_id" {
  description = "ARN of the WAFv2 web ACL (scope CLOUDFRONT) guarding the site."
  type        = string
}

variable "price_class" {
  description = "CloudFront price class."
  type        = string
  default     = "PriceClass_100"
}
