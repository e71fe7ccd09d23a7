################################################################################
# General
################################################################################

variable "name_prefix" {
  description = "Prefix of every resource name (function, role, topics, queue, AppConfig resources). Use one prefix per stack in an account and region."
  type        = string
  default     = "flag-rollback"

  validation {
    condition     = can(regex("^[a-zA-Z0-9][a-zA-Z0-9_-]{0,39}$", var.name_prefix))
    error_message = "name_prefix must be 1-40 characters of letters, digits, '_' or '-', starting with a letter or digit (for example \"flag-rollback\")."
  }
}

variable "tags" {
  description = "Tags added to every resource that takes tags."
  type        = map(string)
  default     = {}
}

################################################################################
# Flags and alarms
################################################################################

variable "flags" {
  description = <<-EOT
    Flags to watch, keyed by flag name (the name in the AppConfig document). One alarm per flag.
    Every field is optional: threshold (error rate in percent, default 5), period (seconds: 10, 30
    or a multiple of 60; default 60), evaluation_periods (default 3), datapoints_to_alarm (default:
    evaluation_periods), treat_missing_data (default "notBreaching"), and overrides of the metric
    convention for this flag: namespace, errors_metric_name, requests_metric_name, statistic and
    dimensions.
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
  }))

  validation {
    condition     = alltrue([for name in keys(var.flags) : can(regex("^[a-z][a-zA-Z0-9_-]{0,63}$", name))])
    error_message = "Every flag name must be a valid AppConfig flag key: start with a lowercase letter, then up to 63 letters, digits, '_' or '-' (for example \"new_checkout\")."
  }

  validation {
    condition     = length(var.flags) > 0
    error_message = "flags must name at least one flag to watch, for example { new_checkout = {} }."
  }
}

