"""CloudWatch alarm actions: what AWS does when a metric alarm changes state.

moto stores alarm states but acts on none of them. `install()` makes every state change
(SetAlarmState, or any other caller of moto's `Alarm.update_state`):

- publish, when the alarm's ActionsEnabled is true, to every SNS topic among the actions of
  the new state (AlarmActions / OKActions / InsufficientDataActions) the JSON message
  CloudWatch sends, with its subject `ALARM: "<name>" in US East (N. Virginia)`; an action
  that is a Lambda function ARN receives CloudWatch's Lambda alarm event asynchronously;
- put a `CloudWatch Alarm State Change` event (source `aws.cloudwatch`) on the default
  EventBridge bus of the alarm's account and region, whether or not actions are enabled.

A transition to the state the alarm is already in is not a change: nothing is sent. Two
PutMetricAlarm details follow AWS as well: a new alarm starts in INSUFFICIENT_DATA, and
updating an existing alarm keeps its state. (DescribeAlarms filters: responses.py.)
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import Any

import botocore.loaders
from moto.cloudwatch.models import Alarm, CloudWatchBackend, MetricDataQuery

SUBJECT_LIMIT = 99  # SNS: "less than 100 characters long" (emulator.sns.models)
TREAT_MISSING_DATA_PREFIX = "- TreatMissingData:                    "
ACTIONS_BY_STATE = {
    "ALARM": "alarm_actions",
    "OK": "ok_actions",
    "INSUFFICIENT_DATA": "insufficient_data_actions",
}


@cache
def region_long_name(region: str) -> str:
    """The region's name as CloudWatch writes it in notifications ("US East (N. Virginia)")."""
    endpoints = botocore.loaders.create_loader().load_data("endpoints")
    for partition in endpoints["partitions"]:
        description = partition["regions"].get(region, {}).get("description")
        if description:
            return str(description)
    return region


def cloudwatch_timestamp(moment: datetime) -> str:
    """CloudWatch's notification timestamp format: 2019-10-02T17:04:40.989+0000."""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"


def _account_id(alarm: Alarm) -> str:
    return alarm.alarm_arn.split(":")[4]


# ------------------------------------------------------------------ the SNS message


def _sns_dimensions(dimensions: list[Any]) -> list[dict[str, Any]]:
    return [{"value": dimension.value, "name": dimension.name} for dimension in dimensions]


def _returns_data(query: MetricDataQuery) -> bool:
    """ReturnData as stored by moto (a bool, a "true"/"false" string, or None = true)."""
    return str(query.return_data).lower() != "false"


def _sns_metric(query: MetricDataQuery) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if query.expression:
        entry["Expression"] = query.expression
    entry["Id"] = query.id
    if query.label:
        entry["Label"] = query.label
    if query.metric_stat is not None:
        stat = query.metric_stat
        entry["MetricStat"] = {
            "Metric": {
                "Dimensions": _sns_dimensions(stat.metric.dimensions),
                "MetricName": stat.metric.metric_name,
                "Namespace": stat.metric.namespace,
            },
            "Period": int(stat.period or 0),
            "Stat": stat.stat,
        }
        if stat.unit:
            entry["MetricStat"]["Unit"] = stat.unit
    if query.period:
        entry["Period"] = int(query.period)
    entry["ReturnData"] = _returns_data(query)
    return entry


def _single_metric_trigger(alarm: Alarm) -> dict[str, Any]:
    if alarm.extended_statistic:
        statistic = {
            "StatisticType": "ExtendedStatistic",
            "ExtendedStatistic": alarm.extended_statistic,
        }
    else:
        statistic = {"StatisticType": "Statistic", "Statistic": str(alarm.statistic or "").upper()}
    return {
        "MetricName": alarm.metric_name,
        "Namespace": alarm.namespace,
        **statistic,
        "Unit": alarm.unit,
        "Dimensions": _sns_dimensions(alarm.dimensions),
        "Period": int(alarm.period or 0),
    }


