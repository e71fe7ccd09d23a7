# Plan examples/multi-environment with the mocked provider: one shared application and
# profile, one rollback stack per environment.
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


run "one_stack_per_environment" {
  command = plan

  assert {
    condition     = sort(keys(output.stacks)) == tolist(["production", "staging"])
    error_message = "Each entry of var.environments gets its own stack."
  }

  assert {
    condition     = output.stacks["staging"].function_name == "shop-staging" && output.stacks["production"].function_name == "shop-production"
    error_message = "Each stack's function is named after the application and its environment."
  }

  assert {
    condition     = output.stacks["staging"].alarm_names["new_checkout"] == "FeatureFlag-new_checkout-ErrorRate-staging" && output.stacks["production"].alarm_names["dark_mode"] == "FeatureFlag-dark_mode-ErrorRate-production"
    error_message = "Alarm names carry the environment, so the stacks never share an alarm."
  }
}

run "stacks_share_the_application_and_profile" {
  assert {
    condition     = output.appconfig_application_id == "app1234" && output.appconfig_configuration_profile_id == "prf1234"
    error_message = "The example creates one application and one profile for all environments."
  }
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
