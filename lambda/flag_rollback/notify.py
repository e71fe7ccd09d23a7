"""Tell people and machines what happened, over SNS, in one Publish.

``MessageStructure=json`` sends each protocol its own body: email gets plain text,
SQS/Lambda/HTTP(S)/email-json get the JSON document below (``schema_version`` 1; fields
are only ever added, never renamed or removed, within a schema version). Message
attributes (``action``, ``outcome``, ``flag``, ``flags``, ``dry_run``) allow filter policies.

The request always fits SNS's documented limits (SNS API reference, Publish and
MessageAttributeValue): the subject is ASCII on one line, fewer than 100 characters; the
message plus every attribute's name, type and value is at most 256 KB, made of the
characters SNS accepts. A notification that would not fit has its free text cut (marked
``[truncated]``) and, as a last resort, its flag list shortened; ``truncated`` says so.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING

from flag_rollback import clients, oncall
from flag_rollback.errors import RollbackError, TransientError
from flag_rollback.observe import log, notification_failed_metric
from flag_rollback.settings import Settings
from flag_rollback.text import ascii_line, cut, xml_text
from flag_rollback.vocabulary import Outcome, ResultAction

if TYPE_CHECKING:
    from mypy_boto3_sns.type_defs import MessageAttributeValueTypeDef, PublishInputTypeDef

SCHEMA_VERSION = 1
SOURCE = "flag-rollback"
MAX_SUBJECT = 99  # SNS: ASCII, no line breaks, fewer than 100 characters
MAX_MESSAGE_BYTES = 262_144  # SNS: the message plus every attribute's name, type and value
TRUNCATED = "...[truncated]"
# Successive cuts when a notification does not fit: (characters kept of each free-text
# field and flag name, flags kept). The last always fits (about 10 KB).
_SHRINK: tuple[tuple[int | None, int | None], ...] = (
    (None, None),
    (4096, 200),
    (512, 50),
    (64, 10),
)
# Pauses between this function's own attempts at Publish (each is up to three botocore
# attempts): bounded, and skipped when the invocation's time would run out.
RETRY_DELAYS_S = (0.5, 1.5)
_MACHINE_PROTOCOLS = ("default", "email-json", "sqs", "lambda", "http", "https", "firehose")

_HEADLINES: dict[Outcome, str] = {
    "rolled_back": "Rolled back {flags}",
    "restored": "Restored {flags}",
    "no_change": "No change needed for {flags}",
    "dry_run": "DRY RUN: would change {flags}",
    "refused": "Refused to restore {flags}",
    "failed": "FAILED {action} of {flags}",
    "rejected": "Rejected an event it cannot act on",
    "ignored": "Ignored an alarm change for {flags}",
    "status": "Status of {flags}",
    "holds": "Held flags: {flags}",
    # The deployment guard (guard_handler.py).
    "refused_deployment": "Refused a change that turns held {flags} back on",
    "kept_disabled": "Kept held {flags} disabled in a new change",
}


@dataclass(frozen=True)
class Notification:
    """One decision, as published (the JSON document is exactly these fields)."""

    action: ResultAction
    outcome: Outcome
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
    truncated: bool = False
    function_name: str | None = None
    region: str | None = None
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


def subject(note: Notification) -> str:
    """A plain-ASCII one-line subject, fewer than 100 characters."""
    flags = ", ".join(note.flags) or "unknown flag"
    headline = _HEADLINES[note.outcome].format(flags=flags, action=note.action)
    return cut(ascii_line(f"[{SOURCE}] {headline}"), MAX_SUBJECT)


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
    lines += oncall.next_steps(
        function_name=note.function_name,
        region=note.region,
        flags=note.flags,
        alarms=tuple(note.alarm.split(", ")) if note.alarm else (),
        application_id=note.application_id,
        environment_id=note.environment_id,
        rolled_back=note.outcome == "rolled_back",
    )
    return "\n".join(lines) + "\n"


def _attributes(note: Notification) -> dict[str, MessageAttributeValueTypeDef]:
    attributes: dict[str, MessageAttributeValueTypeDef] = {
        "action": {"DataType": "String", "StringValue": note.action},
        "outcome": {"DataType": "String", "StringValue": note.outcome},
        "dry_run": {"DataType": "String", "StringValue": str(note.dry_run).lower()},
        "schema_version": {"DataType": "Number", "StringValue": str(SCHEMA_VERSION)},
    }
    if note.flags:
        attributes["flag"] = {"DataType": "String", "StringValue": xml_text(note.flags[0])}
        attributes["flags"] = {"DataType": "String.Array", "StringValue": json.dumps(note.flags)}
    return attributes


def _shrunk(note: Notification, text_limit: int | None, flag_limit: int | None) -> Notification:
    """The note with each free-text field and flag name cut to ``text_limit`` characters and
    at most ``flag_limit`` flags (None: as it is)."""
    if text_limit is None and flag_limit is None:
        return note

    def short(text: str) -> str:
        return text if text_limit is None else cut(text, text_limit, TRUNCATED)

    return replace(
        note,
        flags=tuple(short(name) for name in note.flags[:flag_limit]),
        alarm=short(note.alarm) if note.alarm is not None else None,
        reason=short(note.reason),
        error_message=short(note.error_message) if note.error_message is not None else None,
        truncated=True,
    )


def _message(note: Notification) -> str:
    machine = json.dumps(document(note), ensure_ascii=False)
    message = dict.fromkeys(_MACHINE_PROTOCOLS, machine) | {"email": email_text(note)}
    return xml_text(json.dumps(message, ensure_ascii=False))


def _size(message: str, attributes: dict[str, MessageAttributeValueTypeDef]) -> int:
    parts = [message]
    for name, value in attributes.items():
        parts += [name, value["DataType"], value.get("StringValue", "")]
    return sum(len(part.encode("utf-8")) for part in parts)


def build_publish(
    topic_arn: str, note: Notification, max_bytes: int = MAX_MESSAGE_BYTES
) -> PublishInputTypeDef:
    """The Publish request for a notification, cut to fit ``max_bytes`` when it must be."""
    for text_limit, flag_limit in _SHRINK:
        fitted = _shrunk(note, text_limit, flag_limit)
        message, attributes = _message(fitted), _attributes(fitted)
        if _size(message, attributes) <= max_bytes:
            break
    machine = json.dumps(document(fitted), ensure_ascii=False)
    request: PublishInputTypeDef = {
        "TopicArn": topic_arn,
        "Subject": subject(fitted),
        "Message": message,
        "MessageStructure": "json",
        "MessageAttributes": attributes,
    }
    if topic_arn.endswith(".fifo"):
        request["MessageGroupId"] = SOURCE
        request["MessageDeduplicationId"] = hashlib.sha256(xml_text(machine).encode()).hexdigest()
    return request


def _may_retry(error: RollbackError, attempt: int, deadline: float | None) -> float | None:
    """The pause before the next attempt, or None when there is none."""
    if not isinstance(error, TransientError) or attempt >= len(RETRY_DELAYS_S):
        return None
    delay = RETRY_DELAYS_S[attempt] * random.uniform(0.5, 1.0)  # noqa: S311 - jitter
    if deadline is not None and time.monotonic() + delay > deadline:
        return None
    return delay


def publish(settings: Settings, note: Notification, *, deadline: float | None = None) -> bool:
    """Publish to NOTIFICATION_TOPIC_ARN; False when there is none or it failed.

    A failed notification never fails the change it reports: the change is made, and a
    retry of the whole event would find nothing left to do and stay silent. So it is
    retried here (transient failures, a bounded number of times, within ``deadline``),
    then logged as ``notification_failed`` and counted (NotificationFailed metric, which
    the function's own alarm watches). Every failure is one of the function's error types.
    """
    if settings.topic_arn is None:
        return False
    request = build_publish(settings.topic_arn, note)
    attempt = 0
    while True:
        try:
            with clients.aws_call("Publish"):
                clients.sns().publish(**request)
        except RollbackError as error:
            delay = _may_retry(error, attempt, deadline)
            details = {"outcome": note.outcome, "attempt": attempt + 1, "error": error.code}
            if delay is None:
                log("notification_failed", level="ERROR", **details, message=error.message)
                notification_failed_metric(settings)
                return False
            log("notification_retry", level="WARN", **details, message=error.message)
            time.sleep(delay)
            attempt += 1
        else:
            return True
