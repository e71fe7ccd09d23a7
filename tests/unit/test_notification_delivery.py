"""Publishing a notification: retried when SNS may take it later, logged and counted when not.

SNS is replaced by a stand-in that answers each Publish with the next of a list of
answers (an AWS error or success), so every path of the retry loop is seen exactly: the
requests sent, the pauses between them, the log lines and the NotificationFailed metric.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError
from flag_rollback import clients, notify
from flag_rollback.errors import PermanentError
from flag_rollback.notify import Notification
from flag_rollback.settings import Settings, load_settings

TOPIC = "arn:aws:sns:us-east-1:123456789012:flag-rollback"
THROTTLED = ClientError({"Error": {"Code": "Throttling", "Message": "Rate exceeded"}}, "Publish")
REFUSED = ClientError(
    {"Error": {"Code": "InvalidParameter", "Message": "Invalid parameter: Message"}}, "Publish"
)


def settings() -> Settings:
    return load_settings(
        {
            "APPCONFIG_APPLICATION_ID": "abc1234",
            "APPCONFIG_ENVIRONMENT_ID": "env0001",
            "APPCONFIG_CONFIGURATION_PROFILE_ID": "prof001",
            "NOTIFICATION_TOPIC_ARN": TOPIC,
            "AWS_LAMBDA_FUNCTION_NAME": "shop-flag-rollback",
        }
    )


NOTE = Notification(
    action="rollback",
    outcome="rolled_back",
    flags=("checkout",),
    alarm="FeatureFlag-checkout-ErrorRate",
    reason="Threshold Crossed",
    old_version=3,
    new_version=4,
    deployment_number=2,
    dry_run=False,
    occurred_at="2026-11-23T10:00:00Z",
    application_id="abc1234",
    environment_id="env0001",
    configuration_profile_id="prof001",
)


class StandInSNS:
    """Answers each Publish with the next answer: an exception to raise, or None (success)."""

    def __init__(self, answers: list[Exception | None]) -> None:
        self.answers = answers
        self.requests: list[dict[str, Any]] = []

    def publish(self, **request: Any) -> dict[str, str]:
        self.requests.append(request)
        if not self.answers:  # one call too many: end the loop (already classified errors
            # pass through unchanged), and the test sees the extra request
            raise PermanentError("unexpected_call", "Publish called once too often")
        answer = self.answers.pop(0)
        if answer is not None:
            raise answer
        return {"MessageId": "m-1"}


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    return slept


def stand_in(monkeypatch: pytest.MonkeyPatch, *answers: Exception | None) -> StandInSNS:
    sns = StandInSNS(list(answers))
    monkeypatch.setattr(clients, "sns", lambda: sns)
    return sns


def records(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """The lines printed, without the clock's fields."""
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    for line in lines:
        for key in ("time", "timestamp"):
            line.pop(key, None)
        line.get("_aws", {}).pop("Timestamp", None)
    return lines


def retry(attempt: int) -> dict[str, Any]:
    return {
        "level": "WARN",
        "decision": "notification_retry",
        "outcome": "rolled_back",
        "attempt": attempt,
        "error": "aws_unavailable",
        "message": "Publish failed: Throttling: Rate exceeded",
    }


NOTIFICATION_FAILED_METRIC = {
    "level": "FATAL",
    "_aws": {
        "CloudWatchMetrics": [
            {
                "Namespace": "FeatureFlags",
                "Dimensions": [["FunctionName"]],
                "Metrics": [{"Name": "NotificationFailed", "Unit": "Count"}],
            }
        ]
    },
    "FunctionName": "shop-flag-rollback",
    "NotificationFailed": 1,
}


