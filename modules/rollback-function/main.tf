data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition = data.aws_partition.current.partition
  # The region from the EC2 endpoint ("ec2.REGION.DNS-SUFFIX"): `name` is deprecated in provider
  # 6.x and `id` in 6.47, while `region` does not exist in 5.x; `endpoint` is valid in both.
  region     = split(".", data.aws_region.current.endpoint)[1]
  account_id = data.aws_caller_identity.current.account_id

  use_s3 = var.package_s3 != null
  # The package committed with the module unless package_path overrides it.
  package_path           = coalesce(var.package_path, "${path.module}/package/flag-rollback.zip")
  package_exists         = !local.use_s3 && try(fileexists(local.package_path), false)
  package_hash           = local.use_s3 ? var.package_s3.source_code_hash : try(filebase64sha256(local.package_path), null)
  log_group_name         = "/aws/lambda/${var.name}"
  dead_letter_queue_name = "${var.name}-dlq"
  # Counts depend only on inputs known at plan time (trigger, create_function_alarms), never
  # on whether an ARN that may be unknown until apply is null.
  topic_notifies = var.notification_topic_arn != null
  # A restore deploys gradually with its own strategy when one is given.
  restore_strategy_id = coalesce(var.restore_deployment_strategy_id, var.appconfig_deployment_strategy_id)

  # Exactly the configuration the function reads (see lambda/README.md, "Configuration").
  environment = merge(
    {
      APPCONFIG_APPLICATION_ID           = var.appconfig_application_id
      APPCONFIG_ENVIRONMENT_ID           = var.appconfig_environment_id
      APPCONFIG_CONFIGURATION_PROFILE_ID = var.appconfig_configuration_profile_id
      APPCONFIG_DEPLOYMENT_STRATEGY_ID   = var.appconfig_deployment_strategy_id
      ALARM_NAME_PATTERN                 = var.alarm_name_pattern
      DRY_RUN                            = tostring(var.dry_run)
      METRICS_NAMESPACE                  = var.metrics_namespace
      HOLDS_PARAMETER_PATH               = var.holds_parameter_path
      RESTORE_DEPLOYMENT_STRATEGY_ID     = local.restore_strategy_id
      RESTORE_COOLDOWN_SECONDS           = tostring(var.restore_cooldown_seconds)
      FLAP_LIMIT                         = tostring(var.flap_limit)
      FLAP_WINDOW_SECONDS                = tostring(var.flap_window_seconds)
    },
    local.topic_notifies ? { NOTIFICATION_TOPIC_ARN = var.notification_topic_arn } : {},
  )
}

resource "aws_cloudwatch_log_group" "function" {
  #checkov:skip=CKV_AWS_158:The logs hold rollback decisions and resource IDs, no secrets; CloudWatch Logs encrypts them at rest, and var.log_kms_key_arn adds a customer-managed key.
  name              = local.log_group_name
  retention_in_days = var.log_retention_in_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

resource "aws_sqs_queue" "dead_letter" {
  name                              = local.dead_letter_queue_name
  message_retention_seconds         = 1209600
  kms_master_key_id                 = var.dead_letter_queue_kms_key_arn
  kms_data_key_reuse_period_seconds = var.dead_letter_queue_kms_key_arn == null ? null : 300
  sqs_managed_sse_enabled           = var.dead_letter_queue_kms_key_arn == null ? true : null
  tags                              = var.tags
}

resource "aws_lambda_function" "rollback" {
  #checkov:skip=CKV_AWS_117:The function calls only AWS APIs over their public endpoints; a VPC would add NAT or endpoint costs and no protection.
  #checkov:skip=CKV_AWS_50:X-Ray allows no resource scoping (xray:PutTraceSegments needs "*"); tracing stays off to keep the policy free of wildcards.
  #checkov:skip=CKV_AWS_173:The environment holds resource IDs and settings, no secrets; Lambda encrypts it at rest with its own key.
  #checkov:skip=CKV_AWS_272:Code signing is optional: set var.code_signing_config_arn to enforce it.
  #checkov:skip=CKV_AWS_116:Failed invocations go to the same queue as the on-failure destination of aws_lambda_function_event_invoke_config.rollback (a record with the error and the event); a dead_letter_config too would put every failure in the queue twice.
  function_name                  = var.name
  description                    = "Rolls back a feature flag in AppConfig when its error-rate alarm fires."
  role                           = aws_iam_role.function.arn
  handler                        = "flag_rollback.handler.handler"
  runtime                        = var.runtime
  architectures                  = [var.architecture]
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrent_executions
  code_signing_config_arn        = var.code_signing_config_arn

  filename          = local.use_s3 ? null : local.package_path
  s3_bucket         = try(var.package_s3.bucket, null)
  s3_key            = try(var.package_s3.key, null)
  s3_object_version = try(var.package_s3.object_version, null)
  source_code_hash  = local.package_hash

  environment {
    variables = local.environment
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.function.name
    application_log_level = var.log_level
    system_log_level      = "INFO"
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = local.use_s3 || local.package_exists
      error_message = "The function package ${local.package_path} does not exist. Leave package_path null to deploy the package committed with the module (package/flag-rollback.zip), set it to an existing .zip, or set package_s3 to an S3 object."
    }

    precondition {
      condition     = !local.trigger_sns || var.alarm_topic_arn != null
      error_message = "trigger = \"sns\" needs alarm_topic_arn: the ARN of the topic the flag alarms publish to."
    }
  }

  depends_on = [aws_iam_role_policy.function]
}

# Asynchronous invocations (SNS, EventBridge) retry, then land in the dead-letter queue as an
# on-failure destination record (the error, the attempts and the original event).
resource "aws_lambda_function_event_invoke_config" "rollback" {
  function_name                = aws_lambda_function.rollback.function_name
  maximum_retry_attempts       = var.maximum_retry_attempts
  maximum_event_age_in_seconds = var.maximum_event_age_in_seconds

  destination_config {
    on_failure {
      destination = aws_sqs_queue.dead_letter.arn
    }
  }
}
