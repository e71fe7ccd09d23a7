"""SNS Publish as the SNS API Reference constrains it, on top of moto's SNSBackend.publish.

moto already refuses a Subject over 100 characters, a Message over 262,144 characters, a
MessageStructure other than `json`, an unknown attribute data type prefix and a Number
attribute that is not a number. It misses, and `install()` adds (InvalidParameter, like
moto's own refusals):

- Subject: "must be UTF-8 text with no line breaks or control characters, and less than 100
  characters long" (Publish, SNS API Reference; botocore's PublishInput.Subject);
- size: "All parts of the message attribute, including name, type, and value, are included
  in the message size restriction, which is currently 256 KB (262,144 bytes)"
  (MessageAttributeValue); messages are "at most 256 KB in size (262,144 bytes, not 262,144
  characters)" (Publish);
- MessageStructure=json: the Message "must be a syntactically valid JSON object; and contain
  at least a top-level JSON key of "default" with a value that is a string" (Publish);
  moto checks it only while delivering, and only per subscription;
- message attributes: "Name, type, and value must not be empty or null. In addition, the
  message body should not be empty" (MessageAttributeValue); names as the SNS Developer
  Guide's "Amazon SNS message attributes" states them (A-Z a-z 0-9 `_` `-` `.`, at most 256
  characters, no leading, trailing or doubled period, not starting with `AWS.` or
  `Amazon.`); data types String, String.Array, Number, Binary ("Message Attribute Data
  Types"), optionally followed by `.` and a custom label.

Signing: moto generates a 2048-bit RSA key for every subscription that delivers a message
(about 0.2 s of CPU each, most of a small test's time). SNS signs with one certificate
per region (the message's SigningCertURL), so `install()` gives every subscription one key
per emulator process.
"""

from __future__ import annotations

import base64
import json
import re
import unicodedata
from collections.abc import Mapping
from functools import cache, wraps
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from moto.sns.exceptions import InvalidParameterValue
from moto.sns.models import SNSBackend, Subscription

MAX_MESSAGE_BYTES = 262_144
MAX_SUBJECT_CHARS = 99  # "less than 100 characters long"
ATTRIBUTE_NAME = re.compile(r"^(?!\.)(?!.*\.\.)[A-Za-z0-9_.-]{1,256}(?<!\.)$")
DATA_TYPE = re.compile(r"^(String\.Array|String|Number|Binary)(\.[^\s]+)?$")


def check_subject(subject: str | None) -> None:
    if subject is None:
        return
    if not subject or len(subject) > MAX_SUBJECT_CHARS:
        raise InvalidParameterValue(
            "Invalid parameter: Subject must be between 1 and 99 characters long"
        )
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in subject):
        raise InvalidParameterValue(
            "Invalid parameter: Subject must not contain line breaks or control characters"
        )


def _attribute_value_bytes(attribute: Mapping[str, Any]) -> int:
    """moto hands the backend {"Type": ..., "Value": ...}; Binary values are base64 text."""
    value = attribute.get("Value", "")
    if str(attribute.get("Type", "")).startswith("Binary"):
        return len(base64.b64decode(value))
    return len(str(value).encode())


def check_attributes(attributes: Mapping[str, Mapping[str, Any]]) -> int:
    """Refuse bad names and data types; return the bytes the attributes count for."""
    size = 0
    for name, attribute in attributes.items():
        lowered = name.lower()
        if (
            not ATTRIBUTE_NAME.match(name)
            or lowered.startswith("aws.")
            or lowered.startswith("amazon.")
        ):
            raise InvalidParameterValue(
                f"Invalid parameter: MessageAttributes name {name!r} is not valid"
            )
        data_type = str(attribute.get("Type", ""))
        if not DATA_TYPE.match(data_type):
            raise InvalidParameterValue(
                f"Invalid parameter: MessageAttributes.{name} has an invalid data type "
                f"{data_type!r} (String, String.Array, Number or Binary)"
            )
        size += len(name.encode()) + len(data_type.encode()) + _attribute_value_bytes(attribute)
    return size


def check_structure(message: str, structure: str | None) -> None:
    if structure != "json":
        return
    try:
        document = json.loads(message)
    except json.JSONDecodeError:
        document = None
    if not isinstance(document, dict) or not isinstance(document.get("default"), str):
        raise InvalidParameterValue(
            "Invalid parameter: Message Structure - JSON message body must be a JSON object "
            'with a top-level "default" key whose value is a string'
        )


def check_publish(
    message: str,
    subject: str | None,
    attributes: Mapping[str, Mapping[str, Any]] | None,
    structure: str | None,
) -> None:
    """Refuse a Publish request the SNS API Reference does not allow."""
    if not message:
        raise InvalidParameterValue("Invalid parameter: Empty message")
    check_subject(subject)
    check_structure(message, structure)
    total = len(message.encode()) + check_attributes(attributes or {})
    if total > MAX_MESSAGE_BYTES:
        raise InvalidParameterValue(
            f"Invalid parameter: Message too long ({total} bytes with its attributes; "
            f"at most {MAX_MESSAGE_BYTES})"
        )


_original_publish = SNSBackend.publish


@wraps(_original_publish)
def _checked_publish(  # noqa: PLR0917 - moto's SNSBackend.publish signature
    self: SNSBackend,
    message: str,
    arn: str | None,
    phone_number: str | None = None,
    subject: str | None = None,
    message_attributes: dict[str, Any] | None = None,
    group_id: str | None = None,
    deduplication_id: str | None = None,
    message_structure: str | None = None,
) -> str:
    if phone_number is None:  # SMS has its own limits (moto's)
        check_publish(message, subject, message_attributes, message_structure)
    return _original_publish(
        self,
        message,
        arn,
        phone_number=phone_number,
        subject=subject,
        message_attributes=message_attributes,
        group_id=group_id,
        deduplication_id=deduplication_id,
        message_structure=message_structure,
    )


@cache
def signing_key() -> rsa.RSAPrivateKey:
    """The key every subscription signs its deliveries with (one per process)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _shared_private_key(self: Subscription) -> rsa.RSAPrivateKey:
    return signing_key()


def install() -> None:
    """Check Publish input before moto's SNSBackend.publish runs; one signing key (idempotent)."""
    # ignore[method-assign]: moto is extended by assigning to its classes.
    SNSBackend.publish = _checked_publish  # type: ignore[method-assign]
    Subscription.private_key = _shared_private_key  # type: ignore[method-assign,assignment]
