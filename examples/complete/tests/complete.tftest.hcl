# Plan (and apply, where a value exists only after apply) examples/complete with the mocked
# provider: everything is created by the module.
mock_provider "aws" {
  source = "../../tests/mocks"
}

run "creates_one_alarm_per_flag_with_the_sns_trigger" {
  command = plan

  assert {
    condition = tomap(output.alarm_names) == tomap({
      new_checkout    = "FeatureFlag-new_checkout-ErrorRate"
      dark_mode       = "FeatureFlag-dark_mode-ErrorRate"
      recommendations = "FeatureFlag-recommendations-ErrorRate"
    })
    error_message = "Every flag of the example gets its alarm."
  }

  assert {
    condition     = output.function_name == "flag-rollback-demo" && output.event_rule_arns == null
    error_message = "The function is named after the prefix, and the sns trigger creates no EventBridge rule."
  }
}

run "eventbridge_trigger_creates_a_rule" {
  variables {
    trigger = "eventbridge"
  }

  assert {
    condition     = length(output.event_rule_arns) == 2
    error_message = "Two alarms fit in the rule matching ALARM; recommendations, whose silence means failure, gets the rule matching INSUFFICIENT_DATA too."
  }
}

run "freeform_profile_keeps_the_same_alarms" {
  command = plan

  variables {
    profile_type = "AWS.Freeform"
  }

  assert {
    condition     = length(output.alarm_names) == 3
    error_message = "The legacy JSON profile watches the same flags."
  }
}
