mock_provider "aws" {
  source = "../../tests/mocks"
}

# A real provider that never calls AWS: plan-only runs use it so aws_iam_policy_document
# renders the actual policy JSON; the caller identity it would fetch is overridden.
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

override_data {
  target = data.aws_caller_identity.current
  values = {
    account_id = "123456789012"
  }
}

variables {
  name                               = "flag-rollback"
  appconfig_application_id           = "app1234"
  appconfig_environment_id           = "env1234"
  appconfig_configuration_profile_id = "prf1234"
  appconfig_deployment_strategy_id   = "str1234"
  alarm_names                        = ["FeatureFlag-new_checkout-ErrorRate", "FeatureFlag-dark-mode-ErrorRate"]
  alarm_topic_arn                    = "arn:aws:sns:us-east-1:123456789012:flag-rollback-alarms"
  notification_topic_arn             = "arn:aws:sns:us-east-1:123456789012:flag-rollback-notifications"
  kms_key_arns                       = ["arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"]
  package_path                       = "tests/fixtures/package.zip"
  holds_parameter_path               = "/flag-rollback/holds/app1234/env1234/prf1234"
  tags                               = { Team = "payments" }
}

run "policy_statements_are_scoped_to_exact_arns" {
  command   = plan
  providers = { aws = aws.offline }

  assert {
    condition = tomap({
      for statement in jsondecode(data.aws_iam_policy_document.function.json).Statement : statement.Sid => join(" ", concat(
        sort(flatten([statement.Action])), ["ON"], sort(flatten([statement.Resource]))
      ))
      }) == tomap({
      ReadDeployments          = "appconfig:ListDeployments ON arn:aws:appconfig:us-east-1:123456789012:application/app1234 arn:aws:appconfig:us-east-1:123456789012:application/app1234/environment/env1234"
      StopInProgressDeployment = "appconfig:StopDeployment ON arn:aws:appconfig:us-east-1:123456789012:application/app1234 arn:aws:appconfig:us-east-1:123456789012:application/app1234/environment/env1234 arn:aws:appconfig:us-east-1:123456789012:application/app1234/environment/env1234/deployment/*"
      DeployFlagVersion        = "appconfig:StartDeployment ON arn:aws:appconfig:us-east-1:123456789012:application/app1234 arn:aws:appconfig:us-east-1:123456789012:application/app1234/configurationprofile/prf1234 arn:aws:appconfig:us-east-1:123456789012:application/app1234/environment/env1234 arn:aws:appconfig:us-east-1:123456789012:deploymentstrategy/str1234"
      ReadDeployedFlags        = "appconfig:GetConfigurationProfile appconfig:GetHostedConfigurationVersion appconfig:ListHostedConfigurationVersions ON arn:aws:appconfig:us-east-1:123456789012:application/app1234 arn:aws:appconfig:us-east-1:123456789012:application/app1234/configurationprofile/prf1234 arn:aws:appconfig:us-east-1:123456789012:application/app1234/configurationprofile/prf1234/hostedconfigurationversion/*"
      WriteFlagVersion         = "appconfig:CreateHostedConfigurationVersion ON arn:aws:appconfig:us-east-1:123456789012:application/app1234 arn:aws:appconfig:us-east-1:123456789012:application/app1234/configurationprofile/prf1234"
      DeleteOwnFlagVersions    = "appconfig:DeleteHostedConfigurationVersion ON arn:aws:appconfig:us-east-1:123456789012:application/app1234 arn:aws:appconfig:us-east-1:123456789012:application/app1234/configurationprofile/prf1234 arn:aws:appconfig:us-east-1:123456789012:application/app1234/configurationprofile/prf1234/hostedconfigurationversion/*"
      DescribeFlagAlarms       = "cloudwatch:DescribeAlarms ON arn:aws:cloudwatch:us-east-1:123456789012:alarm:*"
      KeepHolds                = "ssm:GetParameter ssm:PutParameter ON arn:aws:ssm:us-east-1:123456789012:parameter/flag-rollback/holds/app1234/env1234/prf1234/*"
      ListHolds                = "ssm:GetParametersByPath ON arn:aws:ssm:us-east-1:123456789012:parameter/flag-rollback/holds/app1234/env1234/prf1234"
      PublishNotifications     = "sns:Publish ON arn:aws:sns:us-east-1:123456789012:flag-rollback-notifications"
      UseEncryptionKeys        = "kms:Decrypt kms:GenerateDataKey ON arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
      SendToDeadLetterQueue    = "sqs:SendMessage ON arn:aws:sqs:us-east-1:123456789012:flag-rollback-dlq"
      WriteLogs                = "logs:CreateLogStream logs:PutLogEvents ON arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/flag-rollback:*"
    })
    error_message = "Each statement must grant exactly its actions on exactly this stack's ARNs."
  }
}

