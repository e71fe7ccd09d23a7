"""Notifications: ASCII subjects under 100 characters, a text body and a stable JSON document."""

from __future__ import annotations

import json

from flag_rollback import notify
from flag_rollback.notify import Notification
from hypothesis import given, settings
from hypothesis import strategies as st

TOPIC = "arn:aws:sns:us-east-1:123456789012:flag-rollback"


def note(**changes):
    fields = {
        "action": "rollback",
        "outcome": "rolled_back",
        "flags": ("checkout",),
        "alarm": "FeatureFlag-checkout-ErrorRate",
        "reason": "Threshold Crossed",
        "old_version": 3,
        "new_version": 4,
        "deployment_number": 2,
        "dry_run": False,
        "occurred_at": "2026-11-23T10:00:00Z",
        "application_id": "abc1234",
        "environment_id": "env0001",
        "configuration_profile_id": "prof001",
    }
    return Notification(**(fields | changes))


def test_publish_request_gives_each_protocol_its_body():
    request = notify.build_publish(TOPIC, note())
    assert request["MessageStructure"] == "json"
    message = json.loads(request["Message"])
    assert set(message) >= {"default", "email", "sqs", "lambda", "http", "https", "email-json"}
    assert message["email"].startswith("[flag-rollback] Rolled back checkout\n")
    assert "Versions:       3 -> 4" in message["email"]
    document = json.loads(message["sqs"])
    assert document == json.loads(message["default"]) == json.loads(message["lambda"])
    assert document["schema_version"] == 1
    assert document["flags"] == ["checkout"]
    assert document["new_version"] == 4
    assert document["deployment_number"] == 2
    assert "MessageGroupId" not in request


def test_document_schema_is_stable():
    assert list(notify.document(note())) == [
        "schema_version", "source", "action", "outcome", "flags", "alarm", "reason",
        "old_version", "new_version", "deployment_number", "dry_run", "occurred_at",
        "application_id", "environment_id", "configuration_profile_id",
        "error_code", "error_message", "will_retry", "hold_note",
    ]  # fmt: skip


def test_message_attributes_allow_filter_policies():
    attributes = notify.build_publish(TOPIC, note(flags=("a", "b")))["MessageAttributes"]
    assert attributes["action"] == {"DataType": "String", "StringValue": "rollback"}
    assert attributes["outcome"] == {"DataType": "String", "StringValue": "rolled_back"}
    assert attributes["flag"] == {"DataType": "String", "StringValue": "a"}
    assert json.loads(attributes["flags"]["StringValue"]) == ["a", "b"]
    assert attributes["flags"]["DataType"] == "String.Array"
    assert "flag" not in notify.build_publish(TOPIC, note(flags=()))["MessageAttributes"]


def test_fifo_topics_get_a_group_and_a_deduplication_id():
    request = notify.build_publish(TOPIC + ".fifo", note())
    assert request["MessageGroupId"] == "flag-rollback"
    assert len(request["MessageDeduplicationId"]) == 64


def test_failure_text_tells_a_person_what_happens_next():
    text = notify.email_text(
        note(outcome="failed", error_code="flag_not_found", error_message="no flag x")
    )
    assert "Error:          flag_not_found: no flag x" in text
    assert "A person should look at this." in text
    retry = notify.email_text(
        note(outcome="failed", error_code="aws", error_message="m", will_retry=True)
    )
    assert "retried by Lambda" in retry


def test_publish_without_a_topic_makes_no_call():
    from flag_rollback.settings import load_settings  # noqa: PLC0415

    settings = load_settings(
        {
            "APPCONFIG_APPLICATION_ID": "abc1234",
            "APPCONFIG_ENVIRONMENT_ID": "env0001",
            "APPCONFIG_CONFIGURATION_PROFILE_ID": "prof001",
        }
    )
    assert notify.publish(settings, note()) is False


@settings(max_examples=200, deadline=None)
@given(
    outcome=st.sampled_from(sorted(notify._HEADLINES)) | st.text(max_size=20),
    names=st.lists(st.text(max_size=80), max_size=5),
    action=st.text(max_size=30),
)
def test_subject_is_always_ascii_one_line_under_100(outcome, names, action):
    subject = notify.subject(note(outcome=outcome, flags=tuple(names), action=action))
    assert len(subject) < 100
    assert subject.isascii()
    assert all(0x20 <= ord(char) < 0x7F for char in subject)
    assert subject.startswith("[flag-rollback]")
