output "function_name" {
  description = "Name of the Lambda function the configuration created."
  value       = aws_lambda_function.rollback.function_name
}

output "alarm_names" {
  description = "Names of the simple and the metric-math alarm."
  value       = [aws_cloudwatch_metric_alarm.simple.alarm_name, aws_cloudwatch_metric_alarm.error_rate.alarm_name]
}

output "appconfig_deployment_number" {
  description = "Number of the AppConfig deployment the configuration started."
  value       = aws_appconfig_deployment.flags.deployment_number
}
