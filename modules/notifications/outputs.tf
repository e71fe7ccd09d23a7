output "alarm_topic_arn" {
  description = "ARN of the topic the flag alarms publish to (it triggers the rollback when the trigger is \"sns\")."
  value       = aws_sns_topic.alarms.arn
}

output "notification_topic_arn" {
  description = "ARN of the topic that notifies people (created or given)."
  value       = local.notification_topic_arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the topics (created or given)."
  value       = local.kms_key_arn
}

output "notification_topic_kms_key_arn" {
  description = "ARN of the KMS key a publisher of the notification topic must be allowed to use; null when an existing topic without a customer-managed key was given."
  value       = local.notification_key_arn
}

output "subscription_arns" {
  description = "ARN of each subscription of the notification topic, keyed by \"protocol:endpoint\"."
  value       = { for key, subscription in aws_sns_topic_subscription.notifications : key => subscription.arn }
}
