variable "endpoint" {
  description = "The emulator serving SNS, SQS, S3 and KMS (AWS_ENDPOINT_URL)."
  type        = string
}

variable "dynamodb_endpoint" {
  description = "The emulator serving DynamoDB (AWS_ENDPOINT_URL_DYNAMODB)."
  type        = string
}

variable "region" {
  description = "Region the emulator answers for."
  type        = string
  default     = "us-east-1"
}

variable "name_prefix" {
  description = "Prefix of every resource name, as PHARMAGEN_RESOURCE_PREFIX."
  type        = string
  default     = "tf-"
}