def _trigger(alarm: Alarm) -> dict[str, Any]:
    """The Trigger object: the metric form, or the Metrics list of a metric-math alarm."""
    trigger = {} if alarm.metric_data_queries else _single_metric_trigger(alarm)
    if alarm.metric_data_queries:
        trigger["Period"] = int(
            next((q.metric_stat.period for q in alarm.metric_data_queries if q.metric_stat), 0)
            or next((q.period for q in alarm.metric_data_queries if q.period), 0)
            or 0
        )
    trigger["EvaluationPeriods"] = int(alarm.evaluation_periods or 0)
    if alarm.datapoints_to_alarm:
        trigger["DatapointsToAlarm"] = int(alarm.datapoints_to_alarm)
    trigger["ComparisonOperator"] = alarm.comparison_operator
    if alarm.threshold_metric_id:
        trigger["ThresholdMetricId"] = alarm.threshold_metric_id
    else:
        trigger["Threshold"] = float(alarm.threshold or 0)
    trigger["TreatMissingData"] = TREAT_MISSING_DATA_PREFIX + (
        alarm.treat_missing_data or "missing"
    )
    trigger["EvaluateLowSampleCountPercentile"] = alarm.evaluate_low_sample_count_percentile or ""
    if alarm.metric_data_queries:
        trigger["Metrics"] = [_sns_metric(query) for query in alarm.metric_data_queries]
    return trigger


def sns_message(alarm: Alarm, old_state: str) -> dict[str, Any]:
    """The JSON document CloudWatch publishes to an alarm's SNS actions."""
    return {
        "AlarmName": alarm.name,
        "AlarmDescription": alarm.description,
        "AWSAccountId": _account_id(alarm),
        "AlarmConfigurationUpdatedTimestamp": cloudwatch_timestamp(
            alarm.configuration_updated_timestamp
        ),
        "NewStateValue": alarm.state_value,
        "NewStateReason": alarm.state_reason,
        "StateChangeTime": cloudwatch_timestamp(alarm.state_updated_timestamp),
        "Region": region_long_name(alarm.region_name),
        "AlarmArn": alarm.alarm_arn,
        "OldStateValue": old_state,
        "OKActions": list(alarm.ok_actions),
        "AlarmActions": list(alarm.alarm_actions),
        "InsufficientDataActions": list(alarm.insufficient_data_actions),
        "Trigger": _trigger(alarm),
    }


def sns_subject(alarm: Alarm) -> str:
    """`ALARM: "name" in US East (N. Virginia)`, cut under SNS's 100-character subject limit."""
    subject = f'{alarm.state_value}: "{alarm.name}" in {region_long_name(alarm.region_name)}'
    return subject[:SUBJECT_LIMIT]


# ------------------------------------------------------------------ the EventBridge event


def _event_metric(query: MetricDataQuery) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": query.id}
    if query.expression:
        entry["expression"] = query.expression
    if query.label:
        entry["label"] = query.label
    if query.metric_stat is not None:
        stat = query.metric_stat
        entry["metricStat"] = {
            "metric": {
                "dimensions": {d.name: d.value for d in stat.metric.dimensions},
                "name": stat.metric.metric_name,
                "namespace": stat.metric.namespace,
            },
            "period": int(stat.period or 0),
            "stat": stat.stat,
        }
        if stat.unit:
            entry["metricStat"]["unit"] = stat.unit
    entry["returnData"] = _returns_data(query)
    return entry


def _event_metrics(alarm: Alarm) -> list[dict[str, Any]]:
    if alarm.metric_data_queries:
        return [_event_metric(query) for query in alarm.metric_data_queries]
    stat = alarm.extended_statistic or alarm.statistic
    metric_stat = {
        "metric": {
            "dimensions": {d.name: d.value for d in alarm.dimensions},
            "name": alarm.metric_name,
            "namespace": alarm.namespace,
        },
        "period": int(alarm.period or 0),
        "stat": stat,
    }
    if alarm.unit:
        metric_stat["unit"] = alarm.unit
    return [
        {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, alarm.alarm_arn)),
            "metricStat": metric_stat,
            "returnData": True,
        }
    ]


def _event_state(
    value: str, reason: str, reason_data: str | None, when: datetime
) -> dict[str, Any]:
    state = {"value": value, "reason": reason}
    if reason_data and reason_data != "{}":
        state["reasonData"] = reason_data
    state["timestamp"] = cloudwatch_timestamp(when)
    return state


