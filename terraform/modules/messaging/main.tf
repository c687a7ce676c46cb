# The event bus: one topic, and per stage a queue fed through a subscription whose filter
# policy on the `event_type` message attribute is the stage's `consumes` list. Raw delivery
# makes the SQS body the event itself. Every queue redrives to its own DLQ after the
# topology's max_receive_count.

locals {
  stages = var.topology.stages
}

resource "aws_sns_topic" "events" {
  name              = "${var.name_prefix}${var.topology.topic}"
  kms_master_key_id = var.kms_key_arn
}

resource "aws_sqs_queue" "dlq" {
  for_each = local.stages

  name                              = "${var.name_prefix}${each.value.dlq}"
  message_retention_seconds         = var.dlq_retention_s
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300
}

resource "aws_sqs_queue" "stage" {
  for_each = local.stages

  name                              = "${var.name_prefix}${each.value.queue}"
  visibility_timeout_seconds        = each.value.visibility_timeout_s
  receive_wait_time_seconds         = 20
  message_retention_seconds         = var.dlq_retention_s
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq[each.key].arn
    maxReceiveCount     = each.value.max_receive_count
  })
}

resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  for_each = var.enable_redrive_allow_policy ? local.stages : {}

  queue_url = aws_sqs_queue.dlq[each.key].id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.stage[each.key].arn]
  })
}

data "aws_iam_policy_document" "queue" {
  for_each = local.stages

  statement {
    sid       = "OnlyTheEventsTopicSends"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.stage[each.key].arn]
    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_sns_topic.events.arn]
    }
  }
}

resource "aws_sqs_queue_policy" "stage" {
  for_each = local.stages

  queue_url = aws_sqs_queue.stage[each.key].id
  policy    = data.aws_iam_policy_document.queue[each.key].json
}

resource "aws_sns_topic_subscription" "stage" {
  for_each = local.stages

  topic_arn            = aws_sns_topic.events.arn
  protocol             = "sqs"
  endpoint             = aws_sqs_queue.stage[each.key].arn
  raw_message_delivery = true
  filter_policy_scope  = "MessageAttributes"
  filter_policy        = jsonencode({ event_type = each.value.consumes })

  # SNS must be allowed to send before the subscription can deliver.
  depends_on = [aws_sqs_queue_policy.stage]
}
