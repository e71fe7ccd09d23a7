# Values the mocked AWS provider returns in `terraform test` runs. A bare mock returns random
# strings, which the provider's own validators reject (policy JSON, AppConfig ID formats,
# ARNs), so every value the module reads back is given a realistic shape here.

mock_data "aws_caller_identity" {
  defaults = {
    account_id = "123456789012"
    arn        = "arn:aws:iam::123456789012:user/terraform"
    user_id    = "AIDAEXAMPLE"
  }
}

mock_data "aws_partition" {
  defaults = {
    partition  = "aws"
    dns_suffix = "amazonaws.com"
  }
}

mock_data "aws_region" {
  defaults = {
    name     = "us-east-1"
    endpoint = "ec2.us-east-1.amazonaws.com"
  }
}

mock_data "aws_iam_policy_document" {
  defaults = {
    json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
  }
}

mock_resource "aws_appconfig_application" {
  defaults = {
    id  = "app1234"
    arn = "arn:aws:appconfig:us-east-1:123456789012:application/app1234"
  }
}

mock_resource "aws_appconfig_environment" {
  defaults = {
    id             = "env1234:app1234"
    environment_id = "env1234"
    arn            = "arn:aws:appconfig:us-east-1:123456789012:application/app1234/environment/env1234"
  }
}

mock_resource "aws_appconfig_configuration_profile" {
  defaults = {
    id                       = "prf1234:app1234"
    configuration_profile_id = "prf1234"
    arn                      = "arn:aws:appconfig:us-east-1:123456789012:application/app1234/configurationprofile/prf1234"
  }
}

mock_resource "aws_appconfig_deployment_strategy" {
  defaults = {
    id  = "str1234"
    arn = "arn:aws:appconfig:us-east-1:123456789012:deploymentstrategy/str1234"
  }
}

mock_resource "aws_appconfig_hosted_configuration_version" {
  defaults = {
    version_number = 1
    arn            = "arn:aws:appconfig:us-east-1:123456789012:application/app1234/configurationprofile/prf1234/hostedconfigurationversion/1"
  }
}

mock_resource "aws_appconfig_deployment" {
  defaults = {
    deployment_number = 1
    state             = "COMPLETE"
    arn               = "arn:aws:appconfig:us-east-1:123456789012:application/app1234/environment/env1234/deployment/1"
  }
}

mock_resource "aws_kms_key" {
  defaults = {
    arn    = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    key_id = "11111111-2222-3333-4444-555555555555"
  }
}

mock_resource "aws_sns_topic" {
  defaults = {
    arn = "arn:aws:sns:us-east-1:123456789012:mock-topic"
  }
}

mock_resource "aws_sns_topic_subscription" {
  defaults = {
    arn = "arn:aws:sns:us-east-1:123456789012:mock-topic:00000000-0000-0000-0000-000000000000"
  }
}

mock_resource "aws_iam_role" {
  defaults = {
    arn = "arn:aws:iam::123456789012:role/mock-role"
  }
}

mock_resource "aws_sqs_queue" {
  defaults = {
    arn = "arn:aws:sqs:us-east-1:123456789012:mock-dlq"
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/mock-dlq"
  }
}

mock_resource "aws_lambda_function" {
  defaults = {
    arn        = "arn:aws:lambda:us-east-1:123456789012:function:mock"
    invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:mock/invocations"
  }
}

mock_resource "aws_cloudwatch_log_group" {
  defaults = {
    arn = "arn:aws:logs:us-east-1:123456789012:log-group:mock"
  }
}

mock_resource "aws_cloudwatch_metric_alarm" {
  defaults = {
    arn = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:mock"
  }
}

mock_resource "aws_cloudwatch_event_rule" {
  defaults = {
    arn = "arn:aws:events:us-east-1:123456789012:rule/mock"
  }
}

mock_resource "aws_appconfig_extension" {
  defaults = {
    id  = "ext1234"
    arn = "arn:aws:appconfig:us-east-1:123456789012:extension/ext1234/1"
  }
}

mock_resource "aws_appconfig_extension_association" {
  defaults = {
    id  = "asc1234"
    arn = "arn:aws:appconfig:us-east-1:123456789012:extensionassociation/asc1234"
  }
}