def event_detail(alarm: Alarm, previous: tuple[str, str, str | None, datetime]) -> dict[str, Any]:
    """The `detail` of the "CloudWatch Alarm State Change" event."""
    configuration: dict[str, Any] = {"metrics": _event_metrics(alarm)}
    if alarm.description:
        configuration = {"description": alarm.description, **configuration}
    return {
        "alarmName": alarm.name,
        "state": _event_state(
            alarm.state_value,
            alarm.state_reason,
            alarm.state_reason_data,
            alarm.state_updated_timestamp,
        ),
        "previousState": _event_state(*previous),
        "configuration": configuration,
    }


def _put_event(alarm: Alarm, detail: dict[str, Any]) -> None:
    from moto.events.models import events_backends  # noqa: PLC0415 - moto loads backends lazily

    backend = events_backends[_account_id(alarm)][alarm.region_name]
    backend.put_events(
        [
            {
                "Source": "aws.cloudwatch",
                "DetailType": "CloudWatch Alarm State Change",
                "Detail": json.dumps(detail),
                "Resources": [alarm.alarm_arn],
                "Time": alarm.state_updated_timestamp.replace(tzinfo=UTC).timestamp(),
            }
        ]
    )


# ------------------------------------------------------------------ actions


def lambda_alarm_event(alarm: Alarm, detail: dict[str, Any]) -> dict[str, Any]:
    """The event CloudWatch sends to a Lambda function that is an alarm action."""
    return {
        "source": "aws.cloudwatch",
        "alarmArn": alarm.alarm_arn,
        "accountId": _account_id(alarm),
        "time": cloudwatch_timestamp(alarm.state_updated_timestamp),
        "region": alarm.region_name,
        "alarmData": {
            "alarmName": alarm.name,
            "state": detail["state"],
            "previousState": detail["previousState"],
            "configuration": detail["configuration"],
        },
    }


def _run_actions(alarm: Alarm, old_state: str, detail: dict[str, Any]) -> None:
    from moto.sns.models import sns_backends  # noqa: PLC0415

    actions: list[str] = list(getattr(alarm, ACTIONS_BY_STATE[alarm.state_value]) or [])
    for arn in actions:
        service = arn.split(":")[2] if arn.count(":") >= 5 else ""
        if service == "sns":
            region, account = arn.split(":")[3], arn.split(":")[4]
            sns_backends[account][region].publish(
                json.dumps(sns_message(alarm, old_state)), arn=arn, subject=sns_subject(alarm)
            )
        elif service == "lambda":
            from emulator.awslambda import async_invoke  # noqa: PLC0415 - optional extension

            payload = json.dumps(lambda_alarm_event(alarm, detail)).encode()
            async_invoke.invoke_async_arn(_account_id(alarm), arn, payload)


def on_state_change(alarm: Alarm, previous: tuple[str, str, str | None, datetime]) -> None:
    """Act on a state change that moto has just recorded on `alarm`."""
    detail = event_detail(alarm, previous)
    if str(alarm.actions_enabled).lower() != "false":
        _run_actions(alarm, previous[0], detail)
    _put_event(alarm, detail)


_original_update_state: Callable[..., None] = Alarm.update_state
_original_put_metric_alarm: Callable[..., Alarm] = CloudWatchBackend.put_metric_alarm


def _update_state(self: Alarm, reason: str, reason_data: str, state_value: str) -> None:
    previous = (
        self.state_value,
        self.state_reason,
        self.state_reason_data,
        self.state_updated_timestamp,
    )
    _original_update_state(self, reason, reason_data, state_value)
    if previous[0] != state_value:
        on_state_change(self, previous)


def _put_metric_alarm(self: CloudWatchBackend, name: str, *args: Any, **kwargs: Any) -> Alarm:
    existing = self.alarms.get(name)
    alarm = _original_put_metric_alarm(self, name, *args, **kwargs)
    if existing is not None:
        for attribute in (
            "state_value",
            "state_reason",
            "state_reason_data",
            "state_updated_timestamp",
            "history",
        ):
            setattr(alarm, attribute, getattr(existing, attribute))
    else:
        alarm.state_value = "INSUFFICIENT_DATA"
    return alarm


def install() -> None:
    """Patch moto's CloudWatch so alarm state changes act (idempotent)."""
    # ignore[method-assign]: moto is extended by assigning to its classes; mypy still checks
    # each replacement's signature against moto's (an [assignment] error is not ignored).
    Alarm.update_state = _update_state  # type: ignore[method-assign]
    CloudWatchBackend.put_metric_alarm = _put_metric_alarm  # type: ignore[method-assign]
