"""Parse every event the function can receive into typed, immutable requests.

One parser per source: SNS (CloudWatch alarm messages, any number of records),
EventBridge ("CloudWatch Alarm State Change") and direct invocation. Parsers never
raise on bad input: each unusable part becomes a Rejected item saying why, so the
core never touches a raw dict and no input ends in a KeyError or TypeError.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from flag_rollback.vocabulary import ACTIONS, ALARM_STATES, Action, AlarmState, Source

MAX_FLAG_LENGTH = 256
MAX_REASON_LENGTH = 1000


@dataclass(frozen=True)
class AlarmChange:
    """A CloudWatch alarm changed state (from SNS or EventBridge)."""

    source: Literal["sns", "eventbridge"]
    alarm_name: str
    new_state: AlarmState
    old_state: AlarmState | None
    reason: str
    changed_at: str | None


@dataclass(frozen=True)
class DirectRequest:
    """An operator (or a script) invoked the function directly."""

    action: Action
    flag: str
    reason: str
    force: bool


@dataclass(frozen=True)
class Rejected:
    """Part of an event that cannot be acted on, and why."""

    source: Source
    reason: str


Item = AlarmChange | DirectRequest | Rejected


def _text(value: object, limit: int) -> str | None:
    """A non-empty string without control characters, cut to `limit`, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    if any(ord(char) < 0x20 for char in value if char not in "\t\n\r"):
        return None
    return value[:limit]


def _state(value: object) -> AlarmState | None:
    return next((state for state in ALARM_STATES if state == value), None)


def _change(
    source: Literal["sns", "eventbridge"],
    name: object,
    states: tuple[object, object],
    reason: object,
    changed_at: object,
) -> AlarmChange | Rejected:
    """An AlarmChange from raw fields (new and old state), or why it cannot be one."""
    alarm_name = _text(name, MAX_FLAG_LENGTH + 255)
    new_state = _state(states[0])
    if alarm_name is None or new_state is None:
        return Rejected(source, "not a CloudWatch alarm state change (no alarm name or state)")
    return AlarmChange(
        source=source,
        alarm_name=alarm_name,
        new_state=new_state,
        old_state=_state(states[1]),
        reason=_text(reason, MAX_REASON_LENGTH) or "",
        changed_at=changed_at if isinstance(changed_at, str) else None,
    )


def _alarm_message(message: dict[str, object]) -> AlarmChange | Rejected:
    """CloudWatch's SNS message: AlarmName, NewStateValue, OldStateValue, NewStateReason."""
    return _change(
        "sns",
        message.get("AlarmName"),
        (message.get("NewStateValue"), message.get("OldStateValue")),
        message.get("NewStateReason"),
        message.get("StateChangeTime"),
    )


def _sns_record(record: object) -> Item:
    if not isinstance(record, dict) or record.get("EventSource", "aws:sns") != "aws:sns":
        return Rejected("sns", "record is not an SNS notification")
    sns = record.get("Sns")
    body = sns.get("Message") if isinstance(sns, dict) else None
    if not isinstance(body, str):
        return Rejected("sns", "record has no Sns.Message string")
    try:
        message = json.loads(body)
    except ValueError:
        return Rejected("sns", "Sns.Message is not JSON")
    if not isinstance(message, dict):
        return Rejected("sns", "Sns.Message is not a JSON object")
    return _alarm_message(message)


def parse_sns(event: dict[str, object]) -> list[Item]:
    """Every record of an SNS event, in order."""
    records = event.get("Records")
    if not isinstance(records, list) or not records:
        return [Rejected("sns", "event has no Records")]
    return [_sns_record(record) for record in records]


def parse_eventbridge(event: dict[str, object]) -> list[Item]:
    """An EventBridge "CloudWatch Alarm State Change" event."""
    detail = event.get("detail")
    if event.get("detail-type") != "CloudWatch Alarm State Change" or not isinstance(detail, dict):
        return [Rejected("eventbridge", "event is not a CloudWatch Alarm State Change")]
    state = detail.get("state")
    previous = detail.get("previousState")
    state = state if isinstance(state, dict) else {}
    previous = previous if isinstance(previous, dict) else {}
    return [
        _change(
            "eventbridge",
            detail.get("alarmName"),
            (state.get("value"), previous.get("value")),
            state.get("reason"),
            state.get("timestamp") or event.get("time"),
        )
    ]


def parse_direct(event: dict[str, object]) -> list[Item]:
    """``{"action": "rollback|restore|status", "flag": "...", "reason": "...", "force": b}``."""
    action = event.get("action")
    if action not in ACTIONS:
        return [Rejected("direct", f"action must be one of {', '.join(ACTIONS)}")]
    if action == "holds":  # lists every held flag: no flag to name
        return [DirectRequest(action=action, flag="", reason="list holds", force=False)]
    flag = _text(event.get("flag"), MAX_FLAG_LENGTH + 1)
    if flag is None or len(flag) > MAX_FLAG_LENGTH:
        return [Rejected("direct", f"flag must be a non-empty string of at most {MAX_FLAG_LENGTH}")]
    force = event.get("force", False)
    if not isinstance(force, bool):
        return [Rejected("direct", "force must be true or false")]
    reason = event.get("reason", "")
    if reason is not None and not isinstance(reason, str):
        return [Rejected("direct", "reason must be a string")]
    return [
        DirectRequest(
            action=action,
            flag=flag,
            reason=_text(reason, MAX_REASON_LENGTH) or f"manual {action}",
            force=force,
        )
    ]


def parse_event(event: object) -> list[Item]:
    """Dispatch on the event's shape to the parser of its source."""
    if not isinstance(event, dict):
        return [Rejected("unknown", "event is not a JSON object")]
    if "Records" in event:
        return parse_sns(event)
    if "detail-type" in event or event.get("source") == "aws.cloudwatch":
        return parse_eventbridge(event)
    if "action" in event:
        return parse_direct(event)
    return [Rejected("unknown", "event is neither SNS, EventBridge nor a direct invocation")]
