"""No exception escapes unclassified, and no failed notification is lost silently.

Faults are injected at botocore's before-send on every request of the function's clients,
Publish included: connection and read timeouts, 5xx answers whose body is neither XML,
JSON nor CBOR, and answers lost (or unreadable) after AWS applied the request.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flag_rollback import notify
from flag_rollback.errors import RollbackError, TransientError
from flag_rollback.handler import handler
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.events import FREEFORM_DOC, alarm_message, sns_event
from tests.functional.faults import Faults
from tests.functional.world import World, build_world

pytestmark = pytest.mark.usefixtures("instant_botocore_backoff", "fast_retries")

FUNCTION = "flag-rollback-test"
TRANSIENT = ["throttling", "5xx", "timeout", "connect-timeout", "5xx-text", "5xx-binary"]
CHAOS = [
    "timeout",
    "connect-timeout",
    "5xx",
    "5xx-text",
    "5xx-binary",
    "lost-response",
    "applied-unreadable",
]


def lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def decisions(records: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [record for record in records if record.get("decision") == name]


def notification_failures(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [record for record in records if "NotificationFailed" in record]


@pytest.fixture
def named(world: World) -> World:
    world.configure(AWS_LAMBDA_FUNCTION_NAME=FUNCTION)
    return world


@pytest.mark.parametrize("kind", TRANSIENT)
def test_failed_notification_after_a_rollback_is_retried_counted_and_logged(
    named: World, faults: Faults, kind: str, capsys: pytest.CaptureFixture[str]
):
    calls = faults.count_calls()
    faults.inject("sns", "Publish", kind)
    (outcome,) = named.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    assert named.deployed()["flags"]["checkout"]["enabled"] is False
    assert named.notifications() == []
    assert calls.count("Publish") == 3  # the first attempt and two retries, then it gives up
    records = lines(capsys)
    assert [r["attempt"] for r in decisions(records, "notification_retry")] == [1, 2]
    (failed,) = decisions(records, "notification_failed")
    assert (failed["level"], failed["outcome"], failed["attempt"]) == ("ERROR", "rolled_back", 3)
    (metric,) = notification_failures(records)
    (directive,) = metric["_aws"]["CloudWatchMetrics"]
    assert directive["Dimensions"] == [["FunctionName"]]
    assert directive["Metrics"] == [{"Name": "NotificationFailed", "Unit": "Count"}]
    assert (metric["FunctionName"], metric["NotificationFailed"]) == (FUNCTION, 1)


def test_notification_rejected_by_sns_is_counted_without_retrying(
    named: World, faults: Faults, capsys: pytest.CaptureFixture[str]
):
    calls = faults.count_calls()
    faults.inject("sns", "Publish", "bad-request")
    (outcome,) = named.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    assert calls.count("Publish") == 1
    records = lines(capsys)
    assert decisions(records, "notification_retry") == []
    assert decisions(records, "notification_failed")[0]["error"] == "aws_rejected"
    assert len(notification_failures(records)) == 1


def test_notification_that_recovers_on_a_retry_is_delivered_and_not_counted(
    named: World, faults: Faults, capsys: pytest.CaptureFixture[str]
):
    faults.inject("sns", "Publish", "5xx", times=3)  # all three of botocore's attempts
    (outcome,) = named.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    (note,) = named.notifications()
    assert note["Document"]["outcome"] == "rolled_back"
    records = lines(capsys)
    assert len(decisions(records, "notification_retry")) == 1
    assert decisions(records, "notification_failed") == []
    assert notification_failures(records) == []


def test_notification_retries_stop_at_the_deadline(
    named: World, faults: Faults, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(notify, "RETRY_DELAYS_S", (30.0, 30.0))  # longer than the time left
    calls = faults.count_calls()
    faults.inject("sns", "Publish", "5xx")

    class Context:
        def get_remaining_time_in_millis(self) -> int:
            return 10_000

    event = sns_event(alarm_message("FeatureFlag-checkout-ErrorRate", "ALARM"))
    (outcome,) = handler(event, Context())["results"]
    assert outcome["outcome"] == "rolled_back"
    assert calls.count("Publish") == 1  # no retry could finish in time


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_faults_on_every_call_leave_only_the_functions_own_errors(
    emulator: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    data: st.DataObject,
):
    world = build_world(monkeypatch, FREEFORM_DOC)
    world.configure(AWS_LAMBDA_FUNCTION_NAME=FUNCTION)
    world.notifications()  # the queue is shared by every example: start empty
    capsys.readouterr()
    faults = Faults()
    kinds = st.sampled_from([None, None, None, *CHAOS])
    injected = faults.chaos(lambda operation: data.draw(kinds, label=operation))
    try:
        (outcome,) = world.alarm("checkout")["results"]
    except RollbackError:
        outcome = None  # raised for Lambda's retry: one of the function's own types
    records = lines(capsys)
    # Every given-up notification is logged and counted, one metric line each.
    assert len(decisions(records, "notification_failed")) == len(notification_failures(records))
    if outcome is not None and outcome["outcome"] == "rolled_back":
        delivered = [n["Document"]["outcome"] for n in world.notifications()]
        assert "rolled_back" in delivered or notification_failures(records), injected


@pytest.mark.parametrize("operation", ["CreateHostedConfigurationVersion", "StartDeployment"])
def test_a_write_applied_but_answered_unreadably_is_transient_and_the_retry_converges(
    world: World, faults: Faults, operation: str
):
    faults.inject("appconfig", operation, "applied-unreadable", times=1)
    with pytest.raises(TransientError) as raised:
        world.alarm("checkout")
    assert raised.value.code == "aws_unreadable"
    world.wait_idle()
    (outcome,) = world.alarm("checkout")["results"]  # Lambda's retry of the same event
    assert outcome["outcome"] in {"rolled_back", "no_change"}
    assert world.deployed()["flags"]["checkout"]["enabled"] is False
    assert len(world.deployments()) == 2  # the initial one and exactly one rollback
