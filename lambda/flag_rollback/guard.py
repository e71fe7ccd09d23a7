"""The deployment guard's decisions: pure functions over an AppConfig extension payload.

AppConfig invokes the guard synchronously at PRE_CREATE_HOSTED_CONFIGURATION_VERSION and
PRE_START_DEPLOYMENT (AWS AppConfig User Guide, "Creating a Lambda function for a custom
AWS AppConfig extension": the request carries Type, Application/Environment/
ConfigurationProfile {Id, Name}, ContentType, Description and the configuration as base64
Content; the response may carry a new base64 Content, or Error and Message to stop the
action, which the caller then sees as a BadRequestException with that message).

The guard never blocks an action because of its own trouble: a payload it cannot read,
another profile or environment, content that is not a flag document are allowed and the
reason is logged. It refuses (or, in keep_disabled mode, rewrites) only content that turns
on a flag that is on hold.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from enum import StrEnum

from flag_rollback import flags
from flag_rollback.errors import PermanentError
from flag_rollback.hold_settings import GuardMode
from flag_rollback.holds import Hold

MAX_MESSAGE = 4000
ERROR_CODE = "BadRequestError"


class ActionType(StrEnum):
    """The payload's Type at the two action points the guard is attached to."""

    PRE_CREATE_VERSION = "PreCreateHostedConfigurationVersion"
    PRE_START_DEPLOYMENT = "PreStartDeployment"


class Verdict(StrEnum):
    """What the guard answers."""

    ALLOW = "allow"
    REFUSE = "refuse"
    REWRITE = "rewrite"


@dataclass(frozen=True)
class ExtensionEvent:
    """The fields of an extension payload the guard uses."""

    type: ActionType
    application_id: str
    profile_id: str
    environment_id: str | None
    content: bytes | None
    content_type: str
    description: str
    deployment_number: int | None


@dataclass(frozen=True)
class Target:
    """The application, environment and profile whose holds this guard enforces."""

    application_id: str
    environment_id: str
    profile_id: str


@dataclass(frozen=True)
class Decision:
    """The verdict, why, the held flags concerned, and the answer's content or message."""

    verdict: Verdict
    why: str
    flags: tuple[str, ...] = ()
    content: bytes | None = None
    message: str | None = None


def is_extension_event(event: object) -> bool:
    """Whether an event looks like an AppConfig extension payload (by its Type)."""
    return isinstance(event, dict) and event.get("Type") in set(ActionType)


def _id(block: object) -> str | None:
    value = block.get("Id") if isinstance(block, dict) else None
    return value if isinstance(value, str) and value else None


def parse_extension_event(event: object) -> ExtensionEvent | str:
    """The payload as an ExtensionEvent, or why it is not one (the guard then allows)."""
    if not isinstance(event, dict) or event.get("Type") not in set(ActionType):
        return "not an AppConfig extension payload (no known Type)"
    kind = ActionType(event["Type"])
    application = _id(event.get("Application"))
    profile = _id(event.get("ConfigurationProfile"))
    environment = _id(event.get("Environment"))
    if application is None or profile is None:
        return f"{kind} payload without Application.Id or ConfigurationProfile.Id"
    if kind == ActionType.PRE_START_DEPLOYMENT and environment is None:
        return "PreStartDeployment payload without Environment.Id"
    raw = event.get("Content")
    content: bytes | None = None
    if isinstance(raw, str):
        try:
            content = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            return "Content is not base64"
    number = event.get("DeploymentNumber")
    return ExtensionEvent(
        type=kind,
        application_id=application,
        profile_id=profile,
        environment_id=environment,
        content=content,
        content_type=str(event.get("ContentType") or "application/json"),
        description=str(event.get("Description") or ""),
        deployment_number=number if isinstance(number, int) else None,
    )


def concerns(event: ExtensionEvent, target: Target) -> str | None:
    """Why the event is none of this guard's business (None: it is)."""
    if (event.application_id, event.profile_id) != (target.application_id, target.profile_id):
        return (
            f"application {event.application_id} profile {event.profile_id} is not the "
            "guarded profile"
        )
    if event.environment_id is not None and event.environment_id != target.environment_id:
        return f"environment {event.environment_id} is not the guarded environment"
    return None


