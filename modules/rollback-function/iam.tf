locals {
  application_arn     = "arn:${local.partition}:appconfig:${local.region}:${local.account_id}:application/${var.appconfig_application_id}"
  environment_arn     = "${local.application_arn}/environment/${var.appconfig_environment_id}"
  deployments_arn     = "${local.environment_arn}/deployment/*"
  profile_arn         = "${local.application_arn}/configurationprofile/${var.appconfig_configuration_profile_id}"
  hosted_versions_arn = "${local.profile_arn}/hostedconfigurationversion/*"
  strategy_arn        = "arn:${local.partition}:appconfig:${local.region}:${local.account_id}:deploymentstrategy/${var.appconfig_deployment_strategy_id}"
  alarm_arn_prefix    = "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:"
  account_alarms_arn  = "${local.alarm_arn_prefix}*"
  log_group_arn       = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"
  # Built from the name (as AWS does) so the policy is known at plan time.
  dead_letter_queue_arn = "arn:${local.partition}:sqs:${local.region}:${local.account_id}:${local.dead_letter_queue_name}"
}

# Held flags and the guarded restore.
locals {
  restore_strategy_arn = "arn:${local.partition}:appconfig:${local.region}:${local.account_id}:deploymentstrategy/${local.restore_strategy_id}"
  # An SSM parameter ARN is "parameter" followed by the name, which starts with "/".
  holds_path_arn = "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${var.holds_parameter_path}"
}

data "aws_iam_policy_document" "assume" {
  statement {
    sid     = "LambdaAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "function" {
  name               = "${var.name}-role"
  description        = "Execution role of the ${var.name} feature-flag rollback function."
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

# One statement per purpose; every resource is an exact ARN of this module's targets. The
# only wildcards are the numbered children AppConfig creates at run time (deployments,
# hosted configuration versions), the log streams Lambda names itself, and the alarms of
# this account and region for DescribeAlarms (explained at its statement).
data "aws_iam_policy_document" "function" {
  statement {
    sid       = "ReadDeployments"
    actions   = ["appconfig:ListDeployments"]
    resources = [local.environment_arn]
  }

  statement {
    sid       = "StopInProgressDeployment"
    actions   = ["appconfig:StopDeployment"]
    resources = [local.deployments_arn]
  }

  statement {
    sid       = "DeployFlagVersion"
    actions   = ["appconfig:StartDeployment"]
    resources = distinct([local.environment_arn, local.profile_arn, local.strategy_arn, local.restore_strategy_arn])
  }

  statement {
    sid = "ReadDeployedFlags"
    actions = [
      "appconfig:GetConfigurationProfile",
      "appconfig:ListHostedConfigurationVersions",
      "appconfig:GetHostedConfigurationVersion",
    ]
    resources = [local.profile_arn, local.hosted_versions_arn]
  }

  statement {
    sid       = "WriteFlagVersion"
    actions   = ["appconfig:CreateHostedConfigurationVersion"]
    resources = [local.profile_arn]
  }

  # Held flags: one parameter per flag under the path (read, written on rollback and
  # restore); GetParametersByPath (the holds action) is authorised against the path itself.
  statement {
    sid       = "KeepHolds"
    actions   = ["ssm:GetParameter", "ssm:PutParameter"]
    resources = ["${local.holds_path_arn}/*"]
  }

  statement {
    sid       = "ListHolds"
    actions   = ["ssm:GetParametersByPath"]
    resources = [local.holds_path_arn]
  }

  # DescribeAlarms is read-only. The function lists its flag alarms by name prefix (and
  # composite alarms); AWS authorises such a call against alarm:* of the account and region,
  # so exact alarm ARNs would deny it. The scope stays this account and region.
  statement {
    sid       = "DescribeFlagAlarms"
    actions   = ["cloudwatch:DescribeAlarms"]
    resources = [local.account_alarms_arn]
  }

  dynamic "statement" {
    for_each = local.topic_notifies ? [1] : []

    content {
      sid       = "PublishNotifications"
      actions   = ["sns:Publish"]
      resources = [var.notification_topic_arn]
    }
  }

  dynamic "statement" {
    for_each = length(var.kms_key_arns) > 0 ? [1] : []

    content {
      sid       = "UseEncryptionKeys"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = var.kms_key_arns
    }
  }

  statement {
    sid       = "SendToDeadLetterQueue"
    actions   = ["sqs:SendMessage"]
    resources = [local.dead_letter_queue_arn]
  }

  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.log_group_arn}:*"]
  }
}

resource "aws_iam_role_policy" "function" {
  name   = "${var.name}-rollback"
  role   = aws_iam_role.function.id
  policy = data.aws_iam_policy_document.function.json
}
