variable "topology" {
  description = "The decoded terraform/topology.json: one ECS service per stage, plus the gateway."
  type        = any
}

variable "name_prefix" {
  description = "Environment prefix of every resource name (PHARMAGEN_RESOURCE_PREFIX)."
  type        = string
}

variable "region" {
  description = "AWS region the services run in (AWS_REGION in their environment)."
  type        = string
}

variable "image_tag" {
  description = "Tag of the release; the image is pushed as <tag>-base and <tag>-media (see Dockerfile)."
  type        = string
}

variable "media_services" {
  description = "Services that run the ffmpeg/espeak-ng image variant; the rest run the slim base image."
  type        = list(string)
  default     = ["narration", "clips", "music", "composer"]
}

variable "vpc_id" {
  description = "VPC of the services."
  type        = string
}

variable "public_subnet_ids" {
  description = "Subnets of the ALB."
  type        = list(string)
}

variable "private_subnet_ids" {
  description = "Subnets the tasks run in."
  type        = list(string)
}

variable "task_role_arns" {
  description = "Service name → task role ARN (iam module)."
  type        = map(string)
}

variable "execution_role_arns" {
  description = "Service name → execution role ARN (iam module)."
  type        = map(string)
}

variable "secret_arns" {
  description = "Secret key (replicate, openai, stream_token) → ARN (secrets module)."
  type        = map(string)
}

variable "secrets_by_service" {
  description = "Service name → secret keys injected into its task (iam module)."
  type        = map(list(string))
}

variable "kms_key_arn" {
  description = "Customer-managed key of the log groups and the image repository."
  type        = string
}

variable "log_group_prefix" {
  description = "Log groups are named <prefix>/<service>; the iam module grants writes to the same names."
  type        = string
}

variable "log_retention_days" {
  description = "Days service logs are kept."
  type        = number
  default     = 7
}

variable "certificate_arn" {
  description = "ACM certificate of the ALB's HTTPS listener (the name CloudFront uses as its /api/* origin)."
  type        = string
}

variable "alb_ingress_prefix_list_ids" {
  description = "Managed prefix lists allowed to reach the ALB: CloudFront's origin-facing list, so only the CDN can."
  type        = list(string)
}

variable "alb_deletion_protection" {
  description = "Protect the ALB from deletion."
  type        = bool
  default     = true
}

variable "task_sizes" {
  description = "Service name → Fargate CPU units and memory MiB. Services not listed get default_task_size."
  type        = map(object({ cpu = number, memory = number }))
  default = {
    composer = { cpu = 2048, memory = 4096 } # one ffmpeg pass over 1080p clips
    clips    = { cpu = 512, memory = 1024 }  # waits on Veo; the local renderer needs more
  }
}

variable "default_task_size" {
  description = "Fargate CPU units and memory MiB of a service not in task_sizes."
  type        = object({ cpu = number, memory = number })
  default     = { cpu = 256, memory = 512 }
}

variable "stage_scaling" {
  description = "Stage name → task count bounds. Stages not listed get default_stage_scaling."
  type        = map(object({ min = number, max = number }))
  default     = {}
}

variable "default_stage_scaling" {
  description = "Task count bounds of a stage not in stage_scaling. min stays >= 1: backlog per task is undefined with no task."
  type        = object({ min = number, max = number })
  default     = { min = 1, max = 4 }
  validation {
    condition     = var.default_stage_scaling.min >= 1 && var.default_stage_scaling.max >= var.default_stage_scaling.min
    error_message = "min must be at least 1 and max at least min."
  }
}

variable "gateway_scaling" {
  description = "Gateway task count bounds and the CPU utilisation it scales to."
  type        = object({ min = number, max = number, cpu_target = number })
  default     = { min = 2, max = 6, cpu_target = 60 }
}

variable "environment" {
  description = "Extra environment variables for every service (PHARMAGEN_* settings)."
  type        = map(string)
  default     = {}
}
