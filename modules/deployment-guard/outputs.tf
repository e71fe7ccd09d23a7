output "function_name" {
  description = "Name of the guard function."
  value       = aws_lambda_function.guard.function_name
}

output "function_arn" {
  description = "ARN of the guard function."
  value       = aws_lambda_function.guard.arn
}

output "role_arn" {
  description = "ARN of the guard function's execution role."
  value       = aws_iam_role.guard.arn
}

output "extension_arn" {
  description = "ARN of the AppConfig extension that invokes the guard."
  value       = aws_appconfig_extension.guard.arn
}

output "extension_role_arn" {
  description = "ARN of the service role AppConfig assumes to invoke the guard."
  value       = aws_iam_role.extension.arn
}

output "extension_association_id" {
  description = "ID of the association of the extension with the flags profile."
  value       = aws_appconfig_extension_association.guard.id
}

output "action_points" {
  description = "The AppConfig action points at which the guard runs."
  value       = local.action_points
}
