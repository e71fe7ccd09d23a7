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


# ---------------------------------------------------------------- the exact answers

COMMAND = (
    "aws lambda invoke --function-name {function}{region} --cli-binary-format raw-in-base64-out "
    """--payload '{{"action": "restore", "flag": "{flag}", "reason": "<why it is safe now>"}}' """
    "/dev/stdout"
)
CHECKOUT_LINE = (
    "Feature flag 'checkout' is on hold since 2026-11-29T03:12:00Z (rolled back by alarm "
    "FeatureFlag-checkout-ErrorRate, disabled in version 7). Why: Threshold Crossed. Keep it "
    "disabled in this configuration, or restore it on purpose first: "
    + COMMAND.format(function="shop-flag-rollback", region=" --region eu-west-1", flag="checkout")
)


def parsed(event: dict[str, Any]) -> guard.ExtensionEvent:
    result = guard.parse_extension_event(event)
    assert not isinstance(result, str), result
    return result


def test_the_refusal_is_one_message_with_what_was_refused_the_hold_and_the_command():
    decision = decide(payload())
    message = (
        "flag-rollback guard refused deployment 4: it would turn held flags back on. "
        + CHECKOUT_LINE
    )
    assert decision == guard.Decision(
        Verdict.REFUSE, "held flags enabled", ("checkout",), message=message
    )
    assert guard.response(decision) == {"Error": "BadRequestError", "Message": message}


def operator_hold(flag: str, reason: str) -> Hold:
    return Hold(flag, HoldState.HELD, Actor.OPERATOR, NOW, reason)


@pytest.mark.parametrize(
    ("reason", "why"),
    [
        ("", ""),  # no reason: no "Why"
        # An operator's hold has no alarm: its reason is shown whole, whatever it starts with.
        ("None: of the canaries passed", " Why: None: of the canaries passed."),
        # CloudWatch's state reasons end with a full stop: the message has one, not two.
        (
            "Threshold Crossed: 1 datapoint [7.0] was greater than 5.0.",
            " Why: Threshold Crossed: 1 datapoint [7.0] was greater than 5.0.",
        ),
        # Only full stops are trimmed: a reason may end in any letter or digit.
        ("payment errors from provider X", " Why: payment errors from provider X."),
        ("ticket INC-1042..", " Why: ticket INC-1042."),
    ],
)
def test_an_operators_hold_without_version_function_or_region_names_the_command(reason, why):
    event = parsed(payload(kind="PreCreateHostedConfigurationVersion"))
    hold = operator_hold("checkout", reason)
    decision = guard.decide(event, TARGET, {"checkout": hold}, GuardMode.REFUSE, now=NOW)
    assert decision.message == (
        "flag-rollback guard refused this configuration version: it would turn held flags back "
        f"on. Feature flag 'checkout' is on hold since {NOW} (rolled back by operator).{why} "
        "Keep it disabled in this configuration, or restore it on purpose first: "
        + COMMAND.format(function="<rollback function>", region="", flag="checkout")
    )


def test_a_deployment_without_a_number_is_called_this_deployment():
    event = payload()
    del event["DeploymentNumber"]
    message = decide(event).message or ""
    assert message == (
        "flag-rollback guard refused this deployment: it would turn held flags back on. "
        + CHECKOUT_LINE
    )


def test_the_refusal_joins_one_paragraph_per_held_flag():
    search = operator_hold("search", "manual rollback")
    event = parsed(payload())
    decision = guard.decide(
        event,
        TARGET,
        {"checkout": HOLD, "search": search},
        GuardMode.REFUSE,
        now=NOW,
        function="shop-flag-rollback",
        region="eu-west-1",
    )
    search_line = (
        f"Feature flag 'search' is on hold since {NOW} (rolled back by operator). Why: manual "
        "rollback. Keep it disabled in this configuration, or restore it on purpose first: "
        + COMMAND.format(function="shop-flag-rollback", region=" --region eu-west-1", flag="search")
    )
    assert decision.message == (
        "flag-rollback guard refused deployment 4: it would turn held flags back on. "
        f"{CHECKOUT_LINE} {search_line}"
    )


def refusal_with_reason(reason: str) -> tuple[str, str]:
    """The refusal of a PreCreate change for an operator's hold, and its text uncut."""
    event = parsed(payload(kind="PreCreateHostedConfigurationVersion"))
    hold = operator_hold("checkout", reason)
    whole = (
        "flag-rollback guard refused this configuration version: it would turn held flags back "
        f"on. Feature flag 'checkout' is on hold since {NOW} (rolled back by operator). Why: "
        f"{reason}. Keep it disabled in this configuration, or restore it on purpose first: "
        + COMMAND.format(function="<rollback function>", region="", flag="checkout")
    )
    return guard.refusal_message(event, [hold], None, None), whole


