mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  flags = {
    new_checkout = {}
    dark-mode = {
      threshold           = 10
      period              = 30
      evaluation_periods  = 5
      datapoints_to_alarm = 3
      treat_missing_data  = "ignore"
      namespace           = "Web"
      errors_metric_name  = "Failures"
      dimensions          = { Flag = "dark-mode", Service = "web" }
    }
  }
  alarm_actions = ["arn:aws:sns:us-east-1:123456789012:alarms"]
}

run "alarm_names_follow_the_default_format" {
  command = plan

  assert {
    condition     = aws_cloudwatch_metric_alarm.flag["new_checkout"].alarm_name == "FeatureFlag-new_checkout-ErrorRate"
    error_message = "The default alarm name must be FeatureFlag-<flag>-ErrorRate, the function's default pattern."
  }

  assert {
    condition     = output.alarm_name_pattern == "^FeatureFlag-(?P<flag>.+)-ErrorRate$"
    error_message = "The default format must give the function's default ALARM_NAME_PATTERN, got ${output.alarm_name_pattern}."
  }
}

run "alarm_uses_error_rate_math" {
  command = plan

  assert {
    condition = [
      for query in aws_cloudwatch_metric_alarm.flag["new_checkout"].metric_query : query.expression if query.return_data == true
    ] == ["100 * errors / requests"]
    error_message = "The alarm must return exactly one series: 100 * errors / requests."
  }

  assert {
    condition = {
      for query in aws_cloudwatch_metric_alarm.flag["new_checkout"].metric_query : query.id => [
        for metric in query.metric : [metric.namespace, metric.metric_name, metric.dimensions, metric.period, metric.stat]
      ] if length(query.metric) > 0
      } == {
      errors   = [["FeatureFlags", "Errors", tomap({ FeatureFlagName = "new_checkout" }), 60, "Sum"]]
      requests = [["FeatureFlags", "Requests", tomap({ FeatureFlagName = "new_checkout" }), 60, "Sum"]]
    }
    error_message = "errors and requests must read the documented convention: FeatureFlags/Errors and Requests, Sum, FeatureFlagName=<flag>."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.flag["new_checkout"].threshold == 5 && aws_cloudwatch_metric_alarm.flag["new_checkout"].comparison_operator == "GreaterThanThreshold"
    error_message = "By default a flag alarms above a 5% error rate."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.flag["new_checkout"].evaluation_periods == 3 && aws_cloudwatch_metric_alarm.flag["new_checkout"].datapoints_to_alarm == 3 && aws_cloudwatch_metric_alarm.flag["new_checkout"].treat_missing_data == "notBreaching"
    error_message = "By default 3 of 3 periods must breach and missing data does not breach."
  }
}

run "per_flag_settings_override_the_convention" {
  command = plan

  assert {
    condition = {
      for query in aws_cloudwatch_metric_alarm.flag["dark-mode"].metric_query : query.id => [
        for metric in query.metric : [metric.namespace, metric.metric_name, metric.dimensions, metric.period, metric.stat]
      ] if length(query.metric) > 0
      } == {
      errors   = [["Web", "Failures", tomap({ Flag = "dark-mode", Service = "web" }), 30, "Sum"]]
      requests = [["Web", "Requests", tomap({ Flag = "dark-mode", Service = "web" }), 30, "Sum"]]
    }
    error_message = "A flag's namespace, metric name, dimensions and period must replace the convention's."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.flag["dark-mode"].threshold == 10 && aws_cloudwatch_metric_alarm.flag["dark-mode"].evaluation_periods == 5 && aws_cloudwatch_metric_alarm.flag["dark-mode"].datapoints_to_alarm == 3 && aws_cloudwatch_metric_alarm.flag["dark-mode"].treat_missing_data == "ignore"
    error_message = "A flag's threshold, evaluation periods, datapoints and missing-data treatment must be used."
  }
}

run "alarms_notify_the_alarm_actions" {
  command = plan

  assert {
    condition     = alltrue([for alarm in aws_cloudwatch_metric_alarm.flag : alarm.alarm_actions == toset(["arn:aws:sns:us-east-1:123456789012:alarms"])])
    error_message = "Every alarm must notify the given alarm actions."
  }
}

run "convention_extra_dimensions_are_added_to_every_flag" {
  command = plan

  variables {
    flags             = { new_checkout = {} }
    metric_convention = { namespace = "Shop", dimension_name = "Flag", extra_dimensions = { Environment = "staging" } }
  }

  assert {
    condition     = flatten([for query in aws_cloudwatch_metric_alarm.flag["new_checkout"].metric_query : [for metric in query.metric : [metric.namespace, metric.dimensions]]]) == ["Shop", tomap({ Flag = "new_checkout", Environment = "staging" }), "Shop", tomap({ Flag = "new_checkout", Environment = "staging" })]
    error_message = "The convention's namespace, dimension name and extra dimensions must apply to every flag."
  }
}

