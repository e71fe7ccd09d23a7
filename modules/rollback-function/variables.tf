################################################################################
# Naming and tags
################################################################################

variable "name" {
  description = "Name of the Lambda function; also names its role, log group, dead-letter queue, alarms and trigger."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,52}$", var.name))
    error_message = "name must be 1-52 characters of letters, digits, '_' or '-' (52 leaves room for the suffixes of the role and queue names)."
  }
}

variable "tags" {
  description = "Tags added to every taggable resource of this module."
  type        = map(string)
  default     = {}
}

################################################################################
# AppConfig target
################################################################################

variable "appconfig_application_id" {
  description = "ID of the AppConfig application holding the flags."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]{4,7}$", var.appconfig_application_id))
    error_message = "appconfig_application_id must be an AppConfig application ID: 4-7 lowercase letters or digits."
  }
}

variable "appconfig_environment_id" {
  description = "ID of the AppConfig environment whose deployed flags the function rolls back."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]{4,7}$", var.appconfig_environment_id))
    error_message = "appconfig_environment_id must be an AppConfig environment ID: 4-7 lowercase letters or digits."
  }
}

variable "appconfig_configuration_profile_id" {
  description = "ID of the hosted configuration profile holding the flags."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]{4,7}$", var.appconfig_configuration_profile_id))
    error_message = "appconfig_configuration_profile_id must be an AppConfig configuration profile ID: 4-7 lowercase letters or digits."
  }
}

variable "appconfig_deployment_strategy_id" {
  description = "ID of the deployment strategy the rollback deploys with."
  type        = string
  default     = "AppConfig.AllAtOnce"

  validation {
    condition     = can(regex("^([a-z0-9]{4,7}|AppConfig\\.[A-Za-z0-9]{9,40})$", var.appconfig_deployment_strategy_id))
    error_message = "appconfig_deployment_strategy_id must be a strategy ID (4-7 lowercase letters or digits) or a predefined one such as \"AppConfig.AllAtOnce\"."
  }
}

################################################################################
# Alarms and trigger
################################################################################

variable "alarm_names" {
  description = "Names of the flag alarms the function handles: the EventBridge rule matches their state changes and the function may describe them."
  type        = list(string)

  validation {
    condition     = alltrue([for name in var.alarm_names : length(name) >= 1 && length(name) <= 255])
    error_message = "Every alarm name must be 1-255 characters long."
  }
}

variable "alarm_name_pattern" {
  description = "Regular expression (Python syntax) with a named group \"flag\" that extracts the flag from an alarm name (ALARM_NAME_PATTERN of the function)."
  type        = string
  default     = "^FeatureFlag-(?P<flag>.+)-ErrorRate$"

  validation {
    condition     = strcontains(var.alarm_name_pattern, "(?P<flag>")
    error_message = "alarm_name_pattern must contain a named group \"(?P<flag>...)\" that captures the flag name."
  }
}

variable "trigger" {
  description = "How alarms invoke the function: \"sns\" subscribes it to alarm_topic_arn; \"eventbridge\" adds a rule matching the alarms' state changes to ALARM."
  type        = string
  default     = "sns"

  validation {
    condition     = contains(["sns", "eventbridge"], var.trigger)
    error_message = "trigger must be \"sns\" or \"eventbridge\"."
  }
}

variable "event_pattern_max_length" {
  description = "Longest event pattern, in characters, the EventBridge rules may have (trigger \"eventbridge\"): EventBridge's \"Event pattern size\" quota, 2048 by default. The alarms are spread over as many rules as this needs; raise it only after raising the quota in Service Quotas."
  type        = number
  default     = 2048

  validation {
    condition     = var.event_pattern_max_length >= 512 && var.event_pattern_max_length <= 4096 && floor(var.event_pattern_max_length) == var.event_pattern_max_length
    error_message = "event_pattern_max_length must be a whole number between 512 and 4096 (PutRule's limit): your account's EventBridge \"Event pattern size\" quota, 2048 unless you raised it."
  }
}

variable "alarm_topic_arn" {
  description = "ARN of the SNS topic the flag alarms publish to; required when trigger is \"sns\"."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.alarm_topic_arn))
    error_message = "alarm_topic_arn must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)."
  }
}

################################################################################
# Notifications and encryption
################################################################################

variable "notification_topic_arn" {
  description = "ARN of the SNS topic the function and its own alarms notify. null: no notifications (the variable NOTIFICATION_TOPIC_ARN is not set)."
  type        = string
  default     = null

  validation {
    condition     = var.notification_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$", var.notification_topic_arn))
    error_message = "notification_topic_arn must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME), or null."
  }
}

