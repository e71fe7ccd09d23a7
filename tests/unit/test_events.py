"""Event parsing: SNS (any number of records), EventBridge, direct; never a crash."""

from __future__ import annotations

import json

import pytest
from flag_rollback.events import (
    AlarmChange,
    DirectRequest,
    Rejected,
    parse_event,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.events import alarm_message, eventbridge_event, sns_event


def test_sns_event_with_many_records_yields_one_change_per_record():
    event = sns_event(
        alarm_message("FeatureFlag-checkout-ErrorRate", "ALARM"),
        alarm_message("FeatureFlag-search-ErrorRate", "OK"),
        alarm_message("FeatureFlag-cart-ErrorRate", "INSUFFICIENT_DATA"),
    )
    items = parse_event(event)
    assert [type(item) for item in items] == [AlarmChange] * 3
    assert [(i.alarm_name, i.new_state) for i in items if isinstance(i, AlarmChange)] == [
        ("FeatureFlag-checkout-ErrorRate", "ALARM"),
        ("FeatureFlag-search-ErrorRate", "OK"),
        ("FeatureFlag-cart-ErrorRate", "INSUFFICIENT_DATA"),
    ]
    first = items[0]
    assert isinstance(first, AlarmChange)
    assert first.source == "sns"
    assert first.old_state == "OK"
    assert first.reason.startswith("Threshold Crossed")


def test_a_bad_sns_record_is_rejected_without_losing_the_good_ones():
    event = sns_event(alarm_message("FeatureFlag-checkout-ErrorRate", "ALARM"))
    event["Records"].append({"EventSource": "aws:sns", "Sns": {"Message": "not json"}})
    event["Records"].append({"EventSource": "aws:sns", "Sns": {"Message": json.dumps([1])}})
    event["Records"].append("garbage")
    items = parse_event(event)
    assert isinstance(items[0], AlarmChange)
    assert all(isinstance(item, Rejected) for item in items[1:])
    assert len(items) == 4


def test_eventbridge_alarm_state_change_is_parsed():
    (item,) = parse_event(eventbridge_event("FeatureFlag-checkout-ErrorRate", "ALARM"))
    assert isinstance(item, AlarmChange)
    assert item.source == "eventbridge"
    assert item.alarm_name == "FeatureFlag-checkout-ErrorRate"
    assert item.new_state == "ALARM"
    assert item.old_state == "OK"
    assert item.changed_at == "2026-11-23T10:00:00.000+0000"


def test_eventbridge_event_of_another_type_is_rejected():
    event = eventbridge_event("FeatureFlag-x-ErrorRate", "ALARM") | {"detail-type": "EC2 State"}
    (item,) = parse_event(event)
    assert isinstance(item, Rejected)


def test_direct_invocation_is_parsed_with_defaults():
    (item,) = parse_event({"action": "restore", "flag": "checkout"})
    assert item == DirectRequest("restore", "checkout", "manual restore", False)
    (item,) = parse_event({"action": "rollback", "flag": "a", "reason": "bad", "force": True})
    assert item == DirectRequest("rollback", "a", "bad", True)


def test_direct_invocation_with_bad_fields_is_rejected_with_a_reason():
    for event in [
        {"action": "delete", "flag": "a"},
        {"action": "rollback"},
        {"action": "rollback", "flag": ""},
        {"action": "rollback", "flag": 7},
        {"action": "rollback", "flag": "a\x00b"},
        {"action": "rollback", "flag": "a" * 300},
        {"action": "restore", "flag": "a", "force": "yes"},
        {"action": "restore", "flag": "a", "reason": ["x"]},
    ]:
        (item,) = parse_event(event)
        assert isinstance(item, Rejected), event
        assert item.reason


def test_events_of_no_known_shape_are_rejected():
    for event in [None, [], "text", 3, {}, {"Records": []}, {"Records": "x"}, {"foo": 1}]:
        items = parse_event(event)
        assert len(items) == 1
        assert isinstance(items[0], Rejected)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=20,
)
keys = st.sampled_from(
    ["Records", "action", "flag", "force", "reason", "detail", "detail-type", "source", "Sns"]
)
loose_events = st.dictionaries(keys | st.text(max_size=8), json_values, max_size=6)
alarm_like = st.fixed_dictionaries(
    {},
    optional={
        "AlarmName": json_values | st.text(),
        "NewStateValue": st.sampled_from(["ALARM", "OK", "INSUFFICIENT_DATA", "x"]) | json_values,
        "OldStateValue": json_values,
        "NewStateReason": json_values,
        "StateChangeTime": json_values,
    },
)
sns_like = st.lists(
    st.fixed_dictionaries(
        {
            "EventSource": st.just("aws:sns"),
            "Sns": st.fixed_dictionaries({"Message": alarm_like.map(json.dumps)}),
        }
    )
    | json_values,
    max_size=5,
).map(lambda records: {"Records": records})


