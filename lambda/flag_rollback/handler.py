"""The Lambda entry point: parse the event, run the core, shape, log, notify and measure.

Handler string: ``flag_rollback.handler.handler``.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from flag_rollback import appconfig, cleanup, clients, notify, service
from flag_rollback.errors import PermanentError, RollbackError, SettingsError, TransientError
from flag_rollback.events import AlarmChange, DirectRequest, Rejected, parse_event
from flag_rollback.flags import alarm_flag, rolls_back
from flag_rollback.observe import failure_metric, log, rollback_metrics, utc_now
from flag_rollback.service import Request, Result
from flag_rollback.settings import Settings, get_settings, reset_settings
from flag_rollback.vocabulary import FAILED_OUTCOMES, NOTIFIED_OUTCOMES, Source, result_decision

DEFAULT_BUDGET_S = 60.0
SAFETY_MARGIN_S = 3.0


def reset_container() -> None:
    """Forget everything cached per container: settings, clients, profile lookups."""
    reset_settings()
    clients.reset_clients()
    appconfig.reset_cache()


@dataclass(frozen=True)
class Clock:
    """When the invocation started and when its work must be done (monotonic seconds)."""

    started: float
    deadline: float


def _clock(context: object) -> Clock:
    started = time.monotonic()
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    budget = remaining() / 1000 if callable(remaining) else DEFAULT_BUDGET_S
    return Clock(started, started + max(0.0, float(budget) - SAFETY_MARGIN_S))


def _missing_text(result: Result) -> str | None:
    if not result.missing:
        return None
    return f"not in the deployed configuration, left alone: {', '.join(result.missing)}"


def _notification(
    settings: Settings, result: Result, error: RollbackError | None
) -> notify.Notification:
    return notify.Notification(
        action=result.action,
        outcome=result.outcome,
        flags=result.flags,
        alarm=result.alarm,
        reason=result.reason,
        old_version=result.old_version,
        new_version=result.new_version,
        deployment_number=result.deployment_number,
        dry_run=result.dry_run,
        occurred_at=utc_now(),
        application_id=settings.application_id,
        environment_id=settings.environment_id,
        configuration_profile_id=settings.profile_id,
        error_code=error.code if error else ("flag_not_found" if result.missing else None),
        error_message=error.message if error else _missing_text(result),
        will_retry=isinstance(error, TransientError),
        function_name=settings.function_name,
        region=settings.region,
        preempted_rollouts=result.preempted,
        hold_note=str(result.state.get("hold_note", "")) or None,
    )


def _report(
    settings: Settings,
    result: Result,
    clock: Clock,
    error: RollbackError | None = None,
) -> None:
    """Log the decision, emit its metrics and notify when a person or machine should know."""
    failed_outcome = result.outcome in FAILED_OUTCOMES
    log(
        result_decision(result.action, result.outcome),
        level="ERROR" if failed_outcome else "INFO",
        **{key: value for key, value in asdict(result).items() if value not in (None, "", (), {})},
        **({"error": error.code, "message": error.message} if error else {}),
    )
    if result.outcome == "rolled_back":
        duration_ms = (time.monotonic() - clock.started) * 1000
        for flag in result.flags:
            rollback_metrics(settings, flag, duration_ms)
    if failed_outcome or result.missing:
        failed: tuple[str | None, ...] = result.missing or result.flags or (None,)
        for name in failed:
            failure_metric(settings, name)
    wants_person = not isinstance(error, PermanentError) or error.notify
    if (result.outcome in NOTIFIED_OUTCOMES or result.missing) and wants_person:
        notify.publish(settings, _notification(settings, result, error), deadline=clock.deadline)


def _run(settings: Settings, request: Request, clock: Clock) -> Result:
    """Carry out one request; permanent errors become a result, transient ones are raised."""
    try:
        if request.mode == "rollback":
            result = service.rollback(settings, request, clock.deadline)
        else:
            result = service.restore(settings, request, clock.deadline)
    except RollbackError as error:
        failed = Result(
            request.mode,
            "failed",
            request.flags,
            request.alarm,
            request.reason,
            dry_run=settings.dry_run,
            detail=error.message,
        )
        _report(settings, failed, clock, error)
        if isinstance(error, TransientError):
            raise
        return failed
    _report(settings, result, clock)
    return result


def _rejected(settings: Settings, source: Source, code: str, reason: str, clock: Clock) -> Result:
    result = Result("event", "rejected", (), reason=reason, dry_run=settings.dry_run, detail=source)
    _report(settings, result, clock, PermanentError(code, reason))
    return result


def _status(settings: Settings, flag: str) -> Result:
    """A read: logged, never notified or counted as a failed rollback."""
    try:
        result = service.list_holds(settings) if not flag else service.status(settings, flag)
    except RollbackError as error:
        log("status_failed", level="ERROR", flag=flag, error=error.code, message=error.message)
        if isinstance(error, TransientError):
            raise
        return Result("status", "failed", (flag,), detail=error.message, dry_run=settings.dry_run)
    log("holds" if result.action == "holds" else "status", flag=flag or None, state=result.state)
    return result


def _alarm_results(settings: Settings, changes: list[AlarmChange], clock: Clock) -> list[Result]:
    """Alarm changes that roll back (to ALARM; to INSUFFICIENT_DATA for flags that opted in)
    become one rollback request: one version for all their flags."""
    results: list[Result] = []
    targets: dict[str, AlarmChange] = {}
    for change in changes:
        flag = alarm_flag(settings.alarm_pattern, change.alarm_name)
        # An alarm whose name does not match still counts in ALARM (it is then rejected).
        if not rolls_back(change.new_state, flag or "", settings.insufficient_data_flags):
            log(
                "alarm_ignored",
                alarm=change.alarm_name,
                state=change.new_state,
                source=change.source,
            )
            results.append(Result("rollback", "ignored", (), change.alarm_name, change.reason))
            continue
        if flag is None:
            reason = f"alarm {change.alarm_name!r} does not match ALARM_NAME_PATTERN"
            results.append(_rejected(settings, change.source, "alarm_name_mismatch", reason, clock))
            continue
        targets.setdefault(flag, change)
    if targets:
        alarm = ", ".join(dict.fromkeys(change.alarm_name for change in targets.values()))
        reason = next(iter(targets.values())).reason or "alarm in ALARM"
        request = Request("rollback", tuple(targets), reason, alarm)
        results.append(_run(settings, request, clock))
    return results


def _direct(settings: Settings, item: DirectRequest, clock: Clock) -> Result:
    if item.action == "holds":
        return _status(settings, "")
    if item.action == "status":
        return _status(settings, item.flag)
    request = Request(item.action, (item.flag,), item.reason, force=item.force)
    return _run(settings, request, clock)


def _as_json(result: Result) -> dict[str, object]:
    data = asdict(result)
    return {key: list(value) if isinstance(value, tuple) else value for key, value in data.items()}


def handler(event: object, context: object) -> dict[str, object]:
    """Lambda entry point: {"results": [...]}, one per request; raises only to be retried.

    A TransientError is raised (Lambda retries, then the failure destination keeps the
    event); so is a SettingsError (fix the configuration, and the kept event replays).
    """
    clock = _clock(context)
    try:
        settings = get_settings()
    except SettingsError as error:
        log("invalid_configuration", level="ERROR", variable=error.variable, error=str(error))
        raise
    lifecycle = cleanup.lifecycle_event(event)  # Terraform's aws_lambda_invocation (destroy)
    if lifecycle is not None:
        return cleanup.handle(settings, lifecycle, clock.deadline)
    results: list[Result] = []
    alarm_changes: list[AlarmChange] = []
    for item in parse_event(event):
        if isinstance(item, Rejected):
            results.append(
                _rejected(settings, item.source, "unparseable_event", item.reason, clock)
            )
        elif isinstance(item, AlarmChange):
            alarm_changes.append(item)
        else:
            results.append(_direct(settings, item, clock))
    results.extend(_alarm_results(settings, alarm_changes, clock))
    return {"results": [_as_json(result) for result in results]}
