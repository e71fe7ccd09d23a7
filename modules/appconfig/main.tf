locals {
  # An explicit var.create entry wins: it is known at plan time even when the ID is not.
  create_application = coalesce(var.create.application, var.application_id == null)
  create_environment = coalesce(var.create.environment, var.environment_id == null)
  create_profile     = coalesce(var.create.configuration_profile, var.configuration_profile_id == null)
  create_strategy    = coalesce(var.create.deployment_strategy, var.deployment_strategy_id == null)
  create_version     = local.create_profile && var.initial_configuration != null

  application_id           = local.create_application ? aws_appconfig_application.this[0].id : var.application_id
  environment_id           = local.create_environment ? aws_appconfig_environment.this[0].environment_id : var.environment_id
  configuration_profile_id = local.create_profile ? aws_appconfig_configuration_profile.flags[0].configuration_profile_id : var.configuration_profile_id
  deployment_strategy_id   = local.create_strategy ? aws_appconfig_deployment_strategy.emergency[0].id : var.deployment_strategy_id
}

resource "aws_appconfig_application" "this" {
  count = local.create_application ? 1 : 0

  name        = var.name
  description = "Feature flags watched by the automatic rollback."
  tags        = var.tags
}

resource "aws_appconfig_environment" "this" {
  count = local.create_environment ? 1 : 0

  name           = var.environment_name
  application_id = local.application_id
  description    = "Environment whose flags the automatic rollback disables."
  tags           = var.tags
}

resource "aws_appconfig_configuration_profile" "flags" {
  count = local.create_profile ? 1 : 0

  name           = var.name
  application_id = local.application_id
  location_uri   = "hosted"
  type           = var.profile_type
  description    = "Feature flags; the rollback function writes new versions here."
  tags           = var.tags
}

# The rollback must take effect at once: no linear growth, no bake time, and no replication
# to SSM (AppConfig accepts only these values for an immediate strategy).
resource "aws_appconfig_deployment_strategy" "emergency" {
  count = local.create_strategy ? 1 : 0

  name                           = "${var.name}-emergency"
  description                    = "Emergency rollback: all targets at once, no bake time."
  deployment_duration_in_minutes = 0
  final_bake_time_in_minutes     = 0
  growth_factor                  = 100
  growth_type                    = "LINEAR"
  replicate_to                   = "NONE"
  tags                           = var.tags
}

# The initial version and its deployment are a seed. Once the function has rolled a flag back,
# a new version of this document (every flag as written, e.g. after adding a flag) deployed by
# Terraform would re-enable it; so later edits of initial_configuration, and any input that
# would replace the deployment (its strategy, say), change nothing in AWS. To publish a new
# document, see the README ("Managing the flag document").
resource "aws_appconfig_hosted_configuration_version" "initial" {
  count = local.create_version ? 1 : 0

  application_id           = local.application_id
  configuration_profile_id = local.configuration_profile_id
  content_type             = "application/json"
  content                  = var.initial_configuration
  description              = "Initial flags, written by Terraform."

  lifecycle {
    ignore_changes = [content, content_type]
  }
}

resource "aws_appconfig_deployment" "initial" {
  count = var.deploy_initial_configuration ? 1 : 0

  application_id           = local.application_id
  environment_id           = local.environment_id
  configuration_profile_id = local.configuration_profile_id
  configuration_version    = try(tostring(aws_appconfig_hosted_configuration_version.initial[0].version_number), "")
  deployment_strategy_id   = local.deployment_strategy_id
  description              = "Initial flags, deployed by Terraform."
  tags                     = var.tags

  lifecycle {
    ignore_changes = all

    precondition {
      condition     = local.create_version
      error_message = "deploy_initial_configuration needs a hosted version to deploy: set initial_configuration (and let this module create the configuration profile)."
    }
  }
}
