variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "us-east-1"
}

variable "application_name" {
  description = "Name of the AppConfig application; prefixes every stack's resources."
  type        = string
  default     = "shop"
}

variable "flags" {
  description = "Flags watched in every environment."
  type        = list(string)
  default     = ["new_checkout", "dark_mode"]
}

variable "environments" {
  description = "One rollback stack per entry, keyed by AppConfig environment name."
  type = map(object({
    threshold           = optional(number, 5)
    notification_emails = optional(list(string), [])
    dry_run             = optional(bool, false)
  }))
  default = {
    staging    = { threshold = 20, dry_run = true }
    production = { threshold = 5 }
  }
}

variable "package_path" {
  description = "Path of a function zip to deploy; null deploys the package committed with the module."
  type        = string
  default     = null
}
