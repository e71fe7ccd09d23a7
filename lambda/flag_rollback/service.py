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

from flag_rollback import alarms, appconfig, flags, foreign, hold_actions, lineage, variants
from flag_rollback.appconfig import Environment, Profile
from flag_rollback.errors import PermanentError, RollbackError, TransientError
from flag_rollback.observe import log, utc_now
from flag_rollback.settings import Settings
from flag_rollback.text import MAX_DESCRIPTION, ascii_line
from flag_rollback.vocabulary import Mode, Outcome, ResultAction


@dataclass(frozen=True)
class Timing:
    """Bounds on retries and waits (tests shorten them)."""

    max_cycles: int = 8
    max_deploy_attempts: int = 8
    backoff_base_s: float = 0.5
    backoff_max_s: float = 8.0


TIMING = Timing()
MAX_LOCK_RETRIES = 3


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
    # Other profiles' rollouts stopped so the rollback could deploy (FOREIGN_ROLLOUT=preempt).
    preempted: tuple[foreign.StoppedRollout, ...] = ()


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


def _clear_rollout(settings: Settings, env: Environment, mode: Mode) -> bool:
    """Deal with a person's rollout of this profile in progress; False means read again.

    A rollback stops it (the bad rollout halts; AllowRevert only for a deployment read as
    BAKING or VALIDATING, see appconfig.stop_deployment); a restore waits for it. An own
    deployment in progress is not in the way: lineage.plan builds on it.
    """
    current = env.in_progress()
    if current is None or current.own or settings.dry_run:
        return True
    if mode == "restore" or current.ends_soon():
        return False  # wait: a restore for the rollout, anyone for one about to complete
    state = appconfig.stop_deployment(settings, current)
    log("stopped_deployment", deployment=current.number, version=current.version, state=state)
    return state is not None


def _deploy(
    settings: Settings,
    profile: Profile,
    *,
    version: int,
    document: flags.FlagDocument,
    planned: lineage.Plan,
    mode: Mode,
    description: str,
    deadline: float,
    stopped: list[foreign.StoppedRollout],
) -> int | None:
    """StartDeployment, handling a busy environment (check 2 of lineage.py).

    Returns the deployment that carries the version's changes: the one this call started,
    or an own deployment in progress that already disables every flag ours does (it is
    reported as ours, so check 1 applies to it too: see lineage.py, Reporting); None
    means plan again. Another profile's rollout is waited for or, for a
    rollback with FOREIGN_ROLLOUT=preempt, stopped (appended to ``stopped``, foreign.py).
    """
    wanted = lineage.disabled(document)
    for attempt in range(TIMING.max_deploy_attempts):
        try:
            return appconfig.start_deployment(settings, version=version, description=description)
        except appconfig.EnvironmentBusyError:
            # Spaces the stop/start cycles; the state is read after the wait, so a stop
            # below always follows the read that found the deployment in progress.
            backoff(attempt, deadline)
        holder = appconfig.read_environment(settings, profile).holder()
        if holder is None:
            continue  # it finished meanwhile
        same_profile = holder.profile_name == profile.name
        if same_profile and holder.version == version:
            return holder.number  # our own StartDeployment went through (a retried request)
        if same_profile and holder.state in appconfig.STOPPABLE and holder.version is not None:
            if holder.own:
                held = appconfig.get_version(settings, holder.version)
                content = flags.parse_document(held.content, held.content_type, profile.type)
                if lineage.covers(content, wanted):
                    return holder.number
                if holder.number > planned.seen:
                    return None  # started after our read: it may hold changes ours lacks
            elif mode == "restore":
                return None  # a person's rollout: let it finish, then re-base a restore on it
            if holder.ends_soon():
                continue  # let it complete rather than REVERT it
            # Ours includes it (an own one we read) or it is a person's rollout a rollback halts.
            state = appconfig.stop_deployment(settings, holder)
            log("stopped_deployment", deployment=holder.number, version=holder.version, state=state)
            continue  # start again, or (refused: it moved on) read the state again
        if _may_preempt(settings, holder, mode):
            taken = foreign.preempt(settings, holder)
            if taken is not None:
                stopped.append(taken)
                continue
        log("environment_busy", holder=holder.number, profile=holder.profile_name, attempt=attempt)
    raise TransientError("environment_busy", "the environment stayed busy; Lambda will retry")


