"""The Lambda entry point: parse the event, run the core, shape, log, notify and measure.

Handler string: ``flag_rollback.handler.handler``.
"""

from __future__ import annotations

import time
from dataclasses import asdict

from flag_rollback import appconfig, clients, notify, service
from flag_rollback.errors import PermanentError, RollbackError, SettingsError, TransientError
from flag_rollback.events import AlarmChange, DirectRequest, Rejected, parse_event
from flag_rollback.flags import alarm_flag
from flag_rollback.observe import failure_metric, log, rollback_metrics, utc_now
from flag_rollback.service import Request, Result
from flag_rollback.settings import Settings, get_settings, reset_settings

DEFAULT_BUDGET_S = 60.0
SAFETY_MARGIN_S = 3.0
NOTIFIED_OUTCOMES = frozenset(
    {"rolled_back", "restored", "dry_run", "refused", "failed", "rejected"}
)


def reset_container() -> None:
    """Forget everything cached per container: settings, clients, profile lookups."""
    reset_settings()
    clients.reset_clients()
    appconfig.reset_cache()


def _deadline(context: object, started: float) -> float:
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    budget = remaining() / 1000 if callable(remaining) else DEFAULT_BUDGET_S
    return started + max(0.0, float(budget) - SAFETY_MARGIN_S)


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
        hold_note=str(result.state.get("hold_note", "")) or None,
    )


def _report(
    settings: Settings, result: Result, started: float, error: RollbackError | None = None
) -> None:
    """Log the decision, emit its metrics and notify when a person or machine should know."""
    level = "ERROR" if result.outcome in {"failed", "rejected"} else "INFO"
    log(
        f"{result.action}_{result.outcome}",
        level=level,
        **{key: value for key, value in asdict(result).items() if value not in (None, "", (), {})},
        **({"error": error.code, "message": error.message} if error else {}),
    )
    if result.outcome == "rolled_back":
        duration_ms = (time.monotonic() - started) * 1000
        for flag in result.flags:
            rollback_metrics(settings.metrics_namespace, flag, duration_ms)
    if result.outcome in {"failed", "rejected"} or result.missing:
        failed: tuple[str | None, ...] = result.missing or result.flags or (None,)
        for name in failed:
            failure_metric(settings.metrics_namespace, name)
    wants_person = not isinstance(error, PermanentError) or error.notify
    if (result.outcome in NOTIFIED_OUTCOMES or result.missing) and wants_person:
        notify.publish(settings, _notification(settings, result, error))


def _run(settings: Settings, request: Request, deadline: float, started: float) -> Result:
    """Carry out one request; permanent errors become a result, transient ones are raised."""
    try:
        if request.mode == "rollback":
            result = service.rollback(settings, request, deadline)
        else:
            result = service.restore(settings, request, deadline)
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
        _report(settings, failed, started, error)
        if isinstance(error, TransientError):
            raise
        return failed
    _report(settings, result, started)
    return result


def _rejected(settings: Settings, source: str, code: str, reason: str, started: float) -> Result:
    result = Result("event", "rejected", (), reason=reason, dry_run=settings.dry_run, detail=source)
    _report(settings, result, started, PermanentError(code, reason))
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
    log(result.action, flag=flag or None, state=result.state)
    return result


def _alarm_results(
    settings: Settings, changes: list[AlarmChange], deadline: float, started: float
) -> list[Result]:
    """Alarm changes to ALARM become one rollback request: one version for all their flags."""
    results: list[Result] = []
    targets: dict[str, AlarmChange] = {}
    for change in changes:
        if change.new_state != "ALARM":
            log(
                "alarm_ignored",
                alarm=change.alarm_name,
                state=change.new_state,
                source=change.source,
            )
            results.append(Result("rollback", "ignored", (), change.alarm_name, change.reason))
            continue
        flag = alarm_flag(settings.alarm_pattern, change.alarm_name)
        if flag is None:
            reason = f"alarm {change.alarm_name!r} does not match ALARM_NAME_PATTERN"
            results.append(
                _rejected(settings, change.source, "alarm_name_mismatch", reason, started)
            )
            continue
        targets.setdefault(flag, change)
    if targets:
        alarm = ", ".join(dict.fromkeys(change.alarm_name for change in targets.values()))
        reason = next(iter(targets.values())).reason or "alarm in ALARM"
        request = Request("rollback", tuple(targets), reason, alarm)
        results.append(_run(settings, request, deadline, started))
    return results


def _direct(settings: Settings, item: DirectRequest, deadline: float, started: float) -> Result:
    if item.action == "holds":
        return _status(settings, "")
    if item.action == "status":
        return _status(settings, item.flag)
    request = Request(item.action, (item.flag,), item.reason, force=item.force)
    return _run(settings, request, deadline, started)


def _as_json(result: Result) -> dict[str, object]:
    data = asdict(result)
    return {key: list(value) if isinstance(value, tuple) else value for key, value in data.items()}


def handler(event: object, context: object) -> dict[str, object]:
    """Lambda entry point: {"results": [...]}, one per request; raises only to be retried.

    A TransientError is raised (Lambda retries, then the failure destination keeps the
    event); so is a SettingsError (fix the configuration, and the kept event replays).
    """
    started = time.monotonic()
    try:
        settings = get_settings()
    except SettingsError as error:
        log("invalid_configuration", level="ERROR", variable=error.variable, error=str(error))
        raise
    deadline = _deadline(context, started)
    results: list[Result] = []
    alarm_changes: list[AlarmChange] = []
    for item in parse_event(event):
        if isinstance(item, Rejected):
            results.append(
                _rejected(settings, item.source, "unparseable_event", item.reason, started)
            )
        elif isinstance(item, AlarmChange):
            alarm_changes.append(item)
        else:
            results.append(_direct(settings, item, deadline, started))
    results.extend(_alarm_results(settings, alarm_changes, deadline, started))
    return {"results": [_as_json(result) for result in results]}
