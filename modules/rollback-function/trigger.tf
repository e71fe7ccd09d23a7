locals {
  trigger_sns         = var.trigger == "sns"
  trigger_eventbridge = var.trigger == "eventbridge"
  alarm_arns          = [for name in var.alarm_names : "${local.alarm_arn_prefix}${name}"]

  # EventBridge refuses an event pattern longer than its quota (2,048 characters by default,
  # adjustable), so the alarms are spread over as many rules as needed, each matching its own
  # ARNs exactly. The pattern is measured as rendered: the rest of the pattern with an empty
  # resources list, plus each ARN as JSON and one comma between ARNs.
  event_pattern_base = {
    source        = ["aws.cloudwatch"]
    "detail-type" = ["CloudWatch Alarm State Change"]
    detail = {
      state = { value = ["ALARM"] }
    }
  }
  event_pattern_overhead = length(jsonencode(merge(local.event_pattern_base, { resources = [] })))
  longest_alarm_arn      = max(0, [for arn in local.alarm_arns : length(jsonencode(arn))]...)
  alarm_arns_per_rule    = max(1, floor((var.event_pattern_max_length - local.event_pattern_overhead + 1) / (local.longest_alarm_arn + 1)))
  alarm_arn_chunks       = local.trigger_eventbridge ? chunklist(local.alarm_arns, local.alarm_arns_per_rule) : []
}

################################################################################
# SNS: the alarm topic invokes the function
################################################################################

resource "aws_lambda_permission" "sns" {
  count = local.trigger_sns ? 1 : 0

  statement_id  = "AllowAlarmTopic"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.rollback.function_name
  principal     = "sns.amazonaws.com"
  source_arn    = var.alarm_topic_arn
}

resource "aws_sns_topic_subscription" "alarms" {
  count = local.trigger_sns ? 1 : 0

  topic_arn = var.alarm_topic_arn
  protocol  = "lambda"
  endpoint  = aws_lambda_function.rollback.arn

  depends_on = [aws_lambda_permission.sns]
}

################################################################################
# EventBridge: state changes to ALARM of the flag alarms invoke the function
################################################################################

resource "aws_cloudwatch_event_rule" "alarms" {
  count = length(local.alarm_arn_chunks)

  # The first rule keeps the plain name, so a stack that grows past one rule renames nothing.
  name          = count.index == 0 ? "${var.name}-alarms" : "${var.name}-alarms-${count.index + 1}"
  description   = "Flag alarms entering ALARM: invoke the ${var.name} rollback."
  event_pattern = jsonencode(merge(local.event_pattern_base, { resources = local.alarm_arn_chunks[count.index] }))
  tags          = var.tags
}

resource "aws_cloudwatch_event_target" "alarms" {
  count = length(aws_cloudwatch_event_rule.alarms)

  rule      = aws_cloudwatch_event_rule.alarms[count.index].name
  target_id = "rollback"
  arn       = aws_lambda_function.rollback.arn
}

resource "aws_lambda_permission" "eventbridge" {
  count = length(aws_cloudwatch_event_rule.alarms)

  statement_id  = count.index == 0 ? "AllowAlarmRule" : "AllowAlarmRule${count.index + 1}"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.rollback.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.alarms[count.index].arn
}