def _may_preempt(settings: Settings, holder: appconfig.Deployment, mode: Mode) -> bool:
    """Whether a rollback stops this other profile's rollout (never one about to complete)."""
    return (
        mode == "rollback"
        and settings.foreign_rollout == "preempt"
        and holder.state in appconfig.STOPPABLE
        and not holder.ends_soon()
    )


def _create(
    settings: Settings,
    *,
    content: bytes,
    content_type: str,
    token: int,
    description: str,
    label: str,
) -> tuple[int | None, int]:
    """CreateHostedConfigurationVersion under the lock; (version or None to plan again, token).

    The token is a guess (the highest version deployed here: free to know). A refusal,
    ConflictException or BadRequestException (AWS documents neither for a stale token),
    costs one ListHostedConfigurationVersions: a newer version than the token means a lost
    race (retried at once with the real latest when a person wrote it, planned again when
    this function did); no newer version means AWS refuses the request itself.
    """
    for _ in range(MAX_LOCK_RETRIES):
        try:
            version = appconfig.create_version(
                settings,
                content=content,
                content_type=content_type,
                latest=token,
                description=description,
                label=label,
            )
        except appconfig.VersionConflictError as error:
            latest = appconfig.latest_version(settings)
            log("version_conflict", latest=token, actual=latest.number, error=error.error_code)
            if latest.number == token:
                if error.error_code == "BadRequestException":
                    raise PermanentError(
                        "aws_rejected",
                        f"CreateHostedConfigurationVersion refused although version {token} "
                        f"is the latest: {error.message}",
                    ) from error
                return None, token  # a conflict the list does not show yet: plan again
            token = latest.number
            if latest.own:
                return None, token  # another invocation is writing: plan on its deployment
            continue
        return version, token
    return None, token


def _label(mode: Mode, names: tuple[str, ...], now: str, seen: int) -> str:
    prefix = appconfig.ROLLBACK_LABEL if mode == "rollback" else appconfig.RESTORE_LABEL
    stamp = now.replace("-", "").replace(":", "")
    return appconfig.label(prefix, stamp, seen, ",".join(names))


def _description(
    request: Request,
    names: tuple[str, ...],
    base: int,
    now: str,
    records: tuple[variants.ValuesRecord, ...] = (),
) -> str:
    """The version's description; a rollback's carries its multi-variant records before the
    reason (the part cut when too long), so a restore can put back exactly what was on."""
    verb = "disabled" if request.mode == "rollback" else "re-enabled"
    alarm = f" after alarm {request.alarm}" if request.alarm else ""
    head = (
        f"flag-rollback {request.mode} at {now}{alarm}: {verb} {', '.join(names)} "
        f"(based on deployed version {base})."
    )
    record = variants.describe(records)
    if record and len(ascii_line(f"{head} {record}")) > MAX_DESCRIPTION - len(" Reason: ..."):
        log("values_record_omitted", level="WARN", flags=[r.flag for r in records])
        record = ""
    return f"{head} {record + ' ' if record else ''}Reason: {request.reason}"


def _read_document(settings: Settings, profile: Profile, version: int) -> flags.FlagDocument:
    hosted = appconfig.get_version(settings, version)
    return flags.parse_document(hosted.content, hosted.content_type, profile.type)


