# The job ledger and the usage table (docs/architecture.md, "The ledger's items"). On-demand billing: load follows
# submissions, which are bursty and small.

resource "aws_dynamodb_table" "jobs" {
  name                        = "${var.name_prefix}${var.topology.jobs_table}"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "job_id"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "job_id"
    type = "S"
  }
  attribute {
    name = "user_id"
    type = "S"
  }
  attribute {
    name = "created_at"
    type = "S"
  }
  attribute {
    name = "outbox"
    type = "S"
  }

  # "My jobs", newest first, with pagination.
  global_secondary_index {
    name            = "user_id-created_at"
    hash_key        = "user_id"
    range_key       = "created_at"
    projection_type = "ALL"
  }

  # The submit outbox (sparse: only jobs whose job.submitted is not yet published), read by the
  # gateway's relay. DynamoDB Streams on this table could feed a relay Lambda instead.
  global_secondary_index {
    name            = var.topology.outbox_index
    hash_key        = "outbox"
    range_key       = "created_at"
    projection_type = "ALL"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }
}

resource "aws_dynamodb_table" "usage" {
  name                        = "${var.name_prefix}${var.topology.usage_table}"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "user_id"
  range_key                   = "period"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "user_id"
    type = "S"
  }
  attribute {
    name = "period"
    type = "S"
  }

  # Only the hourly quote counters (`<user>#quotes`) carry it: the monthly usage is kept.
  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }
}

# API keys (sha256 digests only) and each user's webhook signing secret (KMS ciphertext), told
# apart by `kind`; written by the operator CLI (pharmagen-ops keys), read by the gateway and notifier.
resource "aws_dynamodb_table" "keys" {
  name                        = "${var.name_prefix}${var.topology.keys_table}"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "pk"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }
}
