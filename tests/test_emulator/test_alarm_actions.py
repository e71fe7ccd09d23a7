"""CloudWatch alarm actions: the SNS message and EventBridge event a state change sends."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from emulator.awslambda import async_invoke
from emulator.cloudwatch.models import TREAT_MISSING_DATA_PREFIX
from tests.test_emulator.conftest import ClientFactory
from tests.test_emulator.test_lambda_exec import RECORDING_SOURCE, make_function, make_queue

ACCOUNT = "123456789012"
STATE_CHANGE_PATTERN = {
    "source": ["aws.cloudwatch"],
    "detail-type": ["CloudWatch Alarm State Change"],
}


def stamp(moment: datetime) -> str:
    """CloudWatch's notification time format, computed independently of the emulator."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}+0000"
    )


def topic_to_queue(aws: ClientFactory) -> tuple[str, str]:
    """An SNS topic whose messages arrive raw in an SQS queue: (topic ARN, queue URL)."""
    sns = aws("sns")
    topic = sns.create_topic(Name=f"alarms-{uuid.uuid4().hex[:8]}")["TopicArn"]
    url, queue_arn = make_queue(aws, "alarm-messages")
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes={"RawMessageDelivery": "false"},
    )
    return topic, url


def state_change_rule_to_queue(aws: ClientFactory) -> str:
    url, queue_arn = make_queue(aws, "alarm-events")
    events = aws("events")
    rule = f"alarms-{uuid.uuid4().hex[:8]}"
    events.put_rule(Name=rule, EventPattern=json.dumps(STATE_CHANGE_PATTERN))
    events.put_targets(Rule=rule, Targets=[{"Id": "queue", "Arn": queue_arn}])
    return url


def drain(aws: ClientFactory, url: str) -> list[dict[str, Any]]:
    sqs = aws("sqs")
    bodies: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            return bodies
        for message in batch:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def put_simple_alarm(aws: ClientFactory, name: str, topic: str, **overrides: Any) -> None:
    settings: dict[str, Any] = {
        "AlarmName": name,
        "AlarmDescription": "Checkout errors are too high",
        "Namespace": "FeatureFlags",
        "MetricName": "Errors",
        "Dimensions": [{"Name": "FeatureFlagName", "Value": "checkout"}],
        "Statistic": "Sum",
        "Period": 60,
        "EvaluationPeriods": 2,
        "DatapointsToAlarm": 1,
        "Threshold": 5.0,
        "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "notBreaching",
        "AlarmActions": [topic],
        "OKActions": [topic],
    }
    aws("cloudwatch").put_metric_alarm(**{**settings, **overrides})


def put_math_alarm(aws: ClientFactory, name: str, topic: str) -> None:
    def metric(metric_id: str, metric_name: str) -> dict[str, Any]:
        return {
            "Id": metric_id,
            "MetricStat": {
                "Metric": {
                    "Namespace": "FeatureFlags",
                    "MetricName": metric_name,
                    "Dimensions": [{"Name": "FeatureFlagName", "Value": "checkout"}],
                },
                "Period": 60,
                "Stat": "Sum",
            },
            "ReturnData": False,
        }

    aws("cloudwatch").put_metric_alarm(
        AlarmName=name,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        EvaluationPeriods=1,
        Threshold=10.0,
        AlarmActions=[topic],
        Metrics=[
            {
                "Id": "rate",
                "Expression": "100 * errors / requests",
                "Label": "Error rate",
                "ReturnData": True,
            },
            metric("errors", "Errors"),
            metric("requests", "Requests"),
        ],
    )


def describe(aws: ClientFactory, name: str) -> dict[str, Any]:
    [alarm] = aws("cloudwatch").describe_alarms(AlarmNames=[name])["MetricAlarms"]
    return dict(alarm)


def sns_payloads(aws: ClientFactory, url: str) -> list[dict[str, Any]]:
    return drain(aws, url)