def _credit(result: Result, taken: set[str], requested: tuple[str, ...]) -> Result:
    """A rollback's report less the flags a deployment that slipped in turned off first.

    See lineage.py (Reporting): that deployment's writer reports them; reporting them here
    too would notify, count and hold each of them twice. Nothing left: no_change, for the
    requested flags (as when the read finds them disabled).
    """
    if result.action != "rollback" or not taken & set(result.flags):
        return result
    kept = tuple(name for name in result.flags if name not in taken)
    before = tuple(name for name in result.flags if name in taken)
    unchanged = (*result.unchanged, *(name for name in before if name not in result.unchanged))
    if kept:
        return replace(result, flags=kept, unchanged=unchanged)
    return replace(
        result,
        outcome="no_change",
        flags=requested,
        unchanged=unchanged,
        detail="a deployment started between this rollback's read and its own had "
        "already disabled them",
    )


def _read_plan(
    settings: Settings, profile: Profile, planned: lineage.Plan, head: int
) -> tuple[dict[int, flags.FlagDocument], flags.FlagDocument]:
    """The head's and the sources' documents by version, and the head merged with them."""
    documents = {
        item.version: _read_document(settings, profile, item.version)
        for item in (planned.head, *planned.sources)
        if item.version is not None
    }
    merged = documents[head]
    for source in planned.sources:
        if source.version is not None:
            merged = lineage.merge_disabled(merged, documents[source.version])
    return documents, merged


def _taken(
    settings: Settings,
    profile: Profile,
    slipped: list[appconfig.Deployment],
    documents: dict[int, flags.FlagDocument],
) -> set[str]:
    """The flags the deployments that slipped in turn off (``documents``: read already)."""
    found: set[str] = set()
    for item in slipped:
        if item.version is not None:
            if item.version not in documents:
                documents[item.version] = _read_document(settings, profile, item.version)
            found |= lineage.disabled(documents[item.version])
    return found


def apply(
    settings: Settings,
    request: Request,
    transform: Callable[[flags.FlagDocument, str], flags.Change],
    deadline: float,
) -> Result:
    """Carry out the change; restart any rollout of another profile it stopped on the way.

    The restart waits for the change's deployment to end (foreign.restart); when the change
    fails, the stopped rollout is restarted at once (best effort) before the error leaves.
    """
    stopped: list[foreign.StoppedRollout] = []
    try:
        result = _apply(settings, request, transform, deadline, stopped)
    except RollbackError:
        for rollout in stopped[-1:]:
            foreign.restart(settings, rollout, after=None, deadline=deadline)
        raise
    if not stopped:
        return result
    # Only one deployment runs at a time: the last rollout stopped is the one to restart.
    *earlier, last = stopped
    last = foreign.restart(settings, last, after=result.deployment_number, deadline=deadline)
    superseded = [
        replace(item, restart_error="a later rollout was stopped after it") for item in earlier
    ]
    return replace(result, preempted=(*superseded, last))


