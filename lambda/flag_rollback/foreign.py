"""Another profile's rollout in the same environment: stop it for a rollback, restart it after.

AppConfig runs one deployment per environment at a time: StartDeployment answers
ConflictException while another one is in progress, whatever its profile (AppConfig API
reference, StartDeployment), and a linear strategy can hold the environment for an hour.
``FOREIGN_ROLLOUT`` says what a rollback does then:

* ``preempt`` (default): read the rollout (GetDeployment: its profile, version and
  strategy), stop it (StopDeployment; AllowRevert only when it is BAKING or VALIDATING, as
  AWS requires, and never for one about to complete, which AllowRevert would REVERT), deploy
  the rollback, and once the rollback is COMPLETE start the stopped rollout again with the
  same version and strategy. The notification says all of it, with the command to restart
  it by hand when the restart could not be made.
* ``wait``: wait with backoff up to the bound of service.Timing, then raise for Lambda's
  retry (the event is kept).

A rollout that cannot be stopped (it finished meanwhile, AWS refuses, or the role may not
read it) is no error: the rollback deploys as soon as the environment is free, as with
``wait``. A restore never preempts: putting a flag back on is not urgent.
"""

from __future__ import annotations

import random
import shlex
import time
from dataclasses import dataclass, replace

from flag_rollback import appconfig
from flag_rollback.appconfig import Deployment
from flag_rollback.errors import RollbackError
from flag_rollback.observe import log
from flag_rollback.settings import Settings

RESTART_NOTE = "Restarted by flag-rollback after its rollback deployment {after}"
_POLL_BASE_S = 0.25
_POLL_MAX_S = 4.0


@dataclass(frozen=True)
class StoppedRollout:
    """Another profile's rollout this function stopped, and what became of its restart."""

    deployment_number: int
    profile_id: str
    profile_name: str
    version: str
    strategy_id: str
    state: str  # when it was stopped: DEPLOYING, BAKING or VALIDATING
    description: str = ""
    restarted_as: int | None = None  # the deployment number of the restart
    restart_error: str | None = None  # why it was not restarted (a person must)


def preempt(settings: Settings, holder: Deployment) -> StoppedRollout | None:
    """Stop another profile's rollout that holds the environment; None when it was not.

    None means: it finished meanwhile, AWS refused the stop, or it could not be read; the
    caller then deploys as soon as the environment is free (nothing is lost).
    """
    try:
        detail = appconfig.get_deployment(settings, holder.number)
        if detail.state not in appconfig.STOPPABLE:
            return None  # it moved on: COMPLETE (free) or ROLLING_BACK (ends by itself)
        state = appconfig.stop_deployment(settings, replace(holder, state=detail.state))
    except RollbackError as error:
        log("preempted_rollout", level="WARN", deployment=holder.number, error=error.code)
        return None
    if state is None:
        return None  # refused (it moved on): read the environment again
    stopped = StoppedRollout(
        deployment_number=detail.number,
        profile_id=detail.profile_id,
        profile_name=detail.profile_name,
        version=detail.version,
        strategy_id=detail.strategy_id,
        state=detail.state,
        description=detail.description,
    )
    log("preempted_rollout", deployment=detail.number, profile=detail.profile_name, state=state)
    return stopped


def _pause(attempt: int, deadline: float) -> bool:
    """Sleep before polling again; False when the pause would outlast the invocation."""
    delay = min(_POLL_MAX_S, _POLL_BASE_S * 2**attempt) * random.uniform(0.5, 1.0)  # noqa: S311
    if time.monotonic() + delay > deadline:
        return False
    time.sleep(delay)
    return True


def restart(
    settings: Settings, rollout: StoppedRollout, *, after: int | None, deadline: float
) -> StoppedRollout:
    """Start the stopped rollout again once deployment ``after`` (the rollback) has ended.

    Same profile, version and strategy. Bounded by ``deadline``; a failure is reported in
    ``restart_error`` (with the command to run), never raised: the rollback is done.
    """
    description = RESTART_NOTE.format(after=after or "-")
    if rollout.description:
        description += f": {rollout.description}"
    attempt = 0
    while True:
        try:
            if after is not None and appconfig.get_deployment(settings, after).state in (
                appconfig.BUSY
            ):
                if not _pause(attempt, deadline):
                    return _failed(rollout, f"rollback deployment {after} was still in progress")
                attempt += 1
                continue
            number = appconfig.start_deployment(
                settings,
                version=rollout.version,
                description=description,
                profile_id=rollout.profile_id,
                strategy_id=rollout.strategy_id,
            )
        except appconfig.EnvironmentBusyError:
            if not _pause(attempt, deadline):
                return _failed(rollout, "another deployment held the environment")
            attempt += 1
            continue
        except RollbackError as error:
            return _failed(rollout, f"{error.code}: {error.message}")
        log("restarted_rollout", deployment=rollout.deployment_number, restarted_as=number)
        return replace(rollout, restarted_as=number)


def _failed(rollout: StoppedRollout, why: str) -> StoppedRollout:
    log("restart_failed", level="ERROR", deployment=rollout.deployment_number, why=why)
    return replace(rollout, restart_error=why)


def restart_command(
    rollout: StoppedRollout, *, application_id: str, environment_id: str, region: str | None
) -> str:
    """The AWS CLI command that starts the stopped rollout again (copy-paste safe)."""
    parts = [
        "aws appconfig start-deployment",
        f"--application-id {shlex.quote(application_id)}",
        f"--environment-id {shlex.quote(environment_id)}",
        f"--configuration-profile-id {shlex.quote(rollout.profile_id)}",
        f"--configuration-version {shlex.quote(rollout.version)}",
        f"--deployment-strategy-id {shlex.quote(rollout.strategy_id)}",
    ]
    if region:
        parts.append(f"--region {shlex.quote(region)}")
    return " ".join(parts)


def summary(
    rollout: StoppedRollout, *, application_id: str, environment_id: str, region: str | None
) -> list[str]:
    """What a person reads about it in the notification."""
    head = (
        f"Other rollout:  deployment {rollout.deployment_number} of profile "
        f"{rollout.profile_name or rollout.profile_id} (version {rollout.version}, strategy "
        f"{rollout.strategy_id}) was {rollout.state}: stopped so the rollback could deploy"
    )
    if rollout.restarted_as is not None:
        return [
            f"{head}; restarted with the same version and strategy as deployment "
            f"{rollout.restarted_as} once the rollback was complete."
        ]
    return [
        f"{head}; NOT restarted{f' ({rollout.restart_error})' if rollout.restart_error else ''}. "
        "Restart it with:",
        "  "
        + restart_command(
            rollout, application_id=application_id, environment_id=environment_id, region=region
        ),
    ]
