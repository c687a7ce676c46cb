output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "Address range of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "Subnets of the ALB and the NAT gateways."
  value       = [for s in aws_subnet.public : s.id]
}

output "private_subnet_ids" {
  description = "Subnets the tasks run in."
  value       = [for s in aws_subnet.private : s.id]
}
