"""What a rollback, a restore and a status request do, step by step, against AWS.

The decisions themselves are pure (flags.py); this module sequences the AWS calls:
read what is deployed, compute, write a version under the optimistic lock, deploy,
and handle the races (a lost version race re-reads; a busy environment waits, stops
this profile's rollout, or re-bases on another rollback in flight).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from flag_rollback import alarms, appconfig, flags
from flag_rollback.appconfig import Deployment, Environment, Profile
from flag_rollback.errors import PermanentError, TransientError
from flag_rollback.observe import log, utc_now
from flag_rollback.settings import Settings
from flag_rollback.vocabulary import Mode, Outcome, ResultAction


@dataclass(frozen=True)
class Timing:
    """Bounds on retries and waits (tests shorten them)."""

    max_cycles: int = 8
    max_deploy_attempts: int = 8
    backoff_base_s: float = 0.5
    backoff_max_s: float = 8.0


TIMING = Timing()


@dataclass(frozen=True)
class Result:
    """The outcome of one request: returned, logged and notified."""

    action: ResultAction
    outcome: Outcome
    flags: tuple[str, ...]
    alarm: str | None = None
    reason: str = ""
    old_version: int | None = None
    new_version: int | None = None
    deployment_number: int | None = None
    dry_run: bool = False
    unchanged: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    detail: str = ""
    state: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Request:
    """A rollback or restore to carry out."""

    mode: Mode
    flags: tuple[str, ...]
    reason: str
    alarm: str | None = None
    force: bool = False


def backoff(attempt: int, deadline: float) -> None:
    """Sleep before retrying; TransientError when the wait would outlast the invocation."""
    delay = min(TIMING.backoff_max_s, TIMING.backoff_base_s * 2**attempt)
    delay *= random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not cryptography
    if time.monotonic() + delay > deadline:
        raise TransientError("deadline", "the environment stayed busy until the time ran out")
    time.sleep(delay)


def _choose_base(settings: Settings, env: Environment, mode: Mode) -> Deployment | None:
    """The deployment whose configuration the change is based on; None means wait.

    A rollback or restore of this function already in flight is a safe base (it was
    derived from a deployed version) and keeps its changes. Any other rollout of this
    profile is stopped by a rollback (the bad rollout halts) and waited for by a restore.
    Never a version that was authored but not deployed.
    """
    current = env.in_progress()
    if current is not None and current.own and current.version is not None:
        return current
    if current is not None and not settings.dry_run:
        if mode == "restore":
            return None
        appconfig.stop_deployment(settings, current.number)
        log("stopped_deployment", deployment=current.number, version=current.version)
    completed = env.completed()
    if completed is None or completed.version is None:
        raise PermanentError(
            "nothing_deployed",
            f"no COMPLETE deployment of profile {env.profile_name!r} in environment "
            f"{settings.environment_id}: nothing to roll back from",
        )
    return completed


def _deploy(
    settings: Settings,
    profile: Profile,
    *,
    version: int,
    base: Deployment,
    mode: Mode,
    description: str,
    deadline: float,
) -> int | None:
    """StartDeployment, handling a busy environment; None means re-base and write again."""
    for attempt in range(TIMING.max_deploy_attempts):
        try:
            return appconfig.start_deployment(settings, version=version, description=description)
        except appconfig.EnvironmentBusyError:
            pass
        holder = appconfig.read_environment(settings, profile).holder()
        if holder is None:
            continue  # it finished meanwhile
        same_profile = holder.profile_name == profile.name
        if same_profile and holder.version == version:
            return holder.number  # our own StartDeployment went through (a retried request)
        if same_profile and holder.state in appconfig.STOPPABLE:
            if holder.own and holder.version != base.version:
                return None  # another rollback in flight has changes ours lacks
            if holder.own or mode == "rollback":
                appconfig.stop_deployment(settings, holder.number)  # ours supersedes it
                log("stopped_deployment", deployment=holder.number, version=holder.version)
                continue
            backoff(attempt, deadline)
            return None  # a person's rollout: let it finish, then re-base a restore on it
        log("environment_busy", holder=holder.number, profile=holder.profile_name, attempt=attempt)
        backoff(attempt, deadline)
    raise TransientError("environment_busy", "the environment stayed busy; Lambda will retry")


def _label(mode: Mode, names: tuple[str, ...], now: str) -> str:
    prefix = appconfig.ROLLBACK_LABEL if mode == "rollback" else appconfig.RESTORE_LABEL
    stamp = now.replace("-", "").replace(":", "")
    return f"{prefix}{stamp}:{','.join(names)}"


def _description(request: Request, names: tuple[str, ...], base: int, now: str) -> str:
    verb = "disabled" if request.mode == "rollback" else "re-enabled"
    alarm = f" after alarm {request.alarm}" if request.alarm else ""
    return (
        f"flag-rollback {request.mode} at {now}{alarm}: {verb} {', '.join(names)} "
        f"(based on deployed version {base}). Reason: {request.reason}"
    )


def apply(
    settings: Settings,
    request: Request,
    transform: Callable[[flags.FlagDocument, str], flags.Change],
    deadline: float,
) -> Result:
    """Read what is deployed, change it, write it under the lock and deploy it (bounded)."""
    profile = appconfig.get_profile(settings)
    latest_hint = 0
    for cycle in range(TIMING.max_cycles):
        env = appconfig.read_environment(settings, profile)
        base = _choose_base(settings, env, request.mode)
        if base is None or base.version is None:
            backoff(cycle, deadline)
            continue
        hosted = appconfig.get_version(settings, base.version)
        document = flags.parse_document(hosted.content, hosted.content_type, profile.type)
        now = utc_now()
        change = transform(document, now)
        missing = tuple(name for name in request.flags if name in change.missing)
        if len(missing) == len(request.flags):
            raise PermanentError(
                "flag_not_found",
                f"flag(s) {', '.join(missing)} not in deployed version {base.version}",
            )
        result = Result(
            request.mode,
            "no_change",
            change.changed or request.flags,
            request.alarm,
            request.reason,
            old_version=base.version,
            dry_run=settings.dry_run,
            unchanged=change.unchanged,
            missing=missing,
        )
        if change.document is None:
            return replace(result, outcome="no_change", detail="already in the wanted state")
        if settings.dry_run:
            return replace(result, outcome="dry_run", detail="DRY_RUN: nothing written")
        latest = max(env.highest_version(), base.version, latest_hint)
        description = _description(request, change.changed, base.version, now)
        try:
            version = appconfig.create_version(
                settings,
                content=flags.serialize(change.document),
                content_type=hosted.content_type,
                latest=latest,
                description=description,
                label=_label(request.mode, change.changed, now),
            )
        except appconfig.VersionConflictError:
            latest_hint = max(latest_hint, appconfig.latest_version_number(settings))
            log("version_conflict", latest=latest, actual=latest_hint, cycle=cycle)
            backoff(cycle, deadline)  # let the winner deploy before reading again
            continue
        deployment = _deploy(
            settings,
            profile,
            version=version,
            base=base,
            mode=request.mode,
            description=description,
            deadline=deadline,
        )
        if deployment is None:
            log("rebase", version=version, cycle=cycle)
            backoff(cycle, deadline)
            continue
        done: Outcome = "rolled_back" if request.mode == "rollback" else "restored"
        return replace(result, outcome=done, new_version=version, deployment_number=deployment)
    raise TransientError("lost_race", f"gave up after {TIMING.max_cycles} concurrent changes")


def rollback(settings: Settings, request: Request, deadline: float) -> Result:
    """Disable the requested flags and every flag whose alarm is in ALARM now (one version)."""
    in_alarm = alarms.flags_in_alarm(settings)
    storm = tuple(name for name in in_alarm if name not in request.flags)
    if storm:
        log("storm", flags=list(storm), alarms=[in_alarm[name] for name in storm])
    reason = f"{request.alarm}: {request.reason}" if request.alarm else request.reason

    def transform(document: flags.FlagDocument, now: str) -> flags.Change:
        return flags.disable(document, [*request.flags, *storm], reason=reason, now=now)

    return apply(settings, request, transform, deadline)


def restore(settings: Settings, request: Request, deadline: float) -> Result:
    """Re-enable one flag with its recorded values; refused while its alarm is in ALARM."""
    (name,) = request.flags
    in_alarm = alarms.flags_in_alarm(settings)
    if name in in_alarm and not request.force:
        return Result(
            "restore",
            "refused",
            request.flags,
            in_alarm[name],
            request.reason,
            dry_run=settings.dry_run,
            detail=f'alarm {in_alarm[name]} is in ALARM; pass "force": true to restore anyway',
        )

    def transform(document: flags.FlagDocument, now: str) -> flags.Change:
        return flags.enable(document, name, now=now)

    return apply(settings, request, transform, deadline)


def status(settings: Settings, name: str) -> Result:
    """The flag's deployed state, any rollout in progress, and its alarms' states."""
    profile = appconfig.get_profile(settings)
    env = appconfig.read_environment(settings, profile)
    completed, current = env.completed(), env.in_progress()
    enabled: bool | None = None
    if completed is not None and completed.version is not None:
        hosted = appconfig.get_version(settings, completed.version)
        document = flags.parse_document(hosted.content, hosted.content_type, profile.type)
        enabled = flags.is_enabled(document, name)
    alarm_states = [a for a in alarms.flag_alarms(settings, only_alarm=False) if a.flag == name]
    state: dict[str, object] = {
        "defined": enabled is not None,
        "enabled": enabled,
        "deployed_version": completed.version if completed else None,
        "deployment_in_progress": (
            {"number": current.number, "version": current.version, "state": current.state}
            if current
            else None
        ),
        "alarms": [{"name": a.name, "state": a.state} for a in alarm_states],
    }
    return Result(
        "status",
        "status",
        (name,),
        alarm_states[0].name if alarm_states else None,
        old_version=completed.version if completed else None,
        dry_run=settings.dry_run,
        state=state,
    )