run "policy_has_no_bare_wildcard_resource" {
  command   = plan
  providers = { aws = aws.offline }

  assert {
    condition = alltrue([
      for resource in flatten([for statement in jsondecode(data.aws_iam_policy_document.function.json).Statement : statement.Resource]) :
      resource != "*" && strcontains(resource, ":123456789012:")
    ])
    error_message = "Every resource of the function's policy must be an ARN of this account, never \"*\"."
  }

  assert {
    condition     = alltrue([for statement in jsondecode(data.aws_iam_policy_document.function.json).Statement : statement.Effect == "Allow" && !strcontains(jsonencode(statement.Action), "*")])
    error_message = "The policy must allow named actions only, never action wildcards."
  }
}

# IAM names are global per account: the same name in two regions must not give the same role.
run "role_name_is_unique_per_region_and_within_iam_limit" {
  command = plan

  assert {
    condition     = aws_iam_role.function.name_prefix == "flag-rollback-"
    error_message = "The role must be named by prefix, so IAM's unique suffix keeps stacks of the same name in two regions apart."
  }
}

run "long_name_keeps_the_role_name_within_64_characters" {
  command = plan

  variables {
    name = "checkout-feature-flag-rollback-for-the-payments-team"
  }

  assert {
    condition     = length(var.name) == 52 && aws_iam_role.function.name_prefix == "checkout-feature-flag-rollback-for-th-" && length(aws_iam_role.function.name_prefix) + 26 <= 64
    error_message = "A 52-character name must be cut to a 38-character prefix, leaving the 26-character unique suffix within IAM's 64-character role-name limit."
  }
}

run "destroy_cleanup_invokes_the_function_on_every_lifecycle_event" {
  command = plan

  assert {
    condition     = aws_lambda_invocation.cleanup.lifecycle_scope == "CRUD" && aws_lambda_invocation.cleanup.function_name == "flag-rollback"
    error_message = "The cleanup invocation must call the function on create, update and delete (lifecycle_scope CRUD)."
  }

  assert {
    condition     = jsondecode(aws_lambda_invocation.cleanup.input) == { flag_rollback = "lifecycle", profile = "app1234/prf1234", delete_own_versions = true }
    error_message = "The cleanup input names the profile whose versions it deletes and leaves the provider's tf key free."
  }
}

run "destroy_cleanup_keeps_the_versions_of_a_profile_that_outlives_the_stack" {
  command = plan

  variables {
    delete_own_versions_on_destroy = false
  }

  assert {
    condition     = jsondecode(aws_lambda_invocation.cleanup.input).delete_own_versions == false
    error_message = "delete_own_versions_on_destroy = false must reach the function's lifecycle input."
  }
}

run "function_gets_exactly_the_contract_environment" {
  command = plan

  assert {
    condition = aws_lambda_function.rollback.environment[0].variables == tomap({
      APPCONFIG_APPLICATION_ID           = "app1234"
      APPCONFIG_ENVIRONMENT_ID           = "env1234"
      APPCONFIG_CONFIGURATION_PROFILE_ID = "prf1234"
      APPCONFIG_DEPLOYMENT_STRATEGY_ID   = "str1234"
      NOTIFICATION_TOPIC_ARN             = "arn:aws:sns:us-east-1:123456789012:flag-rollback-notifications"
      ALARM_NAME_PATTERN                 = "^FeatureFlag-(?P<flag>.+)-ErrorRate$"
      DRY_RUN                            = "false"
      METRICS_NAMESPACE                  = "FeatureFlags"
      HOLDS_PARAMETER_PATH               = "/flag-rollback/holds/app1234/env1234/prf1234"
      RESTORE_DEPLOYMENT_STRATEGY_ID     = "str1234"
      RESTORE_COOLDOWN_SECONDS           = "300"
      FLAP_LIMIT                         = "3"
      FLAP_WINDOW_SECONDS                = "86400"
    })
    error_message = "The function must receive exactly the environment variables of the contract."
  }
}

