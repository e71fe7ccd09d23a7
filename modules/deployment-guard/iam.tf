locals {
  application_arn = "arn:${local.partition}:appconfig:${local.region}:${local.account_id}:application/${var.appconfig_application_id}"
  profile_arn     = "${local.application_arn}/configurationprofile/${var.appconfig_configuration_profile_id}"
  # An SSM parameter ARN is "parameter" followed by the name, which starts with "/".
  holds_path_arn = "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${var.holds_parameter_path}"
  log_group_arn  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"
  # Built from the name (as AWS does) so the extension role's policy is known at plan time.
  guard_function_arn = "arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:${local.function_name}"
}

################################################################################
# The guard function's execution role: read holds, notify, log. Nothing else.
################################################################################

data "aws_iam_policy_document" "guard_assume" {
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

# IAM names are global to the account: name_prefix (the provider appends a unique suffix) keeps
# two regions' stacks of the same name apart, as the rollback function's role does.
resource "aws_iam_role" "guard" {
  name_prefix        = "${substr(var.name, 0, 31)}-guard-"
  description        = "Execution role of the ${var.name} deployment guard."
  assume_role_policy = data.aws_iam_policy_document.guard_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "guard" {
  # GetParametersByPath is authorised against the path itself.
  statement {
    sid       = "ReadHolds"
    actions   = ["ssm:GetParametersByPath"]
    resources = [local.holds_path_arn]
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
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.log_group_arn}:*"]
  }
}

resource "aws_iam_role_policy" "guard" {
  name   = "${var.name}-guard"
  role   = aws_iam_role.guard.id
  policy = data.aws_iam_policy_document.guard.json
}

################################################################################
# The extension's service role: AppConfig assumes it to invoke the guard, and only that.
################################################################################

data "aws_iam_policy_document" "extension_assume" {
  statement {
    sid     = "AppConfigAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["appconfig.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "extension" {
  name_prefix        = "${substr(var.name, 0, 27)}-guard-ext-"
  description        = "Assumed by AppConfig to invoke the ${var.name} deployment guard."
  assume_role_policy = data.aws_iam_policy_document.extension_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "extension" {
  statement {
    sid       = "InvokeGuard"
    actions   = ["lambda:InvokeFunction"]
    resources = [local.guard_function_arn]
  }
}

resource "aws_iam_role_policy" "extension" {
  name   = "${var.name}-guard-extension"
  role   = aws_iam_role.extension.id
  policy = data.aws_iam_policy_document.extension.json
}
