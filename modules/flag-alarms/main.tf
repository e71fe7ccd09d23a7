locals {
  convention = var.metric_convention

  # Each flag with the convention filled in, so the alarm below reads plain values.
  alarms = {
    for name, flag in var.flags : name => {
      alarm_name           = format(var.alarm_name_format, name)
      threshold            = flag.threshold
      period               = flag.period
      evaluation_periods   = flag.evaluation_periods
      datapoints_to_alarm  = coalesce(flag.datapoints_to_alarm, flag.evaluation_periods)
      treat_missing_data   = flag.treat_missing_data
      namespace            = coalesce(flag.namespace, local.convention.namespace)
      errors_metric_name   = coalesce(flag.errors_metric_name, local.convention.errors_metric_name)
      requests_metric_name = coalesce(flag.requests_metric_name, local.convention.requests_metric_name)
      statistic            = flag.statistic
      dimensions           = flag.dimensions != null ? flag.dimensions : merge(local.convention.extra_dimensions, { (local.convention.dimension_name) = name })
      description          = coalesce(flag.description, "Error rate of feature flag ${name} above ${flag.threshold}%: the rollback function disables the flag.")
      # Only flags whose silence means failure act on INSUFFICIENT_DATA.
      insufficient_data_actions = flag.rollback_on_insufficient_data ? var.alarm_actions : []
    }
  }

  # The alarm name format as an anchored regular expression whose group "flag" captures the
  # flag name: regex metacharacters are escaped, then %s becomes the group.
  escaped_format     = replace(var.alarm_name_format, "/([.^$*+?()\\[\\]{}|\\\\])/", "\\$1")
  alarm_name_pattern = "^${replace(local.escaped_format, "%s", "(?P<flag>.+)")}$"
}

resource "aws_cloudwatch_metric_alarm" "flag" {
  for_each = local.alarms

  alarm_name          = each.value.alarm_name
  alarm_description   = each.value.description
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  evaluation_periods  = each.value.evaluation_periods
  datapoints_to_alarm = each.value.datapoints_to_alarm
  treat_missing_data  = each.value.treat_missing_data
  alarm_actions       = var.alarm_actions
  ok_actions          = var.ok_actions
  tags                = var.tags

  insufficient_data_actions = each.value.insufficient_data_actions

  metric_query {
    id          = "error_rate"
    label       = "Error rate of ${each.key} (%)"
    expression  = "100 * errors / requests"
    return_data = true
  }

  metric_query {
    id = "errors"

    metric {
      namespace   = each.value.namespace
      metric_name = each.value.errors_metric_name
      dimensions  = each.value.dimensions
      period      = each.value.period
      stat        = each.value.statistic
    }
  }

  metric_query {
    id = "requests"

    metric {
      namespace   = each.value.namespace
      metric_name = each.value.requests_metric_name
      dimensions  = each.value.dimensions
      period      = each.value.period
      stat        = each.value.statistic
    }
  }
}
