# The smallest useful stack: flags already live in AppConfig, one flag is watched, and one
# person is emailed about rollbacks. Everything else takes the module's defaults.
provider "aws" {
  region = var.region
}

module "flag_rollback" {
  source = "../.."

  flags = { (var.flag_name) = {} }

  appconfig_application_id           = var.application_id
  appconfig_environment_id           = var.environment_id
  appconfig_configuration_profile_id = var.configuration_profile_id
  appconfig_deployment_strategy_id   = "AppConfig.AllAtOnce"

  notification_emails = [var.notification_email]
  package_path        = var.package_path
}
