output "distribution_id" {
  description = "ID of the CloudFront distribution (for invalidations after a web page upload)."
  value       = aws_cloudfront_distribution.site.id
}

output "domain_name" {
  description = "CloudFront domain of the site; point the aliases at it."
  value       = aws_cloudfront_distribution.site.domain_name
}
