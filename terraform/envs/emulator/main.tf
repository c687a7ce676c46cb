# The messaging and storage modules applied to the local moto emulator, as the integration
# test does: the same modules as dev/prod, the provider pointed at loopback endpoints.
# Not a deployment target. Plain moto returns SQS policy JSON re-spaced, so a second plan
# shows a whitespace diff on redrive_policy; that is moto, not drift.

terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}

provider "aws" {
  region                      = var.region
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  skip_region_validation      = true
  s3_use_path_style           = true

  endpoints {
    dynamodb = var.dynamodb_endpoint
    iam      = var.endpoint
    kms      = var.endpoint
    s3       = var.endpoint
    sns      = var.endpoint
    sqs      = var.endpoint
    sts      = var.endpoint
  }
}

locals {
  topology = jsondecode(file("${path.module}/../../topology.json"))
}

# moto's KMS stands in for the stack's customer-managed key (the kms module needs IAM and STS
# look-ups that only matter in a real account).
resource "aws_kms_key" "data" {
  #checkov:skip=CKV2_AWS_64:Emulator-only key; the deployed key policy is in modules/kms.
  description         = "emulator stand-in for the pharmagen data key"
  enable_key_rotation = true
}

module "messaging" {
  source = "../../modules/messaging"

  topology                    = local.topology
  name_prefix                 = var.name_prefix
  kms_key_arn                 = aws_kms_key.data.arn
  enable_redrive_allow_policy = false
}

module "storage" {
  source = "../../modules/storage"

  topology            = local.topology
  name_prefix         = var.name_prefix
  kms_key_arn         = aws_kms_key.data.arn
  force_destroy       = true
  deletion_protection = false
}
