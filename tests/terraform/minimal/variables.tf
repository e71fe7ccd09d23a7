variable "application_id" {
  description = "ID of the AppConfig application the test created."
  type        = string
}

variable "environment_id" {
  description = "ID of the AppConfig environment the test created."
  type        = string
}

variable "configuration_profile_id" {
  description = "ID of the feature-flag configuration profile the test created."
  type        = string
}

variable "flag_name" {
  description = "The flag the example watches."
  type        = string
}

variable "notification_email" {
  description = "Address the example subscribes to its notification topic."
  type        = string
  default     = "oncall@example.com"
}
