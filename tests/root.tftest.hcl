mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name_prefix  = "checkout"
  package_path = "modules/rollback-function/tests/fixtures/package.zip"
  flags = {
    new_checkout = {}
    dark-mode    = { threshold = 10 }
  }
  notification_emails = ["oncall@example.com"]
  tags                = { Team = "payments" }
}

run "function_gets_the_ids_and_pattern_of_this_stack" {
  assert {
    condition = tomap(module.function.environment_variables) == tomap({
      APPCONFIG_APPLICATION_ID           = "app1234"
      APPCONFIG_ENVIRONMENT_ID           = "env1234"
      APPCONFIG_CONFIGURATION_PROFILE_ID = "prf1234"
      APPCONFIG_DEPLOYMENT_STRATEGY_ID   = "str1234"
      NOTIFICATION_TOPIC_ARN             = output.notification_topic_arn
      ALARM_NAME_PATTERN                 = "^FeatureFlag-(?P<flag>.+)-ErrorRate$"
      DRY_RUN                            = "false"
      METRICS_NAMESPACE                  = "FeatureFlags"
      HOLDS_PARAMETER_PATH               = "/flag-rollback/holds/app1234/env1234/prf1234"
      RESTORE_DEPLOYMENT_STRATEGY_ID     = "str1234"
      RESTORE_COOLDOWN_SECONDS           = "300"
      FLAP_LIMIT                         = "3"
      FLAP_WINDOW_SECONDS                = "86400"
    })
    error_message = "The function must get the created AppConfig IDs, the notification topic and the alarms' name pattern."
  }

  assert {
    condition     = tomap(output.alarm_names) == tomap({ new_checkout = "FeatureFlag-new_checkout-ErrorRate", dark-mode = "FeatureFlag-dark-mode-ErrorRate" })
    error_message = "One alarm per flag, named by the default format."
  }

  assert {
    condition     = output.event_rule_arns == null && output.appconfig_hosted_configuration_version_number == null
    error_message = "Optional resources that were not created must output null."
  }
}

run "alarm_name_format_and_function_pattern_agree" {
  command = plan

  variables {
    alarm_name_format = "shop.%s.error-rate"
  }

  assert {
    condition     = module.function.environment_variables["ALARM_NAME_PATTERN"] == "^shop\\.(?P<flag>.+)\\.error-rate$"
    error_message = "ALARM_NAME_PATTERN must be derived from alarm_name_format."
  }

  assert {
    condition     = alltrue([for flag, name in output.alarm_names : regex(replace(output.alarm_name_pattern, "?P<flag>", ""), name)[0] == flag])
    error_message = "The pattern must extract each flag from its alarm name."
  }
}

run "existing_appconfig_is_used_as_given" {
  command = plan

  variables {
    appconfig_application_id           = "abc1234"
    appconfig_environment_id           = "def5678"
    appconfig_configuration_profile_id = "ghi9012"
    appconfig_deployment_strategy_id   = "AppConfig.AllAtOnce"
  }

  assert {
    condition = [for name in ["APPCONFIG_APPLICATION_ID", "APPCONFIG_ENVIRONMENT_ID", "APPCONFIG_CONFIGURATION_PROFILE_ID", "APPCONFIG_DEPLOYMENT_STRATEGY_ID"] :
    module.function.environment_variables[name]] == ["abc1234", "def5678", "ghi9012", "AppConfig.AllAtOnce"]
    error_message = "Given AppConfig IDs must reach the function unchanged."
  }
}

run "appconfig_create_lets_ids_come_from_the_same_apply" {
  command = plan

  variables {
    appconfig_create                   = { application = false, configuration_profile = false }
    appconfig_application_id           = "abc1234"
    appconfig_configuration_profile_id = "ghi9012"
  }

  assert {
    condition     = module.function.environment_variables["APPCONFIG_APPLICATION_ID"] == "abc1234" && module.function.environment_variables["APPCONFIG_CONFIGURATION_PROFILE_ID"] == "ghi9012"
    error_message = "With create entries false the function must use the given IDs."
  }
}

run "sns_trigger_is_the_default" {
  assert {
    condition     = output.event_rule_arns == null && output.alarm_topic_arn != output.function_arn
    error_message = "By default alarms invoke the function through the alarm topic, with no EventBridge rule."
  }
}

run "eventbridge_trigger_creates_the_rule" {
  variables {
    trigger = "eventbridge"
  }

  assert {
    condition     = length(output.event_rule_arns) == 1
    error_message = "trigger = eventbridge must create the rule."
  }
}

