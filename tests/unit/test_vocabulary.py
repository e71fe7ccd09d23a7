"""The closed vocabularies: one definition each, and every value has its place."""

from __future__ import annotations

from typing import get_args

from flag_rollback import notify
from flag_rollback.events import parse_direct
from flag_rollback.vocabulary import (
    ACTIONS,
    ALARM_STATES,
    FAILED_OUTCOMES,
    NOTIFIED_OUTCOMES,
    OUTCOMES,
    Mode,
    ResultAction,
    result_decision,
)


def test_every_outcome_has_a_notification_headline():
    assert set(notify._HEADLINES) == set(OUTCOMES)


def test_outcome_subsets_are_outcomes():
    assert FAILED_OUTCOMES <= NOTIFIED_OUTCOMES <= set(OUTCOMES)


def test_modes_and_actions_are_result_actions():
    assert set(get_args(Mode)) < set(ACTIONS) < set(get_args(ResultAction))


def test_every_action_and_only_those_is_accepted_directly():
    for action in ACTIONS:
        (item,) = parse_direct({"action": action, "flag": "checkout"})
        assert getattr(item, "action", None) == action
    (rejected,) = parse_direct({"action": "delete", "flag": "checkout"})
    assert rejected.reason == "action must be one of rollback, restore, status, holds"


def test_alarm_states_are_cloudwatchs_three():
    assert ALARM_STATES == ("ALARM", "OK", "INSUFFICIENT_DATA")


def test_a_result_decision_joins_action_and_outcome():
    assert result_decision("rollback", "rolled_back") == "rollback_rolled_back"
    assert result_decision("event", "rejected") == "event_rejected"
