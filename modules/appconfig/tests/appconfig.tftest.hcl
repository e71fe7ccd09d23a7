mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name = "checkout-flags"
  tags = { Team = "payments" }
}

run "creates_application_environment_profile_and_strategy" {
  assert {
    condition     = aws_appconfig_application.this[0].name == "checkout-flags" && aws_appconfig_environment.this[0].name == "production"
    error_message = "With no IDs given the module must create the application and a production environment."
  }

  assert {
    condition     = aws_appconfig_configuration_profile.flags[0].type == "AWS.AppConfig.FeatureFlags" && aws_appconfig_configuration_profile.flags[0].location_uri == "hosted"
    error_message = "The created profile must be a hosted AWS.AppConfig.FeatureFlags profile."
  }

  assert {
    condition     = output.application_id == "app1234" && output.environment_id == "env1234" && output.configuration_profile_id == "prf1234" && output.deployment_strategy_id == "str1234"
    error_message = "The outputs must return the IDs of the created resources."
  }

  assert {
    condition     = output.hosted_configuration_version_number == null && output.initial_deployment_number == null
    error_message = "Without an initial configuration no version or deployment exists, and their outputs are null."
  }
}

run "emergency_strategy_deploys_at_once" {
  command = plan

  assert {
    condition = (
      aws_appconfig_deployment_strategy.emergency[0].deployment_duration_in_minutes == 0 &&
      aws_appconfig_deployment_strategy.emergency[0].final_bake_time_in_minutes == 0 &&
      aws_appconfig_deployment_strategy.emergency[0].growth_factor == 100 &&
      aws_appconfig_deployment_strategy.emergency[0].replicate_to == "NONE"
    )
    error_message = "The emergency strategy must reach 100% at once with no bake time and no replication."
  }
}

run "freeform_profile_for_the_legacy_format" {
  command = plan

  variables {
    profile_type = "AWS.Freeform"
  }

  assert {
    condition     = aws_appconfig_configuration_profile.flags[0].type == "AWS.Freeform"
    error_message = "profile_type = AWS.Freeform must create a freeform profile."
  }
}

run "existing_ids_create_nothing" {
  command = plan

  variables {
    application_id           = "abc1234"
    environment_id           = "def5678"
    configuration_profile_id = "ghi9012"
    deployment_strategy_id   = "AppConfig.AllAtOnce"
  }

  assert {
    condition = (
      length(aws_appconfig_application.this) + length(aws_appconfig_environment.this) +
      length(aws_appconfig_configuration_profile.flags) + length(aws_appconfig_deployment_strategy.emergency) == 0
    )
    error_message = "Given IDs must be used as they are, creating nothing."
  }

  assert {
    condition     = output.application_id == "abc1234" && output.environment_id == "def5678" && output.configuration_profile_id == "ghi9012" && output.deployment_strategy_id == "AppConfig.AllAtOnce"
    error_message = "The outputs must return the given IDs."
  }

  assert {
    condition     = output.profile_type == null
    error_message = "profile_type is null when the profile was given."
  }
}

run "explicit_toggles_use_ids_known_only_after_apply" {
  command = plan

  variables {
    create                   = { application = false, configuration_profile = false }
    application_id           = "abc1234"
    configuration_profile_id = "ghi9012"
  }

  assert {
    condition     = length(aws_appconfig_application.this) == 0 && length(aws_appconfig_configuration_profile.flags) == 0 && aws_appconfig_environment.this[0].application_id == "abc1234"
    error_message = "create entries set to false must use the given IDs and create the rest."
  }
}

run "create_false_without_an_id_fails" {
  command = plan

  variables {
    create = { deployment_strategy = false }
  }

  expect_failures = [output.deployment_strategy_id]
}

run "environment_is_created_in_an_existing_application" {
  command = plan

  variables {
    application_id   = "abc1234"
    environment_name = "staging"
  }

  assert {
    condition     = length(aws_appconfig_application.this) == 0 && aws_appconfig_environment.this[0].application_id == "abc1234" && aws_appconfig_environment.this[0].name == "staging"
    error_message = "The environment must be created inside the given application."
  }
}

run "initial_configuration_is_stored_and_deployed" {
  variables {
    initial_configuration        = jsonencode({ version = "1", flags = { new_checkout = { name = "New checkout" } }, values = { new_checkout = { enabled = true } } })
    deploy_initial_configuration = true
  }

  assert {
    condition     = jsondecode(aws_appconfig_hosted_configuration_version.initial[0].content).values.new_checkout.enabled == true && aws_appconfig_hosted_configuration_version.initial[0].content_type == "application/json"
    error_message = "The initial configuration must be stored as a JSON hosted version."
  }

  assert {
    condition     = aws_appconfig_deployment.initial[0].configuration_version == "1" && aws_appconfig_deployment.initial[0].deployment_strategy_id == "str1234" && aws_appconfig_deployment.initial[0].environment_id == "env1234"
    error_message = "The initial version must be deployed to the environment with the emergency strategy."
  }

  assert {
    condition     = output.hosted_configuration_version_number == 1 && output.initial_deployment_number == 1
    error_message = "The outputs must return the version and deployment numbers."
  }
}

