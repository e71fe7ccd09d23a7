"""The deployment guard's decisions (pure): what it allows, refuses and rewrites."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from flag_rollback import guard
from flag_rollback.guard import ActionType, Target, Verdict
from flag_rollback.hold_settings import GuardMode
from flag_rollback.holds import Actor, Hold, HoldState

TARGET = Target("app0001", "env0001", "prof001")
NOW = "2026-11-29T04:00:00Z"
HOLD = Hold(
    flag="checkout",
    state=HoldState.HELD,
    held_by=Actor.ALARM,
    held_at="2026-11-29T03:12:00Z",
    reason="FeatureFlag-checkout-ErrorRate: Threshold Crossed",
    alarm="FeatureFlag-checkout-ErrorRate",
    disabled_version=7,
)
FF_DOC = {
    "version": "1",
    "flags": {"checkout": {"name": "Checkout"}, "search": {"name": "Search"}},
    "values": {"checkout": {"enabled": True, "tier": "gold"}, "search": {"enabled": True}},
}


def payload(
    document: Any = FF_DOC,
    *,
    kind: str = "PreStartDeployment",
    app: str = "app0001",
    env: str | None = "env0001",
    profile: str = "prof001",
) -> dict[str, Any]:
    """An extension payload as the AppConfig User Guide's payload reference shows it."""
    content = document if isinstance(document, bytes) else json.dumps(document).encode()
    event: dict[str, Any] = {
        "InvocationId": "abc1234",
        "Parameters": {},
        "Type": kind,
        "Application": {"Id": app, "Name": "shop"},
        "ConfigurationProfile": {"Id": profile, "Name": "flags"},
        "ContentType": "application/json",
        "ContentVersion": "8",
        "Content": base64.b64encode(content).decode(),
        "Description": "terraform",
    }
    if kind == "PreStartDeployment":
        event["DeploymentNumber"] = 4
        if env is not None:
            event["Environment"] = {"Id": env, "Name": "prod"}
    return event


def decide(event: dict[str, Any], mode: GuardMode = GuardMode.REFUSE) -> guard.Decision:
    parsed = guard.parse_extension_event(event)
    assert not isinstance(parsed, str), parsed
    return guard.decide(
        parsed,
        TARGET,
        {"checkout": HOLD},
        mode,
        now=NOW,
        function="shop-flag-rollback",
        region="eu-west-1",
    )


def test_a_deployment_that_turns_a_held_flag_on_is_refused_with_flag_hold_and_command():
    decision = decide(payload())
    assert decision.verdict == Verdict.REFUSE
    assert decision.flags == ("checkout",)
    message = decision.message or ""
    assert "'checkout'" in message
    assert "since 2026-11-29T03:12:00Z" in message
    assert "alarm FeatureFlag-checkout-ErrorRate" in message
    assert "version 7" in message
    assert "Why: Threshold Crossed." in message  # the alarm is named once, not twice
    assert "deployment 4" in message
    command = message[message.index("aws lambda invoke") :]
    assert command.startswith(
        "aws lambda invoke --function-name shop-flag-rollback --region eu-west-1 "
        "--cli-binary-format raw-in-base64-out --payload "
    )
    sent = json.loads(command.split("--payload '")[1].split("'")[0])
    assert sent["action"] == "restore"
    assert sent["flag"] == "checkout"
    assert guard.response(decision) == {"Error": "BadRequestError", "Message": message}


def test_a_new_version_that_turns_a_held_flag_on_is_refused_too():
    decision = decide(payload(kind="PreCreateHostedConfigurationVersion"))
    assert decision.verdict == Verdict.REFUSE
    assert "configuration version" in (decision.message or "")


def test_keep_disabled_rewrites_only_the_held_flag_and_keeps_its_attributes():
    decision = decide(payload(), GuardMode.KEEP_DISABLED)
    assert decision.verdict == Verdict.REWRITE
    answer = guard.response(decision)
    written = json.loads(base64.b64decode(str(answer["Content"])))
    assert written["values"]["checkout"] == {"enabled": False, "tier": "gold"}
    assert written["values"]["search"] == {"enabled": True}
    assert set(answer) == {"Content"}