run "a_restore_strategy_is_passed_and_may_be_deployed" {
  command   = plan
  providers = { aws = aws.offline }

  variables {
    restore_deployment_strategy_id = "rst1234"
  }

  assert {
    condition     = aws_lambda_function.rollback.environment[0].variables.RESTORE_DEPLOYMENT_STRATEGY_ID == "rst1234"
    error_message = "The restore strategy must reach the function."
  }

  assert {
    condition     = contains(flatten([for statement in jsondecode(data.aws_iam_policy_document.function.json).Statement : statement.Resource if statement.Sid == "DeployFlagVersion"]), "arn:aws:appconfig:us-east-1:123456789012:deploymentstrategy/rst1234")
    error_message = "The role must be allowed to deploy with the restore strategy."
  }
}

run "rejects_a_holds_path_ssm_reserves" {
  command = plan

  variables {
    holds_parameter_path = "/aws/holds"
  }

  expect_failures = [var.holds_parameter_path]
}

run "dry_run_is_passed_as_true" {
  command = plan

  variables {
    dry_run = true
  }

  assert {
    condition     = aws_lambda_function.rollback.environment[0].variables["DRY_RUN"] == "true"
    error_message = "dry_run = true must set DRY_RUN=true."
  }
}

run "function_runs_the_handler_from_the_local_zip" {
  command = plan

  assert {
    condition     = aws_lambda_function.rollback.handler == "flag_rollback.handler.handler" && aws_lambda_function.rollback.runtime == "python3.12"
    error_message = "The function must run flag_rollback.handler.handler on python3.12 by default."
  }

  assert {
    condition     = aws_lambda_function.rollback.filename == "tests/fixtures/package.zip" && aws_lambda_function.rollback.source_code_hash == filebase64sha256("tests/fixtures/package.zip")
    error_message = "The package must come from package_path with source_code_hash of that file."
  }
}

# A new account's quota is 10 and Lambda keeps 10 unreserved, so any reservation fails there.
run "default_reserves_no_concurrency_so_a_new_account_can_apply" {
  command = plan

  assert {
    condition     = coalesce(aws_lambda_function.rollback.reserved_concurrent_executions, -1) == -1
    error_message = "By default the function must reserve no concurrency (null, or -1: the provider's \"unreserved\")."
  }
}

run "reserved_concurrency_is_set_when_asked" {
  command = plan

  variables {
    reserved_concurrent_executions = 1
  }

  assert {
    condition     = aws_lambda_function.rollback.reserved_concurrent_executions == 1
    error_message = "reserved_concurrent_executions = 1 must reserve one execution, serialising rollbacks."
  }
}

run "rejects_reserved_concurrency_of_zero" {
  command = plan

  variables {
    reserved_concurrent_executions = 0
  }

  expect_failures = [var.reserved_concurrent_executions]
}

run "function_logs_json_to_its_log_group" {
  command = plan

  assert {
    condition     = aws_lambda_function.rollback.logging_config[0].log_format == "JSON" && aws_lambda_function.rollback.logging_config[0].log_group == "/aws/lambda/flag-rollback"
    error_message = "The function must log JSON into /aws/lambda/<name>."
  }

  assert {
    condition     = aws_cloudwatch_log_group.function.retention_in_days == 365
    error_message = "The log group must keep logs for a year by default."
  }
}

run "s3_package_replaces_the_local_zip" {
  command = plan

  variables {
    package_path = null
    package_s3   = { bucket = "artifacts", key = "flag-rollback/1.0.0.zip", source_code_hash = "abc=" }
  }

  assert {
    condition     = aws_lambda_function.rollback.s3_bucket == "artifacts" && aws_lambda_function.rollback.s3_key == "flag-rollback/1.0.0.zip" && aws_lambda_function.rollback.filename == null
    error_message = "package_s3 must deploy the S3 object instead of a local file."
  }
}