variable "metric_convention" {
  description = "Where your application publishes per-flag metrics: namespace (default \"FeatureFlags\"), error and request count metric names (\"Errors\", \"Requests\"), the dimension holding the flag name (\"FeatureFlagName\") and extra dimensions added to every flag."
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

variable "alarm_name_format" {
  description = "format() string turning a flag name into its alarm name, with exactly one %s. The function's ALARM_NAME_PATTERN is derived from it, so the two always agree."
  type        = string
  default     = "FeatureFlag-%s-ErrorRate"

  validation {
    condition     = length(regexall("%s", var.alarm_name_format)) == 1 && length(regexall("%", var.alarm_name_format)) == 1
    error_message = "alarm_name_format must contain exactly one %s and no other % sign (for example \"FeatureFlag-%s-ErrorRate\")."
  }
}

################################################################################
# AppConfig (null IDs are created)
################################################################################

variable "appconfig_application_id" {
  description = "ID of an existing AppConfig application. null creates one named after name_prefix."
  type        = string
  default     = null

  validation {
    condition     = var.appconfig_application_id == null || can(regex("^[a-z0-9]{4,7}$", var.appconfig_application_id))
    error_message = "appconfig_application_id must be an AppConfig application ID: 4-7 lowercase letters or digits (for example \"abc1234\"), or null to create one."
  }
}

variable "appconfig_environment_id" {
  description = "ID of an existing AppConfig environment. null creates one named appconfig_environment_name."
  type        = string
  default     = null

  validation {
    condition     = var.appconfig_environment_id == null || can(regex("^[a-z0-9]{4,7}$", var.appconfig_environment_id))
    error_message = "appconfig_environment_id must be an AppConfig environment ID: 4-7 lowercase letters or digits, or null to create one."
  }
}

variable "appconfig_create" {
  description = "Which AppConfig pieces to create (application, environment, configuration_profile, deployment_strategy); an unset entry is derived from its ID (null ID = create). Set an entry to false when its ID comes from a resource created in the same apply, as Terraform knows such IDs only after apply."
  type = object({
    application           = optional(bool)
    environment           = optional(bool)
    configuration_profile = optional(bool)
    deployment_strategy   = optional(bool)
  })
  default = {}
}

variable "appconfig_environment_name" {
  description = "Name of the AppConfig environment created when appconfig_environment_id is null."
  type        = string
  default     = "production"

  validation {
    condition     = can(regex("^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$", var.appconfig_environment_name))
    error_message = "appconfig_environment_name must be 1-64 characters of letters, digits, '.', '_' or '-' (for example \"production\")."
  }
}

variable "appconfig_configuration_profile_id" {
  description = "ID of an existing hosted configuration profile holding the flags. null creates one of type appconfig_profile_type."
  type        = string
  default     = null

  validation {
    condition     = var.appconfig_configuration_profile_id == null || can(regex("^[a-z0-9]{4,7}$", var.appconfig_configuration_profile_id))
    error_message = "appconfig_configuration_profile_id must be an AppConfig configuration profile ID: 4-7 lowercase letters or digits, or null to create one."
  }
}

variable "appconfig_profile_type" {
  description = "Type of the created profile: \"AWS.AppConfig.FeatureFlags\" or \"AWS.Freeform\" (legacy JSON with flags.<flag>.enabled)."
  type        = string
  default     = "AWS.AppConfig.FeatureFlags"

  validation {
    condition     = contains(["AWS.AppConfig.FeatureFlags", "AWS.Freeform"], var.appconfig_profile_type)
    error_message = "appconfig_profile_type must be \"AWS.AppConfig.FeatureFlags\" or \"AWS.Freeform\"."
  }
}

variable "appconfig_deployment_strategy_id" {
  description = "ID of the deployment strategy the rollback deploys with. null creates an emergency strategy (all at once, no bake time)."
  type        = string
  default     = null

  validation {
    condition     = var.appconfig_deployment_strategy_id == null || can(regex("^([a-z0-9]{4,7}|AppConfig\\.[A-Za-z0-9]{9,40})$", var.appconfig_deployment_strategy_id))
    error_message = "appconfig_deployment_strategy_id must be a strategy ID (4-7 lowercase letters or digits) or a predefined one such as \"AppConfig.AllAtOnce\", or null to create one."
  }
}

variable "appconfig_initial_configuration" {
  description = "JSON document stored as the first hosted version of the created profile; null stores none. It is a seed: later edits are ignored, so they never deploy every flag again over the function's rollbacks (see \"Managing the flag document\" in the README)."
  type        = string
  default     = null

  validation {
    condition     = var.appconfig_initial_configuration == null || can(jsondecode(var.appconfig_initial_configuration))
    error_message = "appconfig_initial_configuration must be a JSON document (use jsonencode({...})), or null."
  }
}

variable "appconfig_deploy_initial_configuration" {
  description = "Whether to deploy appconfig_initial_configuration to the environment when creating it."
  type        = bool
  default     = false
}

################################################################################
# Notifications
################################################################################

variable "notification_topic_arn" {
  description = "ARN of an existing SNS topic that notifies people. null creates one, encrypted with the module's KMS key. The function's own alarms publish to it: its topic policy must let cloudwatch.amazonaws.com publish, and it must not use the AWS-managed key alias/aws/sns, which CloudWatch cannot use."
  type        = string
  default     = null

  validation {
    condition     = var.notification_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$", var.notification_topic_arn))
    error_message = "notification_topic_arn must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME), or null to create a topic."
  }
}

variable "notifications_create" {
  description = "Whether to create the KMS key and the notification topic (kms_key, notification_topic); an unset entry is derived from its ARN (null ARN = create). Set an entry to false when its ARN comes from a resource created in the same apply, as Terraform knows such ARNs only after apply."
  type = object({
    kms_key            = optional(bool)
    notification_topic = optional(bool)
  })
  default = {}
}

variable "notification_topic_kms_key_arn" {
  description = "ARN of the customer-managed KMS key of the existing notification topic, so the function may publish to it (its policy must admit cloudwatch.amazonaws.com too); the plan reads it and fails on the AWS-managed SNS key. null only when the topic is not encrypted."
  type        = string
  default     = null

  validation {
    condition     = var.notification_topic_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.notification_topic_kms_key_arn))
    error_message = "notification_topic_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID), or null."
  }
}

