variable "name" {
  description = "Prefix of every resource name, so two runs never collide."
  type        = string
  default     = "tfcompat"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,20}$", var.name))
    error_message = "name must be 1-21 lowercase letters, digits or dashes, starting with a letter."
  }
}

variable "package_path" {
  description = "Path of the Lambda deployment package (a zip with app.py defining handler)."
  type        = string
}

variable "revision" {
  description = "Revision number written into descriptions, tags and the strategy's bake time; changing it exercises in-place updates."
  type        = number
  default     = 1

  validation {
    condition     = var.revision >= 0 && var.revision <= 1440 && floor(var.revision) == var.revision
    error_message = "revision must be a whole number from 0 to 1440 (it is also a bake time in minutes)."
  }
}
