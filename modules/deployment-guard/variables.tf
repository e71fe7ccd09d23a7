################################################################################
# Naming and tags
################################################################################

variable "name" {
  description = "Name of the guard function; also names its role, log group, the extension and the extension's service role."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,52}$", var.name))
    error_message = "name must be 1-52 characters of letters, digits, '_' or '-' (52 leaves room for the role name suffixes)."
  }
}

variable "tags" {
  description = "Tags added to every taggable resource of this module."
  type        = map(string)
  default     = {}
}

################################################################################
# Guarded target
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
  description = "ID of the AppConfig environment whose held flags the guard keeps off: deployments to other environments pass."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]{4,7}$", var.appconfig_environment_id))
    error_message = "appconfig_environment_id must be an AppConfig environment ID: 4-7 lowercase letters or digits."
  }
}

variable "appconfig_configuration_profile_id" {
  description = "ID of the flags' configuration profile; the extension is associated with it."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]{4,7}$", var.appconfig_configuration_profile_id))
    error_message = "appconfig_configuration_profile_id must be an AppConfig configuration profile ID: 4-7 lowercase letters or digits."
  }
}

variable "holds_parameter_path" {
  description = "SSM parameter path under which the rollback function keeps held flags (one parameter per flag); the guard reads it."
  type        = string

  validation {
    condition     = can(regex("^(/[a-zA-Z0-9_.-]+){1,13}$", var.holds_parameter_path))
    error_message = "holds_parameter_path must be an SSM path such as \"/flag-rollback/holds/app/env/profile\" (letters, digits, '_', '.', '-')."
  }
}

################################################################################
# Behaviour
################################################################################

variable "guard_mode" {
  description = "What the guard does with a change that turns a held flag back on: \"refuse\" fails the API call (Terraform shows the message) or \"keep_disabled\" rewrites the content with the flag off and notifies."
  type        = string
  default     = "refuse"

  validation {
    condition     = contains(["refuse", "keep_disabled"], var.guard_mode)
    error_message = "guard_mode must be \"refuse\" or \"keep_disabled\" (the root module's \"off\" creates no guard)."
  }
}

variable "guard_new_versions" {
  description = "Whether new hosted configuration versions are checked too (PRE_CREATE_HOSTED_CONFIGURATION_VERSION), so the refusal comes at the version Terraform writes. Set false when the profile is also deployed to other environments: versions are then checked only when deployed to the guarded one."
  type        = bool
  default     = true
}

variable "rollback_function_name" {
  description = "Name of the rollback function: the refusal message tells people to invoke it to restore a flag."
  type        = string
}

variable "notification_topic_arn" {
  description = "ARN of the SNS topic the guard notifies when it refuses or rewrites a change; null: no notifications."
  type        = string
  default     = null

  validation {
    condition     = var.notification_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$", var.notification_topic_arn))
    error_message = "notification_topic_arn must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME), or null."
  }
}

variable "kms_key_arns" {
  description = "ARNs of the KMS keys the guard must use to publish (the notification topic's key)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", arn))])
    error_message = "Every entry of kms_key_arns must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID)."
  }
}

################################################################################
# Package and Lambda settings (the rollback function's package, second handler)
################################################################################

variable "package_path" {
  description = "Path of the function's zip (the same package as the rollback function). Ignored when package_s3 is set."
  type        = string
  default     = null
}

variable "package_s3" {
  description = "S3 object holding the function's zip, instead of package_path: bucket, key, optional object_version and source_code_hash."
  type = object({
    bucket           = string
    key              = string
    object_version   = optional(string)
    source_code_hash = optional(string)
  })
  default = null
}

variable "runtime" {
  description = "Python runtime of the guard function."
  type        = string
  default     = "python3.12"

  validation {
    condition     = contains(["python3.12", "python3.13"], var.runtime)
    error_message = "runtime must be \"python3.12\" or \"python3.13\"."
  }
}

variable "architecture" {
  description = "Instruction set of the guard function: \"x86_64\" or \"arm64\"."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be \"x86_64\" or \"arm64\"."
  }
}

variable "timeout" {
  description = "Timeout of one guard invocation, in seconds. AppConfig waits for the answer before it creates the version or starts the deployment, so keep it short."
  type        = number
  default     = 10

  validation {
    condition     = var.timeout >= 3 && var.timeout <= 60 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number of seconds between 3 and 60."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the guard's log group, in days."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be a retention CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "log_level" {
  description = "Minimum level of the guard's JSON application logs."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.log_level)
    error_message = "log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR or FATAL."
  }
}