variable "kms_key_arn" {
  description = "ARN of an existing customer-managed KMS key for the topics and the dead-letter queue; its policy must admit cloudwatch.amazonaws.com and the function's role. null creates one."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID), or null to create a key."
  }
}

variable "notification_emails" {
  description = "Email addresses subscribed to the notification topic."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for address in var.notification_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", address))])
    error_message = "Every entry of notification_emails must be an email address (for example \"oncall@example.com\")."
  }
}

variable "notification_https_endpoints" {
  description = "HTTPS URLs subscribed to the notification topic. Each must confirm its own subscription (as PagerDuty's and Opsgenie's endpoints do): the apply waits for it and fails without it. Chat incoming webhooks (Slack, Teams, Chime) never confirm: subscribe AWS Chatbot or a forwarding Lambda function to notification_topic_arn instead."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for url in var.notification_https_endpoints : startswith(url, "https://")])
    error_message = "Every entry of notification_https_endpoints must be an https:// URL."
  }
}

variable "notification_sqs_queue_arns" {
  description = "SQS queue ARNs subscribed to the notification topic."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.notification_sqs_queue_arns : can(regex("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,80}(\\.fifo)?$", arn))])
    error_message = "Every entry of notification_sqs_queue_arns must be an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME)."
  }
}

################################################################################
# Trigger and behaviour
################################################################################

variable "trigger" {
  description = "How an alarm invokes the function: \"sns\" (the alarm topic) or \"eventbridge\" (a rule on the alarms' state changes)."
  type        = string
  default     = "sns"

  validation {
    condition     = contains(["sns", "eventbridge"], var.trigger)
    error_message = "trigger must be \"sns\" or \"eventbridge\"."
  }
}

variable "event_pattern_max_length" {
  description = "With trigger = \"eventbridge\": the longest event pattern, in characters, a rule may have. EventBridge's \"Event pattern size\" quota is 2048 by default (about 20 alarms per rule); the alarms are spread over as many rules as needed. Raise it (up to 4096) only after raising that quota in Service Quotas."
  type        = number
  default     = 2048

  validation {
    condition     = var.event_pattern_max_length >= 512 && var.event_pattern_max_length <= 4096 && floor(var.event_pattern_max_length) == var.event_pattern_max_length
    error_message = "event_pattern_max_length must be a whole number between 512 and 4096 (PutRule's limit): your account's EventBridge \"Event pattern size\" quota, 2048 unless you raised it."
  }
}

variable "dry_run" {
  description = "When true the function reports what it would roll back and changes nothing."
  type        = bool
  default     = false
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the function's own metrics."
  type        = string
  default     = "FeatureFlags"

  validation {
    condition     = can(regex("^[^:]{1,255}$", var.metrics_namespace)) && !startswith(var.metrics_namespace, "AWS/")
    error_message = "metrics_namespace must be 1-255 characters without ':' and must not start with \"AWS/\"."
  }
}

################################################################################
# Lambda function
################################################################################

variable "package_path" {
  description = "Path of a function zip to deploy instead of the package committed with the module. null deploys the committed package (modules/rollback-function/package/flag-rollback.zip, rebuilt by `make build`)."
  type        = string
  default     = null

  validation {
    condition     = var.package_path == null || endswith(coalesce(var.package_path, "-"), ".zip")
    error_message = "package_path must be the path of a .zip file (for example \"build/flag-rollback.zip\"), or null for the package committed with the module."
  }
}

