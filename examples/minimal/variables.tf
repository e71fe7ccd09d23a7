variable "region" {
  description = "AWS region of the AppConfig application."
  type        = string
  default     = "us-east-1"
}

variable "application_id" {
  description = "ID of the existing AppConfig application."
  type        = string
}

variable "environment_id" {
  description = "ID of the existing AppConfig environment to protect."
  type        = string
}

variable "configuration_profile_id" {
  description = "ID of the existing hosted feature-flag configuration profile."
  type        = string
}

variable "flag_name" {
  description = "The flag to watch, as named in the AppConfig document."
  type        = string
  default     = "new_checkout"
}

variable "notification_email" {
  description = "Email address told about every rollback."
  type        = string
}

variable "package_path" {
  description = "Path of a function zip to deploy; null deploys the package committed with the module."
  type        = string
  default     = null
}
