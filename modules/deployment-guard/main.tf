# The deployment guard: a second function built from the rollback function's package
# (handler flag_rollback.guard_handler.handler) that AppConfig invokes synchronously before
# it creates a hosted version or starts a deployment of the flags profile (extension.tf).

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition = data.aws_partition.current.partition
  # The region from the EC2 endpoint, valid in provider 5.x and 6.x (as rollback-function does).
  region     = split(".", data.aws_region.current.endpoint)[1]
  account_id = data.aws_caller_identity.current.account_id

  use_s3         = var.package_s3 != null
  package_exists = !local.use_s3 && try(fileexists(var.package_path), false)
  package_hash   = local.use_s3 ? var.package_s3.source_code_hash : try(filebase64sha256(var.package_path), null)
  function_name  = "${var.name}-guard"
  log_group_name = "/aws/lambda/${local.function_name}"
  topic_notifies = var.notification_topic_arn != null

  # Exactly the configuration the guard reads (lambda/README.md, "Configuration").
  environment = merge(
    {
      APPCONFIG_APPLICATION_ID           = var.appconfig_application_id
      APPCONFIG_ENVIRONMENT_ID           = var.appconfig_environment_id
      APPCONFIG_CONFIGURATION_PROFILE_ID = var.appconfig_configuration_profile_id
      HOLDS_PARAMETER_PATH               = var.holds_parameter_path
      GUARD_MODE                         = var.guard_mode
      ROLLBACK_FUNCTION_NAME             = var.rollback_function_name
    },
    local.topic_notifies ? { NOTIFICATION_TOPIC_ARN = var.notification_topic_arn } : {},
  )
}

resource "aws_cloudwatch_log_group" "guard" {
  #checkov:skip=CKV_AWS_158:The logs hold guard decisions and resource IDs, no secrets; CloudWatch Logs encrypts them at rest.
  name              = local.log_group_name
  retention_in_days = var.log_retention_in_days
  tags              = var.tags
}

resource "aws_lambda_function" "guard" {
  #checkov:skip=CKV_AWS_117:The function calls only AWS APIs over their public endpoints; a VPC would add NAT or endpoint costs and no protection.
  #checkov:skip=CKV_AWS_50:X-Ray allows no resource scoping (xray:PutTraceSegments needs "*"); tracing stays off to keep the policy free of wildcards.
  #checkov:skip=CKV_AWS_173:The environment holds resource IDs and settings, no secrets; Lambda encrypts it at rest with its own key.
  #checkov:skip=CKV_AWS_272:Code signing is configured on the rollback function's package; this function runs the same package.
  #checkov:skip=CKV_AWS_116:AppConfig invokes the guard synchronously and sees its failure at once; there is no asynchronous event to keep.
  #checkov:skip=CKV_AWS_115:No reserved concurrency: a deployment must never be throttled by a limit of ours (AppConfig would fail the deployment).
  function_name = local.function_name
  description   = "Refuses AppConfig deployments that would turn a held feature flag back on."
  role          = aws_iam_role.guard.arn
  handler       = "flag_rollback.guard_handler.handler"
  runtime       = var.runtime
  architectures = [var.architecture]
  memory_size   = 256
  timeout       = var.timeout

  filename          = local.use_s3 ? null : var.package_path
  s3_bucket         = try(var.package_s3.bucket, null)
  s3_key            = try(var.package_s3.key, null)
  s3_object_version = try(var.package_s3.object_version, null)
  source_code_hash  = local.package_hash

  environment {
    variables = local.environment
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.guard.name
    application_log_level = var.log_level
    system_log_level      = "INFO"
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = local.use_s3 || local.package_exists
      error_message = "The function package ${coalesce(var.package_path, "(package_path not set)")} does not exist: run `make build` (it writes dist/flag-rollback.zip), or set package_path to the zip, or package_s3 to an S3 object."
    }
  }

  depends_on = [aws_iam_role_policy.guard]
}