variable "kms_key_arns" {
  description = "ARNs of the KMS keys the function must use: the notification topic's key and the dead-letter queue's key."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", arn))])
    error_message = "Every entry of kms_key_arns must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID)."
  }
}

variable "dead_letter_queue_kms_key_arn" {
  description = "ARN of a customer-managed KMS key that encrypts the dead-letter queue (also list it in kms_key_arns). null encrypts it with SQS-managed keys."
  type        = string
  default     = null

  validation {
    condition     = var.dead_letter_queue_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.dead_letter_queue_kms_key_arn))
    error_message = "dead_letter_queue_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID), or null."
  }
}

################################################################################
# Behaviour
################################################################################

variable "dry_run" {
  description = "When true the function logs and notifies what it would roll back but changes no configuration (DRY_RUN)."
  type        = bool
  default     = false
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the function's own EMF metrics (METRICS_NAMESPACE)."
  type        = string
  default     = "FeatureFlags"

  validation {
    condition     = can(regex("^[^:]{1,255}$", var.metrics_namespace)) && !startswith(var.metrics_namespace, "AWS/")
    error_message = "metrics_namespace must be 1-255 characters without ':' and must not start with \"AWS/\"."
  }
}

################################################################################
# Package
################################################################################

variable "package_path" {
  description = "Path of a function zip on the machine running Terraform. null deploys the package committed with this module (package/flag-rollback.zip, rebuilt by `make build`). Ignored when package_s3 is set."
  type        = string
  default     = null
}

variable "package_s3" {
  description = "S3 object holding the function's zip, instead of package_path: bucket, key, optional object_version, and optional source_code_hash (base64 SHA-256 of the zip) so Terraform sees code changes."
  type = object({
    bucket           = string
    key              = string
    object_version   = optional(string)
    source_code_hash = optional(string)
  })
  default = null
}

################################################################################
# Lambda settings
################################################################################

variable "runtime" {
  description = "Python runtime of the function."
  type        = string
  default     = "python3.12"

  validation {
    condition     = contains(["python3.12", "python3.13"], var.runtime)
    error_message = "runtime must be \"python3.12\" or \"python3.13\"."
  }
}

variable "architecture" {
  description = "Instruction set of the function: \"x86_64\" or \"arm64\" (the code is pure Python)."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be \"x86_64\" or \"arm64\"."
  }
}

variable "memory_size" {
  description = "Memory of the function in MB."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "memory_size must be a whole number of MB between 128 and 10240."
  }
}

variable "timeout" {
  description = "Timeout of one invocation, in seconds. A rollback reads, writes and deploys one configuration: 60 s leaves room for retries."
  type        = number
  default     = 60

  validation {
    condition     = var.timeout >= 10 && var.timeout <= 900 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number of seconds between 10 and 900."
  }
}

variable "reserved_concurrent_executions" {
  description = "Concurrent executions reserved for the function. null (the default) reserves none: Lambda refuses any reservation that leaves fewer than its minimum unreserved executions (10 in a new account, whose whole quota is 10), and concurrent rollbacks are already safe (one alarm storm is coalesced into one version, and every write carries an optimistic lock). Set a number (for example 1, to serialise rollbacks) only where the account's concurrency quota leaves room for it."
  type        = number
  default     = null

  validation {
    condition     = var.reserved_concurrent_executions == null || try(var.reserved_concurrent_executions >= 1 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions, false)
    error_message = "reserved_concurrent_executions must be null (no reservation) or a whole number of at least 1; to stop the function entirely, disable its trigger instead of reserving 0."
  }
}

variable "maximum_retry_attempts" {
  description = "How many times Lambda retries a failed asynchronous invocation (0-2) before sending it to the dead-letter queue."
  type        = number
  default     = 2

  validation {
    condition     = contains([0, 1, 2], var.maximum_retry_attempts)
    error_message = "maximum_retry_attempts must be 0, 1 or 2, as Lambda accepts."
  }
}

variable "maximum_event_age_in_seconds" {
  description = "How long Lambda keeps retrying an asynchronous event before sending it to the dead-letter queue, in seconds (60-21600)."
  type        = number
  default     = 3600

  validation {
    condition     = var.maximum_event_age_in_seconds >= 60 && var.maximum_event_age_in_seconds <= 21600
    error_message = "maximum_event_age_in_seconds must be between 60 and 21600, as Lambda accepts."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the function's log group, in days."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be a retention CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "log_level" {
  description = "Minimum level of the function's JSON application logs."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.log_level)
    error_message = "log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR or FATAL."
  }
}

