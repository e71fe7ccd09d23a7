# pytest-terraform fixture folder (tests/e2e/test_function_policy.py): applies the real
# examples/multi-environment, unchanged, as a module, so the roles it creates are what the
# IAM check reads. AWS_ENDPOINT_URL and fake credentials point it at the local emulator.
module "example" {
  source = "../../../examples/multi-environment"
}

output "example" {
  description = "Every output of examples/multi-environment, as one object."
  value       = module.example
}
