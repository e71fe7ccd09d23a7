mock_provider "aws" {
  source = "../../tests/mocks"
}

# A real provider that never calls AWS: plan-only runs use it so the policy documents render
# their actual JSON; the caller identity it would fetch is overridden.
provider "aws" {
  alias                       = "offline"
  region                      = "us-east-1"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  skip_requesting_account_id  = true
}

# Plan-only runs with this provider come first: later runs apply with the mock, and the real
# provider would then try to refresh the mocked resources.
override_data {
  target = data.aws_caller_identity.current
  values = {
    account_id = "123456789012"
  }
}

# A given notification topic's key, as KMS describes a customer-managed key.
override_data {
  target = data.aws_kms_key.notification_topic
  values = {
    key_manager = "CUSTOMER"
  }
}

variables {
  name_prefix   = "flag-rollback"
  key_user_arns = ["arn:aws:iam::123456789012:role/flag-rollback-role"]
  tags          = { Team = "payments" }
}

run "key_policy_admits_cloudwatch_of_this_account_and_the_function" {
  command   = plan
  providers = { aws = aws.offline }

  assert {
    condition = [
      for statement in jsondecode(data.aws_iam_policy_document.key[0].json).Statement : statement
      if statement.Sid == "CloudWatchAlarmsPublish"
      ] == [{
        Sid       = "CloudWatchAlarmsPublish"
        Effect    = "Allow"
        Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Resource  = "*"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Condition = { StringEquals = { "aws:SourceAccount" = "123456789012" } }
    }]
    error_message = "CloudWatch may use the key only for alarms of this account."
  }

  assert {
    condition = [
      for statement in jsondecode(data.aws_iam_policy_document.key[0].json).Statement : statement.Principal.AWS
      if statement.Sid == "FunctionPublishes"
    ] == ["arn:aws:iam::123456789012:role/flag-rollback-role"]
    error_message = "The function's role must be allowed to use the key."
  }
}

