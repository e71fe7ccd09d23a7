"""What the deployment guard tells people: its one log line per answer, at the level
Lambda's log filtering reads, and the notification of a refused or rewritten change."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from flag_rollback import clients, guard_handler

from tests.events import FREEFORM_DOC
from tests.functional.faults import read_timeout
from tests.functional.world import World

START, LATER = 1000.0, 1000.01234  # the guard's clock, before and after it answers


class Clock:
    """time.monotonic for the guard handler: the start, then 12.34 ms later."""

    def __init__(self) -> None:
        self.calls = 0

    def monotonic(self) -> float:
        self.calls += 1
        return START if self.calls == 1 else LATER


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(guard_handler, "time", clock)
    return clock


def document(checkout_enabled: bool) -> dict[str, Any]:
    doc = json.loads(json.dumps(FREEFORM_DOC))
    doc["flags"]["checkout"]["enabled"] = checkout_enabled
    return doc


def deployment_payload(world: World, doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "InvocationId": "inv0001",
        "Type": "PreStartDeployment",
        "Application": {"Id": world.app_id, "Name": "shop"},
        "Environment": {"Id": world.env_id, "Name": "prod"},
        "ConfigurationProfile": {"Id": world.profile_id, "Name": "flags"},
        "ContentType": "application/json",
        "Content": base64.b64encode(json.dumps(doc).encode()).decode(),
        "DeploymentNumber": 9,
    }


def answer_and_lines(
    event: object, capsys: pytest.CaptureFixture[str]
) -> tuple[dict[str, object], list[dict[str, Any]]]:
    """The guard's answer and the log lines of that one invocation, without their times."""
    capsys.readouterr()
    answer = guard_handler.handler(event, None)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    for line in lines:
        assert isinstance(line.pop("time"), str)
        assert isinstance(line.pop("timestamp"), str)
    return answer, lines


def held_flags_line(world: World, decision: str, why: str) -> dict[str, object]:
    """The WARN line of a deployment (number 9) that turned the held flag checkout back on."""
    return {
        "level": "WARN",
        "decision": decision,
        "type": "PreStartDeployment",
        "environment": world.env_id,
        "deployment": 9,
        "flags": ["checkout"],
        "why": why,
        "latency_ms": 12.3,
    }


def guard_notifications(world: World) -> list[dict[str, Any]]:
    documents = [note["Document"] for note in world.notifications()]
    guarded = [doc for doc in documents if doc["action"] == "guard"]
    for doc in guarded:
        assert isinstance(doc.pop("occurred_at"), str)
    return guarded


def notification(world: World, **fields: object) -> dict[str, object]:
    return {
        "schema_version": 1,
        "source": "flag-rollback",
        "action": "guard",
        "flags": ["checkout"],
        "alarm": None,
        "old_version": None,
        "new_version": None,
        "deployment_number": 9,
        "dry_run": False,
        "application_id": world.app_id,
        "environment_id": world.env_id,
        "configuration_profile_id": world.profile_id,
        "error_code": None,
        "error_message": None,
        "will_retry": False,
        "truncated": False,
        "function_name": None,
        "region": None,
        "preempted_rollouts": [],
        **fields,
    }


def test_a_refusal_is_one_warn_line_and_a_notification_carrying_the_message(
    world: World, clock: Clock, capsys: pytest.CaptureFixture[str]
):
    world.alarm("checkout")
    world.notifications()
    answer, lines = answer_and_lines(deployment_payload(world, document(True)), capsys)
    assert set(answer) == {"Error", "Message"}
    assert lines == [held_flags_line(world, "guard_refuse", "held flags enabled")]
    assert guard_notifications(world) == [
        notification(
            world,
            outcome="refused_deployment",
            reason="PreStartDeployment: refused a change that turned held flags back on",
            hold_note=answer["Message"],
        )
    ]


def test_a_rewrite_is_one_warn_line_and_a_notification_saying_the_flag_was_kept_off(
    world: World, clock: Clock, capsys: pytest.CaptureFixture[str]
):
    world.configure(GUARD_MODE="keep_disabled")
    world.alarm("checkout")
    world.notifications()
    answer, lines = answer_and_lines(deployment_payload(world, document(True)), capsys)
    assert set(answer) == {"Content"}
    assert lines == [held_flags_line(world, "guard_rewrite", "held flags enabled: kept disabled")]
    assert guard_notifications(world) == [
        notification(
            world,
            outcome="kept_disabled",
            reason="PreStartDeployment: kept disabled in a change that turned held flags back on",
            hold_note=None,
        )
    ]


def test_an_allowed_deployment_is_one_info_line_and_no_notification(
    world: World, clock: Clock, capsys: pytest.CaptureFixture[str]
):
    world.alarm("checkout")
    world.notifications()
    answer, lines = answer_and_lines(deployment_payload(world, document(False)), capsys)
    assert answer == {}
    assert lines == [
        {
            "level": "INFO",
            "decision": "guard_allow",
            "type": "PreStartDeployment",
            "environment": world.env_id,
            "deployment": 9,
            "flags": [],
            "why": "no held flag is enabled in the content",
            "latency_ms": 12.3,
        }
    ]
    assert guard_notifications(world) == []


def test_a_payload_the_guard_cannot_read_is_allowed_with_one_warn_line(
    world: World, capsys: pytest.CaptureFixture[str]
):
    answer, lines = answer_and_lines({"Type": "OnDeploymentStart"}, capsys)
    assert answer == {}
    assert lines == [
        {
            "level": "WARN",
            "decision": "guard_allowed",
            "why": "not an AppConfig extension payload (no known Type)",
        }
    ]


def test_an_invalid_configuration_is_allowed_with_one_error_line_naming_the_variable(
    world: World, capsys: pytest.CaptureFixture[str]
):
    world.configure(GUARD_MODE="refuse_everything")
    answer, lines = answer_and_lines(deployment_payload(world, document(True)), capsys)
    assert answer == {}
    assert lines == [
        {
            "level": "ERROR",
            "decision": "invalid_configuration",
            "variable": "GUARD_MODE",
            "error": "GUARD_MODE: 'refuse_everything' is not one of refuse, keep_disabled",
        }
    ]


def test_an_unreachable_store_is_an_error_line_then_an_allow_that_says_it_was_unchecked(
    world: World, clock: Clock, capsys: pytest.CaptureFixture[str]
):
    world.alarm("checkout")
    clients.ssm().meta.events.register_first("before-send.ssm.GetParametersByPath", read_timeout)
    endpoint = clients.ssm().meta.endpoint_url
    answer, lines = answer_and_lines(deployment_payload(world, document(True)), capsys)
    assert answer == {}
    assert lines == [
        {
            "level": "ERROR",
            "decision": "guard_store_unavailable",
            "error": "aws_unavailable",
            "message": f'GetParametersByPath failed: Read timeout on endpoint URL: "{endpoint}/"',
        },
        {
            "level": "INFO",
            "decision": "guard_allow",
            "type": "PreStartDeployment",
            "environment": world.env_id,
            "deployment": 9,
            "flags": [],
            "why": "holds could not be read (aws_unavailable): allowed unchecked",
            "latency_ms": 12.3,
        },
    ]
