# pytest-terraform fixture folder (tests/e2e): applies the real examples/complete, unchanged,
# as a module, so the example's own code and defaults are what the end-to-end suite proves.
# The provider configuration is the example's; AWS_ENDPOINT_URL and fake credentials, set
# by tests/e2e/conftest.py, point it at the local emulator.
module "example" {
  source = "../../../examples/complete"

  # The scenarios restore right after a rollback; the cooldown is proven by the unit tests.
  restore_cooldown_seconds = 0
}

output "example" {
  description = "Every output of examples/complete, as one object."
  value       = module.example
}
