################################################################################
# Naming and tags
################################################################################

variable "name_prefix" {
  description = "Prefix of the names of the topics and the KMS key alias this module creates."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9][a-zA-Z0-9_-]{0,39}$", var.name_prefix))
    error_message = "name_prefix must be 1-40 characters of letters, digits, '_' or '-', starting with a letter or digit (for example \"flag-rollback\")."
  }
}

variable "tags" {
  description = "Tags added to every topic and to the KMS key."
  type        = map(string)
  default     = {}
}

variable "create" {
  description = "Whether to create the KMS key and the notification topic, when their ARNs cannot decide: an unset entry is derived from its ARN (null ARN = create). Set an entry to false when the ARN comes from a resource created in the same apply, as Terraform knows such ARNs only after apply."
  type = object({
    kms_key            = optional(bool)
    notification_topic = optional(bool)
  })
  default = {}
}

################################################################################
# Encryption
################################################################################

variable "kms_key_arn" {
  description = "ARN of an existing customer-managed KMS key that encrypts the topics. null creates one whose key policy lets CloudWatch alarms and var.key_user_arns use it (alarms cannot publish to topics encrypted with the AWS-managed SNS key)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID), or null to create a key."
  }
}

variable "key_user_arns" {
  description = "IAM role ARNs allowed by the created key's policy to encrypt and decrypt with it (the rollback function's role, which publishes notifications)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.key_user_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", arn))])
    error_message = "Every key user must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)."
  }
}

variable "key_deletion_window_in_days" {
  description = "Waiting period, in days, before the created KMS key is deleted after destroy."
  type        = number
  default     = 30

  validation {
    condition     = var.key_deletion_window_in_days >= 7 && var.key_deletion_window_in_days <= 30
    error_message = "key_deletion_window_in_days must be between 7 and 30, as KMS accepts."
  }
}

################################################################################
# Notification topic
################################################################################

variable "notification_topic_arn" {
  description = "ARN of an existing SNS topic where the rollback function and its own alarms notify people. null creates one, encrypted with the module's key. Since CloudWatch alarms publish to it, its topic policy must let cloudwatch.amazonaws.com publish (sns:Publish, for alarms of this account), and it must not be encrypted with the AWS-managed key alias/aws/sns, which CloudWatch cannot use (see notification_topic_kms_key_arn)."
  type        = string
  default     = null

  validation {
    condition     = var.notification_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$", var.notification_topic_arn))
    error_message = "notification_topic_arn must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME), or null to create a topic."
  }
}

variable "notification_topic_kms_key_arn" {
  description = "ARN of the customer-managed KMS key that encrypts the existing notification topic, so the function may publish to it; its key policy must also admit cloudwatch.amazonaws.com. The plan reads the key (kms:DescribeKey) and fails when it is the AWS-managed SNS key, which CloudWatch cannot use; it is not read when create.notification_topic is false (key and topic created in the same apply). Ignored when this module creates the topic; null only when the existing topic is not encrypted."
  type        = string
  default     = null

  validation {
    condition     = var.notification_topic_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.notification_topic_kms_key_arn))
    error_message = "notification_topic_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID), or null."
  }
}

variable "email_addresses" {
  description = "Email addresses subscribed to the notification topic (each must confirm the subscription)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for address in var.email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", address))])
    error_message = "Every entry of email_addresses must be an email address (for example \"oncall@example.com\")."
  }
}

variable "https_endpoints" {
  description = "HTTPS URLs subscribed to the notification topic. Each must confirm its own subscription (fetch the SubscribeURL that SNS posts to it, as PagerDuty and Opsgenie endpoints do): the apply waits for the confirmation and fails without it, instead of leaving a subscription that delivers nothing. Chat incoming webhooks (Slack, Microsoft Teams, Amazon Chime) never confirm and expect their own message format: subscribe AWS Chatbot (Amazon Q Developer in chat applications) to the topic, or a Lambda function that forwards the message to the webhook."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for url in var.https_endpoints : startswith(url, "https://")])
    error_message = "Every entry of https_endpoints must be an https:// URL."
  }
}

variable "sqs_queue_arns" {
  description = "SQS queue ARNs subscribed to the notification topic. Each queue's policy must let this topic send to it."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.sqs_queue_arns : can(regex("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,80}(\\.fifo)?$", arn))])
    error_message = "Every entry of sqs_queue_arns must be an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME)."
  }
}