run "custom_format_gives_matching_pattern" {
  command = plan

  variables {
    flags             = { new_checkout = {} }
    alarm_name_format = "prod.flags/%s (error-rate)"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.flag["new_checkout"].alarm_name == "prod.flags/new_checkout (error-rate)"
    error_message = "The alarm name must follow alarm_name_format."
  }

  assert {
    condition     = output.alarm_name_pattern == "^prod\\.flags/(?P<flag>.+) \\(error-rate\\)$"
    error_message = "Regex metacharacters of the format must be escaped in the pattern, got ${output.alarm_name_pattern}."
  }

  assert {
    condition     = regex(replace(output.alarm_name_pattern, "?P<flag>", ""), "prod.flags/new_checkout (error-rate)")[0] == "new_checkout"
    error_message = "The pattern must match the alarm name and capture the flag."
  }
}

run "rejects_flag_names_appconfig_refuses" {
  command = plan

  variables {
    flags = { "New Checkout!" = {} }
  }

  expect_failures = [var.flags]
}

run "rejects_no_flags" {
  command = plan

  variables {
    flags = {}
  }

  expect_failures = [var.flags]
}

run "rejects_threshold_out_of_range" {
  command = plan

  variables {
    flags = { new_checkout = { threshold = 150 } }
  }

  expect_failures = [var.flags]
}

run "rejects_period_cloudwatch_refuses" {
  command = plan

  variables {
    flags = { new_checkout = { period = 45 } }
  }

  expect_failures = [var.flags]
}

run "rejects_more_datapoints_than_periods" {
  command = plan

  variables {
    flags = { new_checkout = { evaluation_periods = 2, datapoints_to_alarm = 3 } }
  }

  expect_failures = [var.flags]
}

run "rejects_evaluation_window_over_a_day" {
  command = plan

  variables {
    flags = { new_checkout = { period = 3600, evaluation_periods = 25 } }
  }

  expect_failures = [var.flags]
}

run "rejects_unknown_missing_data_treatment" {
  command = plan

  variables {
    flags = { new_checkout = { treat_missing_data = "zero" } }
  }

  expect_failures = [var.flags]
}

run "rejects_unknown_statistic" {
  command = plan

  variables {
    flags = { new_checkout = { statistic = "p99" } }
  }

  expect_failures = [var.flags]
}

run "rejects_format_without_placeholder" {
  command = plan

  variables {
    alarm_name_format = "FeatureFlag-ErrorRate"
  }

  expect_failures = [var.alarm_name_format]
}

run "rejects_format_with_two_placeholders" {
  command = plan

  variables {
    alarm_name_format = "%s-%s"
  }

  expect_failures = [var.alarm_name_format]
}

run "rejects_aws_namespace" {
  command = plan

  variables {
    metric_convention = { namespace = "AWS/Lambda" }
  }

  expect_failures = [var.metric_convention]
}

run "rejects_malformed_alarm_action" {
  command = plan

  variables {
    alarm_actions = ["my-topic"]
  }

  expect_failures = [var.alarm_actions]
}

run "insufficient_data_acts_only_for_opted_in_flags" {
  command = plan

  variables {
    flags = {
      quiet_is_fine = {}
      silence_fails = { rollback_on_insufficient_data = true, treat_missing_data = "missing" }
    }
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.flag["quiet_is_fine"].insufficient_data_actions) == 0
    error_message = "By default a flag's alarm must not act on INSUFFICIENT_DATA: a quiet flag is not a broken flag."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.flag["silence_fails"].insufficient_data_actions == toset(["arn:aws:sns:us-east-1:123456789012:alarms"])
    error_message = "An opted-in flag's alarm must notify the alarm actions when it enters INSUFFICIENT_DATA."
  }

  assert {
    condition     = output.insufficient_data_alarm_names == { silence_fails = "FeatureFlag-silence_fails-ErrorRate" }
    error_message = "insufficient_data_alarm_names must list the opted-in flags only, with their alarm names."
  }
}

run "no_flag_acts_on_insufficient_data_by_default" {
  command = plan

  assert {
    condition     = output.insufficient_data_alarm_names == {} && alltrue([for alarm in aws_cloudwatch_metric_alarm.flag : length(alarm.insufficient_data_actions) == 0])
    error_message = "Without rollback_on_insufficient_data no alarm may act on INSUFFICIENT_DATA."
  }
}