# ------------------------------------------------------------------ SNS


def test_state_change_publishes_cloudwatchs_exact_message(aws: ClientFactory) -> None:
    topic, url = topic_to_queue(aws)
    name = f"FeatureFlag-checkout-ErrorRate-{uuid.uuid4().hex[:6]}"
    put_simple_alarm(aws, name, topic)
    aws("cloudwatch").set_alarm_state(
        AlarmName=name, StateValue="ALARM", StateReason="Threshold Crossed"
    )
    alarm = describe(aws, name)
    [envelope] = sns_payloads(aws, url)
    assert envelope["Subject"] == f'ALARM: "{name}" in US East (N. Virginia)'
    assert envelope["TopicArn"] == topic
    assert json.loads(envelope["Message"]) == {
        "AlarmName": name,
        "AlarmDescription": "Checkout errors are too high",
        "AWSAccountId": ACCOUNT,
        "AlarmConfigurationUpdatedTimestamp": stamp(alarm["AlarmConfigurationUpdatedTimestamp"]),
        "NewStateValue": "ALARM",
        "NewStateReason": "Threshold Crossed",
        "StateChangeTime": stamp(alarm["StateUpdatedTimestamp"]),
        "Region": "US East (N. Virginia)",
        "AlarmArn": f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:{name}",
        "OldStateValue": "INSUFFICIENT_DATA",
        "OKActions": [topic],
        "AlarmActions": [topic],
        "InsufficientDataActions": [],
        "Trigger": {
            "MetricName": "Errors",
            "Namespace": "FeatureFlags",
            "StatisticType": "Statistic",
            "Statistic": "SUM",
            "Unit": None,
            "Dimensions": [{"value": "checkout", "name": "FeatureFlagName"}],
            "Period": 60,
            "EvaluationPeriods": 2,
            "DatapointsToAlarm": 1,
            "ComparisonOperator": "GreaterThanThreshold",
            "Threshold": 5.0,
            "TreatMissingData": f"{TREAT_MISSING_DATA_PREFIX}notBreaching",
            "EvaluateLowSampleCountPercentile": "",
        },
    }


def test_metric_math_alarm_sends_the_metrics_form_of_trigger(aws: ClientFactory) -> None:
    topic, url = topic_to_queue(aws)
    name = f"FeatureFlag-math-{uuid.uuid4().hex[:6]}"
    put_math_alarm(aws, name, topic)
    aws("cloudwatch").set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="rate")
    [envelope] = sns_payloads(aws, url)
    trigger = json.loads(envelope["Message"])["Trigger"]
    assert "MetricName" not in trigger
    assert trigger["Period"] == 60
    assert trigger["Threshold"] == 10.0
    assert trigger["TreatMissingData"] == f"{TREAT_MISSING_DATA_PREFIX}missing"
    assert trigger["Metrics"] == [
        {
            "Expression": "100 * errors / requests",
            "Id": "rate",
            "Label": "Error rate",
            "ReturnData": True,
        },
        {
            "Id": "errors",
            "MetricStat": {
                "Metric": {
                    "Dimensions": [{"value": "checkout", "name": "FeatureFlagName"}],
                    "MetricName": "Errors",
                    "Namespace": "FeatureFlags",
                },
                "Period": 60,
                "Stat": "Sum",
            },
            "ReturnData": False,
        },
        {
            "Id": "requests",
            "MetricStat": {
                "Metric": {
                    "Dimensions": [{"value": "checkout", "name": "FeatureFlagName"}],
                    "MetricName": "Requests",
                    "Namespace": "FeatureFlags",
                },
                "Period": 60,
                "Stat": "Sum",
            },
            "ReturnData": False,
        },
    ]


