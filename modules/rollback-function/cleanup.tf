# Destroy after real rollbacks. The function writes hosted versions Terraform does not know,
# and AppConfig refuses to delete a configuration profile that still has hosted versions
# (BadRequestException "... because there are still hosted configuration versions existing
# under it"). With lifecycle_scope = "CRUD" the provider invokes the function on every
# lifecycle event with {"tf": {"action": ...}} added to the input (create and update change
# nothing). Destroying this invocation runs the "delete" call: the function waits until no
# deployment of the profile is in progress, then deletes the versions it wrote (labelled
# "flag-rollback:" / "flag-restore:"), never Terraform's own or anyone else's; with
# delete_own_versions_on_destroy = false (a profile that outlives the stack) it deletes none.
#
# Order: the invocation depends on the function, whose environment names the application,
# environment and profile, so `terraform destroy` runs it before the function, its role and
# the AppConfig resources are deleted.
resource "aws_lambda_invocation" "cleanup" {
  function_name   = aws_lambda_function.rollback.function_name
  lifecycle_scope = "CRUD"
  # Changing delete_own_versions is an update (the function ignores it), never a destroy.
  input = jsonencode({
    flag_rollback       = "lifecycle"
    profile             = "${var.appconfig_application_id}/${var.appconfig_configuration_profile_id}"
    delete_own_versions = var.delete_own_versions_on_destroy
  })
}
