# Each stage scales on its backlog per running task: (visible + in-flight messages) / running
# tasks, held at the stage's concurrency from the topology, i.e. one task per `concurrency`
# messages of work. In-flight messages count because a clips scene holds its message for minutes.
# Clips fan out one message per scene (docs/architecture.md, "Units of work"), so a job's backlog on
# the clips queue is its scenes, and the service scales out to render them side by side. The
# gateway scales on CPU.

locals {
  scaling = { for name in keys(local.stages) : name => lookup(var.stage_scaling, name, var.default_stage_scaling) }
}

resource "aws_appautoscaling_target" "stage" {
  for_each = local.stages

  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.service[each.key].name}"
  min_capacity       = local.scaling[each.key].min
  max_capacity       = local.scaling[each.key].max
}

resource "aws_appautoscaling_policy" "stage_backlog" {
  for_each = local.stages

  name               = "${var.name_prefix}pharmagen-${each.key}-backlog-per-task"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.stage[each.key].service_namespace
  scalable_dimension = aws_appautoscaling_target.stage[each.key].scalable_dimension
  resource_id        = aws_appautoscaling_target.stage[each.key].resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = each.value.concurrency
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    customized_metric_specification {
      metrics {
        id    = "visible"
        label = "messages waiting"
        metric_stat {
          metric {
            namespace   = "AWS/SQS"
            metric_name = "ApproximateNumberOfMessagesVisible"
            dimensions {
              name  = "QueueName"
              value = "${var.name_prefix}${each.value.queue}"
            }
          }
          stat = "Sum"
        }
        return_data = false
      }
      metrics {
        id    = "inflight"
        label = "messages being handled"
        metric_stat {
          metric {
            namespace   = "AWS/SQS"
            metric_name = "ApproximateNumberOfMessagesNotVisible"
            dimensions {
              name  = "QueueName"
              value = "${var.name_prefix}${each.value.queue}"
            }
          }
          stat = "Sum"
        }
        return_data = false
      }
      metrics {
        id    = "tasks"
        label = "running tasks"
        metric_stat {
          metric {
            namespace   = "ECS/ContainerInsights"
            metric_name = "RunningTaskCount"
            dimensions {
              name  = "ClusterName"
              value = aws_ecs_cluster.this.name
            }
            dimensions {
              name  = "ServiceName"
              value = aws_ecs_service.service[each.key].name
            }
          }
          stat = "Average"
        }
        return_data = false
      }
      metrics {
        id          = "backlog_per_task"
        label       = "backlog per running task"
        expression  = "(visible + inflight) / tasks"
        return_data = true
      }
    }
  }
}

resource "aws_appautoscaling_target" "gateway" {
  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.service["gateway"].name}"
  min_capacity       = var.gateway_scaling.min
  max_capacity       = var.gateway_scaling.max
}

resource "aws_appautoscaling_policy" "gateway_cpu" {
  name               = "${var.name_prefix}pharmagen-gateway-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.gateway.service_namespace
  scalable_dimension = aws_appautoscaling_target.gateway.scalable_dimension
  resource_id        = aws_appautoscaling_target.gateway.resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = var.gateway_scaling.cpu_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
