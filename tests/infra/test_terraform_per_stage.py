"""The compute and iam modules generate one ECS service, task role and scaling policy per topology stage.

Checked on a real `terraform plan` of the two modules, offline: the provider is given dummy
credentials and told to skip every account look-up, and the modules read no data source that
calls AWS, so planning from empty state makes no request. Addresses come from `show -json`.
"""

import json
from typing import Any

import pytest

from shared.topology import STAGES
from tests.infra.terraform_offline import TERRAFORM_DIR, init, require_offline_terraform, show_plan_json, terraform

pytestmark = pytest.mark.slow

ROOT = """
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  skip_region_validation      = true
}

locals {
  topology = jsondecode(file("TOPOLOGY"))
  stages   = keys(local.topology.stages)
  arn      = "arn:aws:sqs:us-east-1:123456789012"
  secrets = {
    replicate    = "arn:aws:secretsmanager:us-east-1:123456789012:secret:r"
    openai       = "arn:aws:secretsmanager:us-east-1:123456789012:secret:o"
    stream_token = "arn:aws:secretsmanager:us-east-1:123456789012:secret:s"
  }
}

module "iam" {
  source             = "MODULES/iam"
  topology           = local.topology
  name_prefix        = "t-"
  account_id         = "123456789012"
  queue_arns         = { for s in local.stages : s => "${local.arn}:${s}" }
  topic_arn          = "arn:aws:sns:us-east-1:123456789012:events"
  jobs_table_arn     = "arn:aws:dynamodb:us-east-1:123456789012:table/jobs"
  keys_table_arn     = "arn:aws:dynamodb:us-east-1:123456789012:table/keys"
  usage_table_arn    = "arn:aws:dynamodb:us-east-1:123456789012:table/usage"
  assets_bucket_arn  = "arn:aws:s3:::assets"
  secret_arns        = local.secrets
  kms_key_arn        = "arn:aws:kms:us-east-1:123456789012:key/k"
  ecr_repository_arn = "arn:aws:ecr:us-east-1:123456789012:repository/p"
  log_group_prefix   = "/ecs/t"
}

module "compute" {
  source                      = "MODULES/compute"
  topology                    = local.topology
  name_prefix                 = "t-"
  region                      = "us-east-1"
  image_tag                   = "1"
  vpc_id                      = "vpc-0"
  public_subnet_ids           = ["subnet-a", "subnet-b"]
  private_subnet_ids          = ["subnet-c", "subnet-d"]
  task_role_arns              = module.iam.task_role_arns
  execution_role_arns         = module.iam.execution_role_arns
  secret_arns                 = local.secrets
  secrets_by_service          = module.iam.secrets_by_service
  kms_key_arn                 = "arn:aws:kms:us-east-1:123456789012:key/k"
  log_group_prefix            = "/ecs/t"
  certificate_arn             = "arn:aws:acm:us-east-1:123456789012:certificate/c"
  alb_ingress_prefix_list_ids = ["pl-0"]
}

output "task_environment" {
  value = module.compute.task_environment
}

output "task_secrets" {
  value = module.compute.task_secrets
}
"""


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    require_offline_terraform()
    root = tmp_path_factory.mktemp("per-stage")
    data_dir = root / ".tfdata"
    config = ROOT.replace("TOPOLOGY", str(TERRAFORM_DIR / "topology.json"))
    (root / "main.tf").write_text(config.replace("MODULES", str(TERRAFORM_DIR / "modules")))
    init(root, data_dir)
    plan_args = ("-input=false", "-no-color", "-lock=false", f"-out={root / 'plan.bin'}")
    done = terraform(root, "plan", *plan_args, data_dir=data_dir)
    assert done.returncode == 0, done.stdout + done.stderr
    shown: dict[str, Any] = show_plan_json(root, root / "plan.bin", data_dir)
    return shown


