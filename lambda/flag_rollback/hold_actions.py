"""Holds in the life of a request: after a rollback, around a restore, in status and holds.

service.py calls these at the few points where a hold changes or is shown; the rules are
pure (restore_policy.py), the store is holds.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from flag_rollback import holds, restore_policy
from flag_rollback.errors import RollbackError
from flag_rollback.observe import log, utc_now
from flag_rollback.settings import Settings

if TYPE_CHECKING:
    from flag_rollback.service import Request, Result


def after_rollback(settings: Settings, request: Request, result: Result) -> Result:
    """Put every flag the rollback disabled (or found disabled) on hold; say when it flaps.

    Runs after the deployment: a failure to write the hold is raised (TransientError), so
    Lambda retries the event, the retried rollback finds nothing to change and writes the
    hold then. Nothing is held in dry-run mode.
    """
    if settings.dry_run or result.outcome not in {"rolled_back", "no_change"}:
        return result
    now = utc_now()
    changed = set(result.flags) if result.outcome == "rolled_back" else set()
    reason = f"{request.alarm}: {request.reason}" if request.alarm else request.reason
    summaries: dict[str, object] = {}
    notes: list[str] = []
    # The flags this invocation disabled, and those of its own request it found disabled
    # (a retried event whose first attempt deployed but could not write the hold). Other
    # storm flags found disabled are held by the invocation that disabled them and by
    # their own alarms' events: reading each of them here made a storm of N alarms cost
    # N^2 Parameter Store reads, against its 40 TPS default.
    own = set(request.flags)
    for flag in dict.fromkeys(
        (
            *(name for name in result.flags if name in changed),
            *(name for name in (*result.flags, *result.unchanged) if name in own),
        )
    ):
        if flag in result.missing:
            continue
        facts = restore_policy.RollbackFacts(
            flag=flag,
            now=now,
            reason=reason,
            alarm=request.alarm,
            version=result.new_version if flag in changed else None,
            changed=flag in changed,
        )
        previous = holds.read(settings, flag)
        hold = restore_policy.record_rollback(previous, facts, settings.holds)
        if hold != previous:
            holds.write(settings, hold)
            log("hold_recorded", flag=flag, sticky=hold.sticky, rollbacks=len(hold.rollbacks))
        summaries[flag] = hold.summary()
        note = restore_policy.flap_note(hold, settings.holds)
        if note:
            notes.append(note)
    state = dict(result.state) | {"holds": summaries}
    if summaries:
        notes.insert(
            0,
            f"On hold: {', '.join(summaries)}. Deployments that turn a held flag back on are "
            "refused until it is restored.",
        )
        state["hold_note"] = " ".join(notes)
    return replace(result, state=state)


@dataclass(frozen=True)
class RestoreGate:
    """What a restore learnt about the flag's hold before deploying."""

    hold: holds.Hold | None
    refusal: str | None


def check_restore(settings: Settings, flag: str, *, force: bool) -> RestoreGate:
    """Read the hold and apply the cooldown and flap rules."""
    hold = holds.read(settings, flag)
    refusal = restore_policy.restore_refusal(hold, utc_now(), settings.holds, force=force)
    return RestoreGate(hold, refusal)


def restore_settings(settings: Settings) -> Settings:
    """The settings a restore deploys with: the gradual restore strategy."""
    return replace(settings, strategy_id=settings.holds.restore_strategy_id)


@contextmanager
def lifted(settings: Settings, gate: RestoreGate, reason: str) -> Iterator[None]:
    """Lift the hold for the restore's own write and deployment; put it back if they fail.

    The hold is lifted first: the deployment guard would otherwise refuse the restore's
    own version, which turns the held flag back on.
    """
    hold = gate.hold
    if settings.dry_run or hold is None or not hold.held:
        yield
        return
    holds.write(settings, restore_policy.release(hold, utc_now(), reason, None))
    try:
        yield
    except RollbackError:
        holds.write(settings, hold)
        log("hold_kept", flag=hold.flag, why="the restore failed")
        raise


def after_restore(
    settings: Settings, gate: RestoreGate, result: Result, documents: list[tuple[bytes, bytes]]
) -> Result:
    """Record the restored version on the lifted hold; a dry run shows the diff instead."""
    hold = gate.hold
    state = dict(result.state)
    if settings.dry_run and documents:
        before, after = documents[-1]
        state["diff"] = restore_policy.document_diff(before, after, result.old_version)
    if hold is not None:
        state["hold"] = hold.summary()
    if not settings.dry_run and hold is not None and hold.held:
        released = restore_policy.release(hold, utc_now(), result.reason, result.new_version)
        if result.new_version is not None:
            holds.write(settings, released)
        state["hold"] = released.summary()
    return replace(result, state=state)


def status_hold(settings: Settings, flag: str) -> dict[str, object] | None:
    """The flag's hold as status shows it (held or released), None when it never had one."""
    hold = holds.read(settings, flag)
    return hold.summary() if hold else None


def list_holds(settings: Settings) -> list[dict[str, object]]:
    """Every hold in force, as the holds action returns it."""
    return [hold.summary() for hold in holds.held(settings).values()]
