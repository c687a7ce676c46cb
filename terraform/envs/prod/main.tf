# The prod environment: the whole stack (modules/stack) with prod's sizes and protections.
# State lives in S3: terraform init -backend-config=backend.hcl (see docs/deploy.md).

terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
  backend "s3" {}
}

provider "aws" {
  region = var.region
  default_tags {
    tags = { project = "pharmagen", environment = "prod" }
  }
}

module "stack" {
  source = "../../modules/stack"

  name_prefix           = var.name_prefix
  region                = var.region
  availability_zones    = var.availability_zones
  image_tag             = var.image_tag
  api_origin_domain     = var.api_origin_domain
  alb_certificate_arn   = var.alb_certificate_arn
  site_aliases          = var.site_aliases
  site_certificate_arn  = var.site_certificate_arn
  web_acl_id            = var.web_acl_id
  single_nat_gateway    = false
  protect_data          = true
  default_stage_scaling = { min = 1, max = 4 }
  stage_scaling = {
    clips    = { min = 2, max = 16 } # one task per scene in flight (a Veo clip holds it for minutes)
    composer = { min = 1, max = 6 }
  }
  gateway_scaling = { min = 2, max = 8, cpu_target = 60 }
}
