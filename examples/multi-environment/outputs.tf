output "appconfig_application_id" {
  description = "The shared AppConfig application."
  value       = aws_appconfig_application.shop.id
}

output "appconfig_configuration_profile_id" {
  description = "The shared flag profile."
  value       = aws_appconfig_configuration_profile.flags.configuration_profile_id
}

output "appconfig_deployment_strategy_id" {
  description = "The emergency deployment strategy every stack's rollback deploys with."
  value       = aws_appconfig_deployment_strategy.emergency.id
}

output "stacks" {
  description = "Per environment: its AppConfig environment, function and alarm names."
  value = {
    for environment, stack in module.flag_rollback : environment => {
      appconfig_environment_id = stack.appconfig_environment_id
      function_name            = stack.function_name
      alarm_names              = stack.alarm_names
      notification_topic_arn   = stack.notification_topic_arn
      deployment_strategy_id   = stack.appconfig_deployment_strategy_id
    }
  }
}
