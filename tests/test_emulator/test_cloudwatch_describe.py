"""DescribeAlarms combines its filters and pages as the CloudWatch API reference says."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def _alarm(cloudwatch: Any, name: str) -> None:
    cloudwatch.put_metric_alarm(
        AlarmName=name,
        Namespace="FeatureFlags",
        MetricName="Errors",
        Dimensions=[{"Name": "FeatureFlagName", "Value": name}],
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )


@pytest.fixture
def cloudwatch(aws: Any) -> Any:
    client = aws("cloudwatch")
    for name in ("FeatureFlag-a-ErrorRate", "FeatureFlag-b-ErrorRate", "Other-c"):
        _alarm(client, name)
    client.set_alarm_state(AlarmName="FeatureFlag-b-ErrorRate", StateValue="ALARM", StateReason="t")
    client.set_alarm_state(AlarmName="Other-c", StateValue="ALARM", StateReason="t")
    return client


def _names(response: dict[str, Any]) -> list[str]:
    alarms = [*response.get("MetricAlarms", []), *response.get("CompositeAlarms", [])]
    return [alarm["AlarmName"] for alarm in alarms]


def test_name_prefix_and_state_value_combine(cloudwatch: Any) -> None:
    found = cloudwatch.describe_alarms(AlarmNamePrefix="FeatureFlag-", StateValue="ALARM")
    assert _names(found) == ["FeatureFlag-b-ErrorRate"]


def test_name_prefix_alone_lists_every_state_sorted(cloudwatch: Any) -> None:
    found = cloudwatch.describe_alarms(AlarmNamePrefix="FeatureFlag-", AlarmTypes=["MetricAlarm"])
    assert _names(found) == ["FeatureFlag-a-ErrorRate", "FeatureFlag-b-ErrorRate"]


def test_pages_follow_next_token_without_loss_or_repeat(aws: Any) -> None:
    client = aws("cloudwatch")
    names = [f"FeatureFlag-page{i:03d}-ErrorRate" for i in range(7)]
    for name in reversed(names):
        _alarm(client, name)
    seen: list[str] = []
    request: dict[str, Any] = {"AlarmNamePrefix": "FeatureFlag-page", "MaxRecords": 3}
    pages = 0
    while True:
        response = client.describe_alarms(**request)
        pages += 1
        seen.extend(_names(response))
        if "NextToken" not in response:
            break
        request["NextToken"] = response["NextToken"]
    assert seen == names
    assert pages == 3


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"MaxRecords": 101}, "InvalidParameterValue"),
        ({"NextToken": "%%%not-a-token"}, "InvalidNextToken"),
        ({"AlarmNames": ["x"], "AlarmNamePrefix": "x"}, "InvalidParameterCombination"),
    ],
)
def test_bad_parameters_are_rejected(cloudwatch: Any, extra: dict[str, Any], code: str) -> None:
    with pytest.raises(ClientError) as raised:
        cloudwatch.describe_alarms(**extra)
    assert raised.value.response["Error"]["Code"] == code
