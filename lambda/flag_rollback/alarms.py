"""CloudWatch alarm lookups: which flags' alarms are in ALARM right now, and one flag's state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flag_rollback import clients
from flag_rollback.flags import alarm_flag, alarm_name_prefix
from flag_rollback.settings import Settings
from flag_rollback.vocabulary import ALARM_STATES, AlarmState

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch.type_defs import DescribeAlarmsInputTypeDef

MAX_PAGES = 10


@dataclass(frozen=True)
class FlagAlarm:
    """A flag alarm: its name, its state and the flag it watches."""

    name: str
    state: AlarmState
    flag: str


def flag_alarms(settings: Settings, *, only_alarm: bool) -> list[FlagAlarm]:
    """DescribeAlarms (metric and composite) whose names match ALARM_NAME_PATTERN.

    ``only_alarm`` asks AWS for alarms in ALARM only (the storm check); the literal start
    of the pattern is sent as AlarmNamePrefix so AWS filters, not this function.
    """
    request: DescribeAlarmsInputTypeDef = {
        "AlarmTypes": ["MetricAlarm", "CompositeAlarm"],
        "MaxRecords": 100,
    }
    prefix = alarm_name_prefix(settings.alarm_pattern)
    if prefix:
        request["AlarmNamePrefix"] = prefix
    if only_alarm:
        request["StateValue"] = "ALARM"
    found: list[FlagAlarm] = []
    for _ in range(MAX_PAGES):
        with clients.aws_call("DescribeAlarms"):
            page = clients.cloudwatch().describe_alarms(**request)
        for alarm in [*page.get("MetricAlarms", []), *page.get("CompositeAlarms", [])]:
            name = str(alarm.get("AlarmName", ""))
            flag = alarm_flag(settings.alarm_pattern, name)
            state = next((s for s in ALARM_STATES if s == alarm.get("StateValue")), None)
            # The state is checked here too, so an endpoint that ignores one of the
            # combined filters (plain moto 5.2 does) can never widen the storm check.
            if flag is not None and state is not None and (state == "ALARM" or not only_alarm):
                found.append(FlagAlarm(name, state, flag))
        token = page.get("NextToken")
        if not token:
            break
        request["NextToken"] = token
    return found


def flags_in_alarm(settings: Settings) -> dict[str, str]:
    """The storm check: flag -> name of an alarm of it that is in ALARM now."""
    return {alarm.flag: alarm.name for alarm in flag_alarms(settings, only_alarm=True)}
