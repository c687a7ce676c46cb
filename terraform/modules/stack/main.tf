# The whole deployment, wired once; envs/dev and envs/prod differ only in the variables they
# pass. Stages, queues, tables and buckets come from terraform/topology.json, which a unit
# test keeps equal to shared.topology.

locals {
  topology         = jsondecode(file("${path.module}/../../topology.json"))
  log_group_prefix = "/ecs/${var.name_prefix}pharmagen"
}

data "aws_caller_identity" "current" {}

data "aws_ec2_managed_prefix_list" "cloudfront" {
  name = "com.amazonaws.global.cloudfront.origin-facing"
}

module "kms" {
  source      = "../kms"
  name_prefix = var.name_prefix
}

module "network" {
  source              = "../network"
  name_prefix         = var.name_prefix
  availability_zones  = var.availability_zones
  single_nat_gateway  = var.single_nat_gateway
  interface_endpoints = var.interface_endpoints
  kms_key_arn         = module.kms.key_arn
}

module "messaging" {
  source      = "../messaging"
  topology    = local.topology
  name_prefix = var.name_prefix
  kms_key_arn = module.kms.key_arn
}

module "storage" {
  source                   = "../storage"
  topology                 = local.topology
  name_prefix              = var.name_prefix
  kms_key_arn              = module.kms.key_arn
  failed_asset_expiry_days = var.failed_asset_expiry_days
  force_destroy            = !var.protect_data
  deletion_protection      = var.protect_data
}

module "secrets" {
  source      = "../secrets"
  name_prefix = var.name_prefix
  kms_key_arn = module.kms.key_arn
}

module "iam" {
  source             = "../iam"
  topology           = local.topology
  name_prefix        = var.name_prefix
  account_id         = data.aws_caller_identity.current.account_id
  queue_arns         = module.messaging.queue_arns
  topic_arn          = module.messaging.topic_arn
  jobs_table_arn     = module.storage.jobs_table_arn
  keys_table_arn     = module.storage.keys_table_arn
  usage_table_arn    = module.storage.usage_table_arn
  assets_bucket_arn  = module.storage.assets_bucket_arn
  secret_arns        = module.secrets.arns
  kms_key_arn        = module.kms.key_arn
  ecr_repository_arn = module.compute.ecr_repository_arn
  log_group_prefix   = local.log_group_prefix
}

module "compute" {
  source                      = "../compute"
  topology                    = local.topology
  name_prefix                 = var.name_prefix
  region                      = var.region
  image_tag                   = var.image_tag
  vpc_id                      = module.network.vpc_id
  public_subnet_ids           = module.network.public_subnet_ids
  private_subnet_ids          = module.network.private_subnet_ids
  task_role_arns              = module.iam.task_role_arns
  execution_role_arns         = module.iam.execution_role_arns
  secret_arns                 = module.secrets.arns
  secrets_by_service          = module.iam.secrets_by_service
  kms_key_arn                 = module.kms.key_arn
  log_group_prefix            = local.log_group_prefix
  certificate_arn             = var.alb_certificate_arn
  alb_ingress_prefix_list_ids = [data.aws_ec2_managed_prefix_list.cloudfront.id]
  alb_deletion_protection     = var.protect_data
  stage_scaling               = var.stage_scaling
  default_stage_scaling       = var.default_stage_scaling
  gateway_scaling             = var.gateway_scaling
  environment                 = var.environment
}

module "cdn" {
  source                               = "../cdn"
  name_prefix                          = var.name_prefix
  frontend_bucket_name                 = module.storage.frontend_bucket_name
  frontend_bucket_arn                  = module.storage.frontend_bucket_arn
  frontend_bucket_regional_domain_name = module.storage.frontend_bucket_regional_domain_name
  api_origin_domain                    = var.api_origin_domain
  aliases                              = var.site_aliases
  certificate_arn                      = var.site_certificate_arn
  web_acl_id                           = var.web_acl_id
}
