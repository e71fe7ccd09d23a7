"""Tell people and machines what happened, over SNS, in one Publish.

``MessageStructure=json`` sends each protocol its own body: email gets plain text,
SQS/Lambda/HTTP(S)/email-json get the JSON document below (``schema_version`` 1; fields
are only ever added, never renamed or removed, within a schema version). Message
attributes (``action``, ``outcome``, ``flag``, ``flags``, ``dry_run``) allow filter policies.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from flag_rollback import clients
from flag_rollback.observe import log
from flag_rollback.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_sns.type_defs import MessageAttributeValueTypeDef, PublishInputTypeDef

SCHEMA_VERSION = 1
SOURCE = "flag-rollback"
MAX_SUBJECT = 99  # SNS: ASCII, no line breaks, fewer than 100 characters
_MACHINE_PROTOCOLS = ("default", "email-json", "sqs", "lambda", "http", "https", "firehose")

_HEADLINES = {
    "rolled_back": "Rolled back {flags}",
    "restored": "Restored {flags}",
    "no_change": "No change needed for {flags}",
    "dry_run": "DRY RUN: would change {flags}",
    "refused": "Refused to restore {flags}",
    "failed": "FAILED {action} of {flags}",
    "rejected": "Rejected an event it cannot act on",
    # The deployment guard (guard_handler.py).
    "refused_deployment": "Refused a change that turns held {flags} back on",
    "kept_disabled": "Kept held {flags} disabled in a new change",
}


@dataclass(frozen=True)
class Notification:
    """One decision, as published (the JSON document is exactly these fields)."""

    action: str
    outcome: str
    flags: tuple[str, ...]
    alarm: str | None
    reason: str
    old_version: int | None
    new_version: int | None
    deployment_number: int | None
    dry_run: bool
    occurred_at: str
    application_id: str
    environment_id: str
    configuration_profile_id: str
    error_code: str | None = None
    error_message: str | None = None
    will_retry: bool = False
    # Held flags: set when a flag flaps and stays held until a forced restore.
    hold_note: str | None = None


def document(note: Notification) -> dict[str, object]:
    """The machine-readable message (schema_version 1)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "source": SOURCE,
        **asdict(note),
        "flags": list(note.flags),
    }


def _ascii(text: str) -> str:
    cleaned = "".join(char if 0x20 <= ord(char) < 0x7F else "?" for char in text)
    return " ".join(cleaned.split())


def subject(note: Notification) -> str:
    """A plain-ASCII one-line subject, fewer than 100 characters."""
    flags = ", ".join(note.flags) or "unknown flag"
    headline = _HEADLINES.get(note.outcome, "{action}: {flags}").format(
        flags=flags, action=note.action
    )
    text = _ascii(f"[{SOURCE}] {headline}")
    return text if len(text) <= MAX_SUBJECT else text[: MAX_SUBJECT - 3] + "..."


def email_text(note: Notification) -> str:
    """What a person reads: what happened, why, and what to do next."""
    dry = " (dry run: nothing was written)" if note.dry_run else ""
    lines = [
        subject(note),
        "",
        f"Outcome:        {note.outcome}{dry}",
        f"Action:         {note.action}",
        f"Flags:          {', '.join(note.flags) or '-'}",
        f"Alarm:          {note.alarm or '-'}",
        f"Reason:         {note.reason or '-'}",
        f"Versions:       {note.old_version or '-'} -> {note.new_version or '-'}",
        f"Deployment:     {note.deployment_number or '-'}",
        f"AppConfig:      application {note.application_id}, environment {note.environment_id}, "
        f"profile {note.configuration_profile_id}",
        f"Time (UTC):     {note.occurred_at}",
    ]
    if note.hold_note:
        lines += ["", f"Hold:           {note.hold_note}"]
    if note.error_code:
        lines += ["", f"Error:          {note.error_code}: {note.error_message}"]
        lines.append(
            "The event will be retried by Lambda; check the function's failure destination."
            if note.will_retry
            else "Nothing was changed. A person should look at this."
        )
    if note.outcome == "rolled_back":
        lines += [
            "",
            "To restore once the cause is fixed, invoke the function with",
            ('  {"action": "restore", "flag": "<flag>", "reason": "..."}'),
        ]
    return "\n".join(lines) + "\n"


def _attributes(note: Notification) -> dict[str, MessageAttributeValueTypeDef]:
    attributes: dict[str, MessageAttributeValueTypeDef] = {
        "action": {"DataType": "String", "StringValue": note.action},
        "outcome": {"DataType": "String", "StringValue": note.outcome},
        "dry_run": {"DataType": "String", "StringValue": str(note.dry_run).lower()},
        "schema_version": {"DataType": "Number", "StringValue": str(SCHEMA_VERSION)},
    }
    if note.flags:
        attributes["flag"] = {"DataType": "String", "StringValue": note.flags[0]}
        attributes["flags"] = {"DataType": "String.Array", "StringValue": json.dumps(note.flags)}
    return attributes


def build_publish(topic_arn: str, note: Notification) -> PublishInputTypeDef:
    """The Publish request for a notification."""
    machine = json.dumps(document(note), ensure_ascii=False)
    message = dict.fromkeys(_MACHINE_PROTOCOLS, machine) | {"email": email_text(note)}
    request: PublishInputTypeDef = {
        "TopicArn": topic_arn,
        "Subject": subject(note),
        "Message": json.dumps(message, ensure_ascii=False),
        "MessageStructure": "json",
        "MessageAttributes": _attributes(note),
    }
    if topic_arn.endswith(".fifo"):
        request["MessageGroupId"] = SOURCE
        request["MessageDeduplicationId"] = hashlib.sha256(machine.encode()).hexdigest()
    return request


def publish(settings: Settings, note: Notification) -> bool:
    """Publish to NOTIFICATION_TOPIC_ARN; False (logged) when there is none or it fails.

    A failed notification never fails the rollback it reports: the change is made, and a
    retry of the whole event would find nothing left to do and stay silent.
    """
    if settings.topic_arn is None:
        return False
    try:
        clients.sns().publish(**build_publish(settings.topic_arn, note))
    except (BotoCoreError, ClientError) as error:
        log("notification_failed", level="ERROR", outcome=note.outcome, error=str(error))
        return False
    return True
