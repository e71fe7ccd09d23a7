# A function with reserved concurrency: tests/test_emulator/test_lambda_concurrency.py applies
# it against the emulator under a new account's limit (10), where Lambda refuses any
# reservation, and under the default limit, where it applies.

provider "aws" {
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

variable "name" {
  type        = string
  description = "Prefix of every resource name."
}

variable "package_path" {
  type        = string
  description = "Path of the deployment package (zip)."
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "function" {
  name               = "${var.name}-role"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_lambda_function" "reserved" {
  function_name                  = "${var.name}-fn"
  role                           = aws_iam_role.function.arn
  handler                        = "app.handler"
  runtime                        = "python3.12"
  filename                       = var.package_path
  source_code_hash               = filebase64sha256(var.package_path)
  reserved_concurrent_executions = 1
}