# EventBridge's default event pattern size quota is 2,048 characters: 30 flags need 2 rules.
run "eventbridge_rules_fit_the_default_pattern_quota" {
  command = plan

  variables {
    trigger = "eventbridge"
    flags   = { for index in range(30) : format("flag%02d", index) => {} }
  }

  assert {
    condition     = length(module.function.event_rule_arns) == 2
    error_message = "30 flags must be spread over 2 EventBridge rules, each pattern within 2048 characters."
  }
}

run "existing_notification_topic_is_notified" {
  command = plan

  variables {
    notification_topic_arn = "arn:aws:sns:us-east-1:123456789012:oncall"
  }

  assert {
    condition     = output.notification_topic_arn == "arn:aws:sns:us-east-1:123456789012:oncall" && module.function.environment_variables["NOTIFICATION_TOPIC_ARN"] == "arn:aws:sns:us-east-1:123456789012:oncall"
    error_message = "The function must notify the given topic."
  }
}

run "notifications_create_lets_arns_come_from_the_same_apply" {
  command = plan

  variables {
    notifications_create   = { kms_key = false, notification_topic = false }
    kms_key_arn            = "arn:aws:kms:us-east-1:123456789012:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
    notification_topic_arn = "arn:aws:sns:us-east-1:123456789012:oncall"
  }

  assert {
    condition     = output.kms_key_arn == var.kms_key_arn && output.notification_topic_arn == var.notification_topic_arn
    error_message = "With create entries false the given key and topic must be used."
  }
}

run "one_key_encrypts_topics_and_dead_letter_queue" {
  assert {
    condition     = output.kms_key_arn == "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    error_message = "A customer-managed key must be created by default."
  }

  assert {
    condition     = length(output.function_alarm_arns) == 3
    error_message = "The function's error, dead-letter and notification-failure alarms must exist by default."
  }
}

run "dry_run_reaches_the_function" {
  command = plan

  variables {
    dry_run = true
  }

  assert {
    condition     = module.function.environment_variables["DRY_RUN"] == "true"
    error_message = "dry_run must reach the function as DRY_RUN=true."
  }
}

run "rejects_no_flags" {
  command = plan

  variables {
    flags = {}
  }

  expect_failures = [var.flags]
}

run "rejects_flag_name_appconfig_refuses" {
  command = plan

  variables {
    flags = { NewCheckout = {} }
  }

  expect_failures = [var.flags]
}

run "rejects_unknown_trigger" {
  command = plan

  variables {
    trigger = "lambda"
  }

  expect_failures = [var.trigger]
}

run "rejects_invalid_name_prefix" {
  command = plan

  variables {
    name_prefix = "checkout flags"
  }

  expect_failures = [var.name_prefix]
}

run "rejects_malformed_appconfig_ids" {
  command = plan

  variables {
    appconfig_application_id = "My App"
    appconfig_environment_id = "production"
  }

  expect_failures = [var.appconfig_application_id, var.appconfig_environment_id]
}

run "rejects_unknown_profile_type" {
  command = plan

  variables {
    appconfig_profile_type = "YAML"
  }

  expect_failures = [var.appconfig_profile_type]
}

run "rejects_malformed_arns" {
  command = plan

  variables {
    notification_topic_arn      = "oncall"
    kms_key_arn                 = "alias/flags"
    notification_sqs_queue_arns = ["audit"]
  }

  expect_failures = [var.notification_topic_arn, var.kms_key_arn, var.notification_sqs_queue_arns]
}

run "rejects_malformed_subscriptions" {
  command = plan

  variables {
    notification_emails          = ["oncall"]
    notification_https_endpoints = ["http://hooks.example.com"]
  }

  expect_failures = [var.notification_emails, var.notification_https_endpoints]
}

run "rejects_lambda_settings_lambda_refuses" {
  command = plan

  variables {
    lambda_runtime                = "python3.8"
    lambda_memory_size            = 100
    lambda_timeout                = 1000
    lambda_maximum_retry_attempts = 5
    lambda_log_retention_in_days  = 10
    lambda_log_level              = "VERBOSE"
  }

  expect_failures = [var.lambda_runtime, var.lambda_memory_size, var.lambda_timeout, var.lambda_maximum_retry_attempts, var.lambda_log_retention_in_days, var.lambda_log_level]
}

run "rejects_reserved_concurrency_and_pattern_length_aws_refuses" {
  command = plan

  variables {
    lambda_reserved_concurrent_executions = 0
    event_pattern_max_length              = 10000
  }

  expect_failures = [var.lambda_reserved_concurrent_executions, var.event_pattern_max_length]
}

