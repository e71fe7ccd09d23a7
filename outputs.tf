output "function_name" {
  description = "Name of the rollback Lambda function."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the rollback Lambda function."
  value       = module.function.function_arn
}

output "role_arn" {
  description = "ARN of the function's execution role."
  value       = module.function.role_arn
}

output "log_group_name" {
  description = "Name of the function's CloudWatch log group."
  value       = module.function.log_group_name
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic the flag alarms publish to."
  value       = module.notifications.alarm_topic_arn
}

output "notification_topic_arn" {
  description = "ARN of the SNS topic that notifies people (created or given)."
  value       = module.notifications.notification_topic_arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting the topics and the dead-letter queue (created or given)."
  value       = module.notifications.kms_key_arn
}

output "alarm_arns" {
  description = "ARN of each flag's alarm, keyed by flag name."
  value       = module.flag_alarms.alarm_arns
}

output "alarm_names" {
  description = "Name of each flag's alarm, keyed by flag name."
  value       = module.flag_alarms.alarm_names
}

output "alarm_name_pattern" {
  description = "Regular expression the function uses to find the flag in an alarm name (ALARM_NAME_PATTERN)."
  value       = module.flag_alarms.alarm_name_pattern
}

output "dead_letter_queue_arn" {
  description = "ARN of the dead-letter queue of failed invocations."
  value       = module.function.dead_letter_queue_arn
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue of failed invocations."
  value       = module.function.dead_letter_queue_url
}

output "event_rule_arns" {
  description = "ARNs of the EventBridge rules invoking the function (about 20 alarms per rule at EventBridge's default event pattern size quota of 2048 characters; see event_pattern_max_length); null when the trigger is \"sns\"."
  value       = module.function.event_rule_arns
}

output "function_alarm_arns" {
  description = "ARNs of the alarms on the function's errors, dead-letter queue depth and failed notifications; empty when not created."
  value       = module.function.function_alarm_arns
}

output "appconfig_application_id" {
  description = "ID of the AppConfig application."
  value       = module.appconfig.application_id
}

output "appconfig_environment_id" {
  description = "ID of the AppConfig environment."
  value       = module.appconfig.environment_id
}

output "appconfig_configuration_profile_id" {
  description = "ID of the feature-flag configuration profile."
  value       = module.appconfig.configuration_profile_id
}

output "appconfig_deployment_strategy_id" {
  description = "ID of the deployment strategy the rollback deploys with."
  value       = module.appconfig.deployment_strategy_id
}

output "appconfig_hosted_configuration_version_number" {
  description = "Version number of the initial hosted configuration version; null when none was created."
  value       = module.appconfig.hosted_configuration_version_number
}

output "holds_parameter_path" {
  description = "SSM parameter path of the held flags, one parameter per flag: `aws ssm get-parameters-by-path --path <this>` lists them."
  value       = local.holds_parameter_path
}

output "guard_function_name" {
  description = "Name of the deployment guard function; null when guard_mode is \"off\"."
  value       = try(module.deployment_guard[0].function_name, null)
}

output "guard_extension_arn" {
  description = "ARN of the AppConfig extension that runs the guard; null when guard_mode is \"off\"."
  value       = try(module.deployment_guard[0].extension_arn, null)
}

output "restore_deployment_strategy_id" {
  description = "ID of the deployment strategy a restore deploys with."
  value       = module.appconfig.restore_deployment_strategy_id
}
