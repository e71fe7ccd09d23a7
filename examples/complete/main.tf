# Everything created by the module: AppConfig application, environment, profile with the
# first flags deployed, KMS key, both topics, one alarm per flag, the function and its trigger.
# AWS_ENDPOINT_URL (and fake credentials) point the provider at a local emulator instead.
provider "aws" {
  region = var.region
}

locals {
  # The first configuration, in the format of the chosen profile type.
  initial_configuration = {
    "AWS.AppConfig.FeatureFlags" = jsonencode({
      version = "1"
      flags   = { for name in keys(var.flags) : name => { name = name } }
      values  = { for name in keys(var.flags) : name => { enabled = true } }
    })
    "AWS.Freeform" = jsonencode({
      flags = { for name in keys(var.flags) : name => { enabled = true, rolloutPercentage = 100 } }
    })
  }
}

module "flag_rollback" {
  source = "../.."

  name_prefix = var.name_prefix
  tags        = var.tags

  flags = var.flags

  appconfig_environment_name             = "production"
  appconfig_profile_type                 = var.profile_type
  appconfig_initial_configuration        = local.initial_configuration[var.profile_type]
  appconfig_deploy_initial_configuration = true

  notification_emails = var.notification_emails
  trigger             = var.trigger
  dry_run             = var.dry_run
  package_path        = var.package_path

  # Held flags: deployments that turn a rolled-back flag back on are refused until it is
  # restored; a restore deploys gradually and waits out the cooldown.
  guard_mode               = var.guard_mode
  restore_cooldown_seconds = var.restore_cooldown_seconds
}