variable "package_s3" {
  description = "S3 object holding the function zip (bucket, key, optional object_version and source_code_hash); used instead of package_path when set."
  type = object({
    bucket           = string
    key              = string
    object_version   = optional(string)
    source_code_hash = optional(string)
  })
  default = null

  validation {
    condition     = var.package_s3 == null || try(length(var.package_s3.bucket) >= 3 && endswith(var.package_s3.key, ".zip"), false)
    error_message = "package_s3 needs a bucket name and the key of a .zip object (for example { bucket = \"artifacts\", key = \"flag-rollback/1.0.0.zip\" })."
  }
}

variable "lambda_runtime" {
  description = "Python runtime of the function: \"python3.12\" or \"python3.13\"."
  type        = string
  default     = "python3.12"

  validation {
    condition     = contains(["python3.12", "python3.13"], var.lambda_runtime)
    error_message = "lambda_runtime must be \"python3.12\" or \"python3.13\"."
  }
}

variable "lambda_architecture" {
  description = "Instruction set of the function: \"x86_64\" or \"arm64\"."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.lambda_architecture)
    error_message = "lambda_architecture must be \"x86_64\" or \"arm64\"."
  }
}

variable "lambda_memory_size" {
  description = "Memory of the function in MB."
  type        = number
  default     = 256

  validation {
    condition     = var.lambda_memory_size >= 128 && var.lambda_memory_size <= 10240 && floor(var.lambda_memory_size) == var.lambda_memory_size
    error_message = "lambda_memory_size must be a whole number of MB between 128 and 10240."
  }
}

variable "lambda_timeout" {
  description = "Timeout of one invocation in seconds."
  type        = number
  default     = 60

  validation {
    condition     = var.lambda_timeout >= 10 && var.lambda_timeout <= 900 && floor(var.lambda_timeout) == var.lambda_timeout
    error_message = "lambda_timeout must be a whole number of seconds between 10 and 900."
  }
}

variable "lambda_reserved_concurrent_executions" {
  description = "Concurrency reserved for the function; null (the default) reserves none, which a new account (quota 10, of which Lambda keeps 10 unreserved) can apply. Concurrent rollbacks are safe without it: an alarm storm is coalesced into one version and writes carry an optimistic lock. 1 serialises rollbacks where the quota allows."
  type        = number
  default     = null

  validation {
    condition     = var.lambda_reserved_concurrent_executions == null || try(var.lambda_reserved_concurrent_executions >= 1 && floor(var.lambda_reserved_concurrent_executions) == var.lambda_reserved_concurrent_executions, false)
    error_message = "lambda_reserved_concurrent_executions must be null (no reservation) or a whole number of at least 1; to stop the function entirely, disable its trigger instead of reserving 0."
  }
}

variable "lambda_maximum_event_age_in_seconds" {
  description = "How long Lambda keeps retrying an asynchronous event before sending it to the dead-letter queue, in seconds (60-21600)."
  type        = number
  default     = 3600

  validation {
    condition     = var.lambda_maximum_event_age_in_seconds >= 60 && var.lambda_maximum_event_age_in_seconds <= 21600
    error_message = "lambda_maximum_event_age_in_seconds must be between 60 and 21600, as Lambda accepts."
  }
}

variable "lambda_maximum_retry_attempts" {
  description = "Retries of a failed asynchronous invocation (0-2) before the dead-letter queue."
  type        = number
  default     = 2

  validation {
    condition     = contains([0, 1, 2], var.lambda_maximum_retry_attempts)
    error_message = "lambda_maximum_retry_attempts must be 0, 1 or 2, as Lambda accepts."
  }
}

variable "lambda_log_retention_in_days" {
  description = "Retention of the function's log group in days."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.lambda_log_retention_in_days)
    error_message = "lambda_log_retention_in_days must be a retention CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "lambda_log_level" {
  description = "Minimum level of the function's JSON logs."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.lambda_log_level)
    error_message = "lambda_log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR or FATAL."
  }
}

