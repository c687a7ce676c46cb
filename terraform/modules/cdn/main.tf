# CloudFront: the web page from the private frontend bucket through origin access control,
# /api/* passed to the ALB uncached. SPA routes (paths without a file extension) are rewritten
# to /index.html by a viewer-request function on the page behaviour only: a distribution-wide
# custom error response would also turn the API's 403/404 answers into the page.

locals {
  # AWS-managed policies (their IDs are fixed across accounts).
  caching_optimized             = "658327ea-f89d-4fab-a63d-7e88639e58f6"
  caching_disabled              = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
  all_viewer_except_host_header = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
  s3_origin                     = "web"
  api_origin                    = "api"
}

resource "aws_cloudfront_origin_access_control" "web" {
  name                              = "${var.name_prefix}pharmagen-web"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_response_headers_policy" "security" {
  name = "${var.name_prefix}pharmagen-security-headers"
  security_headers_config {
    strict_transport_security {
      access_control_max_age_sec = 31536000
      include_subdomains         = true
      preload                    = true
      override                   = true
    }
    content_type_options {
      override = true
    }
    frame_options {
      frame_option = "DENY"
      override     = true
    }
    referrer_policy {
      referrer_policy = "strict-origin-when-cross-origin"
      override        = true
    }
  }
}

resource "aws_cloudfront_function" "spa_routes" {
  name    = "${var.name_prefix}pharmagen-spa-routes"
  runtime = "cloudfront-js-2.0"
  publish = true
  code    = file("${path.module}/spa_routes.js")
}

resource "aws_cloudfront_distribution" "site" {
  #checkov:skip=CKV_AWS_86:Access logging needs a log bucket with ACLs enabled; the API's own structured logs carry every request.
  #checkov:skip=CKV_AWS_310:One S3 origin and one ALB origin; a failover group would need a second copy of each.
  #checkov:skip=CKV_AWS_374:The ad tool is offered worldwide; no geo restriction applies.
  #checkov:skip=CKV2_AWS_47:The managed rule group with Log4j protection belongs to the web ACL passed in var.web_acl_id.
  enabled             = true
  is_ipv6_enabled     = true
  comment             = "${var.name_prefix}pharmagen"
  default_root_object = "index.html"
  aliases             = var.aliases
  price_class         = var.price_class
  web_acl_id          = var.web_acl_id
  http_version        = "http2and3"

  origin {
    origin_id                = local.s3_origin
    domain_name              = var.frontend_bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.web.id
  }

  origin {
    origin_id   = local.api_origin
    domain_name = var.api_origin_domain
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
      # Server-sent progress events hold the response open.
      origin_read_timeout = 60
    }
  }

  default_cache_behavior {
    target_origin_id           = local.s3_origin
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD", "OPTIONS"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = local.caching_optimized
    response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id

    function_association {
      event_type   = "viewer-request"
      function_arn = aws_cloudfront_function.spa_routes.arn
    }
  }

  ordered_cache_behavior {
    path_pattern               = "/api/*"
    target_origin_id           = local.api_origin
    viewer_protocol_policy     = "https-only"
    allowed_methods            = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = false
    cache_policy_id            = local.caching_disabled
    origin_request_policy_id   = local.all_viewer_except_host_header
    response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = var.certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
}

data "aws_iam_policy_document" "frontend" {
  statement {
    sid       = "CloudFrontReadsThePage"
    actions   = ["s3:GetObject"]
    resources = ["${var.frontend_bucket_arn}/*"]
    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.site.arn]
    }
  }
}

resource "aws_s3_bucket_policy" "frontend" {
  bucket = var.frontend_bucket_name
  policy = data.aws_iam_policy_document.frontend.json
}