def restore_command(flag: str, function: str | None, region: str | None) -> str:
    """The exact CLI command that restores a flag on purpose."""
    payload = json.dumps({"action": "restore", "flag": flag, "reason": "<why it is safe now>"})
    region_part = f" --region {region}" if region else ""
    return (
        f"aws lambda invoke --function-name {function or '<rollback function>'}{region_part} "
        f"--cli-binary-format raw-in-base64-out --payload '{payload}' /dev/stdout"
    )


def _held_line(hold: Hold, function: str | None, region: str | None) -> str:
    who = f"alarm {hold.alarm}" if hold.alarm else str(hold.held_by)
    version = f", disabled in version {hold.disabled_version}" if hold.disabled_version else ""
    why = hold.reason.removeprefix(f"{hold.alarm}: ") if hold.alarm else hold.reason
    reason = f" Why: {why.rstrip('.')}." if why else ""  # alarm reasons end with a stop
    return (
        f"Feature flag '{hold.flag}' is on hold since {hold.held_at} (rolled back by {who}"
        f"{version}).{reason} Keep it disabled in this configuration, or restore it on "
        f"purpose first: {restore_command(hold.flag, function, region)}"
    )


def refusal_message(
    event: ExtensionEvent, held: list[Hold], function: str | None, region: str | None
) -> str:
    """The error a person sees in Terraform or the CLI: flag, hold, restore command."""
    what = (
        f"deployment {event.deployment_number}"
        if event.type == ActionType.PRE_START_DEPLOYMENT and event.deployment_number
        else "this deployment"
        if event.type == ActionType.PRE_START_DEPLOYMENT
        else "this configuration version"
    )
    head = f"flag-rollback guard refused {what}: it would turn held flags back on. "
    text = head + " ".join(_held_line(hold, function, region) for hold in held)
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."


def _held_flags_turned_on(
    event: ExtensionEvent, target: Target, holds: dict[str, Hold]
) -> tuple[flags.FlagDocument | None, list[Hold], str]:
    """The parsed content and the held flags it turns on, or why there is nothing to do."""
    other = concerns(event, target)
    if other is not None:
        return None, [], other
    if not holds:
        return None, [], "no flag is on hold"
    if event.content is None:
        return None, [], "the payload carries no content"
    try:
        document = flags.parse_document(event.content, event.content_type)
    except PermanentError as error:
        # Content that is not a flag document cannot turn a flag on (apps read flags from
        # a flag document), so it is allowed.
        return None, [], f"content is not a flag document: {error.message}"
    turned_on = [hold for name, hold in holds.items() if flags.is_enabled(document, name)]
    return document, turned_on, "no held flag is enabled in the content"


def decide(
    event: ExtensionEvent,
    target: Target,
    holds: dict[str, Hold],
    mode: GuardMode,
    *,
    now: str,
    function: str | None = None,
    region: str | None = None,
) -> Decision:
    """Allow, refuse or rewrite the action; pure."""
    document, turned_on, why = _held_flags_turned_on(event, target, holds)
    if document is None or not turned_on:
        return Decision(Verdict.ALLOW, why)
    names = tuple(hold.flag for hold in turned_on)
    if mode == GuardMode.REFUSE:
        message = refusal_message(event, turned_on, function, region)
        return Decision(Verdict.REFUSE, "held flags enabled", names, message=message)
    change = flags.disable(
        document, names, reason="held by flag-rollback: kept disabled by the guard", now=now
    )
    content = flags.serialize(change.document) if change.document is not None else None
    return Decision(Verdict.REWRITE, "held flags enabled: kept disabled", names, content=content)


def response(decision: Decision) -> dict[str, object]:
    """The extension response AppConfig reads: {} allows, Content rewrites, Error stops."""
    if decision.verdict == Verdict.REFUSE:
        return {"Error": ERROR_CODE, "Message": decision.message or decision.why}
    if decision.verdict == Verdict.REWRITE and decision.content is not None:
        return {"Content": base64.b64encode(decision.content).decode("ascii")}
    return {}
