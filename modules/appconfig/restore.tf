# The strategy a restore deploys with. A restore turns a flag that broke once back on, so it
# goes out gradually: 20 % of the targets each minute for five minutes, then five minutes of
# bake. A flag that breaks again trips its alarm (three one-minute periods by default) while
# the rollout is still under way; the rollback stops the rollout and disables the flag again.
# While it runs the environment is busy: other deployments wait (AppConfig runs one
# deployment per environment at a time).

locals {
  create_restore_strategy = var.restore_deployment_strategy_id == null
  restore_strategy_id     = local.create_restore_strategy ? aws_appconfig_deployment_strategy.restore[0].id : var.restore_deployment_strategy_id
}

resource "aws_appconfig_deployment_strategy" "restore" {
  count = local.create_restore_strategy ? 1 : 0

  name                           = "${var.name}-restore"
  description                    = "Guarded restore: 20% of targets per minute over 5 minutes, then a 5-minute bake."
  deployment_duration_in_minutes = 5
  final_bake_time_in_minutes     = 5
  growth_factor                  = 20
  growth_type                    = "LINEAR"
  replicate_to                   = "NONE"
  tags                           = var.tags
}