run "topic_policies_admit_only_this_accounts_alarms" {
  command   = plan
  providers = { aws = aws.offline }

  assert {
    condition     = toset(keys(data.aws_iam_policy_document.topic)) == toset(["alarms", "notifications"])
    error_message = "Both created topics must get a policy."
  }

  assert {
    condition = alltrue([
      for document in data.aws_iam_policy_document.topic : [
        for statement in jsondecode(document.json).Statement : statement.Condition
        if try(statement.Principal.Service, "") == "cloudwatch.amazonaws.com"
        ] == [{
          StringEquals = { "aws:SourceAccount" = "123456789012" }
          ArnLike      = { "aws:SourceArn" = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:*" }
      }]
    ])
    error_message = "CloudWatch may publish only for alarms of this account and region (aws:SourceAccount and aws:SourceArn)."
  }

  assert {
    condition = alltrue(flatten([
      for document in data.aws_iam_policy_document.topic : [
        for statement in jsondecode(document.json).Statement : try(statement.Principal.AWS, "arn:aws:iam::123456789012:root") == "arn:aws:iam::123456789012:root"
      ]
    ]))
    error_message = "No principal outside this account may use the topics."
  }
}

run "creates_both_topics_encrypted_with_a_customer_managed_key" {
  assert {
    condition     = aws_sns_topic.alarms.name == "flag-rollback-alarms" && aws_sns_topic.notifications[0].name == "flag-rollback-notifications"
    error_message = "The module must create the alarm topic and the notification topic."
  }

  assert {
    condition     = aws_sns_topic.alarms.kms_master_key_id == aws_kms_key.topics[0].arn && aws_sns_topic.notifications[0].kms_master_key_id == aws_kms_key.topics[0].arn
    error_message = "Both topics must be encrypted with the created customer-managed key (alarms cannot use the AWS-managed SNS key)."
  }

  assert {
    condition     = aws_kms_key.topics[0].enable_key_rotation == true
    error_message = "The key must rotate."
  }

  assert {
    condition     = output.kms_key_arn == aws_kms_key.topics[0].arn && output.notification_topic_kms_key_arn == aws_kms_key.topics[0].arn
    error_message = "The outputs must return the created key."
  }
}

run "existing_key_and_topic_are_used_as_given" {
  command = plan

  variables {
    kms_key_arn                    = "arn:aws:kms:us-east-1:123456789012:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
    notification_topic_arn         = "arn:aws:sns:us-east-1:123456789012:oncall"
    notification_topic_kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/9b7a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
  }

  assert {
    condition     = length(aws_kms_key.topics) == 0 && length(aws_sns_topic.notifications) == 0 && length(aws_sns_topic_policy.topics) == 1
    error_message = "Given a key and a topic, the module creates neither and leaves the given topic's policy alone."
  }

  assert {
    condition     = length(data.aws_kms_key.notification_topic) == 1
    error_message = "The given topic's key must be read at plan time, to refuse the AWS-managed SNS key."
  }

  assert {
    condition     = aws_sns_topic.alarms.kms_master_key_id == var.kms_key_arn
    error_message = "The alarm topic must be encrypted with the given key."
  }

  assert {
    condition     = output.notification_topic_arn == "arn:aws:sns:us-east-1:123456789012:oncall" && output.notification_topic_kms_key_arn == var.notification_topic_kms_key_arn
    error_message = "The outputs must return the given topic and its key."
  }
}

# CloudWatch cannot use the AWS-managed SNS key, so the function's own alarms could never
# notify a topic encrypted with it.
run "existing_topic_with_the_aws_managed_key_fails_the_plan" {
  command = plan

  variables {
    notification_topic_arn         = "arn:aws:sns:us-east-1:123456789012:oncall"
    notification_topic_kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/9b7a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
  }

  override_data {
    target = data.aws_kms_key.notification_topic
    values = {
      key_manager = "AWS"
    }
  }

  expect_failures = [data.aws_kms_key.notification_topic]
}

run "explicit_toggles_use_arns_known_only_after_apply" {
  command = plan

  variables {
    create                 = { kms_key = false, notification_topic = false }
    kms_key_arn            = "arn:aws:kms:us-east-1:123456789012:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
    notification_topic_arn = "arn:aws:sns:us-east-1:123456789012:oncall"
  }

  assert {
    condition     = length(aws_kms_key.topics) == 0 && length(aws_sns_topic.notifications) == 0 && output.notification_topic_arn == var.notification_topic_arn
    error_message = "create entries set to false must use the given key and topic."
  }
}

run "create_false_without_an_arn_fails" {
  command = plan

  variables {
    create = { kms_key = false }
  }

  expect_failures = [output.kms_key_arn]
}

run "subscriptions_for_email_https_and_sqs" {
  command = plan

  variables {
    email_addresses = ["oncall@example.com"]
    https_endpoints = ["https://hooks.example.com/flags"]
    sqs_queue_arns  = ["arn:aws:sqs:us-east-1:123456789012:audit"]
  }

  assert {
    condition = {
      for key, subscription in aws_sns_topic_subscription.notifications : key => subscription.protocol
      } == {
      "email:oncall@example.com"                     = "email"
      "https:https://hooks.example.com/flags"        = "https"
      "sqs:arn:aws:sqs:us-east-1:123456789012:audit" = "sqs"
    }
    error_message = "Each address, URL and queue must get one subscription of its protocol."
  }
}

# A chat webhook never confirms: without this the subscription would stay pending, silently.
run "https_subscriptions_must_confirm_during_apply" {
  command = plan

  variables {
    email_addresses = ["oncall@example.com"]
    https_endpoints = ["https://events.pagerduty.com/integration/0123456789abcdef/enqueue"]
  }

  assert {
    condition     = aws_sns_topic_subscription.notifications["https:https://events.pagerduty.com/integration/0123456789abcdef/enqueue"].endpoint_auto_confirms == true
    error_message = "An HTTPS subscription must wait for its endpoint's confirmation, so an endpoint that never confirms fails the apply."
  }

  assert {
    condition     = !coalesce(aws_sns_topic_subscription.notifications["email:oncall@example.com"].endpoint_auto_confirms, false)
    error_message = "An email subscription is confirmed by a person later: the apply must not wait for it."
  }
}

run "tags_reach_every_taggable_resource" {
  command = plan

  assert {
    condition     = alltrue([for tags in [aws_sns_topic.alarms.tags, aws_sns_topic.notifications[0].tags, aws_kms_key.topics[0].tags] : tags["Team"] == "payments"])
    error_message = "The tags must be on both topics and the key."
  }
}

run "rejects_malformed_email" {
  command = plan

  variables {
    email_addresses = ["oncall"]
  }

  expect_failures = [var.email_addresses]
}

run "rejects_plain_http_endpoint" {
  command = plan

  variables {
    https_endpoints = ["http://hooks.example.com"]
  }

  expect_failures = [var.https_endpoints]
}

run "rejects_key_alias_instead_of_key_arn" {
  command = plan

  variables {
    kms_key_arn = "alias/aws/sns"
  }

  expect_failures = [var.kms_key_arn]
}

run "rejects_malformed_topic_arn" {
  command = plan

  variables {
    notification_topic_arn = "oncall"
  }

  expect_failures = [var.notification_topic_arn]
}

run "rejects_non_role_key_user" {
  command = plan

  variables {
    key_user_arns = ["arn:aws:iam::123456789012:user/alice"]
  }

  expect_failures = [var.key_user_arns]
}

run "rejects_deletion_window_kms_refuses" {
  command = plan

  variables {
    key_deletion_window_in_days = 3
  }

  expect_failures = [var.key_deletion_window_in_days]
}
