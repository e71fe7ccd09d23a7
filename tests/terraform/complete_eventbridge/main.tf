# pytest-terraform fixture folder (tests/e2e/test_eventbridge.py): the real examples/complete
# with its EventBridge trigger instead of SNS; everything else as the example has it.
module "example" {
  source = "../../../examples/complete"

  trigger = "eventbridge"
}

output "example" {
  description = "Every output of examples/complete, as one object."
  value       = module.example
}
