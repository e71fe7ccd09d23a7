data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  # An explicit var.create entry wins: it is known at plan time even when the ARN is not.
  create_key                = coalesce(var.create.kms_key, var.kms_key_arn == null)
  create_notification_topic = coalesce(var.create.notification_topic, var.notification_topic_arn == null)
  # An existing topic's key is read at plan time, unless it comes from the same apply.
  check_notification_topic_key = !local.create_notification_topic && var.create.notification_topic == null && var.notification_topic_kms_key_arn != null

  partition = data.aws_partition.current.partition
  # The region from the EC2 endpoint ("ec2.REGION.DNS-SUFFIX"): `name` is deprecated in provider
  # 6.x and `id` in 6.47, while `region` does not exist in 5.x; `endpoint` is valid in both.
  region           = split(".", data.aws_region.current.endpoint)[1]
  account_id       = data.aws_caller_identity.current.account_id
  account_root_arn = "arn:${local.partition}:iam::${local.account_id}:root"
  # Every alarm of this account and region: the topic policies admit no other publisher.
  account_alarms_arn = "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:*"

  # Topic ARNs built from their names (as AWS does) so the policies are known at plan time.
  topic_arn_prefix = "arn:${local.partition}:sns:${local.region}:${local.account_id}"
  topic_names      = { alarms = "${var.name_prefix}-alarms", notifications = "${var.name_prefix}-notifications" }
  created_topic_arns = {
    for role, name in local.topic_names : role => "${local.topic_arn_prefix}:${name}"
    if role == "alarms" || local.create_notification_topic
  }

  kms_key_arn            = local.create_key ? aws_kms_key.topics[0].arn : var.kms_key_arn
  notification_topic_arn = local.create_notification_topic ? local.created_topic_arns.notifications : var.notification_topic_arn
  notification_key_arn   = local.create_notification_topic ? local.kms_key_arn : var.notification_topic_kms_key_arn

  subscriptions = merge(
    { for address in var.email_addresses : "email:${address}" => { protocol = "email", endpoint = address } },
    { for url in var.https_endpoints : "https:${url}" => { protocol = "https", endpoint = url } },
    { for arn in var.sqs_queue_arns : "sqs:${arn}" => { protocol = "sqs", endpoint = arn } },
  )
}

################################################################################
# KMS key for both topics
################################################################################

data "aws_iam_policy_document" "key" {
  count = local.create_key ? 1 : 0

  #checkov:skip=CKV_AWS_109:A key policy's Resource "*" means this key only; the account root statement is required so IAM can manage the key and it never becomes unmanageable.
  #checkov:skip=CKV_AWS_111:A key policy's Resource "*" means this key only; write access is limited to this account's root, CloudWatch (by source account) and the listed roles.
  #checkov:skip=CKV_AWS_356:In a key policy Resource must be "*" (it denotes the key the policy is attached to).
  statement {
    sid       = "AccountManagesKey"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.account_root_arn]
    }
  }

  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  dynamic "statement" {
    for_each = length(var.key_user_arns) > 0 ? [1] : []

    content {
      sid       = "FunctionPublishes"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = var.key_user_arns
      }
    }
  }
}

resource "aws_kms_key" "topics" {
  count = local.create_key ? 1 : 0

  description             = "Encrypts the ${var.name_prefix} alarm and notification topics."
  enable_key_rotation     = true
  deletion_window_in_days = var.key_deletion_window_in_days
  policy                  = data.aws_iam_policy_document.key[0].json
  tags                    = var.tags
}

resource "aws_kms_alias" "topics" {
  count = local.create_key ? 1 : 0

  name          = "alias/${var.name_prefix}-topics"
  target_key_id = aws_kms_key.topics[0].key_id
}

################################################################################
# Topics
################################################################################

resource "aws_sns_topic" "alarms" {
  name              = local.topic_names.alarms
  kms_master_key_id = local.kms_key_arn
  tags              = var.tags
}

resource "aws_sns_topic" "notifications" {
  count = local.create_notification_topic ? 1 : 0

  name              = local.topic_names.notifications
  kms_master_key_id = local.kms_key_arn
  tags              = var.tags
}

# Both topics admit the same publishers: this account (IAM decides who) and CloudWatch
# alarms of this account and region, never another account's alarms.
data "aws_iam_policy_document" "topic" {
  for_each = local.created_topic_arns

  statement {
    sid = "AccountManagesTopic"
    actions = [
      "sns:GetTopicAttributes",
      "sns:SetTopicAttributes",
      "sns:AddPermission",
      "sns:RemovePermission",
      "sns:DeleteTopic",
      "sns:Subscribe",
      "sns:ListSubscriptionsByTopic",
      "sns:Publish",
    ]
    resources = [each.value]

    principals {
      type        = "AWS"
      identifiers = [local.account_root_arn]
    }
  }

  statement {
    sid       = "AccountAlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [each.value]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.account_alarms_arn]
    }
  }
}

resource "aws_sns_topic_policy" "topics" {
  for_each = data.aws_iam_policy_document.topic

  arn    = each.key == "alarms" ? aws_sns_topic.alarms.arn : aws_sns_topic.notifications[0].arn
  policy = each.value.json
}

# The function's own alarms publish to the notification topic, and CloudWatch cannot use the
# AWS-managed SNS key (alias/aws/sns): its key policy admits only principals of the account
# calling through SNS. A given topic's key is checked here so the plan fails, not the alarms.
data "aws_kms_key" "notification_topic" {
  count = local.check_notification_topic_key ? 1 : 0

  key_id = var.notification_topic_kms_key_arn

  lifecycle {
    postcondition {
      condition     = self.key_manager == "CUSTOMER"
      error_message = "The notification topic's key ${var.notification_topic_kms_key_arn} is managed by AWS (alias/aws/sns): CloudWatch cannot use it, so the function's own alarms could never notify that topic. Encrypt the topic with a customer-managed key whose key policy lets cloudwatch.amazonaws.com use it (kms:Decrypt, kms:GenerateDataKey*), or leave notification_topic_arn null so this module creates the topic."
    }
  }
}

resource "aws_sns_topic_subscription" "notifications" {
  for_each = local.subscriptions

  topic_arn = local.notification_topic_arn
  protocol  = each.value.protocol
  endpoint  = each.value.endpoint

  # An HTTPS endpoint receives nothing until it confirms its subscription (fetches the
  # SubscribeURL SNS posts to it). Chat incoming webhooks never do, so the subscription would
  # stay pending and deliver nothing, silently. Terraform instead waits for the confirmation
  # and fails the apply when none comes (see var.https_endpoints for what to use instead).
  endpoint_auto_confirms = each.value.protocol == "https" ? true : null

  # The ARN is built from the topic's name, so it carries no dependency on the topic:
  # without this, Subscribe can run before CreateTopic ("Topic does not exist").
  depends_on = [aws_sns_topic.notifications]
}
