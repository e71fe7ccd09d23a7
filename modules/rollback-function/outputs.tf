output "function_name" {
  description = "Name of the rollback Lambda function."
  value       = aws_lambda_function.rollback.function_name
}

output "function_arn" {
  description = "ARN of the rollback Lambda function."
  value       = aws_lambda_function.rollback.arn
}

output "role_arn" {
  description = "ARN of the function's execution role."
  value       = aws_iam_role.function.arn
}

output "role_name" {
  description = "Name of the function's execution role."
  value       = aws_iam_role.function.name
}

output "log_group_name" {
  description = "Name of the function's CloudWatch log group."
  value       = aws_cloudwatch_log_group.function.name
}

output "dead_letter_queue_arn" {
  description = "ARN of the SQS queue receiving invocations that failed after every retry."
  value       = aws_sqs_queue.dead_letter.arn
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue."
  value       = aws_sqs_queue.dead_letter.url
}

output "event_rule_arns" {
  description = "ARNs of the EventBridge rules that invoke the function (one per about 40 alarms: an event pattern holds at most 4096 characters); null when the trigger is \"sns\"."
  value       = local.trigger_eventbridge ? aws_cloudwatch_event_rule.alarms[*].arn : null
}

output "function_alarm_arns" {
  description = "ARNs of the alarms on the function's errors, on the dead-letter queue depth and on notifications it could not publish, keyed \"errors\", \"dead-letters\" and \"notification-failures\"; empty when not created."
  value       = { for key, alarm in aws_cloudwatch_metric_alarm.function : key => alarm.arn }
}

output "environment_variables" {
  description = "Environment variables given to the function."
  value       = local.environment
}

output "package_path" {
  description = "Local path of the deployed zip; null when the package comes from S3."
  value       = local.use_s3 ? null : var.package_path
}