run "default_package_is_the_one_committed_with_the_module" {
  command = plan

  variables {
    package_path = null
  }

  assert {
    condition     = aws_lambda_function.rollback.filename == "./package/flag-rollback.zip" && aws_lambda_function.rollback.source_code_hash == filebase64sha256("package/flag-rollback.zip")
    error_message = "Without package_path the function must deploy the committed package/flag-rollback.zip with its hash."
  }
}

run "missing_package_fails_before_apply" {
  command = plan

  variables {
    package_path = "tests/fixtures/missing.zip"
  }

  expect_failures = [aws_lambda_function.rollback]
}

run "sns_trigger_subscribes_the_function_to_the_alarm_topic" {
  variables {
    trigger = "sns"
  }

  assert {
    condition     = length(aws_sns_topic_subscription.alarms) == 1 && aws_sns_topic_subscription.alarms[0].protocol == "lambda" && aws_sns_topic_subscription.alarms[0].topic_arn == var.alarm_topic_arn && aws_sns_topic_subscription.alarms[0].endpoint == aws_lambda_function.rollback.arn
    error_message = "trigger = sns must subscribe the function to the alarm topic."
  }

  assert {
    condition     = aws_lambda_permission.sns[0].principal == "sns.amazonaws.com" && aws_lambda_permission.sns[0].source_arn == var.alarm_topic_arn
    error_message = "Only the alarm topic may invoke the function (permission scoped by source ARN)."
  }

  assert {
    condition     = length(aws_cloudwatch_event_rule.alarms) == 0 && length(aws_lambda_permission.eventbridge) == 0 && output.event_rule_arns == null
    error_message = "trigger = sns must create no EventBridge rule."
  }
}

run "eventbridge_trigger_matches_the_alarms_entering_alarm" {
  variables {
    trigger = "eventbridge"
  }

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.alarms[0].event_pattern) == {
      source        = ["aws.cloudwatch"]
      "detail-type" = ["CloudWatch Alarm State Change"]
      resources = [
        "arn:aws:cloudwatch:us-east-1:123456789012:alarm:FeatureFlag-new_checkout-ErrorRate",
        "arn:aws:cloudwatch:us-east-1:123456789012:alarm:FeatureFlag-dark-mode-ErrorRate",
      ]
      detail = { state = { value = ["ALARM"] } }
    }
    error_message = "The rule must match state changes to ALARM of exactly this module's alarms."
  }

  assert {
    condition     = aws_cloudwatch_event_target.alarms[0].arn == aws_lambda_function.rollback.arn && aws_lambda_permission.eventbridge[0].principal == "events.amazonaws.com" && aws_lambda_permission.eventbridge[0].source_arn == aws_cloudwatch_event_rule.alarms[0].arn
    error_message = "The rule must target the function, and only the rule may invoke it."
  }

  assert {
    condition     = length(aws_sns_topic_subscription.alarms) == 0 && length(aws_lambda_permission.sns) == 0
    error_message = "trigger = eventbridge must not subscribe the function to the alarm topic."
  }
}

# EventBridge's default "Event pattern size" quota is 2,048 characters (EventBridge quotas page):
# with 79-character alarm ARNs a rule holds 23 of them.
run "eventbridge_spreads_many_alarms_over_rules_within_the_default_pattern_quota" {
  variables {
    trigger     = "eventbridge"
    alarm_names = [for index in range(100) : format("FeatureFlag-flag%03d-ErrorRate", index)]
  }

  assert {
    condition     = length(aws_cloudwatch_event_rule.alarms) == 5 && length(aws_cloudwatch_event_target.alarms) == 5 && length(aws_lambda_permission.eventbridge) == 5
    error_message = "100 alarms need 5 rules of at most 23 ARNs at 2048 characters, each with its target and permission."
  }

  assert {
    condition     = alltrue([for rule in aws_cloudwatch_event_rule.alarms : length(rule.event_pattern) <= 2048])
    error_message = "Every event pattern must stay within EventBridge's default quota of 2048 characters."
  }

  assert {
    condition = sort(flatten([for rule in aws_cloudwatch_event_rule.alarms : jsondecode(rule.event_pattern).resources])) == sort([
      for index in range(100) : format("arn:aws:cloudwatch:us-east-1:123456789012:alarm:FeatureFlag-flag%03d-ErrorRate", index)
    ])
    error_message = "Together the rules must match exactly this module's alarms, each once."
  }

  assert {
    condition     = aws_cloudwatch_event_rule.alarms[0].name == "flag-rollback-alarms" && aws_cloudwatch_event_rule.alarms[4].name == "flag-rollback-alarms-5" && length(distinct(aws_lambda_permission.eventbridge[*].statement_id)) == 5
    error_message = "The first rule keeps the plain name; the others are numbered, with one permission each."
  }
}

