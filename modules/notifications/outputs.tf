# Topic ARNs are built from their names, so they are known at plan time (counts and policies
# of callers can use them); depends_on still orders callers after the topics exist.
output "alarm_topic_arn" {
  description = "ARN of the topic the flag alarms publish to (it triggers the rollback when the trigger is \"sns\")."
  value       = local.created_topic_arns.alarms
  depends_on  = [aws_sns_topic.alarms, aws_sns_topic_policy.topics]
}

output "notification_topic_arn" {
  description = "ARN of the topic that notifies people (created or given)."
  value       = local.notification_topic_arn
  depends_on  = [aws_sns_topic.notifications, aws_sns_topic_policy.topics]

  precondition {
    condition     = local.notification_topic_arn != null
    error_message = "create.notification_topic = false needs notification_topic_arn: the ARN of the existing topic."
  }
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the topics (created or given)."
  value       = local.kms_key_arn

  precondition {
    condition     = local.kms_key_arn != null
    error_message = "create.kms_key = false needs kms_key_arn: the ARN of the existing key."
  }
}

output "notification_topic_kms_key_arn" {
  description = "ARN of the KMS key a publisher of the notification topic must be allowed to use; null when an existing topic without a customer-managed key was given."
  value       = local.notification_key_arn
}

output "subscription_arns" {
  description = "ARN of each subscription of the notification topic, keyed by \"protocol:endpoint\"."
  value       = { for key, subscription in aws_sns_topic_subscription.notifications : key => subscription.arn }
}
