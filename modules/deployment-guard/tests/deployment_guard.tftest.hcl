mock_provider "aws" {
  source = "../../tests/mocks"
}

# A real provider that never calls AWS: plan-only runs use it so aws_iam_policy_document
# renders the actual policy JSON; the caller identity it would fetch is overridden.
provider "aws" {
  alias                       = "offline"
  region                      = "us-east-1"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  skip_requesting_account_id  = true
}

override_data {
  target = data.aws_caller_identity.current
  values = {
    account_id = "123456789012"
  }
}

variables {
  name                               = "shop"
  appconfig_application_id           = "app1234"
  appconfig_environment_id           = "env1234"
  appconfig_configuration_profile_id = "prf1234"
  holds_parameter_path               = "/flag-rollback/holds/app1234/env1234/prf1234"
  rollback_function_name             = "shop"
  notification_topic_arn             = "arn:aws:sns:us-east-1:123456789012:shop-notifications"
  package_path                       = "../rollback-function/tests/fixtures/package.zip"
  tags                               = { Team = "payments" }
}

run "policies_grant_exactly_what_the_guard_and_appconfig_need" {
  command   = plan
  providers = { aws = aws.offline }

  assert {
    condition = tomap({
      for statement in jsondecode(data.aws_iam_policy_document.guard.json).Statement : statement.Sid => join(" ", concat(
        sort(flatten([statement.Action])), ["ON"], sort(flatten([statement.Resource]))
      ))
      }) == tomap({
      ReadHolds            = "ssm:GetParametersByPath ON arn:aws:ssm:us-east-1:123456789012:parameter/flag-rollback/holds/app1234/env1234/prf1234"
      PublishNotifications = "sns:Publish ON arn:aws:sns:us-east-1:123456789012:shop-notifications"
      WriteLogs            = "logs:CreateLogStream logs:PutLogEvents ON arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/shop-guard:*"
    })
    error_message = "The guard may read holds, notify and log; nothing else."
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.extension.json).Statement[0].Action == "lambda:InvokeFunction" && jsondecode(data.aws_iam_policy_document.extension.json).Statement[0].Resource == "arn:aws:lambda:us-east-1:123456789012:function:shop-guard" && length(jsondecode(data.aws_iam_policy_document.extension.json).Statement) == 1
    error_message = "The extension role may invoke the guard function and nothing else."
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.extension_assume.json).Statement[0].Principal.Service == "appconfig.amazonaws.com"
    error_message = "Only AppConfig may assume the extension role."
  }
}

run "refuse_mode_guards_new_versions_and_deployments_of_the_profile" {
  command = plan

  assert {
    condition     = [for point in aws_appconfig_extension.guard.action_point : point.point] == ["PRE_CREATE_HOSTED_CONFIGURATION_VERSION", "PRE_START_DEPLOYMENT"]
    error_message = "The guard must run before a version is created and before a deployment starts."
  }

  assert {
    condition     = aws_appconfig_extension_association.guard.resource_arn == "arn:aws:appconfig:us-east-1:123456789012:application/app1234/configurationprofile/prf1234"
    error_message = "The extension must be associated with the flags profile only."
  }

  assert {
    condition     = aws_lambda_function.guard.handler == "flag_rollback.guard_handler.handler" && aws_lambda_function.guard.environment[0].variables.GUARD_MODE == "refuse" && aws_lambda_function.guard.environment[0].variables.ROLLBACK_FUNCTION_NAME == "shop"
    error_message = "The guard runs the package's second handler, in refuse mode, naming the rollback function."
  }

  assert {
    condition     = aws_lambda_function.guard.reserved_concurrent_executions == -1 || aws_lambda_function.guard.reserved_concurrent_executions == null
    error_message = "The guard must not reserve concurrency: a throttled guard fails the deployment."
  }
}

run "keep_disabled_without_new_versions_guards_deployments_only" {
  command = plan

  variables {
    guard_mode         = "keep_disabled"
    guard_new_versions = false
  }

  assert {
    condition     = [for point in aws_appconfig_extension.guard.action_point : point.point] == ["PRE_START_DEPLOYMENT"]
    error_message = "guard_new_versions = false must leave only PRE_START_DEPLOYMENT."
  }

  assert {
    condition     = aws_lambda_function.guard.environment[0].variables.GUARD_MODE == "keep_disabled"
    error_message = "The guard mode reaches the function."
  }
}

run "off_is_decided_by_the_root_module" {
  command = plan

  variables {
    guard_mode = "off"
  }

  expect_failures = [var.guard_mode]
}

run "a_holds_path_that_ssm_refuses_is_refused_here" {
  command = plan

  variables {
    holds_parameter_path = "flag holds"
  }

  expect_failures = [var.holds_parameter_path]
}