# 24 alarms fitted one rule under the old 3840-character budget, which PutRule refuses by default.
run "eventbridge_splits_two_dozen_alarms_within_the_default_pattern_quota" {
  command = plan

  variables {
    trigger     = "eventbridge"
    alarm_names = [for index in range(24) : format("FeatureFlag-flag%03d-ErrorRate", index)]
  }

  assert {
    condition     = length(aws_cloudwatch_event_rule.alarms) == 2 && alltrue([for rule in aws_cloudwatch_event_rule.alarms : length(rule.event_pattern) <= 2048])
    error_message = "24 alarms must be split over 2 rules, each pattern within 2048 characters."
  }
}

run "raised_pattern_quota_packs_more_alarms_per_rule" {
  command = plan

  variables {
    trigger                  = "eventbridge"
    event_pattern_max_length = 4096
    alarm_names              = [for index in range(100) : format("FeatureFlag-flag%03d-ErrorRate", index)]
  }

  assert {
    condition     = length(aws_cloudwatch_event_rule.alarms) == 3 && alltrue([for rule in aws_cloudwatch_event_rule.alarms : length(rule.event_pattern) <= 4096]) && length(aws_cloudwatch_event_rule.alarms[0].event_pattern) > 2048
    error_message = "With the quota raised to 4096 characters, 100 alarms fit 3 rules of up to 49 ARNs."
  }
}

run "rejects_pattern_length_eventbridge_refuses" {
  command = plan

  variables {
    event_pattern_max_length = 8192
  }

  expect_failures = [var.event_pattern_max_length]
}

run "sns_trigger_needs_the_alarm_topic" {
  command = plan

  variables {
    trigger         = "sns"
    alarm_topic_arn = null
  }

  expect_failures = [aws_lambda_function.rollback]
}

run "failed_invocations_reach_the_encrypted_dead_letter_queue" {
  assert {
    condition     = aws_lambda_function_event_invoke_config.rollback.destination_config[0].on_failure[0].destination == aws_sqs_queue.dead_letter.arn && length(aws_lambda_function.rollback.dead_letter_config) == 0
    error_message = "Failed asynchronous invocations must reach the dead-letter queue once, as the on-failure destination."
  }

  assert {
    condition     = aws_lambda_function_event_invoke_config.rollback.maximum_retry_attempts == 2 && aws_lambda_function_event_invoke_config.rollback.maximum_event_age_in_seconds == 3600
    error_message = "Lambda must retry twice within an hour before giving up."
  }

  assert {
    condition     = aws_sqs_queue.dead_letter.sqs_managed_sse_enabled == true
    error_message = "The dead-letter queue must be encrypted (SQS-managed keys when no KMS key is given)."
  }
}

run "dead_letter_queue_uses_the_given_kms_key" {
  command = plan

  variables {
    dead_letter_queue_kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition     = aws_sqs_queue.dead_letter.kms_master_key_id == var.dead_letter_queue_kms_key_arn
    error_message = "The dead-letter queue must be encrypted with the given key."
  }
}

