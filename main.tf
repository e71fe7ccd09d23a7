# Composition only: every resource lives in a submodule under modules/.

# Held flags live in SSM Parameter Store, one parameter per flag under this path (the
# function's default for the same IDs; lambda/README.md, "Held flags").
locals {
  holds_parameter_path = "/flag-rollback/holds/${module.appconfig.application_id}/${module.appconfig.environment_id}/${module.appconfig.configuration_profile_id}"
  create_guard         = var.guard_mode != "off"
}

module "appconfig" {
  source = "./modules/appconfig"

  name                         = var.name_prefix
  create                       = var.appconfig_create
  application_id               = var.appconfig_application_id
  environment_id               = var.appconfig_environment_id
  environment_name             = var.appconfig_environment_name
  configuration_profile_id     = var.appconfig_configuration_profile_id
  profile_type                 = var.appconfig_profile_type
  deployment_strategy_id       = var.appconfig_deployment_strategy_id
  initial_configuration        = var.appconfig_initial_configuration
  deploy_initial_configuration = var.appconfig_deploy_initial_configuration
  tags                         = var.tags

  restore_deployment_strategy_id = var.restore_deployment_strategy_id
}

module "notifications" {
  source = "./modules/notifications"

  name_prefix                    = var.name_prefix
  create                         = var.notifications_create
  kms_key_arn                    = var.kms_key_arn
  key_user_arns                  = concat([module.function.role_arn], local.create_guard ? [module.deployment_guard[0].role_arn] : [])
  notification_topic_arn         = var.notification_topic_arn
  notification_topic_kms_key_arn = var.notification_topic_kms_key_arn
  email_addresses                = var.notification_emails
  https_endpoints                = var.notification_https_endpoints
  sqs_queue_arns                 = var.notification_sqs_queue_arns
  tags                           = var.tags
}

module "flag_alarms" {
  source = "./modules/flag-alarms"

  flags             = var.flags
  metric_convention = var.metric_convention
  alarm_name_format = var.alarm_name_format
  alarm_actions     = [module.notifications.alarm_topic_arn]
  tags              = var.tags
}

module "function" {
  source = "./modules/rollback-function"

  name = var.name_prefix
  tags = var.tags

  appconfig_application_id           = module.appconfig.application_id
  appconfig_environment_id           = module.appconfig.environment_id
  appconfig_configuration_profile_id = module.appconfig.configuration_profile_id
  appconfig_deployment_strategy_id   = module.appconfig.deployment_strategy_id

  alarm_names        = values(module.flag_alarms.alarm_names)
  alarm_name_pattern = module.flag_alarms.alarm_name_pattern
  trigger            = var.trigger
  alarm_topic_arn    = module.notifications.alarm_topic_arn

  # About 20 alarms per EventBridge rule at the default event pattern size quota.
  event_pattern_max_length = var.event_pattern_max_length

  notification_topic_arn        = module.notifications.notification_topic_arn
  kms_key_arns                  = distinct(compact([module.notifications.kms_key_arn, module.notifications.notification_topic_kms_key_arn]))
  dead_letter_queue_kms_key_arn = module.notifications.kms_key_arn

  dry_run           = var.dry_run
  metrics_namespace = var.metrics_namespace

  package_path                   = var.package_path
  package_s3                     = var.package_s3
  runtime                        = var.lambda_runtime
  architecture                   = var.lambda_architecture
  memory_size                    = var.lambda_memory_size
  timeout                        = var.lambda_timeout
  reserved_concurrent_executions = var.lambda_reserved_concurrent_executions
  maximum_retry_attempts         = var.lambda_maximum_retry_attempts
  maximum_event_age_in_seconds   = var.lambda_maximum_event_age_in_seconds
  log_retention_in_days          = var.lambda_log_retention_in_days
  log_level                      = var.lambda_log_level
  log_kms_key_arn                = var.lambda_log_kms_key_arn
  code_signing_config_arn        = var.lambda_code_signing_config_arn
  create_function_alarms         = var.create_function_alarms

  # A profile this stack created is destroyed with it, and AppConfig deletes no profile that
  # still has versions; an existing profile keeps the function's versions.
  delete_own_versions_on_destroy = module.appconfig.configuration_profile_created
  holds_parameter_path           = local.holds_parameter_path
  restore_deployment_strategy_id = module.appconfig.restore_deployment_strategy_id
  restore_cooldown_seconds       = var.restore_cooldown_seconds
  flap_limit                     = var.flap_limit
  flap_window_seconds            = var.flap_window_seconds
}

module "deployment_guard" {
  source = "./modules/deployment-guard"
  count  = local.create_guard ? 1 : 0

  name = var.name_prefix
  tags = var.tags

  appconfig_application_id           = module.appconfig.application_id
  appconfig_environment_id           = module.appconfig.environment_id
  appconfig_configuration_profile_id = module.appconfig.configuration_profile_id
  holds_parameter_path               = local.holds_parameter_path
  guard_mode                         = var.guard_mode
  guard_new_versions                 = var.guard_new_versions
  rollback_function_name             = module.function.function_name
  notification_topic_arn             = module.notifications.notification_topic_arn
  kms_key_arns                       = distinct(compact([module.notifications.kms_key_arn, module.notifications.notification_topic_kms_key_arn]))

  package_path          = module.function.package_path
  package_s3            = var.package_s3
  runtime               = var.lambda_runtime
  architecture          = var.lambda_architecture
  log_retention_in_days = var.lambda_log_retention_in_days
  log_level             = var.lambda_log_level
}
