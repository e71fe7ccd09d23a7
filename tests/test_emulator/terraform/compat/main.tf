# Every resource type the module uses, with the settings that drift against plain moto.
# tests/test_emulator/test_terraform_compat.py applies it against the emulator, checks that a
# second plan is empty, and destroys it. The provider takes its endpoint from AWS_ENDPOINT_URL.

provider "aws" {
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

data "aws_caller_identity" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
}

# ---------------------------------------------------------------- KMS

data "aws_iam_policy_document" "key" {
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"] # a key policy always names the key itself as "*"
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${local.account_id}:root"]
    }
  }
  statement {
    sid       = "ServicesEncrypt"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"] # a key policy always names the key itself as "*"
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "events.amazonaws.com", "sns.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "flags" {
  description             = "${var.name} notifications"
  deletion_window_in_days = 7
  enable_key_rotation     = true
  policy                  = data.aws_iam_policy_document.key.json
  tags                    = { Purpose = "compat", Revision = var.revision }
}

resource "aws_kms_alias" "flags" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.flags.key_id
}

# ---------------------------------------------------------------- SQS

resource "aws_sqs_queue" "dead_letters" {
  name                      = "${var.name}-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
}

resource "aws_sqs_queue" "failures" {
  name                              = "${var.name}-failures"
  kms_master_key_id                 = aws_kms_alias.flags.name
  kms_data_key_reuse_period_seconds = 300
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letters.arn
    maxReceiveCount     = 3
  })
}

data "aws_iam_policy_document" "failures" {
  statement {
    sid       = "TopicDelivers"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.failures.arn]
    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_sns_topic.alarms.arn]
    }
  }
}

resource "aws_sqs_queue_policy" "failures" {
  queue_url = aws_sqs_queue.failures.id
  policy    = data.aws_iam_policy_document.failures.json
}

# ---------------------------------------------------------------- SNS

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = aws_kms_alias.flags.name
  tags              = { Purpose = "compat", Revision = var.revision }
}

data "aws_iam_policy_document" "alarms" {
  statement {
    sid       = "CloudWatchPublishes"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.alarms.json
}

resource "aws_sns_topic_subscription" "function" {
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "lambda"
  endpoint  = aws_lambda_function.rollback.arn
}

resource "aws_sns_topic_subscription" "queue" {
  topic_arn            = aws_sns_topic.alarms.arn
  protocol             = "sqs"
  endpoint             = aws_sqs_queue.failures.arn
  raw_message_delivery = true
}

# ---------------------------------------------------------------- IAM

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "function" {
  name               = "${var.name}-function"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = { Purpose = "compat" }
}

data "aws_iam_policy_document" "function" {
  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.function.arn}:*"]
  }
  statement {
    sid       = "SendFailures"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.failures.arn, aws_sqs_queue.dead_letters.arn]
  }
}

resource "aws_iam_role_policy" "function" {
  name   = "rollback"
  role   = aws_iam_role.function.id
  policy = data.aws_iam_policy_document.function.json
}

resource "aws_iam_policy" "read_flags" {
  name   = "${var.name}-read-flags"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "ReadFlags", Effect = "Allow", Action = ["appconfig:GetLatestConfiguration"], Resource = "*" }] })
}

resource "aws_iam_role_policy_attachment" "read_flags" {
  role       = aws_iam_role.function.name
  policy_arn = aws_iam_policy.read_flags.arn
}

# ---------------------------------------------------------------- Logs and Lambda

resource "aws_cloudwatch_log_group" "function" {
  name              = "/aws/lambda/${var.name}-rollback"
  retention_in_days = 14
  kms_key_id        = aws_kms_key.flags.arn
  tags              = { Purpose = "compat" }
}

resource "aws_lambda_function" "rollback" {
  function_name                  = "${var.name}-rollback"
  role                           = aws_iam_role.function.arn
  handler                        = "app.handler"
  runtime                        = "python3.12"
  filename                       = var.package_path
  source_code_hash               = filebase64sha256(var.package_path)
  timeout                        = 30
  memory_size                    = 256
  reserved_concurrent_executions = 2
  description                    = "Terraform compatibility check, revision ${var.revision}"

  environment {
    variables = { DRY_RUN = "false", METRICS_NAMESPACE = "FeatureFlags", REVISION = var.revision }
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.dead_letters.arn
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.function.name
    application_log_level = "INFO"
    system_log_level      = "WARN"
  }

  tracing_config {
    mode = "Active"
  }

  tags = { Purpose = "compat" }

  depends_on = [aws_iam_role_policy.function]
}

resource "aws_lambda_permission" "sns" {
  statement_id  = "AllowSnsInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.rollback.function_name
  principal     = "sns.amazonaws.com"
  source_arn    = aws_sns_topic.alarms.arn
}

