# Plan-level checks of the example with the mocked provider (run from this example's folder).
mock_provider "aws" {
  source = "../../tests/mocks"
}

override_resource {
  target = aws_appconfig_deployment_strategy.emergency
  values = {
    id  = "shr1234"
    arn = "arn:aws:appconfig:us-east-1:123456789012:deploymentstrategy/shr1234"
  }
}

variables {
  package_path = "../../modules/rollback-function/tests/fixtures/package.zip"
}

# AppConfig allows 20 deployment strategies per account and region by default: the stacks of
# every environment must deploy with one shared strategy, not create one each.
run "environments_share_one_deployment_strategy" {
  assert {
    condition     = length(module.flag_rollback) == 2 && alltrue([for stack in module.flag_rollback : stack.appconfig_deployment_strategy_id == "shr1234"])
    error_message = "Every environment's stack must deploy its rollbacks with the example's one strategy."
  }

  assert {
    condition     = alltrue([for stack in output.stacks : stack.deployment_strategy_id == output.appconfig_deployment_strategy_id])
    error_message = "The example's outputs must show the shared strategy for every stack."
  }

  assert {
    condition     = aws_appconfig_deployment_strategy.emergency.deployment_duration_in_minutes == 0 && aws_appconfig_deployment_strategy.emergency.final_bake_time_in_minutes == 0 && aws_appconfig_deployment_strategy.emergency.growth_factor == 100
    error_message = "The shared strategy must deploy a rollback at once: no growth time, no bake time."
  }
}