@settings(max_examples=150, deadline=None)
@given(event=json_values | loose_events | sns_like)
def test_parser_never_raises_and_returns_only_typed_items(event):
    items = parse_event(event)
    assert items
    for item in items:
        assert isinstance(item, AlarmChange | DirectRequest | Rejected)
        if isinstance(item, AlarmChange):
            assert item.new_state in {"ALARM", "OK", "INSUFFICIENT_DATA"}
            assert isinstance(item.alarm_name, str)
            assert item.alarm_name
        if isinstance(item, DirectRequest):
            assert item.action in {"rollback", "restore", "status"}
            assert isinstance(item.force, bool)


def sns_record(message: object) -> dict:
    (record,) = sns_event({})["Records"]
    record["Sns"]["Message"] = message if isinstance(message, str) else json.dumps(message)
    return record


NO_MESSAGE = "record has no Sns.Message string"


@pytest.mark.parametrize(
    ("event", "rejected"),
    [
        (None, Rejected("unknown", "event is not a JSON object")),
        (
            {"foo": 1},
            Rejected("unknown", "event is neither SNS, EventBridge nor a direct invocation"),
        ),
        ({"Records": []}, Rejected("sns", "event has no Records")),
        ({"Records": {"a": 1}}, Rejected("sns", "event has no Records")),
        ({"Records": ["x"]}, Rejected("sns", "record is not an SNS notification")),
        (
            {"Records": [sns_record({}) | {"EventSource": "aws:sqs"}]},
            Rejected("sns", "record is not an SNS notification"),
        ),
        (
            {"Records": [{"Sns": {"Message": 3}}]},
            Rejected("sns", "record has no Sns.Message string"),
        ),
        ({"Records": [{"Sns": "x"}]}, Rejected("sns", "record has no Sns.Message string")),
        ({"Records": [sns_record("{oops")]}, Rejected("sns", "Sns.Message is not JSON")),
        ({"Records": [sns_record([1])]}, Rejected("sns", "Sns.Message is not a JSON object")),
        (
            eventbridge_event("FeatureFlag-x-ErrorRate", "ALARM") | {"detail-type": "EC2 State"},
            Rejected("eventbridge", "event is not a CloudWatch Alarm State Change"),
        ),
        (
            {"source": "aws.cloudwatch", "detail-type": "CloudWatch Alarm State Change"},
            Rejected("eventbridge", "event is not a CloudWatch Alarm State Change"),
        ),
        (
            {"detail-type": "EC2 Instance State-change Notification", "action": "rollback"},
            Rejected("eventbridge", "event is not a CloudWatch Alarm State Change"),
        ),
        (
            {"source": "aws.cloudwatch", "action": "rollback"},
            Rejected("eventbridge", "event is not a CloudWatch Alarm State Change"),
        ),
    ],
)
def test_each_refused_event_names_its_source_and_what_is_wrong(event, rejected):
    assert parse_event(event) == [rejected]


def test_an_sns_record_without_an_event_source_is_still_read():
    record = sns_record(alarm_message("FeatureFlag-x-ErrorRate", "ALARM"))
    del record["EventSource"]
    (item,) = parse_event({"Records": [record]})
    assert isinstance(item, AlarmChange)
    assert (item.alarm_name, item.new_state) == ("FeatureFlag-x-ErrorRate", "ALARM")


def test_an_sns_alarm_change_keeps_every_field_cloudwatch_sent():
    message = alarm_message("FeatureFlag-x-ErrorRate", "ALARM", old="INSUFFICIENT_DATA")
    assert parse_event(sns_event(message)) == [
        AlarmChange(
            source="sns",
            alarm_name="FeatureFlag-x-ErrorRate",
            new_state="ALARM",
            old_state="INSUFFICIENT_DATA",
            reason="Threshold Crossed: 1 datapoint [12.0] was greater than the threshold.",
            changed_at="2026-11-23T10:00:00.000+0000",
        )
    ]


def test_an_eventbridge_change_without_a_state_time_takes_the_event_time():
    event = eventbridge_event("FeatureFlag-x-ErrorRate", "OK", old="ALARM")
    del event["detail"]["state"]["timestamp"]
    assert parse_event(event) == [
        AlarmChange(
            source="eventbridge",
            alarm_name="FeatureFlag-x-ErrorRate",
            new_state="OK",
            old_state="ALARM",
            reason="Threshold Crossed",
            changed_at="2026-11-23T10:00:00Z",
        )
    ]