# The seed runs share a state of their own: the second changes the inputs of the first.
run "seed_configuration_is_deployed_once" {
  state_key = "seed"

  variables {
    initial_configuration        = jsonencode({ version = "1", flags = { new_checkout = { name = "New checkout" } }, values = { new_checkout = { enabled = true } } })
    deploy_initial_configuration = true
  }

  assert {
    condition     = keys(jsondecode(aws_appconfig_hosted_configuration_version.initial[0].content).values) == ["new_checkout"] && aws_appconfig_deployment.initial[0].deployment_strategy_id == "str1234"
    error_message = "The seed version must hold the first document and be deployed with the created strategy."
  }
}

# After a rollback the deployed version has a flag disabled; a new version of the seed (every flag
# enabled, plus the added one) deployed by Terraform would undo the rollback.
run "editing_the_seed_never_redeploys_over_rollbacks" {
  state_key = "seed"

  variables {
    initial_configuration        = jsonencode({ version = "1", flags = { new_checkout = { name = "New checkout" }, dark_mode = { name = "Dark mode" } }, values = { new_checkout = { enabled = true }, dark_mode = { enabled = true } } })
    deploy_initial_configuration = true
    deployment_strategy_id       = "AppConfig.AllAtOnce"
  }

  assert {
    condition     = keys(jsondecode(aws_appconfig_hosted_configuration_version.initial[0].content).values) == ["new_checkout"]
    error_message = "Editing initial_configuration must not write a new hosted version."
  }

  assert {
    condition     = aws_appconfig_deployment.initial[0].deployment_strategy_id == "str1234"
    error_message = "A change that would replace the initial deployment (here its strategy) must not deploy the seed again."
  }
}

run "initial_configuration_without_deployment" {
  command = plan

  variables {
    initial_configuration = jsonencode({ flags = { new_checkout = { enabled = true } } })
  }

  assert {
    condition     = length(aws_appconfig_hosted_configuration_version.initial) == 1 && length(aws_appconfig_deployment.initial) == 0
    error_message = "The first deployment is optional: by default the version is stored, not deployed."
  }
}

run "deploying_without_a_version_fails" {
  command = plan

  variables {
    deploy_initial_configuration = true
  }

  expect_failures = [aws_appconfig_deployment.initial]
}

run "tags_reach_every_resource" {
  command = plan

  assert {
    condition = alltrue([
      for tags in [
        aws_appconfig_application.this[0].tags, aws_appconfig_environment.this[0].tags,
        aws_appconfig_configuration_profile.flags[0].tags, aws_appconfig_deployment_strategy.emergency[0].tags,
      ] : tags["Team"] == "payments"
    ])
    error_message = "The tags must be on every AppConfig resource."
  }
}

run "rejects_unknown_profile_type" {
  command = plan

  variables {
    profile_type = "AWS.AppConfig.Flags"
  }

  expect_failures = [var.profile_type]
}

run "rejects_malformed_application_id" {
  command = plan

  variables {
    application_id = "my-app"
  }

  expect_failures = [var.application_id]
}

run "rejects_malformed_strategy_id" {
  command = plan

  variables {
    deployment_strategy_id = "AllAtOnce"
  }

  expect_failures = [var.deployment_strategy_id]
}

run "rejects_initial_configuration_that_is_not_json" {
  command = plan

  variables {
    initial_configuration = "enabled: true"
  }

  expect_failures = [var.initial_configuration]
}

run "rejects_invalid_name" {
  command = plan

  variables {
    name = "checkout flags"
  }

  expect_failures = [var.name]
}

run "creates_a_gradual_restore_strategy" {
  command = plan

  assert {
    condition     = aws_appconfig_deployment_strategy.restore[0].growth_type == "LINEAR" && aws_appconfig_deployment_strategy.restore[0].growth_factor == 20 && aws_appconfig_deployment_strategy.restore[0].deployment_duration_in_minutes == 5 && aws_appconfig_deployment_strategy.restore[0].final_bake_time_in_minutes == 5
    error_message = "A restore must roll out gradually (20% a minute) and bake, so a flag that breaks again is caught mid-rollout."
  }
}

run "a_given_restore_strategy_creates_none" {
  command = plan

  variables {
    restore_deployment_strategy_id = "AppConfig.Linear50PercentEvery30Seconds"
  }

  assert {
    condition     = length(aws_appconfig_deployment_strategy.restore) == 0 && output.restore_deployment_strategy_id == "AppConfig.Linear50PercentEvery30Seconds"
    error_message = "A given restore strategy is used as is."
  }
}

run "rejects_a_malformed_restore_strategy" {
  command = plan

  variables {
    restore_deployment_strategy_id = "Linear20"
  }

  expect_failures = [var.restore_deployment_strategy_id]
}