def test_content_with_the_held_flag_off_passes_unchanged():
    document = json.loads(json.dumps(FF_DOC))
    document["values"]["checkout"]["enabled"] = False
    decision = decide(payload(document))
    assert decision.verdict == Verdict.ALLOW
    assert guard.response(decision) == {}


def test_a_document_without_the_held_flag_passes():
    document = {"version": "1", "flags": {"search": {"name": "S"}}, "values": {}}
    assert decide(payload(document)).verdict == Verdict.ALLOW


def test_freeform_documents_are_guarded_as_well():
    document = {"flags": {"checkout": {"enabled": True, "rolloutPercentage": 50}}}
    assert decide(payload(document)).verdict == Verdict.REFUSE
    rewritten = decide(payload(document), GuardMode.KEEP_DISABLED)
    entry = json.loads(rewritten.content or b"")["flags"]["checkout"]
    assert entry["enabled"] is False
    assert entry["metadata"]["valuesBeforeRollback"] == {"enabled": True, "rolloutPercentage": 50}


@pytest.mark.parametrize(
    ("event", "why"),
    [
        (payload(env="env0002"), "environment env0002"),
        (payload(profile="prof002"), "not the guarded profile"),
        (payload(app="app0002"), "not the guarded profile"),
        (payload(b"not: [json"), "not a flag document"),
        (payload(b"[1, 2]"), "not a flag document"),
        (payload({"settings": {"checkout": True}}), "not a flag document"),
    ],
)
def test_what_is_not_the_guards_business_is_allowed_with_the_reason(event, why):
    decision = decide(event)
    assert decision.verdict == Verdict.ALLOW
    assert why in decision.why


@pytest.mark.parametrize(
    ("event", "why"),
    [
        ("text", "not an AppConfig extension payload"),
        ({"Type": "OnDeploymentStart"}, "not an AppConfig extension payload"),
        ({"Type": "PreStartDeployment", "Application": {"Id": "app0001"}}, "ConfigurationProfile"),
        ({**payload(), "Environment": None}, "without Environment.Id"),
        ({**payload(), "Content": "%%%"}, "not base64"),
    ],
)
def test_malformed_payloads_are_reported_not_raised(event, why):
    parsed = guard.parse_extension_event(event)
    assert isinstance(parsed, str)
    assert why in parsed


def test_no_hold_means_every_deployment_passes():
    parsed = guard.parse_extension_event(payload())
    assert not isinstance(parsed, str)
    decision = guard.decide(parsed, TARGET, {}, GuardMode.REFUSE, now=NOW)
    assert decision.verdict == Verdict.ALLOW


def test_a_payload_without_content_passes():
    event = payload()
    del event["Content"]
    assert decide(event).verdict == Verdict.ALLOW


def test_the_refusal_names_every_held_flag_it_would_turn_on():
    second = Hold("search", HoldState.HELD, Actor.OPERATOR, NOW, "manual rollback")
    parsed = guard.parse_extension_event(payload())
    assert not isinstance(parsed, str)
    decision = guard.decide(
        parsed, TARGET, {"checkout": HOLD, "search": second}, GuardMode.REFUSE, now=NOW
    )
    assert decision.flags == ("checkout", "search")
    assert "'search'" in (decision.message or "")
    assert "rolled back by operator" in (decision.message or "")
    assert "<rollback function>" in (decision.message or "")


def test_extension_events_are_told_apart_from_other_events():
    assert guard.is_extension_event(payload())
    assert guard.is_extension_event(payload(kind=ActionType.PRE_CREATE_VERSION.value))
    assert not guard.is_extension_event({"action": "status", "flag": "x"})
    assert not guard.is_extension_event({"Records": []})