def test_a_refusal_of_the_longest_length_is_kept_whole_and_a_longer_one_is_cut_to_it():
    _, short = refusal_with_reason("x")
    fits = "x" * (guard.MAX_MESSAGE - len(short) + 1)
    message, whole = refusal_with_reason(fits)
    assert len(whole) == guard.MAX_MESSAGE
    assert message == whole
    message, whole = refusal_with_reason(fits + "y")
    assert message == whole[: guard.MAX_MESSAGE - 3] + "..."
    assert len(message) == guard.MAX_MESSAGE


@pytest.mark.parametrize(
    ("holds", "change", "why"),
    [
        ({}, {}, "no flag is on hold"),
        ({"checkout": HOLD}, {"Content": None}, "the payload carries no content"),
        (
            {"checkout": HOLD},
            {"Content": base64.b64encode(b"[1, 2]").decode()},
            "content is not a flag document: configuration is not a JSON object",
        ),
        (
            {"search": operator_hold("search", "r")},
            {
                "Content": base64.b64encode(
                    json.dumps({"flags": {"search": {"enabled": False}}}).encode()
                ).decode()
            },
            "no held flag is enabled in the content",
        ),
        (
            {"checkout": HOLD},
            {"Environment": {"Id": "env0002"}},
            "environment env0002 is not the guarded environment",
        ),
        (
            {"checkout": HOLD},
            {"ConfigurationProfile": {"Id": "prof002"}},
            "application app0001 profile prof002 is not the guarded profile",
        ),
    ],
)
def test_an_allowed_change_says_exactly_why(holds, change, why):
    event = {key: value for key, value in (payload() | change).items() if value is not None}
    decision = guard.decide(parsed(event), TARGET, holds, GuardMode.REFUSE, now=NOW)
    assert decision == guard.Decision(Verdict.ALLOW, why)
    assert guard.response(decision) == {}


def test_keep_disabled_answers_the_whole_document_with_the_held_flag_off_and_why():
    document = {
        "flags": {
            "checkout": {"enabled": True, "rolloutPercentage": 50},
            "search": {"enabled": True},
        }
    }
    decision = decide(payload(document), GuardMode.KEEP_DISABLED)
    assert (decision.verdict, decision.why, decision.flags, decision.message) == (
        Verdict.REWRITE,
        "held flags enabled: kept disabled",
        ("checkout",),
        None,
    )
    written = json.loads(base64.b64decode(str(guard.response(decision)["Content"])))
    assert written == {
        "flags": {
            "checkout": {
                "enabled": False,
                "rolloutPercentage": 0,
                "metadata": {
                    "lastRollback": NOW,
                    "rollbackReason": "held by flag-rollback: kept disabled by the guard",
                    "valuesBeforeRollback": {"enabled": True, "rolloutPercentage": 50},
                },
            },
            "search": {"enabled": True},
        },
        "lastUpdated": NOW,
    }


# ---------------------------------------------------------------- reading the payload


def test_the_payload_is_read_into_the_fields_the_guard_uses():
    event = payload() | {"ContentType": "application/json; charset=utf-8"}
    assert guard.parse_extension_event(event) == guard.ExtensionEvent(
        type=ActionType.PRE_START_DEPLOYMENT,
        application_id="app0001",
        profile_id="prof001",
        environment_id="env0001",
        content=json.dumps(FF_DOC).encode(),
        content_type="application/json; charset=utf-8",
        description="terraform",
        deployment_number=4,
    )


def test_a_payload_without_content_type_description_or_a_numeric_deployment_gets_defaults():
    event = payload(kind="PreCreateHostedConfigurationVersion")
    for key in ("ContentType", "Description"):
        del event[key]
    event["DeploymentNumber"] = "4"
    assert guard.parse_extension_event(event) == guard.ExtensionEvent(
        type=ActionType.PRE_CREATE_VERSION,
        application_id="app0001",
        profile_id="prof001",
        environment_id=None,
        content=json.dumps(FF_DOC).encode(),
        content_type="application/json",
        description="",
        deployment_number=None,
    )


@pytest.mark.parametrize(
    ("event", "why"),
    [
        ({"Type": "OnDeploymentStart"}, "not an AppConfig extension payload (no known Type)"),
        (
            payload() | {"Application": {"Id": ""}},
            "PreStartDeployment payload without Application.Id or ConfigurationProfile.Id",
        ),
        (
            payload() | {"ConfigurationProfile": {"Id": 7}},
            "PreStartDeployment payload without Application.Id or ConfigurationProfile.Id",
        ),
        (
            payload(kind="PreCreateHostedConfigurationVersion") | {"Application": {"Id": 7}},
            "PreCreateHostedConfigurationVersion payload without Application.Id or "
            "ConfigurationProfile.Id",
        ),
        (payload(env=None), "PreStartDeployment payload without Environment.Id"),
        (payload() | {"Content": "%%%"}, "Content is not base64"),
    ],
)
def test_a_payload_the_guard_cannot_use_is_answered_with_exactly_why(event, why):
    assert guard.parse_extension_event(event) == why
