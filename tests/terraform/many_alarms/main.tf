# Fixture folder (tests/e2e/test_eventbridge_quota.py): the rollback function with the
# EventBridge trigger and forty flag alarms. EventBridge refuses an event pattern longer
# than the account's "Event pattern size" quota (2,048 characters by default), so the
# module must split the alarms over rules that each fit. AWS_ENDPOINT_URL and fake
# credentials, set by the test, point the provider at the local emulator.
provider "aws" {
  region = "us-east-1"
}

module "function" {
  source = "../../../modules/rollback-function"

  name                               = "many-flags"
  appconfig_application_id           = "app1234"
  appconfig_environment_id           = "env1234"
  appconfig_configuration_profile_id = "prf1234"
  alarm_names                        = [for index in range(40) : format("FeatureFlag-checkout_experiment_%02d-ErrorRate", index)]
  trigger                            = "eventbridge"
}

output "event_rule_arns" {
  description = "The EventBridge rules the module created."
  value       = module.function.event_rule_arns
}
