output "function_name" {
  description = "Name of the rollback function."
  value       = module.flag_rollback.function_name
}

output "alarm_names" {
  description = "Alarm name of the watched flag."
  value       = module.flag_rollback.alarm_names
}

output "notification_topic_arn" {
  description = "Topic telling people about rollbacks."
  value       = module.flag_rollback.notification_topic_arn
}

output "dead_letter_queue_arn" {
  description = "Queue of invocations that failed after every retry."
  value       = module.flag_rollback.dead_letter_queue_arn
}

output "appconfig_application_id" {
  description = "AppConfig application ID (as given)."
  value       = module.flag_rollback.appconfig_application_id
}

output "appconfig_environment_id" {
  description = "AppConfig environment ID (as given)."
  value       = module.flag_rollback.appconfig_environment_id
}

output "appconfig_configuration_profile_id" {
  description = "AppConfig configuration profile ID (as given)."
  value       = module.flag_rollback.appconfig_configuration_profile_id
}