variable "lambda_log_kms_key_arn" {
  description = "ARN of a KMS key that encrypts the function's log group (its policy must admit CloudWatch Logs). null uses CloudWatch Logs' own encryption."
  type        = string
  default     = null

  validation {
    condition     = var.lambda_log_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.lambda_log_kms_key_arn))
    error_message = "lambda_log_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID), or null."
  }
}

variable "lambda_code_signing_config_arn" {
  description = "ARN of a Lambda code signing configuration to enforce on the package. null: no code signing."
  type        = string
  default     = null

  validation {
    condition     = var.lambda_code_signing_config_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:code-signing-config:csc-[a-z0-9]{17}$", var.lambda_code_signing_config_arn))
    error_message = "lambda_code_signing_config_arn must be a Lambda code signing configuration ARN (arn:aws:lambda:REGION:ACCOUNT:code-signing-config:csc-...), or null."
  }
}

variable "create_function_alarms" {
  description = "Whether to alarm on the function's errors, the dead-letter queue depth and notifications it could not publish, notifying the notification topic."
  type        = bool
  default     = true
}

################################################################################
# Held flags, the deployment guard and the guarded restore
################################################################################

variable "guard_mode" {
  description = "What happens to a deployment or new version that would turn a held flag back on: \"refuse\" (default) fails it with a message naming the flag, the hold and the restore command; \"keep_disabled\" rewrites it with the flag off and notifies; \"off\" creates no guard."
  type        = string
  default     = "refuse"

  validation {
    condition     = contains(["refuse", "keep_disabled", "off"], var.guard_mode)
    error_message = "guard_mode must be \"refuse\", \"keep_disabled\" or \"off\"."
  }
}

variable "guard_new_versions" {
  description = "Whether the guard also checks new hosted versions of the flags profile, so Terraform sees the refusal at the version it writes. Set false when the profile is deployed to other environments too: versions are then checked when deployed to this one."
  type        = bool
  default     = true
}

variable "restore_deployment_strategy_id" {
  description = "ID of the deployment strategy a restore deploys with. null creates a gradual one (linear 20% per minute over 5 minutes, 5-minute bake) so a flag that breaks again is caught mid-rollout."
  type        = string
  default     = null

  validation {
    condition     = var.restore_deployment_strategy_id == null || can(regex("^([a-z0-9]{4,7}|AppConfig\\.[A-Za-z0-9]{9,40})$", var.restore_deployment_strategy_id))
    error_message = "restore_deployment_strategy_id must be a strategy ID (4-7 lowercase letters or digits) or a predefined one such as \"AppConfig.Linear50PercentEvery30Seconds\", or null to create one."
  }
}

variable "restore_cooldown_seconds" {
  description = "A restore within this many seconds of the rollback is refused unless forced (\"force\": true); 0 turns the rule off."
  type        = number
  default     = 300

  validation {
    condition     = var.restore_cooldown_seconds >= 0 && var.restore_cooldown_seconds <= 604800 && floor(var.restore_cooldown_seconds) == var.restore_cooldown_seconds
    error_message = "restore_cooldown_seconds must be a whole number of seconds from 0 to 604800 (7 days)."
  }
}

variable "flap_limit" {
  description = "A flag rolled back this many times within flap_window_seconds stays held until a forced restore; 0 turns the rule off."
  type        = number
  default     = 3

  validation {
    condition     = var.flap_limit >= 0 && var.flap_limit <= 100 && floor(var.flap_limit) == var.flap_limit
    error_message = "flap_limit must be a whole number from 0 (off) to 100."
  }
}

variable "flap_window_seconds" {
  description = "The window in which rollbacks of one flag count against flap_limit, in seconds (default one day)."
  type        = number
  default     = 86400

  validation {
    condition     = var.flap_window_seconds >= 60 && var.flap_window_seconds <= 604800 && floor(var.flap_window_seconds) == var.flap_window_seconds
    error_message = "flap_window_seconds must be a whole number of seconds from 60 to 604800 (7 days)."
  }
}
