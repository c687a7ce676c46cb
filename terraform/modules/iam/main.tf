# One task role per service (each stage of the topology, and the gateway), each allowed only
# its own queue, publishing to the topic if it publishes anything, its table actions, the
# users/ prefix of the assets bucket, and its own secrets. Execution roles (image pull, logs,
# secret injection) are separate, also one per service, so no role reads another's secrets.

data "aws_region" "current" {}

locals {
  stages   = var.topology.stages
  services = toset(concat(keys(local.stages), ["gateway"]))
  default_access = {
    ledger_actions = ["dynamodb:GetItem", "dynamodb:UpdateItem"]
    usage_actions  = []
    object_actions = ["s3:GetObject", "s3:PutObject", "s3:PutObjectTagging"]
    secrets        = []
    key_actions    = []
  }
  access = { for s in local.services : s => try(var.service_access[s], local.default_access) }
  # The gateway publishes job.submitted (and cancellations); a stage publishes what the topology says.
  publishes = { for s in local.services : s => s == "gateway" || length(try(local.stages[s].publishes, [])) > 0 }
  log_group_arn = {
    for s in local.services :
    s => "arn:aws:logs:${data.aws_region.current.name}:${var.account_id}:log-group:${var.log_group_prefix}/${s}"
  }
}

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }
  }
}

data "aws_iam_policy_document" "task" {
  for_each = local.services

  dynamic "statement" {
    for_each = contains(keys(local.stages), each.key) ? [var.queue_arns[each.key]] : []
    content {
      sid       = "ConsumeOwnQueue"
      actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = local.publishes[each.key] ? [var.topic_arn] : []
    content {
      sid       = "PublishEvents"
      actions   = ["sns:Publish"]
      resources = [statement.value]
    }
  }

  statement {
    sid       = "JobLedger"
    actions   = local.access[each.key].ledger_actions
    resources = [var.jobs_table_arn, "${var.jobs_table_arn}/index/*"]
  }

  dynamic "statement" {
    for_each = length(local.access[each.key].usage_actions) > 0 ? [var.usage_table_arn] : []
    content {
      sid       = "Usage"
      actions   = local.access[each.key].usage_actions
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = length(local.access[each.key].object_actions) > 0 ? [var.assets_bucket_arn] : []
    content {
      sid       = "JobAssets"
      actions   = local.access[each.key].object_actions
      resources = ["${statement.value}/users/*"]
    }
  }

  dynamic "statement" {
    for_each = length(local.access[each.key].object_actions) > 0 ? [var.assets_bucket_arn] : []
    content {
      sid       = "ListJobAssets"
      actions   = ["s3:ListBucket"]
      resources = [statement.value]
      condition {
        test     = "StringLike"
        variable = "s3:prefix"
        values   = ["users/*"]
      }
    }
  }

  dynamic "statement" {
    for_each = length(local.access[each.key].key_actions) > 0 ? [var.keys_table_arn] : []
    content {
      sid       = "KeyStore"
      actions   = local.access[each.key].key_actions
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = length(local.access[each.key].secrets) > 0 ? [1] : []
    content {
      sid       = "OwnSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = [for key in local.access[each.key].secrets : var.secret_arns[key]]
    }
  }

  statement {
    sid       = "DataKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role" "task" {
  for_each = local.services

  name               = "${var.name_prefix}pharmagen-${each.key}-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy" "task" {
  for_each = local.services

  name   = "pharmagen-${each.key}"
  role   = aws_iam_role.task[each.key].id
  policy = data.aws_iam_policy_document.task[each.key].json
}

data "aws_iam_policy_document" "execution" {
  for_each = local.services

  statement {
    sid       = "EcrToken"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid       = "PullImage"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]
    resources = [var.ecr_repository_arn]
  }

  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.log_group_arn[each.key]}:*"]
  }

  dynamic "statement" {
    for_each = length(local.access[each.key].secrets) > 0 ? [1] : []
    content {
      sid       = "InjectSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = [for key in local.access[each.key].secrets : var.secret_arns[key]]
    }
  }

  statement {
    sid       = "DecryptSecretsAndImage"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role" "execution" {
  for_each = local.services

  name               = "${var.name_prefix}pharmagen-${each.key}-exec"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy" "execution" {
  for_each = local.services

  name   = "pharmagen-${each.key}-exec"
  role   = aws_iam_role.execution[each.key].id
  policy = data.aws_iam_policy_document.execution[each.key].json
}
