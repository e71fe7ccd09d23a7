"""SNS Publish refuses what the SNS API Reference does not allow (emulator/sns/models.py).

Each test runs in-process and over the HTTP server; a refused Publish delivers nothing.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.sns.models import Subscription

from emulator.sns.models import signing_key
from tests.test_emulator.conftest import ClientFactory

LIMIT = 262_144


@pytest.fixture
def topic(aws: ClientFactory) -> tuple[Any, str, str]:
    """A topic with an SQS subscription (raw delivery off): (sns client, topic ARN, queue URL)."""
    sns, sqs = aws("sns"), aws("sqs")
    name = f"limits-{uuid.uuid4().hex[:8]}"  # the server outlives a test: names of its own
    arn = sns.create_topic(Name=name)["TopicArn"]
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn)
    return sns, arn, url


def _refused(sns: Any, arn: str, **request: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        sns.publish(TopicArn=arn, **request)
    return str(excinfo.value.response["Error"]["Code"])


def _delivered(aws: ClientFactory, url: str) -> int:
    messages = aws("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    return len(messages.get("Messages", []))


@pytest.mark.parametrize("subject", ["x" * 100, "line\nbreak", "tab\there", "bell\x07", ""])
def test_a_bad_subject_is_invalid(
    aws: ClientFactory, topic: tuple[Any, str, str], subject: str
) -> None:
    sns, arn, url = topic
    assert _refused(sns, arn, Message="m", Subject=subject) == "InvalidParameter"
    assert _delivered(aws, url) == 0


def test_a_utf8_subject_under_100_characters_is_accepted(
    aws: ClientFactory, topic: tuple[Any, str, str]
) -> None:
    sns, arn, url = topic
    sns.publish(TopicArn=arn, Message="m", Subject="Rollback: café ☕ " + "x" * 82)
    assert _delivered(aws, url) == 1


def test_message_and_attributes_share_the_256_kb_limit(
    aws: ClientFactory, topic: tuple[Any, str, str]
) -> None:
    sns, arn, url = topic
    attribute = {"flag": {"DataType": "String", "StringValue": "checkout"}}
    counted = len("flag") + len("String") + len("checkout")
    body = "é" * ((LIMIT - counted) // 2)  # two bytes each: the limit counts bytes
    sns.publish(TopicArn=arn, Message=body, MessageAttributes=attribute)
    assert _delivered(aws, url) == 1
    refused = _refused(sns, arn, Message=body + "x" * 2, MessageAttributes=attribute)
    assert refused == "InvalidParameter"
    assert _delivered(aws, url) == 0


def test_json_structure_needs_a_string_default(
    aws: ClientFactory, topic: tuple[Any, str, str]
) -> None:
    sns, arn, url = topic
    for message in ("not json", json.dumps({"sqs": "x"}), json.dumps({"default": 1}), "[]"):
        assert _refused(sns, arn, Message=message, MessageStructure="json") == "InvalidParameter"
    assert _delivered(aws, url) == 0
    sns.publish(TopicArn=arn, Message=json.dumps({"default": "hi"}), MessageStructure="json")
    assert _delivered(aws, url) == 1


@pytest.mark.parametrize(
    "attributes",
    [
        {"AWS.flag": {"DataType": "String", "StringValue": "x"}},
        {".flag": {"DataType": "String", "StringValue": "x"}},
        {"fl..ag": {"DataType": "String", "StringValue": "x"}},
        {"flag name": {"DataType": "String", "StringValue": "x"}},
        {"f" * 257: {"DataType": "String", "StringValue": "x"}},
        {"flag": {"DataType": "Text", "StringValue": "x"}},
    ],
)
def test_bad_message_attributes_are_invalid(
    aws: ClientFactory, topic: tuple[Any, str, str], attributes: dict[str, Any]
) -> None:
    sns, arn, url = topic
    assert _refused(sns, arn, Message="m", MessageAttributes=attributes) == "InvalidParameter"
    assert _delivered(aws, url) == 0


def test_custom_data_type_labels_and_string_arrays_are_accepted(
    aws: ClientFactory, topic: tuple[Any, str, str]
) -> None:
    sns, arn, url = topic
    sns.publish(
        TopicArn=arn,
        Message="m",
        MessageAttributes={
            "flags": {"DataType": "String.Array", "StringValue": '["a", "b"]'},
            "count": {"DataType": "Number.int", "StringValue": "2"},
            "raw": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        },
    )
    assert _delivered(aws, url) == 1


def test_every_subscription_signs_with_the_one_key_of_the_process(
    aws: ClientFactory, topic: tuple[Any, str, str]
) -> None:
    """SNS signs with one certificate per region; the emulator keeps one key, not one per
    subscription (moto's 2048-bit key per subscription cost ~0.2 s of CPU each)."""
    first = Subscription.__new__(Subscription)
    second = Subscription.__new__(Subscription)
    assert first.private_key() is second.private_key() is signing_key()
    sns, arn, url = topic
    sns.publish(TopicArn=arn, Message="signed")
    body = json.loads(aws("sqs").receive_message(QueueUrl=url)["Messages"][0]["Body"])
    assert body["Signature"]
    assert body["SigningCertURL"].startswith("https://sns.")