variable "log_kms_key_arn" {
  description = "ARN of a KMS key that encrypts the log group (its policy must admit CloudWatch Logs). null uses CloudWatch Logs' own encryption."
  type        = string
  default     = null

  validation {
    condition     = var.log_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.log_kms_key_arn))
    error_message = "log_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID), or null."
  }
}

variable "code_signing_config_arn" {
  description = "ARN of a Lambda code signing configuration to enforce on the package. null: no code signing."
  type        = string
  default     = null

  # The ARN pattern of botocore's Lambda model (shape CodeSigningConfigArn).
  validation {
    condition     = var.code_signing_config_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:code-signing-config:csc-[a-z0-9]{17}$", var.code_signing_config_arn))
    error_message = "code_signing_config_arn must be a Lambda code signing configuration ARN (arn:aws:lambda:REGION:ACCOUNT:code-signing-config:csc-...), or null."
  }
}

variable "create_function_alarms" {
  description = "Whether to create the alarms on the function's own errors, on the dead-letter queue depth and on notifications it could not publish; they notify notification_topic_arn when it is set."
  type        = bool
  default     = true
}

################################################################################
# Destroy
################################################################################

variable "delete_own_versions_on_destroy" {
  description = "Whether `terraform destroy` has the function delete the hosted versions it wrote (AppConfig refuses to delete a profile that still has versions). Keep true when the profile is destroyed with the stack; set false for a profile that outlives it, whose history then stays whole."
  type        = bool
  default     = true
}

################################################################################
# Held flags and the guarded restore
################################################################################

variable "holds_parameter_path" {
  description = "SSM parameter path under which the function keeps held flags, one String parameter per flag (HOLDS_PARAMETER_PATH); the role may read and write exactly these parameters."
  type        = string

  validation {
    condition     = can(regex("^(/[a-zA-Z0-9_.-]+){1,13}$", var.holds_parameter_path)) && !can(regex("^/(aws|ssm)", lower(var.holds_parameter_path)))
    error_message = "holds_parameter_path must be an SSM path such as \"/flag-rollback/holds/app/env/profile\" (letters, digits, '_', '.', '-'), not under /aws or /ssm."
  }
}

variable "restore_deployment_strategy_id" {
  description = "ID of the deployment strategy a restore deploys with (RESTORE_DEPLOYMENT_STRATEGY_ID): a gradual one, so a flag that breaks again is caught by its alarm mid-rollout. null: the rollback's strategy."
  type        = string
  default     = null

  validation {
    condition     = var.restore_deployment_strategy_id == null || can(regex("^([a-z0-9]{4,7}|AppConfig\\.[A-Za-z0-9]{9,40})$", var.restore_deployment_strategy_id))
    error_message = "restore_deployment_strategy_id must be a strategy ID (4-7 lowercase letters or digits) or a predefined one such as \"AppConfig.Linear50PercentEvery30Seconds\", or null."
  }
}

variable "restore_cooldown_seconds" {
  description = "A restore within this many seconds of the rollback is refused unless forced (RESTORE_COOLDOWN_SECONDS); 0 turns the rule off."
  type        = number
  default     = 300

  validation {
    condition     = var.restore_cooldown_seconds >= 0 && var.restore_cooldown_seconds <= 604800 && floor(var.restore_cooldown_seconds) == var.restore_cooldown_seconds
    error_message = "restore_cooldown_seconds must be a whole number of seconds from 0 to 604800 (7 days)."
  }
}

variable "flap_limit" {
  description = "A flag rolled back this many times within flap_window_seconds stays held until a forced restore (FLAP_LIMIT); 0 turns the rule off."
  type        = number
  default     = 3

  validation {
    condition     = var.flap_limit >= 0 && var.flap_limit <= 100 && floor(var.flap_limit) == var.flap_limit
    error_message = "flap_limit must be a whole number from 0 (off) to 100."
  }
}

variable "flap_window_seconds" {
  description = "The window in which rollbacks of one flag are counted against flap_limit, in seconds (FLAP_WINDOW_SECONDS)."
  type        = number
  default     = 86400

  validation {
    condition     = var.flap_window_seconds >= 60 && var.flap_window_seconds <= 604800 && floor(var.flap_window_seconds) == var.flap_window_seconds
    error_message = "flap_window_seconds must be a whole number of seconds from 60 to 604800 (7 days)."
  }
}
