"""Requests the parsers refuse: each refusal says what is wrong and which parser refused it.

The rejection's source and reason reach the caller's result, the log line and the
notification, so an operator who typed a bad request reads exactly what to fix.
"""

from __future__ import annotations

import pytest
from flag_rollback.events import AlarmChange, DirectRequest, Rejected, parse_event

from tests.events import alarm_message, eventbridge_event, sns_event


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        (
            {"action": "delete", "flag": "a"},
            "action must be one of rollback, restore, status, holds",
        ),
        ({"flag": "a", "action": None}, "action must be one of rollback, restore, status, holds"),
        ({"action": "rollback"}, "flag must be a non-empty string of at most 256"),
        ({"action": "status", "flag": "  "}, "flag must be a non-empty string of at most 256"),
        ({"action": "restore", "flag": "a", "force": "yes"}, "force must be true or false"),
        ({"action": "restore", "flag": "a", "force": 1}, "force must be true or false"),
        ({"action": "rollback", "flag": "a", "reason": ["x"]}, "reason must be a string"),
        ({"action": "rollback", "flag": "a", "reason": 3}, "reason must be a string"),
    ],
)
def test_a_bad_direct_request_is_rejected_naming_the_field(event: dict, reason: str):
    assert parse_event(event) == [Rejected("direct", reason)]


def test_listing_holds_needs_no_flag_and_ignores_the_other_fields():
    expected = [DirectRequest("holds", "", "list holds", False)]
    assert parse_event({"action": "holds"}) == expected
    assert parse_event({"action": "holds", "flag": "x", "force": True, "reason": 5}) == expected


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_missing_or_blank_reason_becomes_the_default_one(reason: str | None):
    event: dict = {"action": "restore", "flag": "a"}
    if reason != "":
        event["reason"] = reason
    assert parse_event(event) == [DirectRequest("restore", "a", "manual restore", False)]


NOT_AN_ALARM = "not a CloudWatch alarm state change (no alarm name or state)"


@pytest.mark.parametrize(
    "change",
    [{"AlarmName": None}, {"AlarmName": ""}, {"NewStateValue": "FIRING"}, {"NewStateValue": None}],
)
def test_an_alarm_message_without_name_or_state_is_rejected_by_its_source(change: dict):
    message = alarm_message("FeatureFlag-x-ErrorRate", "ALARM") | change
    assert parse_event(sns_event(message)) == [Rejected("sns", NOT_AN_ALARM)]
    event = eventbridge_event("FeatureFlag-x-ErrorRate", "ALARM")
    event["detail"]["alarmName"] = message["AlarmName"]
    event["detail"]["state"]["value"] = message["NewStateValue"]
    assert parse_event(event) == [Rejected("eventbridge", NOT_AN_ALARM)]


def test_an_alarm_message_without_reason_or_time_has_an_empty_reason_and_no_time():
    message = alarm_message("FeatureFlag-x-ErrorRate", "ALARM")
    message |= {"NewStateReason": None, "StateChangeTime": 1_700_000_000}
    (item,) = parse_event(sns_event(message))
    assert isinstance(item, AlarmChange)
    assert (item.reason, item.changed_at) == ("", None)
