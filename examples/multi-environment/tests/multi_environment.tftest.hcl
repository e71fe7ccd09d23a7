# Plan examples/multi-environment with the mocked provider: one shared application and
# profile, one rollback stack per environment.
mock_provider "aws" {
  source = "../../tests/mocks"
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
