"""The whole notification document and the metric lines of a rollback that left a flag
alone and of one that failed: what subscribers and dashboards receive."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flag_rollback import clients, service
from flag_rollback.errors import TransientError

from tests.functional.faults import Faults
from tests.functional.world import World, alarm_name

REASON = "Threshold Crossed: 1 datapoint [12.0] was greater than the threshold."
FUNCTION, REGION = "shop-flag-rollback", "eu-west-1"
HOLD_NOTE = (
    "On hold: checkout. Deployments that turn a held flag back on are refused until it is restored."
)


def metrics(capsys: pytest.CaptureFixture[str]) -> list[tuple[str, str, object]]:
    """(metric, flag dimension, value) for every EMF line."""
    found = []
    for line in capsys.readouterr().out.splitlines():
        record = json.loads(line)
        if "_aws" in record:
            (directive,) = record["_aws"]["CloudWatchMetrics"]
            for metric in directive["Metrics"]:
                name = metric["Name"]
                found.append((name, record.get("FeatureFlagName"), record[name]))
    return found


def document(world: World) -> dict[str, Any]:
    """The only notification's JSON document, its time checked and left out."""
    (note,) = world.notifications()
    body = dict(note["Document"])
    occurred = body.pop("occurred_at")
    assert datetime.fromisoformat(occurred).tzinfo is not None
    return body


def where(world: World) -> dict[str, object]:
    return {
        "schema_version": 1,
        "source": "flag-rollback",
        "application_id": world.app_id,
        "environment_id": world.env_id,
        "configuration_profile_id": world.profile_id,
        "function_name": FUNCTION,
        "region": REGION,
        "truncated": False,
        "preempted_rollouts": [],
    }


def test_a_rollback_that_left_unknown_flags_alone_says_so(
    world: World, capsys: pytest.CaptureFixture[str]
):
    world.configure(AWS_LAMBDA_FUNCTION_NAME=FUNCTION, AWS_REGION=REGION)
    capsys.readouterr()
    (outcome,) = world.alarm("ghost", "phantom", "checkout")["results"]
    assert (outcome["outcome"], outcome["missing"]) == ("rolled_back", ["ghost", "phantom"])
    alarms = ", ".join(alarm_name(name) for name in ("ghost", "phantom", "checkout"))
    assert document(world) == where(world) | {
        "action": "rollback",
        "outcome": "rolled_back",
        "flags": ["checkout"],
        "alarm": alarms,
        "reason": REASON,
        "old_version": 1,
        "new_version": 2,
        "deployment_number": 2,
        "dry_run": False,
        "error_code": "flag_not_found",
        "error_message": "not in the deployed configuration, left alone: ghost, phantom",
        "will_retry": False,
        "hold_note": HOLD_NOTE,
    }
    measured = metrics(capsys)
    assert [(name, flag) for name, flag, _ in measured] == [
        ("AutomatedRollback", "checkout"),
        ("RollbackDurationMs", "checkout"),
        ("RollbackFailed", "ghost"),  # the flags left alone, not the one rolled back
        ("RollbackFailed", "phantom"),
    ]
    assert measured[0][2] == measured[2][2] == measured[3][2] == 1


def test_a_plain_rollback_notifies_no_error(world: World):
    world.configure(AWS_LAMBDA_FUNCTION_NAME=FUNCTION, AWS_REGION=REGION)
    world.alarm("checkout")
    assert document(world) == where(world) | {
        "action": "rollback",
        "outcome": "rolled_back",
        "flags": ["checkout"],
        "alarm": alarm_name("checkout"),
        "reason": REASON,
        "old_version": 1,
        "new_version": 2,
        "deployment_number": 2,
        "dry_run": False,
        "error_code": None,
        "error_message": None,
        "will_retry": False,
        "hold_note": HOLD_NOTE,
    }


def test_a_failed_rollback_notifies_its_code_and_message_and_counts_its_flag(
    world: World, capsys: pytest.CaptureFixture[str]
):
    world.configure(AWS_LAMBDA_FUNCTION_NAME=FUNCTION, AWS_REGION=REGION)
    capsys.readouterr()
    (outcome,) = world.invoke({"action": "rollback", "flag": "ghost", "reason": "bad"})["results"]
    assert outcome["outcome"] == "failed"
    assert document(world) == where(world) | {
        "action": "rollback",
        "outcome": "failed",
        "flags": ["ghost"],
        "alarm": None,
        "reason": "bad",
        "old_version": None,
        "new_version": None,
        "deployment_number": None,
        "dry_run": False,
        "error_code": "flag_not_found",
        "error_message": "flag(s) ghost not in deployed version 1",
        "will_retry": False,
        "hold_note": None,
    }
    assert metrics(capsys) == [("RollbackFailed", "ghost", 1)]


def test_the_rollback_duration_runs_from_the_events_arrival_to_the_deployment(
    world: World, capsys: pytest.CaptureFixture[str]
):
    """RollbackDurationMs: milliseconds from the invocation's start to the end of the
    rollback; a StartDeployment held up 300 ms shows in it, and it never exceeds the
    invocation's own wall time."""

    def slow(**_: object) -> None:
        time.sleep(0.3)

    clients.appconfig().meta.events.register("before-call.appconfig.StartDeployment", slow)
    capsys.readouterr()
    began = time.monotonic()
    world.alarm("checkout")
    wall_ms = (time.monotonic() - began) * 1000
    (duration,) = [value for name, _, value in metrics(capsys) if name == "RollbackDurationMs"]
    assert isinstance(duration, float)
    assert 300 <= duration <= wall_ms


@pytest.mark.usefixtures("fast_retries")
@pytest.mark.parametrize(
    ("operation", "code", "message"),
    [
        (
            "StartDeployment",
            "environment_busy",
            lambda: "the environment stayed busy; Lambda will retry",
        ),
        (
            "CreateHostedConfigurationVersion",
            "lost_race",
            lambda: f"gave up after {service.TIMING.max_cycles} concurrent changes",
        ),
    ],
)
def test_a_rollback_that_runs_out_of_retries_notifies_that_lambda_will_retry(
    world: World, faults: Faults, operation: str, code: str, message: Callable[[], str]
):
    world.configure(AWS_LAMBDA_FUNCTION_NAME=FUNCTION, AWS_REGION=REGION)
    faults.inject("appconfig", operation, "conflict")
    with pytest.raises(TransientError) as caught:
        world.alarm("checkout")
    assert (caught.value.code, caught.value.message) == (code, message())
    assert document(world) == where(world) | {
        "action": "rollback",
        "outcome": "failed",
        "flags": ["checkout"],
        "alarm": alarm_name("checkout"),
        "reason": REASON,
        "old_version": None,
        "new_version": None,
        "deployment_number": None,
        "dry_run": False,
        "error_code": code,
        "error_message": message(),
        "will_retry": True,
        "hold_note": None,
    }
