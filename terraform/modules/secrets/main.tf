# Secrets Manager entries for the provider API keys. Terraform creates the entries, never the
# values (they would land in state): an operator puts them once, see docs/deploy.md.
# Task definitions reference them by ARN, so ECS injects REPLICATE_API_TOKEN / OPENAI_API_KEY.

locals {
  secrets = {
    replicate = "Replicate API token (REPLICATE_API_TOKEN)"
    openai    = "OpenAI API key (OPENAI_API_KEY)"
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
