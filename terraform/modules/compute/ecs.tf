# The ECS cluster and, for every stage of the topology and the gateway, a log group, a task
# definition and a service. Every service runs the same code as `python -m <module>`, from
# the base or the media variant of one image.

locals {
  stages   = var.topology.stages
  services = toset(concat(keys(local.stages), ["gateway"]))
  modules  = merge({ for name, s in local.stages : name => s.module }, { gateway = "services.gateway" })
  sizes    = { for s in local.services : s => lookup(var.task_sizes, s, var.default_task_size) }
  images = {
    for s in local.services :
    s => "${aws_ecr_repository.this.repository_url}:${var.image_tag}-${contains(var.media_services, s) ? "media" : "base"}"
  }
  base_environment = merge({
    AWS_REGION                = var.region
    PHARMAGEN_RESOURCE_PREFIX = var.name_prefix
    PHARMAGEN_LOG_FORMAT      = "json"
    PHARMAGEN_WORKDIR         = "/tmp/pharmagen"
    # A deployment: no development keys or secrets, https-only public webhooks, the key store required.
    PHARMAGEN_ENV                = "prod"
    PHARMAGEN_WEBHOOK_KMS_KEY_ID = var.kms_key_arn
  }, var.environment)
  secret_env_names = {
    replicate    = "REPLICATE_API_TOKEN"
    openai       = "OPENAI_API_KEY"
    stream_token = "PHARMAGEN_STREAM_TOKEN_SECRET"
  }
  # Every secret a task reads is injected by ECS from Secrets Manager (by ARN), never a plain value.
  task_secrets = {
    for s in local.services : s => [for key in lookup(var.secrets_by_service, s, []) : {
      name      = local.secret_env_names[key]
      valueFrom = var.secret_arns[key]
    }]
  }
  gateway_port = 8080
  # A worker has no port: the check proves the interpreter and the code import in the task.
  worker_health = ["CMD", "python", "-m", "shared.liveness"]
  gateway_health = ["CMD", "python", "-c",
  "import urllib.request; urllib.request.urlopen('http://127.0.0.1:${local.gateway_port}/health', timeout=3)"]
}

resource "aws_ecr_repository" "this" {
  name                 = "${var.name_prefix}pharmagen"
  image_tag_mutability = "IMMUTABLE"
  image_scanning_configuration {
    scan_on_push = true
  }
  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.kms_key_arn
  }
}

resource "aws_ecs_cluster" "this" {
  name = "${var.name_prefix}pharmagen"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE"]
  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
}

resource "aws_cloudwatch_log_group" "service" {
  for_each = local.services
  #checkov:skip=CKV_AWS_338:Seven days is the spec (issue 7): job state lives in the ledger, logs are for debugging a recent run.

  name              = "${var.log_group_prefix}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_ecs_task_definition" "service" {
  for_each = local.services

  family                   = "${var.name_prefix}pharmagen-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = local.sizes[each.key].cpu
  memory                   = local.sizes[each.key].memory
  task_role_arn            = var.task_role_arns[each.key]
  execution_role_arn       = var.execution_role_arns[each.key]

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "ARM64"
  }

  # The root filesystem is read-only; the work directory is task storage.
  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([{
    name                   = each.key
    image                  = local.images[each.key]
    command                = ["python", "-m", local.modules[each.key]]
    essential              = true
    readonlyRootFilesystem = true
    # Fargate's ceiling: the worker stops receiving on SIGTERM and finishes what it holds.
    stopTimeout = 120
    environment = [for k, v in merge(local.base_environment, each.key == "gateway" ? {
      PHARMAGEN_HOST = "0.0.0.0"
      PHARMAGEN_PORT = tostring(local.gateway_port)
    } : {}) : { name = k, value = v }]
    secrets      = local.task_secrets[each.key]
    portMappings = each.key == "gateway" ? [{ containerPort = local.gateway_port, protocol = "tcp" }] : []
    mountPoints  = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
    healthCheck = {
      command     = each.key == "gateway" ? local.gateway_health : local.worker_health
      interval    = 30
      timeout     = 5
      retries     = 3
      startPeriod = 30
    }
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.service[each.key].name
        awslogs-region        = var.region
        awslogs-stream-prefix = each.key
      }
    }
  }])
}

resource "aws_ecs_service" "service" {
  for_each = local.services

  name                              = "${var.name_prefix}pharmagen-${each.key}"
  cluster                           = aws_ecs_cluster.this.id
  task_definition                   = aws_ecs_task_definition.service[each.key].arn
  launch_type                       = "FARGATE"
  desired_count                     = each.key == "gateway" ? var.gateway_scaling.min : local.scaling[each.key].min
  health_check_grace_period_seconds = each.key == "gateway" ? 60 : null
  propagate_tags                    = "SERVICE"

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [each.key == "gateway" ? aws_security_group.gateway.id : aws_security_group.worker.id]
    assign_public_ip = false
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  dynamic "load_balancer" {
    for_each = each.key == "gateway" ? [1] : []
    content {
      target_group_arn = aws_lb_target_group.gateway.arn
      container_name   = "gateway"
      container_port   = local.gateway_port
    }
  }

  # Autoscaling owns the task count after creation.
  lifecycle {
    ignore_changes = [desired_count]
  }

  depends_on = [aws_lb_listener.https]
}
