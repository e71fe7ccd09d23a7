# Terraform as a team would use it next to the module: it writes a new version of the flags
# document and deploys it (tests/e2e/test_holds.py). The test passes the stack's IDs and
# the document; a document that turns a held flag back on must fail here, at the guard.
provider "aws" {
  region = "us-east-1"
}

resource "aws_appconfig_hosted_configuration_version" "flags" {
  application_id           = var.application_id
  configuration_profile_id = var.configuration_profile_id
  content_type             = "application/json"
  content                  = var.document
  description              = "Flags, changed by Terraform."
}

resource "aws_appconfig_deployment" "flags" {
  application_id           = var.application_id
  environment_id           = var.environment_id
  configuration_profile_id = var.configuration_profile_id
  configuration_version    = tostring(aws_appconfig_hosted_configuration_version.flags.version_number)
  deployment_strategy_id   = "AppConfig.AllAtOnce"
  description              = "Flags, deployed by Terraform."
}
