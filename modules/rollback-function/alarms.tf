# Alarms on the rollback itself: a failing rollback, undelivered alarm events or a change
# nobody was told about must reach people, since the automation they rely on is not working.

locals {
  function_alarms = {
    errors = {
      description = "The feature-flag rollback function ${var.name} failed: a flag may still be enabled."
      namespace   = "AWS/Lambda"
      metric_name = "Errors"
      dimensions  = { FunctionName = aws_lambda_function.rollback.function_name }
      statistic   = "Sum"
      period      = 60
    }
    dead-letters = {
      description = "Alarm events the rollback function ${var.name} could not handle are waiting in its dead-letter queue."
      namespace   = "AWS/SQS"
      metric_name = "ApproximateNumberOfMessagesVisible"
      dimensions  = { QueueName = aws_sqs_queue.dead_letter.name }
      statistic   = "Maximum"
      period      = 300
    }
    # The function counts every notification it gave up on (after its own retries) in
    # its EMF metric NotificationFailed, one series per function.
    notification-failures = {
      description = "The rollback function ${var.name} could not publish a notification (a flag may have been rolled back without anyone being told): see its log lines with decision notification_failed."
      namespace   = var.metrics_namespace
      metric_name = "NotificationFailed"
      dimensions  = { FunctionName = aws_lambda_function.rollback.function_name }
      statistic   = "Sum"
      period      = 60
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "function" {
  for_each = var.create_function_alarms ? local.function_alarms : {}

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  period              = each.value.period
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.topic_notifies ? [var.notification_topic_arn] : []
  tags                = var.tags
}
