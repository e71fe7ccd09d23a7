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
  description = "ARNs of the EventBridge rules that invoke the function (as many as event_pattern_max_length needs: about 20 alarms per rule at the default 2048 characters); null when the trigger is \"sns\"."
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
  value       = local.use_s3 ? null : local.package_path
}

output "log_group_kms_key_arn" {
  description = "ARN of the KMS key encrypting the function's log group; null when CloudWatch Logs' own encryption is used."
  value       = aws_cloudwatch_log_group.function.kms_key_id
}

output "code_signing_config_arn" {
  description = "ARN of the code signing configuration enforced on the package; null when there is none."
  value       = aws_lambda_function.rollback.code_signing_config_arn
}

output "maximum_event_age_in_seconds" {
  description = "How long Lambda retries an asynchronous event before it goes to the dead-letter queue, in seconds."
  value       = aws_lambda_function_event_invoke_config.rollback.maximum_event_age_in_seconds
}
