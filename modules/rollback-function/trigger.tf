locals {
  trigger_sns         = var.trigger == "sns"
  trigger_eventbridge = var.trigger == "eventbridge"
  alarm_arns          = [for name in var.alarm_names : "${local.alarm_arn_prefix}${name}"]

  # EventBridge refuses an event pattern longer than its quota (2,048 characters by default,
  # adjustable), so the alarms are spread over as many rules as needed, each matching its own
  # ARNs exactly. The pattern is measured as rendered: the rest of the pattern with an empty
  # resources list, plus each ARN as JSON and one comma between ARNs. Alarms of flags that roll
  # back on INSUFFICIENT_DATA get rules matching that state too; the others match ALARM only
  # (a quiet flag is not a broken flag), so each group is measured with its own states.
  insufficient_alarm_names = toset(values(var.insufficient_data_rollback_alarms))
  event_rule_groups = [
    {
      states = ["ALARM"]
      arns   = [for name in var.alarm_names : "${local.alarm_arn_prefix}${name}" if !contains(local.insufficient_alarm_names, name)]
    },
    {
      states = ["ALARM", "INSUFFICIENT_DATA"]
      arns   = [for name in var.alarm_names : "${local.alarm_arn_prefix}${name}" if contains(local.insufficient_alarm_names, name)]
    },
  ]
  event_pattern_bases = [
    for group in local.event_rule_groups : {
      source        = ["aws.cloudwatch"]
      "detail-type" = ["CloudWatch Alarm State Change"]
      detail = {
        state = { value = group.states }
      }
    }
  ]
  longest_alarm_arn = max(0, [for arn in local.alarm_arns : length(jsonencode(arn))]...)
  # One event pattern per rule: each group's ARNs in chunks that keep its pattern within the quota.
  event_patterns = local.trigger_eventbridge ? flatten([
    for index, group in local.event_rule_groups : [
      for chunk in chunklist(group.arns, max(1, floor((var.event_pattern_max_length - length(jsonencode(merge(local.event_pattern_bases[index], { resources = [] }))) + 1) / (local.longest_alarm_arn + 1)))) :
      jsonencode(merge(local.event_pattern_bases[index], { resources = chunk }))
    ]
  ]) : []
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
# EventBridge: state changes of the flag alarms to ALARM (and to INSUFFICIENT_DATA for opted-in
# flags) invoke the function
################################################################################

resource "aws_cloudwatch_event_rule" "alarms" {
  count = length(local.event_patterns)

  # The first rule keeps the plain name, so a stack that grows past one rule renames nothing.
  name          = count.index == 0 ? "${var.name}-alarms" : "${var.name}-alarms-${count.index + 1}"
  description   = strcontains(local.event_patterns[count.index], "INSUFFICIENT_DATA") ? "Flag alarms entering ALARM or INSUFFICIENT_DATA (flags where silence means failure): invoke the ${var.name} rollback." : "Flag alarms entering ALARM: invoke the ${var.name} rollback."
  event_pattern = local.event_patterns[count.index]
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
