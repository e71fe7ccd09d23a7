"""The alarm lookups behind the storm check and `status`: the DescribeAlarms requests sent
(types, page size, name prefix, state filter, paging) and which alarms of the answers count.

The function's CloudWatch client is answered in-process (botocore's before-call event): no
request leaves, and the answers can be any the API's shape allows.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from flag_rollback import clients
from flag_rollback.alarms import FlagAlarm, flag_alarms, flags_in_alarm
from flag_rollback.errors import TransientError
from flag_rollback.settings import Settings, load_settings

BASE = {
    "APPCONFIG_APPLICATION_ID": "abc1234",
    "APPCONFIG_ENVIRONMENT_ID": "env0001",
    "APPCONFIG_CONFIGURATION_PROFILE_ID": "prof001",
}
BOTH_TYPES = ["MetricAlarm", "CompositeAlarm"]


def settings(**environ: str) -> Settings:
    return load_settings(BASE | environ)


def alarm(name: str, state: str = "ALARM") -> dict[str, Any]:
    return {"AlarmName": name, "StateValue": state}


class CloudWatch:
    """Answers the function's DescribeAlarms with ``pages`` in turn; records every request."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *pages: dict[str, Any]) -> None:
        monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        self.pages = list(pages)
        self.requests: list[dict[str, Any]] = []
        events = clients.cloudwatch().meta.events
        events.register("before-parameter-build.cloudwatch.DescribeAlarms", self._record)
        events.register("before-call.cloudwatch.DescribeAlarms", self._answer)

    def _record(self, params: dict[str, Any], **_: object) -> None:
        self.requests.append(copy.deepcopy(params))

    def _answer(self, **_: object) -> tuple[AWSResponse, dict[str, Any]]:
        page = self.pages.pop(0)
        status = 400 if "Error" in page else 200
        return AWSResponse("https://monitoring.invalid/", status, {}, None), page


def test_the_storm_check_asks_for_both_alarm_types_in_alarm_under_the_pattern_prefix(
    monkeypatch: pytest.MonkeyPatch,
):
    cloudwatch = CloudWatch(
        monkeypatch,
        {
            "MetricAlarms": [alarm("FeatureFlag-checkout-ErrorRate")],
            "CompositeAlarms": [alarm("FeatureFlag-search-ErrorRate")],
        },
    )
    assert flags_in_alarm(settings()) == {
        "checkout": "FeatureFlag-checkout-ErrorRate",
        "search": "FeatureFlag-search-ErrorRate",
    }
    assert cloudwatch.requests == [
        {
            "AlarmTypes": BOTH_TYPES,
            "MaxRecords": 100,  # the most AWS gives on one page
            "AlarmNamePrefix": "FeatureFlag-",
            "StateValue": "ALARM",
        }
    ]


def test_every_state_is_asked_for_and_no_prefix_when_the_pattern_has_no_literal_start(
    monkeypatch: pytest.MonkeyPatch,
):
    cloudwatch = CloudWatch(
        monkeypatch,
        {
            "MetricAlarms": [
                alarm("checkout-ErrorRate", "OK"),
                alarm("search-ErrorRate", "INSUFFICIENT_DATA"),
                alarm("cart-Latency", "ALARM"),
            ],
            "CompositeAlarms": [alarm("cart-ErrorRate", "ALARM")],
        },
    )
    unanchored = settings(ALARM_NAME_PATTERN="(?P<flag>[a-z]+)-ErrorRate$")
    found = flag_alarms(unanchored, only_alarm=False)
    assert found == [
        FlagAlarm("checkout-ErrorRate", "OK", "checkout"),
        FlagAlarm("search-ErrorRate", "INSUFFICIENT_DATA", "search"),
        FlagAlarm("cart-ErrorRate", "ALARM", "cart"),
    ]
    assert cloudwatch.requests == [{"AlarmTypes": BOTH_TYPES, "MaxRecords": 100}]