resource "aws_lambda_permission" "events" {
  statement_id  = "AllowEventBridgeInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.rollback.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.alarms.arn
}

resource "aws_lambda_function_event_invoke_config" "rollback" {
  function_name                = aws_lambda_function.rollback.function_name
  maximum_retry_attempts       = 1
  maximum_event_age_in_seconds = 3600

  destination_config {
    on_failure {
      destination = aws_sqs_queue.failures.arn
    }
  }
}

# ---------------------------------------------------------------- CloudWatch alarms

resource "aws_cloudwatch_metric_alarm" "simple" {
  alarm_name          = "FeatureFlag-${var.name}-Errors"
  alarm_description   = "Errors of the flag are too many (revision ${var.revision})."
  namespace           = "FeatureFlags"
  metric_name         = "Errors"
  dimensions          = { FeatureFlagName = var.name }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  threshold           = 5
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = { Purpose = "compat" }
}

resource "aws_cloudwatch_metric_alarm" "error_rate" {
  alarm_name          = "FeatureFlag-${var.name}-ErrorRate"
  alarm_description   = "Error rate of the flag is too high."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  threshold           = 5
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]

  metric_query {
    id          = "rate"
    expression  = "IF(requests > 0, 100 * errors / requests, 0)"
    label       = "Error rate (%)"
    return_data = true
  }

  metric_query {
    id = "errors"
    metric {
      namespace   = "FeatureFlags"
      metric_name = "Errors"
      dimensions  = { FeatureFlagName = var.name }
      period      = 60
      stat        = "Sum"
    }
  }

  metric_query {
    id = "requests"
    metric {
      namespace   = "FeatureFlags"
      metric_name = "Requests"
      dimensions  = { FeatureFlagName = var.name }
      period      = 60
      stat        = "Sum"
    }
  }
}

# ---------------------------------------------------------------- EventBridge

resource "aws_cloudwatch_event_rule" "alarms" {
  name        = "${var.name}-alarm-state"
  description = "Flag alarms entering ALARM (revision ${var.revision})."
  event_pattern = jsonencode({
    source        = ["aws.cloudwatch"]
    "detail-type" = ["CloudWatch Alarm State Change"]
    detail = {
      alarmName = [{ prefix = "FeatureFlag-" }]
      state     = { value = ["ALARM"] }
    }
  })
  tags = { Purpose = "compat" }
}

resource "aws_cloudwatch_event_target" "function" {
  rule      = aws_cloudwatch_event_rule.alarms.name
  target_id = "rollback"
  arn       = aws_lambda_function.rollback.arn
}

# ---------------------------------------------------------------- AppConfig

resource "aws_appconfig_application" "flags" {
  name        = "${var.name}-app"
  description = "Feature flags, revision ${var.revision}"
  tags        = { Purpose = "compat" }
}

resource "aws_appconfig_environment" "production" {
  name           = "production"
  description    = "Live traffic, revision ${var.revision}"
  application_id = aws_appconfig_application.flags.id
  tags           = { Purpose = "compat" }
}

resource "aws_appconfig_configuration_profile" "flags" {
  application_id = aws_appconfig_application.flags.id
  name           = "flags"
  description    = "Freeform flags"
  location_uri   = "hosted"
  type           = "AWS.Freeform"

  validator {
    type = "JSON_SCHEMA"
    content = jsonencode({
      "$schema" = "http://json-schema.org/draft-07/schema#"
      type      = "object"
      required  = ["flags"]
    })
  }
  tags = { Purpose = "compat" }
}

resource "aws_appconfig_hosted_configuration_version" "flags" {
  application_id           = aws_appconfig_application.flags.id
  configuration_profile_id = aws_appconfig_configuration_profile.flags.configuration_profile_id
  description              = "Initial flags"
  content_type             = "application/json"
  content = jsonencode({
    flags = { checkout = { enabled = true, rolloutPercentage = 50 } }
  })
}

resource "aws_appconfig_deployment_strategy" "quick" {
  name                           = "${var.name}-quick"
  description                    = "Two steps over two minutes, one minute bake."
  deployment_duration_in_minutes = 2
  final_bake_time_in_minutes     = var.revision
  growth_factor                  = 50
  growth_type                    = "LINEAR"
  replicate_to                   = "NONE"
  tags                           = { Purpose = "compat" }
}

resource "aws_appconfig_deployment" "flags" {
  application_id           = aws_appconfig_application.flags.id
  environment_id           = aws_appconfig_environment.production.environment_id
  configuration_profile_id = aws_appconfig_configuration_profile.flags.configuration_profile_id
  configuration_version    = aws_appconfig_hosted_configuration_version.flags.version_number
  deployment_strategy_id   = aws_appconfig_deployment_strategy.quick.id
  description              = "Initial rollout"
  tags                     = { Purpose = "compat" }
}
