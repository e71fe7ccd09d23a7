"""Environment monitors: AppConfig rolls a deployment back when one of the environment's
CloudWatch alarms is in ALARM while the deployment is deploying or baking.

The alarms are moto's own (the CloudWatch backend of the alarm ARN's account and region).
An alarm's state history tells when it was in ALARM, so the check can run lazily, when a
deployment is next read, and still date the rollback at the moment the alarm fired.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from moto.cloudwatch.models import cloudwatch_backends

FOREVER = datetime.max.replace(tzinfo=UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _find_alarm(alarm_arn: str) -> Any | None:
    """The moto alarm named by arn:aws:cloudwatch:<region>:<account>:alarm:<name>, if any."""
    parts = alarm_arn.split(":", 6)
    if len(parts) != 7 or parts[2] != "cloudwatch" or parts[5] != "alarm":
        return None
    _, _, _, region, account, _, name = parts
    try:
        return cloudwatch_backends[account][region].alarms.get(name)
    except KeyError:
        return None


def _state_spans(alarm: Any) -> Iterable[tuple[str, datetime, datetime]]:
    """(state, from, until) for every state the alarm has been in, oldest first."""
    changes = [
        (entry[3], _aware(entry[4]))
        for entry in getattr(alarm, "history", [])
        if entry and entry[0] == "StateUpdate"
    ]
    changes.append((alarm.state_value, _aware(alarm.state_updated_timestamp)))
    for (state, since), (_, until) in zip(changes, [*changes[1:], ("", FOREVER)], strict=True):
        yield state, since, until


def first_alarm(
    monitors: list[dict[str, str]], start: datetime, end: datetime
) -> tuple[str, datetime] | None:
    """The first monitor alarm in ALARM during [start, end), and when; None if none was."""
    fired: list[tuple[datetime, str]] = []
    for monitor in monitors:
        alarm = _find_alarm(monitor.get("AlarmArn", ""))
        if alarm is None:
            continue
        for state, since, until in _state_spans(alarm):
            if state == "ALARM" and since < end and until > start:
                fired.append((max(since, start), monitor["AlarmArn"]))
                break
    if not fired:
        return None
    at, arn = min(fired)
    return arn, at
