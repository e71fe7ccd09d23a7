output "function_name" {
  description = "Name of the rollback function."
  value       = module.flag_rollback.function_name
}

output "function_arn" {
  description = "ARN of the rollback function."
  value       = module.flag_rollback.function_arn
}

output "alarm_names" {
  description = "Alarm name of each flag."
  value       = module.flag_rollback.alarm_names
}

output "alarm_arns" {
  description = "Alarm ARN of each flag."
  value       = module.flag_rollback.alarm_arns
}

output "alarm_topic_arn" {
  description = "Topic the alarms publish to."
  value       = module.flag_rollback.alarm_topic_arn
}

output "notification_topic_arn" {
  description = "Topic telling people about rollbacks."
  value       = module.flag_rollback.notification_topic_arn
}

output "dead_letter_queue_arn" {
  description = "Queue of invocations that failed after every retry."
  value       = module.flag_rollback.dead_letter_queue_arn
}

output "kms_key_arn" {
  description = "Key encrypting the topics and the queue."
  value       = module.flag_rollback.kms_key_arn
}

output "event_rule_arns" {
  description = "EventBridge rules invoking the function; null with the sns trigger."
  value       = module.flag_rollback.event_rule_arns
}

output "appconfig_application_id" {
  description = "AppConfig application ID."
  value       = module.flag_rollback.appconfig_application_id
}

output "appconfig_environment_id" {
  description = "AppConfig environment ID."
  value       = module.flag_rollback.appconfig_environment_id
}

output "appconfig_configuration_profile_id" {
  description = "AppConfig configuration profile ID."
  value       = module.flag_rollback.appconfig_configuration_profile_id
}

output "appconfig_deployment_strategy_id" {
  description = "Deployment strategy of the rollbacks."
  value       = module.flag_rollback.appconfig_deployment_strategy_id
}

output "holds_parameter_path" {
  description = "SSM parameter path of the held flags (one parameter per flag)."
  value       = module.flag_rollback.holds_parameter_path
}

output "guard_function_name" {
  description = "Name of the deployment guard function; null when guard_mode is \"off\"."
  value       = module.flag_rollback.guard_function_name
}