def test_a_notification_sns_keeps_failing_is_tried_three_times_then_logged_and_counted(
    monkeypatch: pytest.MonkeyPatch, pauses: list[float], capsys: pytest.CaptureFixture[str]
):
    sns = stand_in(monkeypatch, THROTTLED, THROTTLED, THROTTLED)
    assert notify.publish(settings(), NOTE) is False
    assert sns.requests == [notify.build_publish(TOPIC, NOTE)] * 3
    assert records(capsys) == [
        retry(1),
        retry(2),
        {
            "level": "ERROR",
            "decision": "notification_failed",
            "outcome": "rolled_back",
            "attempt": 3,
            "error": "aws_unavailable",
            "message": "Publish failed: Throttling: Rate exceeded",
        },
        NOTIFICATION_FAILED_METRIC,
    ]
    # A jittered pause before each retry: half to all of 0.5 s, then of 1.5 s.
    assert len(pauses) == 2
    assert 0.25 <= pauses[0] <= 0.5
    assert 0.75 <= pauses[1] <= 1.5


def test_every_pause_stays_within_its_jitter_range(
    monkeypatch: pytest.MonkeyPatch, pauses: list[float], capsys: pytest.CaptureFixture[str]
):
    for _ in range(40):
        stand_in(monkeypatch, THROTTLED, THROTTLED, THROTTLED)
        notify.publish(settings(), NOTE)
    capsys.readouterr()
    firsts, seconds = pauses[0::2], pauses[1::2]
    assert all(0.25 <= pause <= 0.5 for pause in firsts)
    assert all(0.75 <= pause <= 1.5 for pause in seconds)


def test_a_notification_that_gets_through_on_a_retry_is_delivered_once(
    monkeypatch: pytest.MonkeyPatch, pauses: list[float], capsys: pytest.CaptureFixture[str]
):
    sns = stand_in(monkeypatch, THROTTLED, None)
    assert notify.publish(settings(), NOTE) is True
    assert len(sns.requests) == 2
    assert records(capsys) == [retry(1)]
    assert len(pauses) == 1


def test_a_notification_sns_refuses_is_not_retried(
    monkeypatch: pytest.MonkeyPatch, pauses: list[float], capsys: pytest.CaptureFixture[str]
):
    sns = stand_in(monkeypatch, REFUSED)
    assert notify.publish(settings(), NOTE) is False
    assert len(sns.requests) == 1
    assert pauses == []
    assert records(capsys) == [
        {
            "level": "ERROR",
            "decision": "notification_failed",
            "outcome": "rolled_back",
            "attempt": 1,
            "error": "aws_rejected",
            "message": "Publish failed: InvalidParameter: Invalid parameter: Message",
        },
        NOTIFICATION_FAILED_METRIC,
    ]


def test_no_retry_is_started_that_could_not_end_before_the_deadline(
    monkeypatch: pytest.MonkeyPatch, pauses: list[float], capsys: pytest.CaptureFixture[str]
):
    sns = stand_in(monkeypatch, THROTTLED, None)
    assert notify.publish(settings(), NOTE, deadline=time.monotonic() + 0.2) is False
    assert len(sns.requests) == 1
    assert pauses == []
    (failed, metric) = records(capsys)
    assert (failed["decision"], failed["attempt"], metric) == (
        "notification_failed",
        1,
        NOTIFICATION_FAILED_METRIC,
    )


def test_a_retry_that_ends_before_the_deadline_is_made(
    monkeypatch: pytest.MonkeyPatch, pauses: list[float], capsys: pytest.CaptureFixture[str]
):
    sns = stand_in(monkeypatch, THROTTLED, None)
    assert notify.publish(settings(), NOTE, deadline=time.monotonic() + 60) is True
    assert len(sns.requests) == 2
    assert records(capsys) == [retry(1)]


def test_a_retry_whose_pause_ends_exactly_at_the_deadline_is_made(
    monkeypatch: pytest.MonkeyPatch, pauses: list[float], capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setattr(notify.random, "uniform", lambda low, high: high)  # no jitter: 0.5 s
    monkeypatch.setattr(notify.time, "monotonic", lambda: 1000.0)
    stand_in(monkeypatch, THROTTLED, None)
    assert notify.publish(settings(), NOTE, deadline=1000.5) is True  # ends on the dot
    assert pauses == [0.5]
    assert records(capsys) == [retry(1)]

    stand_in(monkeypatch, THROTTLED, None)
    assert notify.publish(settings(), NOTE, deadline=1000.499) is False  # a moment too late
    assert pauses == [0.5]