run "function_alarms_notify_people" {
  assert {
    condition     = aws_cloudwatch_metric_alarm.function["errors"].namespace == "AWS/Lambda" && aws_cloudwatch_metric_alarm.function["errors"].metric_name == "Errors" && aws_cloudwatch_metric_alarm.function["errors"].dimensions == tomap({ FunctionName = "flag-rollback" })
    error_message = "An alarm must watch the function's Errors."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.function["dead-letters"].namespace == "AWS/SQS" && aws_cloudwatch_metric_alarm.function["dead-letters"].metric_name == "ApproximateNumberOfMessagesVisible" && aws_cloudwatch_metric_alarm.function["dead-letters"].dimensions == tomap({ QueueName = "flag-rollback-dlq" })
    error_message = "An alarm must watch the dead-letter queue depth."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.function["notification-failures"].namespace == var.metrics_namespace && aws_cloudwatch_metric_alarm.function["notification-failures"].metric_name == "NotificationFailed" && aws_cloudwatch_metric_alarm.function["notification-failures"].dimensions == tomap({ FunctionName = "flag-rollback" })
    error_message = "An alarm must watch the function's NotificationFailed metric (one series per function)."
  }

  assert {
    condition     = alltrue([for alarm in aws_cloudwatch_metric_alarm.function : alarm.alarm_actions == toset([var.notification_topic_arn])])
    error_message = "Every function alarm must notify the notification topic."
  }
}

run "without_notification_topic_nothing_publishes" {
  command = plan

  variables {
    notification_topic_arn = null
  }

  assert {
    condition     = !contains(keys(aws_lambda_function.rollback.environment[0].variables), "NOTIFICATION_TOPIC_ARN")
    error_message = "Without a topic the function must not get NOTIFICATION_TOPIC_ARN."
  }

  assert {
    condition     = alltrue([for alarm in aws_cloudwatch_metric_alarm.function : length(alarm.alarm_actions) == 0])
    error_message = "Without a topic the function alarms notify nobody."
  }
}

run "function_alarms_can_be_turned_off" {
  command = plan

  variables {
    create_function_alarms = false
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.function) == 0 && length(output.function_alarm_arns) == 0
    error_message = "create_function_alarms = false must create no function alarms."
  }
}

run "tags_reach_every_taggable_resource" {
  command = plan

  variables {
    trigger = "eventbridge"
  }

  assert {
    condition = alltrue([
      for tags in [
        aws_lambda_function.rollback.tags, aws_iam_role.function.tags, aws_sqs_queue.dead_letter.tags,
        aws_cloudwatch_log_group.function.tags, aws_cloudwatch_event_rule.alarms[0].tags,
        aws_cloudwatch_metric_alarm.function["errors"].tags, aws_cloudwatch_metric_alarm.function["dead-letters"].tags,
      ] : tags["Team"] == "payments"
    ])
    error_message = "The tags must be on every taggable resource."
  }
}

run "rejects_unsupported_runtime" {
  command = plan

  variables {
    runtime = "python3.9"
  }

  expect_failures = [var.runtime]
}

run "rejects_malformed_appconfig_id" {
  command = plan

  variables {
    appconfig_environment_id = "Production"
  }

  expect_failures = [var.appconfig_environment_id]
}

run "rejects_unknown_trigger" {
  command = plan

  variables {
    trigger = "sqs"
  }

  expect_failures = [var.trigger]
}

run "rejects_malformed_topic_arn" {
  command = plan

  variables {
    notification_topic_arn = "arn:aws:sqs:us-east-1:123456789012:queue"
  }

  expect_failures = [var.notification_topic_arn]
}

run "rejects_malformed_kms_key_arn" {
  command = plan

  variables {
    kms_key_arns = ["alias/aws/sns"]
  }

  expect_failures = [var.kms_key_arns]
}

run "rejects_pattern_without_flag_group" {
  command = plan

  variables {
    alarm_name_pattern = "^FeatureFlag-(.+)-ErrorRate$"
  }

  expect_failures = [var.alarm_name_pattern]
}

run "rejects_retry_attempts_lambda_refuses" {
  command = plan

  variables {
    maximum_retry_attempts = 3
  }

  expect_failures = [var.maximum_retry_attempts]
}

run "rejects_retention_logs_refuses" {
  command = plan

  variables {
    log_retention_in_days = 42
  }

  expect_failures = [var.log_retention_in_days]
}

run "rejects_memory_out_of_range" {
  command = plan

  variables {
    memory_size = 64
  }

  expect_failures = [var.memory_size]
}
