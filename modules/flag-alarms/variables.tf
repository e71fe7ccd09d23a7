################################################################################
# Flags
################################################################################

variable "flags" {
  description = <<-EOT
    Flags to watch, keyed by flag name (the name in the AppConfig document). One alarm per flag.
    Every field is optional: threshold (error rate in percent, default 5), period (seconds: 10, 30
    or a multiple of 60; default 60), evaluation_periods (default 3), datapoints_to_alarm (default:
    evaluation_periods), treat_missing_data (default "notBreaching"), and overrides of the metric
    convention for this flag: namespace, errors_metric_name, requests_metric_name, statistic and
    dimensions (default { <dimension_name> = <flag> } plus the convention's extra dimensions).
    rollback_on_insufficient_data (default false): a quiet flag is not a broken flag, so only ALARM
    rolls a flag back; set it to true for a flag whose silence means failure (a checkout that
    stops reporting requests), and its alarm also notifies alarm_actions when it enters
    INSUFFICIENT_DATA (pair it with treat_missing_data = "missing", which lets missing data
    reach that state).
  EOT
  type = map(object({
    threshold            = optional(number, 5)
    period               = optional(number, 60)
    evaluation_periods   = optional(number, 3)
    datapoints_to_alarm  = optional(number)
    treat_missing_data   = optional(string, "notBreaching")
    namespace            = optional(string)
    errors_metric_name   = optional(string)
    requests_metric_name = optional(string)
    statistic            = optional(string, "Sum")
    dimensions           = optional(map(string))
    description          = optional(string)

    rollback_on_insufficient_data = optional(bool, false)
  }))

  validation {
    condition     = alltrue([for name in keys(var.flags) : can(regex("^[a-z][a-zA-Z0-9_-]{0,63}$", name))])
    error_message = "Every flag name must be a valid AppConfig flag key: start with a lowercase letter, then up to 63 letters, digits, '_' or '-' (for example \"new_checkout\")."
  }

  validation {
    condition     = length(var.flags) > 0
    error_message = "flags must name at least one flag to watch, for example { new_checkout = {} }."
  }

  validation {
    condition     = alltrue([for flag in values(var.flags) : flag.threshold > 0 && flag.threshold <= 100])
    error_message = "Every flag's threshold is an error rate in percent: a number greater than 0 and at most 100."
  }

  validation {
    condition     = alltrue([for flag in values(var.flags) : contains([10, 30], flag.period) || (flag.period >= 60 && flag.period % 60 == 0)])
    error_message = "Every flag's period must be 10 or 30 (high resolution) or a multiple of 60 seconds, as CloudWatch accepts."
  }

  validation {
    condition     = alltrue([for flag in values(var.flags) : flag.evaluation_periods >= 1 && floor(flag.evaluation_periods) == flag.evaluation_periods && flag.evaluation_periods * flag.period <= 86400])
    error_message = "Every flag's evaluation_periods must be a whole number of at least 1, and evaluation_periods * period must not exceed one day (86400 seconds)."
  }

  validation {
    condition     = alltrue([for flag in values(var.flags) : flag.datapoints_to_alarm == null || try(flag.datapoints_to_alarm >= 1 && flag.datapoints_to_alarm <= flag.evaluation_periods, false)])
    error_message = "Every flag's datapoints_to_alarm must be between 1 and its evaluation_periods (or left unset to equal evaluation_periods)."
  }

  validation {
    condition     = alltrue([for flag in values(var.flags) : contains(["breaching", "notBreaching", "ignore", "missing"], flag.treat_missing_data)])
    error_message = "Every flag's treat_missing_data must be one of \"breaching\", \"notBreaching\", \"ignore\" or \"missing\"."
  }

  validation {
    condition     = alltrue([for flag in values(var.flags) : contains(["Sum", "Average", "Maximum", "Minimum", "SampleCount"], flag.statistic)])
    error_message = "Every flag's statistic must be one of \"Sum\", \"Average\", \"Maximum\", \"Minimum\" or \"SampleCount\"."
  }
}

################################################################################
# Metric convention
################################################################################

variable "metric_convention" {
  description = "Where the application publishes its per-flag metrics: CloudWatch namespace, the names of the error and request count metrics, the dimension holding the flag name, and extra dimensions added to every flag (for example { Environment = \"production\" })."
  type = object({
    namespace            = optional(string, "FeatureFlags")
    errors_metric_name   = optional(string, "Errors")
    requests_metric_name = optional(string, "Requests")
    dimension_name       = optional(string, "FeatureFlagName")
    extra_dimensions     = optional(map(string), {})
  })
  default = {}

  validation {
    condition     = can(regex("^[^:][^:]{0,254}$", var.metric_convention.namespace)) && !startswith(var.metric_convention.namespace, "AWS/")
    error_message = "metric_convention.namespace must be 1-255 characters without ':' and must not start with \"AWS/\" (for example \"FeatureFlags\")."
  }
}

################################################################################
# Alarms
################################################################################

variable "alarm_name_format" {
  description = "format() string that turns a flag name into its alarm name; it must contain exactly one %s. The rollback function finds the flag from the alarm name with the regular expression in the alarm_name_pattern output, derived from this format."
  type        = string
  default     = "FeatureFlag-%s-ErrorRate"

  validation {
    condition     = length(regexall("%s", var.alarm_name_format)) == 1 && length(regexall("%", var.alarm_name_format)) == 1
    error_message = "alarm_name_format must contain exactly one %s and no other % sign (for example \"FeatureFlag-%s-ErrorRate\")."
  }

  validation {
    condition     = length(var.alarm_name_format) <= 190
    error_message = "alarm_name_format must be at most 190 characters so that, with a 64-character flag name, alarm names stay within CloudWatch's 255."
  }
}

variable "alarm_actions" {
  description = "ARNs notified when an alarm enters ALARM (the alarm topic that triggers the rollback)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.alarm_actions : can(regex("^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{0,12}:.+$", arn))])
    error_message = "Every alarm action must be an ARN (for example \"arn:aws:sns:us-east-1:123456789012:alarms\")."
  }
}

variable "ok_actions" {
  description = "ARNs notified when an alarm returns to OK. Empty by default: recovery needs no rollback."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.ok_actions : can(regex("^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{0,12}:.+$", arn))])
    error_message = "Every OK action must be an ARN (for example \"arn:aws:sns:us-east-1:123456789012:notifications\")."
  }
}

variable "tags" {
  description = "Tags added to every alarm."
  type        = map(string)
  default     = {}
}
