locals {
  trigger_sns         = var.trigger == "sns"
  trigger_eventbridge = var.trigger == "eventbridge"
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
  count = local.trigger_eventbridge ? 1 : 0

  name        = "${var.name}-alarms"
  description = "Flag alarms entering ALARM: invoke the ${var.name} rollback."
  event_pattern = jsonencode({
    source        = ["aws.cloudwatch"]
    "detail-type" = ["CloudWatch Alarm State Change"]
    resources     = local.alarm_arns
    detail = {
      state = { value = ["ALARM"] }
    }
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_target" "alarms" {
  count = local.trigger_eventbridge ? 1 : 0

  rule      = aws_cloudwatch_event_rule.alarms[0].name
  target_id = "rollback"
  arn       = aws_lambda_function.rollback.arn
}

resource "aws_lambda_permission" "eventbridge" {
  count = local.trigger_eventbridge ? 1 : 0

  statement_id  = "AllowAlarmRule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.rollback.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.alarms[0].arn
}
