"""DescribeAlarms as CloudWatch answers it: filters combined, metric alarms by default, pages.

moto 5.2 applies only the first of ActionPrefix / AlarmNamePrefix / AlarmNames /
StateValue, returns composite alarms when AlarmTypes is omitted and never pages. AWS
(API reference, DescribeAlarms) combines the name filter with StateValue and
AlarmTypes, returns only metric alarms when AlarmTypes is omitted, sorts by name, and
pages with MaxRecords (1-100, default 50) and NextToken.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from typing import Any

from moto.cloudwatch.exceptions import InvalidParameterCombination, InvalidParameterValue
from moto.cloudwatch.models import Alarm
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import ActionResult

from emulator.cloudwatch.exceptions import InvalidNextTokenError

DEFAULT_MAX_RECORDS = 50
MAX_RECORDS_LIMIT = 100
STATES = ("OK", "ALARM", "INSUFFICIENT_DATA")
TYPES = ("MetricAlarm", "CompositeAlarm")


def _encode_token(name: str) -> str:
    return base64.urlsafe_b64encode(name.encode()).decode()


def _decode_token(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise InvalidNextTokenError from error


def _max_records(raw: object) -> int:
    if raw in (None, ""):
        return DEFAULT_MAX_RECORDS
    try:
        value = int(str(raw))
    except ValueError as error:
        raise InvalidParameterValue(f"MaxRecords {raw!r} is not a number") from error
    if not 1 <= value <= MAX_RECORDS_LIMIT:
        raise InvalidParameterValue(
            f"The value {value} for parameter MaxRecords is not valid: "
            f"it must be between 1 and {MAX_RECORDS_LIMIT}."
        )
    return value


def select_alarms(
    alarms: Iterable[Alarm],
    *,
    names: list[str],
    name_prefix: str | None,
    action_prefix: str | None,
    state: str | None,
    types: list[str],
) -> list[Alarm]:
    """Every filter of the request applied together, sorted by alarm name."""
    if names and name_prefix:
        raise InvalidParameterCombination("AlarmNames and AlarmNamePrefix cannot both be given.")
    if state is not None and state not in STATES:
        raise InvalidParameterValue(f"StateValue must be one of {', '.join(STATES)}.")
    unknown = [kind for kind in types if kind not in TYPES]
    if unknown:
        raise InvalidParameterValue(f"AlarmTypes must be among {', '.join(TYPES)}.")
    wanted_types = set(types or ["MetricAlarm"])
    chosen = [
        alarm
        for alarm in alarms
        if (not names or alarm.name in names)
        and (not name_prefix or alarm.name.startswith(name_prefix))
        and (not action_prefix or any(a.startswith(action_prefix) for a in alarm.alarm_actions))
        and (state is None or alarm.state_value == state)
        and ("CompositeAlarm" if alarm.rule is not None else "MetricAlarm") in wanted_types
    ]
    return sorted(chosen, key=lambda alarm: alarm.name)


def page(
    alarms: list[Alarm], token: str | None, max_records: int
) -> tuple[list[Alarm], str | None]:
    """The page starting at `token` (the name of its first alarm) and the next token."""
    start = 0
    if token:
        first = _decode_token(token)
        start = next((i for i, alarm in enumerate(alarms) if alarm.name >= first), len(alarms))
    chosen = alarms[start : start + max_records]
    rest = alarms[start + max_records :]
    return chosen, (_encode_token(rest[0].name) if rest else None)


def _describe_alarms(self: CloudWatchResponse) -> ActionResult:
    selected = select_alarms(
        self.cloudwatch_backend.describe_alarms(),
        names=self._get_param("AlarmNames", []) or [],
        name_prefix=self._get_param("AlarmNamePrefix") or None,
        action_prefix=self._get_param("ActionPrefix") or None,
        state=self._get_param("StateValue") or None,
        types=self._get_param("AlarmTypes", []) or [],
    )
    chosen, next_token = page(
        selected, self._get_param("NextToken") or None, _max_records(self._get_param("MaxRecords"))
    )
    result: dict[str, Any] = {
        "MetricAlarms": [alarm for alarm in chosen if alarm.rule is None],
        "CompositeAlarms": [alarm for alarm in chosen if alarm.rule is not None],
    }
    if next_token:
        result["NextToken"] = next_token
    return ActionResult(result)


def install() -> None:
    """Replace moto's DescribeAlarms handler (idempotent)."""
    # ignore[method-assign]: moto is extended by assigning to its classes; mypy still checks
    # each replacement's signature against moto's (an [assignment] error is not ignored).
    CloudWatchResponse.describe_alarms = _describe_alarms  # type: ignore[method-assign]
