"""The deployment guard's Lambda entry point (AppConfig extension actions).

Handler string: ``flag_rollback.guard_handler.handler``. Deployed as its own function, from
the same package as the rollback: its own role (it reads holds and publishes, nothing else)
and its own concurrency, so a deployment never waits for a rollback or the reverse.
"""

from __future__ import annotations

import time

from flag_rollback import guard, holds, notify
from flag_rollback.errors import RollbackError, SettingsError
from flag_rollback.guard import Decision, Verdict
from flag_rollback.observe import log, utc_now
from flag_rollback.settings import Settings, get_settings
from flag_rollback.vocabulary import Decision as LogDecision
from flag_rollback.vocabulary import Outcome

_OUTCOMES: dict[Verdict, Outcome] = {
    Verdict.REFUSE: "refused_deployment",
    Verdict.REWRITE: "kept_disabled",
}
_DECISIONS: dict[Verdict, LogDecision] = {
    Verdict.ALLOW: "guard_allow",
    Verdict.REFUSE: "guard_refuse",
    Verdict.REWRITE: "guard_rewrite",
}


def _notify(settings: Settings, event: guard.ExtensionEvent, decision: Decision) -> None:
    """Tell people that someone tried to turn a held flag back on, and what happened."""
    what = "kept disabled in" if decision.verdict == Verdict.REWRITE else "refused"
    notify.publish(
        settings,
        notify.Notification(
            action="guard",
            outcome=_OUTCOMES[decision.verdict],
            flags=decision.flags,
            alarm=None,
            reason=f"{event.type}: {what} a change that turned held flags back on",
            old_version=None,
            new_version=None,
            deployment_number=event.deployment_number,
            dry_run=settings.dry_run,
            occurred_at=utc_now(),
            application_id=settings.application_id,
            environment_id=settings.environment_id,
            configuration_profile_id=settings.profile_id,
            hold_note=decision.message,
        ),
    )


def _decide(settings: Settings, event: guard.ExtensionEvent) -> Decision:
    target = guard.Target(settings.application_id, settings.environment_id, settings.profile_id)
    other = guard.concerns(event, target)
    if other is not None:  # answered before reading any hold
        return Decision(Verdict.ALLOW, other)
    try:
        held = holds.held(settings)
    except RollbackError as error:
        # Never block a deployment because the guard's own store is unreachable; say so.
        log("guard_store_unavailable", level="ERROR", error=error.code, message=error.message)
        return Decision(Verdict.ALLOW, f"holds could not be read ({error.code}): allowed unchecked")
    return guard.decide(
        event,
        target,
        held,
        settings.holds.guard_mode,
        now=utc_now(),
        function=settings.holds.rollback_function,
        region=settings.holds.region,
    )


def handler(event: object, context: object) -> dict[str, object]:
    """Answer AppConfig: {} allows, {"Content": ...} rewrites, {"Error", "Message"} refuses."""
    started = time.monotonic()
    parsed = guard.parse_extension_event(event)
    if isinstance(parsed, str):
        log("guard_allowed", level="WARN", why=parsed)
        return {}
    try:
        settings = get_settings()
    except SettingsError as error:
        log("invalid_configuration", level="ERROR", variable=error.variable, error=str(error))
        return {}
    decision = _decide(settings, parsed)
    log(
        _DECISIONS[decision.verdict],
        level="INFO" if decision.verdict == Verdict.ALLOW else "WARN",
        type=str(parsed.type),
        environment=parsed.environment_id,
        deployment=parsed.deployment_number,
        flags=list(decision.flags),
        why=decision.why,
        latency_ms=round((time.monotonic() - started) * 1000, 1),
    )
    if decision.verdict != Verdict.ALLOW:
        _notify(settings, parsed, decision)
    return guard.response(decision)
