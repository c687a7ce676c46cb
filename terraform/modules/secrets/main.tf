# Secrets Manager entries for every secret a task reads: the provider API keys and the gateway's
# stream-token signing secret. Terraform creates the entries, never the values (they would land in
# state): an operator puts them once, see docs/deploy.md. Task definitions reference them by ARN, so
# ECS injects REPLICATE_API_TOKEN / OPENAI_API_KEY / PHARMAGEN_STREAM_TOKEN_SECRET; no secret is ever
# a plain environment value. (API keys and webhook secrets are per user, in the keys table.)

locals {
  secrets = {
    replicate    = "Replicate API token (REPLICATE_API_TOKEN)"
    openai       = "OpenAI API key (OPENAI_API_KEY)"
    stream_token = "Gateway progress-stream token signing secret (PHARMAGEN_STREAM_TOKEN_SECRET)"
  }
}

resource "aws_secretsmanager_secret" "provider" {
  for_each = local.secrets
  #checkov:skip=CKV2_AWS_57:Third-party API keys are minted in the provider's console; no rotation Lambda can issue them. Rotate by putting a new value.

  name                    = "${var.name_prefix}pharmagen/${each.key}"
  description             = each.value
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_days
}
