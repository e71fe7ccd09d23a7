variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "us-east-1"
}

variable "name_prefix" {
  description = "Prefix of every resource name."
  type        = string
  default     = "flag-rollback-demo"
}

variable "flags" {
  description = "Flags to create (all enabled) and watch, with their alarm settings."
  type = map(object({
    threshold          = optional(number, 5)
    period             = optional(number, 60)
    evaluation_periods = optional(number, 3)
  }))
  default = {
    new_checkout    = {}
    dark_mode       = { threshold = 10 }
    recommendations = { period = 30, evaluation_periods = 2 }
  }
}

variable "profile_type" {
  description = "\"AWS.AppConfig.FeatureFlags\" or \"AWS.Freeform\" (the legacy JSON format)."
  type        = string
  default     = "AWS.AppConfig.FeatureFlags"
}

variable "trigger" {
  description = "\"sns\" or \"eventbridge\"."
  type        = string
  default     = "sns"
}

variable "notification_emails" {
  description = "Email addresses told about every rollback."
  type        = list(string)
  default     = []
}

variable "dry_run" {
  description = "Report rollbacks without changing AppConfig."
  type        = bool
  default     = false
}

variable "package_path" {
  description = "Path of a function zip to deploy; null deploys the package committed with the module."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = { Example = "complete" }
}

variable "guard_mode" {
  description = "What happens to a change that turns a held flag back on: \"refuse\", \"keep_disabled\" or \"off\"."
  type        = string
  default     = "refuse"
}

variable "restore_cooldown_seconds" {
  description = "A restore within this many seconds of the rollback is refused unless forced."
  type        = number
  default     = 300
}
