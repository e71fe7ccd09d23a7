variable "application_id" {
  description = "ID of the stack's AppConfig application."
  type        = string
}

variable "environment_id" {
  description = "ID of the stack's AppConfig environment."
  type        = string
}

variable "configuration_profile_id" {
  description = "ID of the stack's flags profile."
  type        = string
}

variable "document" {
  description = "The flags document to write and deploy (JSON)."
  type        = string
}
