# One application and one flag profile shared by every environment; one rollback stack per
# environment. Each stack watches metrics carrying its Environment dimension and rolls back
# only the configuration deployed to its own AppConfig environment.
provider "aws" {
  region = var.region
}

resource "aws_appconfig_application" "shop" {
  name        = var.application_name
  description = "Feature flags of ${var.application_name}."
}

resource "aws_appconfig_configuration_profile" "flags" {
  name           = "flags"
  application_id = aws_appconfig_application.shop.id
  location_uri   = "hosted"
  type           = "AWS.AppConfig.FeatureFlags"
}

# AppConfig allows 20 deployment strategies per account and region by default: one strategy
# for every stack (and environment) soon runs out, so the stacks share this one. A rollback
# must act at once: all targets, no growth time, no bake time.
resource "aws_appconfig_deployment_strategy" "emergency" {
  name                           = "${var.application_name}-emergency"
  description                    = "Emergency rollback of ${var.application_name}'s flags: all targets at once, no bake time."
  deployment_duration_in_minutes = 0
  final_bake_time_in_minutes     = 0
  growth_factor                  = 100
  growth_type                    = "LINEAR"
  replicate_to                   = "NONE"
}

module "flag_rollback" {
  source   = "../.."
  for_each = var.environments

  name_prefix = "${var.application_name}-${each.key}"
  tags        = { Environment = each.key }

  flags             = { for name in var.flags : name => { threshold = each.value.threshold } }
  alarm_name_format = "FeatureFlag-%s-ErrorRate-${each.key}"
  metric_convention = { extra_dimensions = { Environment = each.key } }

  # These IDs exist only after apply: say explicitly that the stack must not create them.
  appconfig_create                   = { application = false, configuration_profile = false, deployment_strategy = false }
  appconfig_application_id           = aws_appconfig_application.shop.id
  appconfig_configuration_profile_id = aws_appconfig_configuration_profile.flags.configuration_profile_id
  appconfig_deployment_strategy_id   = aws_appconfig_deployment_strategy.emergency.id
  appconfig_environment_name         = each.key

  notification_emails = each.value.notification_emails
  dry_run             = each.value.dry_run
  package_path        = var.package_path
}
