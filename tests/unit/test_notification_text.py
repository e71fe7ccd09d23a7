"""What a notification says, word for word: subject, email body, JSON document, attributes.

Operators read the email; machines subscribed to the topic parse the JSON document and
filter on the attributes. These tests pin the text a person reads for each kind of
decision and the exact document and attributes a subscriber gets.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from flag_rollback import notify
from flag_rollback.foreign import StoppedRollout

from tests.unit.test_notify import note

TOPIC = "arn:aws:sns:us-east-1:123456789012:flag-rollback"
STATUS = (
    "aws lambda invoke --function-name '<function-name>' --cli-binary-format raw-in-base64-out"
    """ --payload '{"action": "status", "flag": "%s"}' /dev/stdout"""
)


def message_of(request) -> dict:
    return json.loads(request["Message"])


@pytest.mark.parametrize(
    ("outcome", "action", "headline"),
    [
        ("rolled_back", "rollback", "Rolled back a, b"),
        ("restored", "restore", "Restored a, b"),
        ("no_change", "rollback", "No change needed for a, b"),
        ("dry_run", "rollback", "DRY RUN: would change a, b"),
        ("refused", "restore", "Refused to restore a, b"),
        ("failed", "restore", "FAILED restore of a, b"),
        ("rejected", "event", "Rejected an event it cannot act on"),
        ("ignored", "rollback", "Ignored an alarm change for a, b"),
        ("status", "status", "Status of a, b"),
        ("holds", "holds", "Held flags: a, b"),
        ("refused_deployment", "guard", "Refused a change that turns held a, b back on"),
        ("kept_disabled", "guard", "Kept held a, b disabled in a new change"),
    ],
)
def test_each_outcome_has_its_own_subject(outcome: str, action: str, headline: str):
    assert notify.subject(note(outcome=outcome, action=action, flags=("a", "b"))) == (
        f"[flag-rollback] {headline}"
    )


def test_a_subject_without_flags_says_so():
    assert notify.subject(note(flags=())) == "[flag-rollback] Rolled back unknown flag"


def test_a_rollback_email_says_what_happened_and_what_to_do_next():
    text = notify.email_text(note(hold_note="held after 3 rollbacks in 1 hour"))
    assert text == (
        "[flag-rollback] Rolled back checkout\n"
        "\n"
        "Outcome:        rolled_back\n"
        "Action:         rollback\n"
        "Flags:          checkout\n"
        "Alarm:          FeatureFlag-checkout-ErrorRate\n"
        "Reason:         Threshold Crossed\n"
        "Versions:       3 -> 4\n"
        "Deployment:     2\n"
        "AppConfig:      application abc1234, environment env0001, profile prof001\n"
        "Time (UTC):     2026-11-23T10:00:00Z\n"
        "\n"
        "Hold:           held after 3 rollbacks in 1 hour\n"
        "\n"
        "To restore checkout once the cause is fixed:\n"
        "  aws lambda invoke --function-name '<function-name>' --cli-binary-format"
        " raw-in-base64-out --payload"
        """ '{"action": "restore", "flag": "checkout", "reason": "describe the fix"}'"""
        " /dev/stdout\n"
        "\n"
        "To see the state of checkout:\n"
        f"  {STATUS % 'checkout'}\n"
    )


def test_an_email_about_nothing_in_particular_shows_dashes():
    text = notify.email_text(
        note(
            action="event",
            outcome="rejected",
            flags=(),
            alarm=None,
            reason="",
            old_version=None,
            new_version=None,
            deployment_number=None,
            dry_run=True,
        )
    )
    assert text == (
        "[flag-rollback] Rejected an event it cannot act on\n"
        "\n"
        "Outcome:        rejected (dry run: nothing was written)\n"
        "Action:         event\n"
        "Flags:          -\n"
        "Alarm:          -\n"
        "Reason:         -\n"
        "Versions:       - -> -\n"
        "Deployment:     -\n"
        "AppConfig:      application abc1234, environment env0001, profile prof001\n"
        "Time (UTC):     2026-11-23T10:00:00Z\n"
    )


@pytest.mark.parametrize(
    ("will_retry", "next_line"),
    [
        (True, "The event will be retried by Lambda; check the function's failure destination."),
        (False, "Nothing was changed. A person should look at this."),
    ],
)
def test_a_failure_email_gives_the_error_and_whether_the_event_is_retried(
    will_retry: bool, next_line: str
):
    text = notify.email_text(
        note(
            action="restore",
            outcome="failed",
            new_version=None,
            deployment_number=None,
            error_code="aws_unavailable",
            error_message="StartDeployment failed: Throttling: slow down",
            will_retry=will_retry,
        )
    )
    assert text == (
        "[flag-rollback] FAILED restore of checkout\n"
        "\n"
        "Outcome:        failed\n"
        "Action:         restore\n"
        "Flags:          checkout\n"
        "Alarm:          FeatureFlag-checkout-ErrorRate\n"
        "Reason:         Threshold Crossed\n"
        "Versions:       3 -> -\n"
        "Deployment:     -\n"
        "AppConfig:      application abc1234, environment env0001, profile prof001\n"
        "Time (UTC):     2026-11-23T10:00:00Z\n"
        "\n"
        "Error:          aws_unavailable: StartDeployment failed: Throttling: slow down\n"
        f"{next_line}\n"
        "\n"
        f"To see the state of checkout:\n  {STATUS % 'checkout'}\n"
    )


def test_an_email_links_every_alarm_of_the_notification():
    text = notify.email_text(
        note(
            outcome="no_change",
            flags=("a", "b"),
            alarm="FeatureFlag-a-ErrorRate, FeatureFlag-b-ErrorRate",
            region="eu-west-1",
        )
    )
    assert "\nFlags:          a, b\n" in text
    console = text[text.index("Console:") :]
    assert console == (
        "Console:\n"
        "  Alarm FeatureFlag-a-ErrorRate: https://eu-west-1.console.aws.amazon.com/cloudwatch"
        "/home?region=eu-west-1#alarmsV2:alarm/FeatureFlag-a-ErrorRate\n"
        "  Alarm FeatureFlag-b-ErrorRate: https://eu-west-1.console.aws.amazon.com/cloudwatch"
        "/home?region=eu-west-1#alarmsV2:alarm/FeatureFlag-b-ErrorRate\n"
        "  AppConfig environment: https://eu-west-1.console.aws.amazon.com/systems-manager"
        "/appconfig/applications/abc1234/environments/env0001?region=eu-west-1\n"
    )
    assert "To restore" not in text


def test_an_email_tells_of_each_other_rollout_stopped_for_the_rollback():
    stopped = StoppedRollout(
        7, "prof002", "payments", "12", "AppConfig.Linear50", "BAKING", restart_error="busy"
    )
    restarted = StoppedRollout(
        8, "prof003", "", "3", "strat01", "DEPLOYING", description="d", restarted_as=9
    )
    text = notify.email_text(note(preempted_rollouts=(stopped, restarted), region="eu-west-1"))
    assert (
        "Time (UTC):     2026-11-23T10:00:00Z\n"
        "Other rollout:  deployment 7 of profile payments (version 12, strategy"
        " AppConfig.Linear50) was BAKING: stopped so the rollback could deploy; NOT restarted"
        " (busy). Restart it with:\n"
        "  aws appconfig start-deployment --application-id abc1234 --environment-id env0001"
        " --configuration-profile-id prof002 --configuration-version 12"
        " --deployment-strategy-id AppConfig.Linear50 --region eu-west-1\n"
    ) in text
    assert (
        "Other rollout:  deployment 8 of profile prof003 (version 3, strategy strat01) was"
        " DEPLOYING: stopped so the rollback could deploy; restarted with the same version and"
        " strategy as deployment 9 once the rollback was complete.\n"
        "\n"
        "To restore checkout"
    ) in text


def test_the_json_document_has_every_field_of_the_decision():
    stopped = StoppedRollout(7, "prof002", "payments", "12", "AppConfig.Linear50", "BAKING")
    decision = note(
        flags=("checkout", "cart"),
        dry_run=True,
        function_name="fn",
        region="eu-west-1",
        hold_note="held",
        preempted_rollouts=(stopped,),
    )
    request = notify.build_publish(TOPIC, decision)
    message = message_of(request)
    assert set(message) == {
        "default", "email", "email-json", "sqs", "lambda", "http", "https", "firehose",
    }  # fmt: skip
    for protocol in message.keys() - {"email"}:
        assert json.loads(message[protocol]) == {
            "schema_version": 1,
            "source": "flag-rollback",
            "action": "rollback",
            "outcome": "rolled_back",
            "flags": ["checkout", "cart"],
            "alarm": "FeatureFlag-checkout-ErrorRate",
            "reason": "Threshold Crossed",
            "old_version": 3,
            "new_version": 4,
            "deployment_number": 2,
            "dry_run": True,
            "occurred_at": "2026-11-23T10:00:00Z",
            "application_id": "abc1234",
            "environment_id": "env0001",
            "configuration_profile_id": "prof001",
            "error_code": None,
            "error_message": None,
            "will_retry": False,
            "truncated": False,
            "function_name": "fn",
            "region": "eu-west-1",
            "hold_note": "held",
            "preempted_rollouts": [
                {
                    "deployment_number": 7,
                    "profile_id": "prof002",
                    "profile_name": "payments",
                    "version": "12",
                    "strategy_id": "AppConfig.Linear50",
                    "state": "BAKING",
                    "description": "",
                    "restarted_as": None,
                    "restart_error": None,
                }
            ],
        }, protocol
    assert message["email"] == notify.email_text(decision)
    assert request["Subject"] == notify.subject(decision)
    assert (request["TopicArn"], request["MessageStructure"]) == (TOPIC, "json")


def test_non_ascii_text_is_sent_as_it_is_not_escaped():
    request = notify.build_publish(TOPIC, note(reason="caf\u00e9 \u2615"))
    assert '"reason": "caf\u00e9 \u2615"' in message_of(request)["default"]
    assert "caf\u00e9 \u2615" in request["Message"]


@pytest.mark.parametrize(("dry_run", "text"), [(True, "true"), (False, "false")])
def test_the_attributes_a_subscriber_filters_on(dry_run: bool, text: str):
    request = notify.build_publish(TOPIC, note(flags=("a", "b"), dry_run=dry_run))
    assert request["MessageAttributes"] == {
        "action": {"DataType": "String", "StringValue": "rollback"},
        "outcome": {"DataType": "String", "StringValue": "rolled_back"},
        "dry_run": {"DataType": "String", "StringValue": text},
        "schema_version": {"DataType": "Number", "StringValue": "1"},
        "flag": {"DataType": "String", "StringValue": "a"},
        "flags": {"DataType": "String.Array", "StringValue": '["a", "b"]'},
    }


def test_a_fifo_topic_deduplicates_on_the_content_of_the_notification():
    request = notify.build_publish(TOPIC + ".fifo", note())
    body = message_of(request)["default"]
    assert request["MessageGroupId"] == "flag-rollback"
    assert request["MessageDeduplicationId"] == hashlib.sha256(body.encode()).hexdigest()
    other = notify.build_publish(TOPIC + ".fifo", note(new_version=5))
    assert other["MessageDeduplicationId"] != request["MessageDeduplicationId"]


def request_size(request) -> int:
    parts = [request["Message"]]
    for name, value in request["MessageAttributes"].items():
        parts += [name, value["DataType"], value["StringValue"]]
    return sum(len(part.encode("utf-8")) for part in parts)


@pytest.mark.parametrize(
    ("alarm", "error_message"),
    [("A" * 5000, None), (None, "E" * 5000), ("A" * 5000, "E" * 5000)],
)
def test_a_notification_over_the_limit_has_each_long_text_cut_and_absent_ones_left_out(
    alarm: str | None, error_message: str | None
):
    big = note(alarm=alarm, reason="R" * 5000, error_message=error_message)
    size = request_size(notify.build_publish(TOPIC, big))
    fitted = notify.build_publish(TOPIC, big, max_bytes=size - 1)
    document = json.loads(message_of(fitted)["default"])
    assert (document["truncated"], document["flags"]) == (True, ["checkout"])
    texts = {"alarm": alarm, "reason": "R" * 5000, "error_message": error_message}
    for field, text in texts.items():
        if text is None:
            assert document[field] is None, field
        else:
            kept = document[field].removesuffix("...[truncated]")
            assert document[field].endswith("...[truncated]"), field
            assert 0 < len(kept) < len(text), field
            assert text.startswith(kept), field


def test_a_fifo_deduplication_id_covers_text_outside_ascii_as_sent():
    request = notify.build_publish(TOPIC + ".fifo", note(reason="caf\u00e9"))
    body = message_of(request)["default"]
    assert request["MessageDeduplicationId"] == hashlib.sha256(body.encode()).hexdigest()
