"""Each length limit of the event parsers, exactly at it and one over it.

A direct request names a flag of at most MAX_FLAG_LENGTH (256) characters; reasons are cut
to MAX_REASON_LENGTH (1000); an alarm name is kept whole up to a longest flag plus 255
characters of pattern around it (CloudWatch's AlarmName is itself at most 255).
"""

from __future__ import annotations

import pytest
from flag_rollback.events import (
    MAX_FLAG_LENGTH,
    MAX_REASON_LENGTH,
    AlarmChange,
    DirectRequest,
    Rejected,
    parse_event,
)

from tests.events import alarm_message, eventbridge_event, sns_event

LONGEST_ALARM_NAME = MAX_FLAG_LENGTH + 255


def test_the_limits_are_the_documented_ones():
    assert (MAX_FLAG_LENGTH, MAX_REASON_LENGTH, LONGEST_ALARM_NAME) == (256, 1000, 511)


@pytest.mark.parametrize("action", ["rollback", "restore", "status"])
def test_a_flag_name_of_exactly_256_characters_is_accepted(action: str):
    (item,) = parse_event({"action": action, "flag": "f" * MAX_FLAG_LENGTH})
    assert isinstance(item, DirectRequest)
    assert item.flag == "f" * MAX_FLAG_LENGTH


@pytest.mark.parametrize("length", [MAX_FLAG_LENGTH + 1, MAX_FLAG_LENGTH + 2, 10_000])
def test_a_flag_name_over_256_characters_is_rejected_not_cut(length: int):
    (item,) = parse_event({"action": "rollback", "flag": "f" * length})
    assert isinstance(item, Rejected)
    assert item.reason == "flag must be a non-empty string of at most 256"


@pytest.mark.parametrize(
    ("length", "kept"),
    [(999, 999), (1000, 1000), (1001, 1000), (5000, 1000)],
)
def test_a_direct_reason_is_kept_up_to_1000_characters_then_cut(length: int, kept: int):
    reason = "".join(chr(ord("a") + index % 26) for index in range(length))
    (item,) = parse_event({"action": "rollback", "flag": "f", "reason": reason})
    assert isinstance(item, DirectRequest)
    assert item.reason == reason[:kept]


@pytest.mark.parametrize(("length", "kept"), [(1000, 1000), (1001, 1000)])
def test_an_alarm_reason_is_kept_up_to_1000_characters_then_cut(length: int, kept: int):
    reason = "r" * (length - 1) + "!"
    for event in (
        sns_event(alarm_message("FeatureFlag-x-ErrorRate", "ALARM") | {"NewStateReason": reason}),
        _eventbridge_with_reason(reason),
    ):
        (item,) = parse_event(event)
        assert isinstance(item, AlarmChange)
        assert item.reason == reason[:kept]


def _eventbridge_with_reason(reason: str) -> dict:
    event = eventbridge_event("FeatureFlag-x-ErrorRate", "ALARM")
    event["detail"]["state"]["reason"] = reason
    return event


@pytest.mark.parametrize(
    ("length", "kept"),
    [(255, 255), (LONGEST_ALARM_NAME, LONGEST_ALARM_NAME), (LONGEST_ALARM_NAME + 1, 511)],
)
def test_alarm_names_are_kept_whole_up_to_the_longest_flag_plus_its_pattern(length: int, kept: int):
    name = "FeatureFlag-" + "n" * (length - len("FeatureFlag-") - 1) + "!"
    for event in (sns_event(alarm_message(name, "ALARM")), eventbridge_event(name, "ALARM")):
        (item,) = parse_event(event)
        assert isinstance(item, AlarmChange)
        assert item.alarm_name == name[:kept]
        assert len(item.alarm_name) == kept