def test_every_page_is_read_with_the_token_of_the_one_before(monkeypatch: pytest.MonkeyPatch):
    cloudwatch = CloudWatch(
        monkeypatch,
        {"MetricAlarms": [alarm("FeatureFlag-a-ErrorRate")], "NextToken": "page-2"},
        {"CompositeAlarms": [alarm("FeatureFlag-b-ErrorRate")], "NextToken": "page-3"},
        {"MetricAlarms": [alarm("FeatureFlag-c-ErrorRate")], "NextToken": ""},
    )
    assert flags_in_alarm(settings()) == {
        "a": "FeatureFlag-a-ErrorRate",
        "b": "FeatureFlag-b-ErrorRate",
        "c": "FeatureFlag-c-ErrorRate",
    }
    first = {
        "AlarmTypes": BOTH_TYPES,
        "MaxRecords": 100,
        "AlarmNamePrefix": "FeatureFlag-",
        "StateValue": "ALARM",
    }
    assert cloudwatch.requests == [
        first,
        first | {"NextToken": "page-2"},
        first | {"NextToken": "page-3"},
    ]


def test_a_page_without_one_kind_of_alarm_or_without_any_is_read_as_empty(
    monkeypatch: pytest.MonkeyPatch,
):
    CloudWatch(
        monkeypatch,
        {"CompositeAlarms": [alarm("FeatureFlag-a-ErrorRate")], "NextToken": "2"},
        {"MetricAlarms": [alarm("FeatureFlag-b-ErrorRate", "OK")], "NextToken": "3"},
        {},
    )
    assert flag_alarms(settings(), only_alarm=False) == [
        FlagAlarm("FeatureFlag-a-ErrorRate", "ALARM", "a"),
        FlagAlarm("FeatureFlag-b-ErrorRate", "OK", "b"),
    ]


def test_the_storm_check_counts_only_alarms_in_alarm_even_when_the_filter_is_ignored(
    monkeypatch: pytest.MonkeyPatch,
):
    CloudWatch(
        monkeypatch,
        {
            "MetricAlarms": [
                alarm("FeatureFlag-ok-ErrorRate", "OK"),
                alarm("FeatureFlag-quiet-ErrorRate", "INSUFFICIENT_DATA"),
                alarm("FeatureFlag-bad-ErrorRate", "ALARM"),
            ]
        },
    )
    assert flags_in_alarm(settings()) == {"bad": "FeatureFlag-bad-ErrorRate"}


def test_alarms_without_a_name_a_flag_or_a_known_state_are_left_out(
    monkeypatch: pytest.MonkeyPatch,
):
    CloudWatch(
        monkeypatch,
        {
            "MetricAlarms": [
                {"StateValue": "ALARM"},  # no name
                alarm("", "ALARM"),
                {"AlarmName": "no-state"},
                alarm("unknown-state", "BROKEN"),
                alarm("kept", "OK"),
            ]
        },
    )
    # Any name is a flag under this pattern: only the name, the flag or the state can leave
    # an alarm out.
    found = flag_alarms(settings(ALARM_NAME_PATTERN="^(?P<flag>.+)$"), only_alarm=False)
    assert found == [FlagAlarm("kept", "OK", "kept")]


def test_a_failed_lookup_names_describe_alarms(monkeypatch: pytest.MonkeyPatch):
    CloudWatch(monkeypatch, {"Error": {"Code": "Throttling", "Message": "Rate exceeded"}})
    with pytest.raises(TransientError) as raised:
        flags_in_alarm(settings())
    assert (raised.value.code, raised.value.message) == (
        "aws_unavailable",
        "DescribeAlarms failed: Throttling: Rate exceeded",
    )


def test_the_name_prefix_is_the_literal_start_of_the_pattern(monkeypatch: pytest.MonkeyPatch):
    cloudwatch = CloudWatch(monkeypatch, {})
    pattern = re.escape("shop.flags-") + "(?P<flag>.+)"
    assert flag_alarms(settings(ALARM_NAME_PATTERN=f"^{pattern}"), only_alarm=False) == []
    assert cloudwatch.requests[0]["AlarmNamePrefix"] == "shop"