def test_actions_run_only_when_the_state_changes(aws: ClientFactory) -> None:
    topic, url = topic_to_queue(aws)
    name = f"FeatureFlag-repeat-{uuid.uuid4().hex[:6]}"
    put_simple_alarm(aws, name, topic)
    cloudwatch = aws("cloudwatch")
    cloudwatch.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="first")
    cloudwatch.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="again")
    cloudwatch.set_alarm_state(AlarmName=name, StateValue="OK", StateReason="recovered")
    messages = [json.loads(envelope["Message"]) for envelope in sns_payloads(aws, url)]
    assert [(m["OldStateValue"], m["NewStateValue"], m["NewStateReason"]) for m in messages] == [
        ("INSUFFICIENT_DATA", "ALARM", "first"),
        ("ALARM", "OK", "recovered"),
    ]


def test_only_the_new_states_actions_run(in_process_clients: ClientFactory) -> None:
    aws = in_process_clients
    alarm_topic, alarm_url = topic_to_queue(aws)
    data_topic, data_url = topic_to_queue(aws)
    name = "FeatureFlag-states"
    put_simple_alarm(aws, name, alarm_topic, OKActions=[], InsufficientDataActions=[data_topic])
    cloudwatch = aws("cloudwatch")
    cloudwatch.set_alarm_state(AlarmName=name, StateValue="OK", StateReason="fine")
    cloudwatch.set_alarm_state(AlarmName=name, StateValue="INSUFFICIENT_DATA", StateReason="gap")
    assert sns_payloads(aws, alarm_url) == []
    [envelope] = sns_payloads(aws, data_url)
    assert envelope["Subject"] == 'INSUFFICIENT_DATA: "FeatureFlag-states" in US East (N. Virginia)'


def test_disabled_actions_publish_nothing_but_the_event_is_sent(
    in_process_clients: ClientFactory,
) -> None:
    aws = in_process_clients
    topic, url = topic_to_queue(aws)
    events_url = state_change_rule_to_queue(aws)
    put_simple_alarm(aws, "FeatureFlag-muted", topic, ActionsEnabled=False)
    aws("cloudwatch").set_alarm_state(
        AlarmName="FeatureFlag-muted", StateValue="ALARM", StateReason="x"
    )
    assert sns_payloads(aws, url) == []
    assert [event["detail"]["alarmName"] for event in drain(aws, events_url)] == [
        "FeatureFlag-muted"
    ]


def test_updating_an_alarm_keeps_its_state(in_process_clients: ClientFactory) -> None:
    aws = in_process_clients
    topic, url = topic_to_queue(aws)
    put_simple_alarm(aws, "FeatureFlag-kept", topic)
    assert describe(aws, "FeatureFlag-kept")["StateValue"] == "INSUFFICIENT_DATA"
    aws("cloudwatch").set_alarm_state(
        AlarmName="FeatureFlag-kept", StateValue="ALARM", StateReason="x"
    )
    put_simple_alarm(aws, "FeatureFlag-kept", topic, Threshold=7.0)
    alarm = describe(aws, "FeatureFlag-kept")
    assert (alarm["StateValue"], alarm["Threshold"]) == ("ALARM", 7.0)
    assert len(sns_payloads(aws, url)) == 1


def test_unknown_alarm_is_an_error_and_sends_nothing(in_process_clients: ClientFactory) -> None:
    aws = in_process_clients
    events_url = state_change_rule_to_queue(aws)
    cloudwatch = aws("cloudwatch")
    with pytest.raises(cloudwatch.exceptions.ResourceNotFound):
        cloudwatch.set_alarm_state(AlarmName="missing", StateValue="ALARM", StateReason="x")
    assert drain(aws, events_url) == []


# ------------------------------------------------------------------ EventBridge


