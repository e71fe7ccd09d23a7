# The AppConfig extension: its actions invoke the guard before a hosted version of the flags
# profile is created and before a deployment of it starts; the association attaches it to
# the profile only (AWS AppConfig User Guide, "Creating a custom AWS AppConfig extension").

locals {
  action_points = concat(
    var.guard_new_versions ? ["PRE_CREATE_HOSTED_CONFIGURATION_VERSION"] : [],
    ["PRE_START_DEPLOYMENT"],
  )
}

resource "aws_appconfig_extension" "guard" {
  name        = "${var.name}-guard"
  description = "Keeps flags held by the ${var.name} rollback off until they are restored on purpose."

  dynamic "action_point" {
    for_each = local.action_points

    content {
      point = action_point.value

      action {
        name        = "refuse-held-flags"
        description = "Invoke ${local.function_name}: ${var.guard_mode} when the content turns a held flag back on."
        role_arn    = aws_iam_role.extension.arn
        uri         = aws_lambda_function.guard.arn
      }
    }
  }

  tags = var.tags

  # AppConfig checks at creation that it may invoke the function with this role.
  depends_on = [aws_iam_role_policy.extension]
}

resource "aws_appconfig_extension_association" "guard" {
  extension_arn = aws_appconfig_extension.guard.arn
  resource_arn  = local.profile_arn
}
