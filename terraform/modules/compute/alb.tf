# The gateway behind an internet-facing ALB that only CloudFront can reach (its origin-facing
# prefix list), over HTTPS. Workers take no inbound traffic at all.

resource "aws_security_group" "alb" {
  name        = "${var.name_prefix}pharmagen-alb"
  description = "HTTPS from CloudFront to the ALB"
  vpc_id      = var.vpc_id

  ingress {
    description     = "HTTPS from the CloudFront origin-facing prefix list"
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    prefix_list_ids = var.alb_ingress_prefix_list_ids
  }
}

resource "aws_security_group" "gateway" {
  name        = "${var.name_prefix}pharmagen-gateway"
  description = "Gateway tasks: HTTP from the ALB, HTTPS out"
  vpc_id      = var.vpc_id

  ingress {
    description     = "HTTP from the ALB"
    from_port       = local.gateway_port
    to_port         = local.gateway_port
    protocol        = "tcp"
    security_groups = [aws_security_group.alb.id]
  }

  egress {
    description = "HTTPS to AWS APIs (endpoints or NAT)"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "worker" {
  name        = "${var.name_prefix}pharmagen-worker"
  description = "Stage workers: no inbound, HTTPS out to AWS and the model providers"
  vpc_id      = var.vpc_id

  egress {
    description = "HTTPS to AWS APIs, Replicate and OpenAI"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_vpc_security_group_egress_rule" "alb_to_gateway" {
  security_group_id            = aws_security_group.alb.id
  description                  = "HTTP to the gateway tasks"
  ip_protocol                  = "tcp"
  from_port                    = local.gateway_port
  to_port                      = local.gateway_port
  referenced_security_group_id = aws_security_group.gateway.id
}

resource "aws_lb" "gateway" {
  #checkov:skip=CKV_AWS_91:Request logs are kept by CloudFront, the only client of this ALB.
  #checkov:skip=CKV2_AWS_28:The WAF web ACL is attached at CloudFront (cdn module, var.web_acl_id), the only way in.
  name                       = "${var.name_prefix}pharmagen"
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.public_subnet_ids
  security_groups            = [aws_security_group.alb.id]
  drop_invalid_header_fields = true
  enable_deletion_protection = var.alb_deletion_protection
}

resource "aws_lb_target_group" "gateway" {
  name        = "${var.name_prefix}pharmagen-gw"
  port        = local.gateway_port
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = var.vpc_id

  health_check {
    path                = "/health"
    matcher             = "200"
    interval            = 15
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  # Server-sent progress streams are long-lived; give them time to close on deploys.
  deregistration_delay = 60
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.gateway.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.gateway.arn
  }
}