def _apply(
    settings: Settings,
    request: Request,
    transform: Callable[[flags.FlagDocument, str], flags.Change],
    deadline: float,
    stopped: list[foreign.StoppedRollout],
) -> Result:
    """Plan (lineage.py), change, write under the lock and deploy, until checks 1-2 pass."""
    profile = appconfig.get_profile(settings)
    token_hint = 0
    started: tuple[int, int] | None = None  # (version, deployment) this invocation started
    first: Result | None = None  # what the first version written changed (reported)
    taken: set[str] | None = None  # what deployments that slipped in before it turned off
    window: tuple[int, int] | None = None  # (read, start) of the first version deployed
    done: Outcome = "rolled_back" if request.mode == "rollback" else "restored"
    for cycle in range(TIMING.max_cycles):
        env = appconfig.read_environment(settings, profile)
        if not _clear_rollout(settings, env, request.mode):
            backoff(cycle, deadline)
            continue
        planned = lineage.plan(env)
        if planned is None or planned.head.version is None:
            raise PermanentError(
                "nothing_deployed",
                f"no COMPLETE deployment of profile {env.profile_name!r} in environment "
                f"{settings.environment_id}: nothing to roll back from",
            )
        documents, merged = _read_plan(settings, profile, planned, planned.head.version)
        head = documents[planned.head.version]
        if window is not None and taken is None:
            taken = _taken(settings, profile, lineage.slipped_in(env, *window), documents)
        now = utc_now()
        change = transform(merged, now)
        missing = tuple(name for name in request.flags if name in change.missing)
        if len(missing) == len(request.flags):
            raise PermanentError(
                "flag_not_found",
                f"flag(s) {', '.join(missing)} not in deployed version {planned.head.version}",
            )
        result = Result(
            request.mode,
            "no_change",
            change.changed or request.flags,
            request.alarm,
            request.reason,
            old_version=planned.head.version,
            dry_run=settings.dry_run,
            unchanged=change.unchanged,
            missing=missing,
        )
        result = first or result
        document = change.document or (merged if merged is not head else None)
        if document is None:
            if started is not None:  # what slipped in before our start added nothing
                return _credit(
                    replace(
                        result, outcome=done, new_version=started[0], deployment_number=started[1]
                    ),
                    taken or set(),
                    request.flags,
                )
            return replace(result, outcome="no_change", detail="already in the wanted state")
        if settings.dry_run:
            return replace(result, outcome="dry_run", detail="DRY_RUN: nothing written")
        names = result.flags
        description = _description(request, names, planned.head.version, now, change.records)
        token = max(env.highest_version(), planned.head.version, token_hint)
        version, token_hint = _create(
            settings,
            content=flags.serialize(document),
            content_type=document.content_type,
            token=token,
            description=description,
            label=_label(request.mode, names, now, planned.seen),
        )
        if version is None:
            backoff(cycle, deadline)  # let the winner deploy before reading again
            continue
        number = _deploy(
            settings,
            profile,
            version=version,
            document=document,
            planned=planned,
            mode=request.mode,
            description=description,
            deadline=deadline,
            stopped=stopped,
        )
        if number is None:
            log("rebase", version=version, cycle=cycle)
            backoff(cycle, deadline)
            continue
        if number > planned.seen + 1:
            # Check 1: a deployment started between our read and our start; plan again.
            log("deployment_slipped_in", version=version, deployment=number, seen=planned.seen)
            started, first = (version, number), result
            window = window or (planned.seen, number)
            continue
        return _credit(
            replace(result, outcome=done, new_version=version, deployment_number=number),
            taken or set(),
            request.flags,
        )
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

    result = apply(settings, request, transform, deadline)
    return hold_actions.after_rollback(settings, request, result)


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

    # Held flags (hold_actions.py): the cooldown and flap rules, the hold lifted for the
    # restore's own deployment, the gradual restore strategy, the dry run's diff.
    gate = hold_actions.check_restore(settings, name, force=request.force)
    if gate.refusal is not None:
        return Result(
            "restore",
            "refused",
            request.flags,
            gate.hold.alarm if gate.hold else None,
            request.reason,
            dry_run=settings.dry_run,
            detail=gate.refusal,
            state={"hold_note": gate.refusal, "hold": gate.hold.summary() if gate.hold else None},
        )
    documents: list[tuple[bytes, bytes]] = []
    recorded: list[variants.ValuesRecord | None] = []  # looked up once, when first needed

    def transform(document: flags.FlagDocument, now: str) -> flags.Change:
        record = None
        if document.format == flags.FEATURE_FLAGS and variants.variant_list(
            document.data["values"].get(name)
        ):
            if not recorded:
                recorded.append(appconfig.recorded_values(settings, name))
            record = recorded[0]
        change = flags.enable(document, name, now=now, record=record)
        if change.document is not None:
            documents.append((flags.serialize(document), flags.serialize(change.document)))
        return change

    with hold_actions.lifted(settings, gate, request.reason):
        result = apply(hold_actions.restore_settings(settings), request, transform, deadline)
    return hold_actions.after_restore(settings, gate, result, documents)


def list_holds(settings: Settings) -> Result:
    """Every flag on hold: who, when, why, the version that disabled it."""
    held = hold_actions.list_holds(settings)
    names = tuple(str(hold["flag"]) for hold in held)
    return Result("holds", "holds", names, dry_run=settings.dry_run, state={"holds": held})


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
        "hold": hold_actions.status_hold(settings, name),
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
