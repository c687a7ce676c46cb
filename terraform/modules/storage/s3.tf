# The assets bucket (private; videos leave it only through short-lived presigned URLs) and the
# frontend bucket (read by CloudFront through origin access control, see the cdn module).

locals {
  buckets = {
    assets   = "${var.name_prefix}${var.topology.assets_bucket}"
    frontend = "${var.name_prefix}${var.topology.assets_bucket}-web"
  }
}

resource "aws_s3_bucket" "assets" {
  #checkov:skip=CKV_AWS_18:Access logs would need a third bucket per environment; CloudTrail data events are the audit trail.
  #checkov:skip=CKV_AWS_144:Contents are regenerable (assets from the brief, the page from the repo); replication doubles storage for no recovery gain.
  #checkov:skip=CKV2_AWS_62:Nothing reacts to object events: the pipeline is driven by SNS events, not S3 notifications.
  bucket        = local.buckets["assets"]
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket_public_access_block" "assets" {
  bucket                  = aws_s3_bucket.assets.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "assets" {
  bucket = aws_s3_bucket.assets.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "assets" {
  bucket = aws_s3_bucket.assets.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket" "frontend" {
  #checkov:skip=CKV_AWS_18:Access logs would need a third bucket per environment; CloudTrail data events are the audit trail.
  #checkov:skip=CKV_AWS_144:Contents are regenerable (assets from the brief, the page from the repo); replication doubles storage for no recovery gain.
  #checkov:skip=CKV2_AWS_62:Nothing reacts to object events: the pipeline is driven by SNS events, not S3 notifications.
  #checkov:skip=CKV_AWS_145:The web page is public content; SSE-S3 lets CloudFront origin access control read it without a KMS grant.
  bucket        = local.buckets["frontend"]
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket_public_access_block" "frontend" {
  bucket                  = aws_s3_bucket.frontend.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "frontend" {
  bucket = aws_s3_bucket.frontend.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "frontend" {
  bucket = aws_s3_bucket.frontend.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "assets" {
  bucket = aws_s3_bucket.assets.id
  rule {
    bucket_key_enabled = true
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "frontend" {
  bucket = aws_s3_bucket.frontend.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "assets" {
  bucket = aws_s3_bucket.assets.id

  rule {
    id     = "tiering"
    status = "Enabled"
    filter {}
    transition {
      days          = 30
      storage_class = "STANDARD_IA"
    }
    transition {
      days          = 90
      storage_class = "GLACIER"
    }
    expiration {
      days = 365
    }
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  # The app tags a failed job's assets; when two rules expire an object, S3 applies the sooner.
  rule {
    id     = "failed-jobs"
    status = "Enabled"
    filter {
      tag {
        key   = "pharmagen-status"
        value = "failed"
      }
    }
    expiration {
      days = var.failed_asset_expiry_days
    }
    noncurrent_version_expiration {
      noncurrent_days = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.assets]
}

resource "aws_s3_bucket_lifecycle_configuration" "frontend" {
  bucket = aws_s3_bucket.frontend.id

  rule {
    id     = "old-releases"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.frontend]
}
