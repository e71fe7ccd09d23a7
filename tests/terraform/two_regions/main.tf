# Fixture folder (tests/e2e/test_regions.py): the rollback function applied twice with the
# same name, in two regions of one account. IAM names are global per account (a role named
# in us-east-1 exists in eu-west-1 too), so every IAM name the module builds must differ
# between the two stacks. AWS_ENDPOINT_URL and fake credentials, set by the test, point
# both providers at one local emulator.
provider "aws" {
  alias  = "east"
  region = "us-east-1"
}

provider "aws" {
  alias  = "west"
  region = "eu-west-1"
}

locals {
  # The same inputs in both regions: only the provider differs.
  function = {
    name                               = "flags"
    appconfig_application_id           = "app1234"
    appconfig_environment_id           = "env1234"
    appconfig_configuration_profile_id = "prf1234"
    alarm_names                        = ["FeatureFlag-checkout-ErrorRate"]
    trigger                            = "eventbridge"
  }
}

module "east" {
  source    = "../../../modules/rollback-function"
  providers = { aws = aws.east }

  name                               = local.function.name
  appconfig_application_id           = local.function.appconfig_application_id
  appconfig_environment_id           = local.function.appconfig_environment_id
  appconfig_configuration_profile_id = local.function.appconfig_configuration_profile_id
  alarm_names                        = local.function.alarm_names
  trigger                            = local.function.trigger
}

module "west" {
  source    = "../../../modules/rollback-function"
  providers = { aws = aws.west }

  name                               = local.function.name
  appconfig_application_id           = local.function.appconfig_application_id
  appconfig_environment_id           = local.function.appconfig_environment_id
  appconfig_configuration_profile_id = local.function.appconfig_configuration_profile_id
  alarm_names                        = local.function.alarm_names
  trigger                            = local.function.trigger
}

output "function_arns" {
  description = "The function's ARN in each region."
  value       = { east = module.east.function_arn, west = module.west.function_arn }
}

output "role_arns" {
  description = "The function's role ARN in each region."
  value       = { east = module.east.role_arn, west = module.west.role_arn }
}
