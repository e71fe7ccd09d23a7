# pytest-terraform fixture folder (tests/e2e/test_minimal.py): applies the real
# examples/minimal, unchanged, as a module, against AppConfig resources the test created
# first. The test passes their IDs as TF_VAR_* environment variables.
module "example" {
  source = "../../../examples/minimal"

  application_id           = var.application_id
  environment_id           = var.environment_id
  configuration_profile_id = var.configuration_profile_id
  flag_name                = var.flag_name
  notification_email       = var.notification_email
}

output "example" {
  description = "Every output of examples/minimal, as one object."
  value       = module.example
}
