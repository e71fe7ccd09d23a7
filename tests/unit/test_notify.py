"""Notifications: ASCII subjects under 100 characters, a text body and a stable JSON document."""

from __future__ import annotations

import json

from flag_rollback import notify
from flag_rollback.notify import Notification
from flag_rollback.vocabulary import OUTCOMES
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
        "error_code", "error_message", "will_retry", "truncated", "function_name", "region",
        "hold_note",
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
    outcome=st.sampled_from(OUTCOMES),
    names=st.lists(st.text(max_size=80), max_size=5),
    action=st.text(max_size=30),
)
def test_subject_is_always_ascii_one_line_under_100(outcome, names, action):
    subject = notify.subject(note(outcome=outcome, flags=tuple(names), action=action))
    assert len(subject) < 100
    assert subject.isascii()
    assert all(0x20 <= ord(char) < 0x7F for char in subject)
    assert subject.startswith("[flag-rollback]")


# ---------------------------------------------------------------- SNS limits


def request_size(request) -> int:
    parts = [request["Message"]]
    for name, value in request["MessageAttributes"].items():
        parts += [name, value["DataType"], value["StringValue"]]
    return sum(len(part.encode("utf-8")) for part in parts)


def test_subject_at_99_characters_is_kept_and_at_100_is_cut_with_a_marker():
    head = "[flag-rollback] Rolled back "
    exact = notify.subject(note(flags=("x" * (99 - len(head)),)))
    assert exact == head + "x" * (99 - len(head))
    over = notify.subject(note(flags=("x" * (100 - len(head)),)))
    assert len(over) == 99
    assert over.endswith("...")


def test_subject_has_no_line_breaks_and_keeps_letters_of_accented_words():
    subject = notify.subject(note(flags=("caf\u00e9\n\u2615",)))
    assert subject == "[flag-rollback] Rolled back cafe ?"


def test_a_message_exactly_at_the_limit_is_sent_whole():
    big = note(reason="r" * 5000, error_code="aws", error_message="m" * 5000)
    size = request_size(notify.build_publish(TOPIC, big))
    request = notify.build_publish(TOPIC, big, max_bytes=size)
    assert request_size(request) == size
    document = json.loads(json.loads(request["Message"])["default"])
    assert document["truncated"] is False
    assert document["reason"] == "r" * 5000


def test_one_byte_over_the_limit_cuts_the_text_with_a_marker():
    big = note(reason="r" * 5000, error_code="aws", error_message="m" * 5000)
    size = request_size(notify.build_publish(TOPIC, big))
    request = notify.build_publish(TOPIC, big, max_bytes=size - 1)
    assert request_size(request) <= size - 1
    message = json.loads(request["Message"])
    document = json.loads(message["default"])
    assert document["truncated"] is True
    assert document["reason"].endswith("...[truncated]")
    assert document["error_message"].endswith("...[truncated]")
    assert "...[truncated]" in message["email"]
    assert document["flags"] == ["checkout"]


def test_a_huge_notification_fits_sns_256_kb_with_its_attributes():
    flags = tuple(f"flag-{index}-" + "n" * 240 for index in range(2000))  # a 500 KB storm
    huge = note(flags=flags, reason="\u2615" * 300_000, error_message="e" * 300_000)
    request = notify.build_publish(TOPIC, huge)
    assert request_size(request) <= notify.MAX_MESSAGE_BYTES
    document = json.loads(json.loads(request["Message"])["default"])
    assert document["truncated"] is True
    assert 0 < len(document["flags"]) < len(flags)
    assert document["flags"][0].startswith("flag-0-")
    attributes = request["MessageAttributes"]
    assert json.loads(attributes["flags"]["StringValue"]) == document["flags"]


def test_characters_sns_refuses_are_replaced_and_attributes_are_never_empty():
    request = notify.build_publish(TOPIC, note(flags=("bad\ud800flag",), reason="x\x00y"))
    request["Message"].encode("utf-8")  # a lone surrogate would fail here
    assert "\x00" not in request["Message"]
    assert all(value["StringValue"] for value in request["MessageAttributes"].values())
    assert request["MessageAttributes"]["flag"]["StringValue"] == "bad\ufffdflag"
