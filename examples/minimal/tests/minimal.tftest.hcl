# Plan examples/minimal with the mocked provider: the flags already live in AppConfig, so
# the stack uses the given IDs and creates no AppConfig resource.
mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  application_id           = "abc1234"
  environment_id           = "def5678"
  configuration_profile_id = "ghi9012"
  notification_email       = "oncall@example.com"
}

run "watches_one_flag_of_existing_appconfig" {
  command = plan

  assert {
    condition     = tomap(output.alarm_names) == tomap({ new_checkout = "FeatureFlag-new_checkout-ErrorRate" })
    error_message = "The example watches exactly the one flag it names, with the default alarm name."
  }

  assert {
    condition     = output.appconfig_application_id == "abc1234" && output.appconfig_environment_id == "def5678" && output.appconfig_configuration_profile_id == "ghi9012"
    error_message = "The existing AppConfig IDs must be used as given."
  }

  assert {
    condition     = output.function_name == "flag-rollback"
    error_message = "The function takes the module's default name prefix."
  }
}