def test_state_change_puts_the_event_on_the_default_bus(aws: ClientFactory) -> None:
    topic, _ = topic_to_queue(aws)
    events_url = state_change_rule_to_queue(aws)
    name = f"FeatureFlag-event-{uuid.uuid4().hex[:6]}"
    put_math_alarm(aws, name, topic)
    created = describe(aws, name)
    aws("cloudwatch").set_alarm_state(
        AlarmName=name, StateValue="ALARM", StateReason="rate high", StateReasonData='{"v": 1}'
    )
    alarm = describe(aws, name)
    [event] = [e for e in drain(aws, events_url) if e["detail"]["alarmName"] == name]
    assert event["version"] == "0"
    assert event["source"] == "aws.cloudwatch"
    assert event["detail-type"] == "CloudWatch Alarm State Change"
    assert event["account"] == ACCOUNT
    assert event["region"] == "us-east-1"
    assert event["resources"] == [alarm["AlarmArn"]]
    assert event["time"] == alarm["StateUpdatedTimestamp"].strftime("%Y-%m-%dT%H:%M:%SZ")
    detail = event["detail"]
    assert detail["state"] == {
        "value": "ALARM",
        "reason": "rate high",
        "reasonData": '{"v": 1}',
        "timestamp": stamp(alarm["StateUpdatedTimestamp"]),
    }
    assert detail["previousState"] == {
        "value": "INSUFFICIENT_DATA",
        "reason": "Unchecked: Initial alarm creation",
        "timestamp": stamp(created["StateUpdatedTimestamp"]),
    }
    assert detail["configuration"]["metrics"][0] == {
        "id": "rate",
        "expression": "100 * errors / requests",
        "label": "Error rate",
        "returnData": True,
    }
    assert detail["configuration"]["metrics"][1] == {
        "id": "errors",
        "metricStat": {
            "metric": {
                "dimensions": {"FeatureFlagName": "checkout"},
                "name": "Errors",
                "namespace": "FeatureFlags",
            },
            "period": 60,
            "stat": "Sum",
        },
        "returnData": False,
    }


# ------------------------------------------------------------------ the whole chain


def test_alarm_to_sns_to_lambda_runs_the_function(aws: ClientFactory) -> None:
    url, _ = make_queue(aws, "chain")
    fn = make_function(aws, RECORDING_SOURCE, Environment={"Variables": {"RECORD_QUEUE_URL": url}})
    sns = aws("sns")
    topic = sns.create_topic(Name=f"chain-{uuid.uuid4().hex[:8]}")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=fn["FunctionArn"])
    name = f"FeatureFlag-chain-{uuid.uuid4().hex[:6]}"
    put_simple_alarm(aws, name, topic)
    aws("cloudwatch").set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="boom")
    assert async_invoke.wait_idle(30)
    [event] = drain(aws, url)
    [record] = event["Records"]
    assert record["Sns"]["Subject"] == f'ALARM: "{name}" in US East (N. Virginia)'
    assert json.loads(record["Sns"]["Message"])["AlarmName"] == name


def test_lambda_alarm_action_receives_cloudwatchs_lambda_event(
    in_process_clients: ClientFactory,
) -> None:
    aws = in_process_clients
    url, _ = make_queue(aws, "lambda-action")
    fn = make_function(aws, RECORDING_SOURCE, Environment={"Variables": {"RECORD_QUEUE_URL": url}})
    put_simple_alarm(aws, "FeatureFlag-direct", fn["FunctionArn"], OKActions=[])
    aws("cloudwatch").set_alarm_state(
        AlarmName="FeatureFlag-direct", StateValue="ALARM", StateReason="direct"
    )
    assert async_invoke.wait_idle(30)
    [event] = drain(aws, url)
    assert event["source"] == "aws.cloudwatch"
    assert event["alarmArn"].endswith(":alarm:FeatureFlag-direct")
    assert event["accountId"] == ACCOUNT
    assert event["alarmData"]["alarmName"] == "FeatureFlag-direct"
    assert event["alarmData"]["state"]["value"] == "ALARM"
    assert event["alarmData"]["previousState"]["value"] == "INSUFFICIENT_DATA"
