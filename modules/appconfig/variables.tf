################################################################################
# Naming and tags
################################################################################

variable "name" {
  description = "Name given to every AppConfig resource this module creates (application, environment, configuration profile, deployment strategy)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$", var.name))
    error_message = "name must be 1-64 characters of letters, digits, '.', '_' or '-', starting with a letter or digit (for example \"checkout-flags\")."
  }
}

variable "tags" {
  description = "Tags added to every AppConfig resource this module creates."
  type        = map(string)
  default     = {}
}

################################################################################
# Existing resources (null means: create it)
################################################################################

variable "application_id" {
  description = "ID of an existing AppConfig application. null creates a new application named after var.name."
  type        = string
  default     = null

  validation {
    condition     = var.application_id == null || can(regex("^[a-z0-9]{4,7}$", var.application_id))
    error_message = "application_id must be an AppConfig application ID: 4-7 lowercase letters or digits (for example \"abc1234\"), or null to create one."
  }
}

variable "environment_id" {
  description = "ID of an existing AppConfig environment in the application. null creates a new environment named after var.environment_name."
  type        = string
  default     = null

  validation {
    condition     = var.environment_id == null || can(regex("^[a-z0-9]{4,7}$", var.environment_id))
    error_message = "environment_id must be an AppConfig environment ID: 4-7 lowercase letters or digits, or null to create one."
  }
}

variable "configuration_profile_id" {
  description = "ID of an existing feature-flag configuration profile in the application. null creates a new hosted profile."
  type        = string
  default     = null

  validation {
    condition     = var.configuration_profile_id == null || can(regex("^[a-z0-9]{4,7}$", var.configuration_profile_id))
    error_message = "configuration_profile_id must be an AppConfig configuration profile ID: 4-7 lowercase letters or digits, or null to create one."
  }
}

variable "deployment_strategy_id" {
  description = "ID of an existing deployment strategy the rollback deploys with (for example \"AppConfig.AllAtOnce\"). null creates an emergency strategy: all at once, no bake time."
  type        = string
  default     = null

  validation {
    condition     = var.deployment_strategy_id == null || can(regex("^([a-z0-9]{4,7}|AppConfig\\.[A-Za-z0-9]{9,40})$", var.deployment_strategy_id))
    error_message = "deployment_strategy_id must be a strategy ID (4-7 lowercase letters or digits) or a predefined one such as \"AppConfig.AllAtOnce\", or null to create one."
  }
}

variable "create" {
  description = "Which pieces to create, when their IDs cannot decide: an unset entry is derived from its ID (null ID = create). Set an entry to false when its ID comes from a resource created in the same apply: Terraform knows such an ID only after apply, too late to decide what to create."
  type = object({
    application           = optional(bool)
    environment           = optional(bool)
    configuration_profile = optional(bool)
    deployment_strategy   = optional(bool)
  })
  default = {}
}

################################################################################
# What to create
################################################################################

variable "environment_name" {
  description = "Name of the AppConfig environment to create when environment_id is null."
  type        = string
  default     = "production"

  validation {
    condition     = can(regex("^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$", var.environment_name))
    error_message = "environment_name must be 1-64 characters of letters, digits, '.', '_' or '-' (for example \"production\")."
  }
}

variable "profile_type" {
  description = "Type of the configuration profile to create: \"AWS.AppConfig.FeatureFlags\" (flags under values.<flag>.enabled) or \"AWS.Freeform\" (the legacy JSON format, flags under flags.<flag>.enabled)."
  type        = string
  default     = "AWS.AppConfig.FeatureFlags"

  validation {
    condition     = contains(["AWS.AppConfig.FeatureFlags", "AWS.Freeform"], var.profile_type)
    error_message = "profile_type must be \"AWS.AppConfig.FeatureFlags\" or \"AWS.Freeform\"."
  }
}

variable "initial_configuration" {
  description = "JSON document stored as the first hosted configuration version of the created profile. null stores none (your release process writes versions). It is a seed: Terraform ignores later edits, since deploying it again would re-enable flags the function has rolled back."
  type        = string
  default     = null

  validation {
    condition     = var.initial_configuration == null || can(jsondecode(var.initial_configuration))
    error_message = "initial_configuration must be a JSON document (use jsonencode({...})), or null."
  }
}

variable "deploy_initial_configuration" {
  description = "Whether to deploy the initial hosted configuration version to the environment, so a configuration is live before the first rollback. Needs initial_configuration."
  type        = bool
  default     = false
}

################################################################################
# Guarded restore
################################################################################

variable "restore_deployment_strategy_id" {
  description = "ID of the deployment strategy a restore deploys with (for example \"AppConfig.Linear50PercentEvery30Seconds\"). null creates a gradual one: linear 20% per minute over 5 minutes, then a 5-minute bake."
  type        = string
  default     = null

  validation {
    condition     = var.restore_deployment_strategy_id == null || can(regex("^([a-z0-9]{4,7}|AppConfig\\.[A-Za-z0-9]{9,40})$", var.restore_deployment_strategy_id))
    error_message = "restore_deployment_strategy_id must be a strategy ID (4-7 lowercase letters or digits) or a predefined one such as \"AppConfig.Linear50PercentEvery30Seconds\", or null to create one."
  }
}
