"""A version of ours written but not deployed yet: wait for it rather than write another.

With the deployment guard, AppConfig invokes a Lambda function before it stores a version and
before it starts a deployment, so the time between a rollback's CreateHostedConfigurationVersion
and its StartDeployment grows. A second rollback that loses the version race (the lock) in that
window would otherwise re-read the environment, still see the old deployed version, and write
and deploy the same change again. It waits instead, a few bounded rounds, for the version of
ours to deploy; a person's draft (no label of ours) is never waited for.
"""

from __future__ import annotations

from flag_rollback import appconfig, clients
from flag_rollback.appconfig import Environment
from flag_rollback.settings import Settings

# Rounds a rollback may wait for another one's version before it writes its own anyway
# (with the service's backoff, about 4 s; a version that never deploys ends the wait).
MAX_WAIT_ROUNDS = 3


def own_version_pending(settings: Settings, env: Environment, latest: int, rounds: int) -> bool:
    """Whether `latest` (the newest version seen) is ours, newer than anything deployed here,
    and still worth waiting for."""
    if rounds >= MAX_WAIT_ROUNDS or latest <= env.highest_version():
        return False
    with clients.aws_call("GetHostedConfigurationVersion"):
        response = clients.appconfig().get_hosted_configuration_version(
            ApplicationId=settings.application_id,
            ConfigurationProfileId=settings.profile_id,
            VersionNumber=latest,
        )
        response["Content"].close()  # only the label is wanted
    return str(response.get("VersionLabel") or "").startswith(appconfig.OWN_LABELS)
