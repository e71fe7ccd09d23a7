output "alarm_arns" {
  description = "ARN of each flag's alarm, keyed by flag name."
  value       = { for name, alarm in aws_cloudwatch_metric_alarm.flag : name => alarm.arn }
}

output "alarm_names" {
  description = "Name of each flag's alarm, keyed by flag name."
  value       = { for name, alarm in aws_cloudwatch_metric_alarm.flag : name => alarm.alarm_name }
}

output "alarm_name_pattern" {
  description = "Regular expression (Python syntax) matching the alarm names, with a named group \"flag\" that captures the flag name: give it to the rollback function as ALARM_NAME_PATTERN."
  value       = local.alarm_name_pattern
}

output "insufficient_data_alarm_names" {
  description = "Alarm name of each flag that rolls back on INSUFFICIENT_DATA (rollback_on_insufficient_data = true), keyed by flag name; empty when none does. Give it to the rollback function so it acts on that state for these flags only."
  value       = { for name, alarm in aws_cloudwatch_metric_alarm.flag : name => alarm.alarm_name if var.flags[name].rollback_on_insufficient_data }
}
