"""The pure rules of holds: recording a rollback, when a restore may lift a hold, the diff.

No AWS here. A rollback puts its flags on hold and counts itself; a flag rolled back
FLAP_LIMIT times within FLAP_WINDOW_SECONDS becomes sticky (only a forced restore lifts
it); a restore within RESTORE_COOLDOWN_SECONDS of the rollback is refused unless forced.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from flag_rollback.hold_settings import HoldSettings
from flag_rollback.holds import Actor, Hold, HoldState

MAX_KEPT_ROLLBACKS = 20
_STAMP = "%Y-%m-%dT%H:%M:%SZ"


def parse_time(stamp: str) -> datetime | None:
    """A timestamp as the function writes it (UTC, seconds); None when it is not one."""
    try:
        return datetime.strptime(stamp, _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


def _age_s(stamp: str, now: str) -> float | None:
    then, current = parse_time(stamp), parse_time(now)
    if then is None or current is None:
        return None
    return (current - then).total_seconds()


def recent(rollbacks: tuple[str, ...], now: str, window_s: int) -> tuple[str, ...]:
    """The rollback times within the window before now (unreadable ones dropped)."""
    kept = []
    for stamp in rollbacks:
        age = _age_s(stamp, now)
        if age is not None and 0 <= age <= window_s:
            kept.append(stamp)
    return tuple(kept[-MAX_KEPT_ROLLBACKS:])


@dataclass(frozen=True)
class RollbackFacts:
    """What a rollback of one flag did, as the hold records it."""

    flag: str
    now: str
    reason: str
    alarm: str | None
    version: int | None
    # False when the flag was off already (a retried event, a person disabled it first):
    # the hold is still put in place, but it does not count as another flap.
    changed: bool


def record_rollback(previous: Hold | None, facts: RollbackFacts, policy: HoldSettings) -> Hold:
    """The hold after a rollback: in force, counted, and sticky once the flap limit is hit."""
    history = recent(previous.rollbacks if previous else (), facts.now, policy.flap_window_s)
    if previous is not None and previous.held and not facts.changed:
        return previous  # already held and nothing new happened: keep who, when and why
    if facts.changed:
        history = (*history, facts.now)
    flapping = policy.flap_limit > 0 and len(history) >= policy.flap_limit
    return Hold(
        flag=facts.flag,
        state=HoldState.HELD,
        held_by=Actor.ALARM if facts.alarm else Actor.OPERATOR,
        held_at=facts.now,
        reason=facts.reason,
        alarm=facts.alarm,
        disabled_version=facts.version
        if facts.version is not None
        else (previous.disabled_version if previous else None),
        rollbacks=history,
        sticky=flapping or bool(previous and previous.held and previous.sticky),
    )


def restore_refusal(
    hold: Hold | None, now: str, policy: HoldSettings, *, force: bool
) -> str | None:
    """Why a restore may not lift the hold now (None: it may); force overrides both rules."""
    if hold is None or not hold.held or force:
        return None
    if hold.sticky:
        return (
            f"flag {hold.flag} was rolled back {len(hold.rollbacks)} times within "
            f"{policy.flap_window_s // 60} minutes (FLAP_LIMIT {policy.flap_limit}): it stays "
            'held until a restore with "force": true'
        )
    age = _age_s(hold.held_at, now)
    if age is not None and age < policy.restore_cooldown_s:
        wait = int(policy.restore_cooldown_s - age)
        return (
            f"flag {hold.flag} was rolled back {int(age)} s ago, within the restore cooldown of "
            f'{policy.restore_cooldown_s} s: retry in {wait} s, or pass "force": true'
        )
    return None


def release(hold: Hold, now: str, reason: str, version: int | None) -> Hold:
    """The hold lifted by a restore; the rollback history stays for the flap count."""
    return replace(
        hold,
        state=HoldState.RELEASED,
        sticky=False,
        released_at=now,
        released_reason=reason,
        restored_version=version,
    )


def flap_note(hold: Hold, policy: HoldSettings) -> str | None:
    """The sentence a notification carries when a hold is sticky."""
    if not hold.held or not hold.sticky:
        return None
    return (
        f"{hold.flag} was rolled back {len(hold.rollbacks)} times within "
        f"{policy.flap_window_s // 60} minutes: it stays held until someone restores it "
        'with "force": true.'
    )


def document_diff(before: bytes, after: bytes, version: int | None) -> list[str]:
    """The unified diff a restore would deploy, lines of pretty-printed JSON."""

    def lines(content: bytes) -> list[str]:
        try:
            text = json.dumps(json.loads(content), indent=2, sort_keys=True, ensure_ascii=False)
        except ValueError:
            text = content.decode("utf-8", "replace")
        return text.splitlines()

    label = f"deployed version {version}" if version is not None else "deployed"
    return list(
        difflib.unified_diff(lines(before), lines(after), label, "after restore", lineterm="")
    )
