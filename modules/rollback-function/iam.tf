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

# IAM names are global to the account, not per region: a fixed "<name>-role" collides when the
# same name is deployed in two regions. With name_prefix the provider appends a unique
# 26-character suffix; the prefix is cut to 38 characters so the name fits IAM's 64.
resource "aws_iam_role" "function" {
  name_prefix        = "${substr(var.name, 0, 37)}-"
  description        = "Execution role of the ${var.name} feature-flag rollback function."
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

# One statement per purpose; every resource is an exact ARN of this module's targets. The
# only wildcards are the numbered children AppConfig creates at run time (deployments,
# hosted configuration versions), the log streams Lambda names itself, and the alarms of
# this account and region for DescribeAlarms (explained at its statement).
#
# AppConfig authorises each call on every resource type the Service Authorization Reference
# marks required for it, and the application is required for all of them (StartDeployment:
# application, environment, configuration profile, deployment strategy; StopDeployment:
# application, environment, deployment). So each AppConfig statement lists the application
# too; it grants nothing alone, since the same call also needs its environment or profile.
data "aws_iam_policy_document" "function" {
  statement {
    sid       = "ReadDeployments"
    actions   = ["appconfig:ListDeployments"]
    resources = [local.application_arn, local.environment_arn]
  }

  statement {
    sid       = "StopInProgressDeployment"
    actions   = ["appconfig:StopDeployment"]
    resources = [local.application_arn, local.environment_arn, local.deployments_arn]
  }

  statement {
    sid       = "DeployFlagVersion"
    actions   = ["appconfig:StartDeployment"]
    resources = distinct([local.application_arn, local.environment_arn, local.profile_arn, local.strategy_arn, local.restore_strategy_arn])
  }

  # The SAR gives hosted configuration versions the profile's ARN pattern today and the
  # profile/hostedconfigurationversion/<n> pattern in earlier editions: both are granted.
  statement {
    sid = "ReadDeployedFlags"
    actions = [
      "appconfig:GetConfigurationProfile",
      "appconfig:ListHostedConfigurationVersions",
      "appconfig:GetHostedConfigurationVersion",
    ]
    resources = [local.application_arn, local.profile_arn, local.hosted_versions_arn]
  }

  statement {
    sid       = "WriteFlagVersion"
    actions   = ["appconfig:CreateHostedConfigurationVersion"]
    resources = [local.application_arn, local.profile_arn]
  }

  # Destroy-time cleanup (cleanup.tf): the versions it wrote. The Service Authorization
  # Reference requires the application, the profile and the version for this action; the
  # version numbers are AppConfig's, hence the wildcard under this one profile.
  statement {
    sid       = "DeleteOwnFlagVersions"
    actions   = ["appconfig:DeleteHostedConfigurationVersion"]
    resources = [local.application_arn, local.profile_arn, local.hosted_versions_arn]
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
