output "application_id" {
  description = "ID of the AppConfig application (created or given)."
  value       = local.application_id

  precondition {
    condition     = local.application_id != null
    error_message = "create.application = false needs application_id: the ID of the existing application."
  }
}

output "environment_id" {
  description = "ID of the AppConfig environment (created or given)."
  value       = local.environment_id

  precondition {
    condition     = local.environment_id != null
    error_message = "create.environment = false needs environment_id: the ID of the existing environment."
  }
}

output "configuration_profile_created" {
  description = "Whether this module created the configuration profile (true) or was given an existing one (false); the rollback function deletes its own versions at destroy only from a profile destroyed with the stack."
  value       = local.create_profile
}

output "configuration_profile_id" {
  description = "ID of the feature-flag configuration profile (created or given)."
  value       = local.configuration_profile_id

  precondition {
    condition     = local.configuration_profile_id != null
    error_message = "create.configuration_profile = false needs configuration_profile_id: the ID of the existing profile."
  }
}

output "deployment_strategy_id" {
  description = "ID of the deployment strategy the rollback deploys with: the emergency strategy created here, or the one given."
  value       = local.deployment_strategy_id

  precondition {
    condition     = local.deployment_strategy_id != null
    error_message = "create.deployment_strategy = false needs deployment_strategy_id (for example \"AppConfig.AllAtOnce\")."
  }
}

output "profile_type" {
  description = "Type of the configuration profile this module created (\"AWS.AppConfig.FeatureFlags\" or \"AWS.Freeform\"); null when an existing profile was given."
  value       = try(aws_appconfig_configuration_profile.flags[0].type, null)
}

output "hosted_configuration_version_number" {
  description = "Version number of the initial hosted configuration version; null when none was created."
  value       = try(aws_appconfig_hosted_configuration_version.initial[0].version_number, null)
}

output "initial_deployment_number" {
  description = "Number of the deployment of the initial configuration; null when it was not deployed here."
  value       = try(aws_appconfig_deployment.initial[0].deployment_number, null)
}

output "restore_deployment_strategy_id" {
  description = "ID of the deployment strategy a restore deploys with: the gradual strategy created here, or the one given."
  value       = local.restore_strategy_id
}