run "rejects_alarm_format_without_placeholder" {
  command = plan

  variables {
    alarm_name_format = "FeatureFlag-ErrorRate"
  }

  expect_failures = [var.alarm_name_format]
}

run "rejects_initial_configuration_that_is_not_json" {
  command = plan

  variables {
    appconfig_initial_configuration = "{enabled"
  }

  expect_failures = [var.appconfig_initial_configuration]
}

run "rejects_package_that_is_not_a_zip" {
  command = plan

  variables {
    package_path = "dist/flag-rollback.tar.gz"
    package_s3   = { bucket = "artifacts", key = "flag-rollback.tar" }
  }

  expect_failures = [var.package_path, var.package_s3]
}

run "default_package_is_the_one_committed_with_the_module" {
  command = plan

  variables {
    package_path = null
  }

  assert {
    condition     = module.function.package_path == "modules/rollback-function/package/flag-rollback.zip" && module.function.function_name == "checkout"
    error_message = "Without package_path the function must deploy the package committed in modules/rollback-function/package/ (no build step)."
  }
}

run "the_guard_watches_the_flags_profile_by_default" {
  assert {
    condition     = output.guard_function_name == "checkout-guard" && output.guard_extension_arn != null
    error_message = "guard_mode defaults to refuse: the guard function and its extension exist."
  }

  assert {
    condition     = module.deployment_guard[0].action_points == ["PRE_CREATE_HOSTED_CONFIGURATION_VERSION", "PRE_START_DEPLOYMENT"]
    error_message = "The guard checks new versions and deployments."
  }

  assert {
    condition     = output.holds_parameter_path == "/flag-rollback/holds/app1234/env1234/prf1234" && module.function.environment_variables["HOLDS_PARAMETER_PATH"] == output.holds_parameter_path
    error_message = "The function and the guard must share one holds path, derived from the AppConfig IDs."
  }

  assert {
    condition     = length(module.appconfig.restore_deployment_strategy_id) > 0 && module.function.environment_variables["RESTORE_DEPLOYMENT_STRATEGY_ID"] == module.appconfig.restore_deployment_strategy_id
    error_message = "A restore deploys with the module's gradual restore strategy."
  }
}

run "guard_mode_off_creates_no_guard" {
  command = plan

  variables {
    guard_mode = "off"
  }

  assert {
    condition     = length(module.deployment_guard) == 0 && output.guard_function_name == null && output.guard_extension_arn == null
    error_message = "guard_mode = \"off\" must create no guard, and its outputs are null."
  }
}

run "rejects_unknown_guard_mode_and_anti_flap_values" {
  command = plan

  variables {
    guard_mode               = "block"
    restore_cooldown_seconds = -5
    flap_limit               = 1.5
    flap_window_seconds      = 10
  }

  expect_failures = [var.guard_mode, var.restore_cooldown_seconds, var.flap_limit, var.flap_window_seconds]
}

run "function_inputs_reach_the_function" {
  command = plan

  variables {
    lambda_maximum_event_age_in_seconds = 600
    lambda_log_kms_key_arn              = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    lambda_code_signing_config_arn      = "arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-0123456789abcdef0"
  }

  assert {
    condition     = module.function.maximum_event_age_in_seconds == 600
    error_message = "lambda_maximum_event_age_in_seconds must reach the function's asynchronous invoke configuration."
  }

  assert {
    condition     = module.function.log_group_kms_key_arn == var.lambda_log_kms_key_arn
    error_message = "lambda_log_kms_key_arn must encrypt the function's log group."
  }

  assert {
    condition     = module.function.code_signing_config_arn == var.lambda_code_signing_config_arn
    error_message = "lambda_code_signing_config_arn must reach the function."
  }
}

run "function_inputs_default_to_the_submodule_defaults" {
  command = plan

  assert {
    condition     = module.function.maximum_event_age_in_seconds == 3600 && module.function.log_group_kms_key_arn == null && module.function.code_signing_config_arn == null
    error_message = "Unset, the new function inputs keep the submodule's defaults (one hour, no log key, no code signing)."
  }
}

run "rejects_function_inputs_lambda_refuses" {
  command = plan

  variables {
    lambda_maximum_event_age_in_seconds = 30
    lambda_log_kms_key_arn              = "alias/logs"
    lambda_code_signing_config_arn      = "csc-0123456789abcdef0"
  }

  expect_failures = [var.lambda_maximum_event_age_in_seconds, var.lambda_log_kms_key_arn, var.lambda_code_signing_config_arn]
}