@pytest.fixture(scope="module")
def planned(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return list(plan["resource_changes"])


def keys_of(changes: list[dict[str, Any]], address_prefix: str) -> set[str]:
    return {c["index"] for c in changes if c["address"].startswith(address_prefix + "[")}


STAGE_NAMES = {s.name for s in STAGES}


def test_one_ecs_service_per_stage_plus_the_gateway(planned):
    assert keys_of(planned, "module.compute.aws_ecs_service.service") == STAGE_NAMES | {"gateway"}


def test_one_task_definition_per_stage_plus_the_gateway(planned):
    assert keys_of(planned, "module.compute.aws_ecs_task_definition.service") == STAGE_NAMES | {"gateway"}


def test_one_task_role_per_stage_plus_the_gateway(planned):
    assert keys_of(planned, "module.iam.aws_iam_role.task") == STAGE_NAMES | {"gateway"}


def test_one_backlog_scaling_policy_per_stage(planned):
    assert keys_of(planned, "module.compute.aws_appautoscaling_policy.stage_backlog") == STAGE_NAMES


def test_backlog_target_per_task_is_the_stage_concurrency(planned):
    targets = {
        c["index"]: c["change"]["after"]["target_tracking_scaling_policy_configuration"][0]["target_value"]
        for c in planned
        if c["address"].startswith("module.compute.aws_appautoscaling_policy.stage_backlog[")
    }

    assert targets == {s.name: s.concurrency for s in STAGES}


def test_a_stage_role_may_consume_only_its_own_queue(planned):
    policies = {
        c["index"]: json.loads(c["change"]["after"]["policy"])
        for c in planned
        if c["address"].startswith("module.iam.aws_iam_role_policy.task[")
    }

    for name in STAGE_NAMES:
        consume = [s for s in policies[name]["Statement"] if s["Sid"] == "ConsumeOwnQueue"]
        assert consume[0]["Resource"] == f"arn:aws:sqs:us-east-1:123456789012:{name}"
    assert not [s for s in policies["gateway"]["Statement"] if s["Sid"] == "ConsumeOwnQueue"]


SECRET_NAME_MARKS = ("SECRET", "TOKEN", "API_KEY", "PASSWORD")


def test_every_secret_reaches_a_task_through_secrets_manager_never_as_a_plain_value(plan):
    outputs = plan["planned_values"]["outputs"]
    plain, injected = outputs["task_environment"]["value"], outputs["task_secrets"]["value"]
    assert not [k for k in plain if any(mark in k for mark in SECRET_NAME_MARKS)], sorted(plain)
    assert "PHARMAGEN_API_KEYS" not in plain
    assert plain["PHARMAGEN_ENV"] == "prod"  # no development keys or secrets, no loopback webhooks
    assert set(injected) == STAGE_NAMES | {"gateway"}
    for secrets in injected.values():
        assert all(s["valueFrom"].startswith("arn:aws:secretsmanager:") for s in secrets)
    gateway = {s["name"]: s["valueFrom"] for s in injected["gateway"]}
    assert gateway == {"PHARMAGEN_STREAM_TOKEN_SECRET": "arn:aws:secretsmanager:us-east-1:123456789012:secret:s"}
    assert {s["name"] for s in injected["script"]} == {"REPLICATE_API_TOKEN"}
    assert not injected["notifier"]  # webhook secrets are per user, in the key store, KMS-encrypted


def test_the_key_store_is_readable_only_by_the_gateway_and_the_notifier(planned):
    policies = {
        c["index"]: json.loads(c["change"]["after"]["policy"])
        for c in planned
        if c["address"].startswith("module.iam.aws_iam_role_policy.task[")
    }
    readers = {
        name
        for name, policy in policies.items()
        for statement in policy["Statement"]
        if "arn:aws:dynamodb:us-east-1:123456789012:table/keys" in str(statement["Resource"])
    }
    assert readers == {"gateway", "notifier"}
    notifier = [s for s in policies["notifier"]["Statement"] if s["Sid"] == "KeyStore"]
    assert notifier[0]["Action"] in ("dynamodb:GetItem", ["dynamodb:GetItem"])
