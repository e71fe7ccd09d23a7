"""The read-only requests, status and holds: the whole result each returns and the one
log line each writes (what an operator runs from the notification and queries in the logs)."""

from __future__ import annotations

import pytest

from emulator.core.config import set_deployment_time_factor
from tests.events import FREEFORM_DOC
from tests.functional.logs import decisions
from tests.functional.results import result
from tests.functional.world import World, alarm_name


def status_result(**fields: object) -> dict[str, object]:
    """A status request's result: every field, the defaults unless given."""
    return result("status", action="status", state={}) | fields


@pytest.mark.parametrize("dry_run", [False, True])
def test_status_returns_the_deployed_state_the_rollout_and_every_alarm_state(
    world: World, dry_run: bool, capsys: pytest.CaptureFixture[str]
):
    """An alarm in OK is listed with its state (status shows every alarm of the flag, not
    only those in ALARM) and names the result; the base is the last COMPLETE version."""
    world.put_alarm("checkout", state="OK")
    world.configure(DRY_RUN="true" if dry_run else "false")
    version = world.create_version(FREEFORM_DOC)
    set_deployment_time_factor(0.01)  # the strategy's 10-minute bake takes 6 s
    number = world.start(version)
    set_deployment_time_factor(0.0)
    capsys.readouterr()

    (status,) = world.invoke({"action": "status", "flag": "checkout"})["results"]

    rollout = status["state"]["deployment_in_progress"]
    assert rollout["state"] in {"DEPLOYING", "BAKING"}
    state = {
        "defined": True,
        "enabled": True,
        "deployed_version": 1,
        "deployment_in_progress": {"number": number, "version": version, "state": rollout["state"]},
        "alarms": [{"name": alarm_name("checkout"), "state": "OK"}],
        "hold": None,
    }
    assert status == status_result(
        flags=["checkout"],
        alarm=alarm_name("checkout"),
        old_version=1,
        dry_run=dry_run,
        state=state,
    )
    assert decisions(capsys.readouterr().out, "status") == [
        {"level": "INFO", "decision": "status", "flag": "checkout", "state": state}
    ]
    assert world.notifications() == []


def test_status_of_a_flag_without_alarm_or_deployment_in_progress(world: World):
    (status,) = world.invoke({"action": "status", "flag": "cart"})["results"]
    assert status == status_result(
        flags=["cart"],
        old_version=1,
        state={
            "defined": True,
            "enabled": True,
            "deployed_version": 1,
            "deployment_in_progress": None,
            "alarms": [],
            "hold": None,
        },
    )


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_failed_status_is_logged_as_an_error_with_its_flag_and_cause(
    world: World, dry_run: bool, capsys: pytest.CaptureFixture[str]
):
    world.deploy(b"not json")
    world.configure(DRY_RUN="true" if dry_run else "false")
    capsys.readouterr()

    (status,) = world.invoke({"action": "status", "flag": "checkout"})["results"]

    message = "configuration is not JSON: Expecting value: line 1 column 1 (char 0)"
    assert status == status_result(
        outcome="failed", flags=["checkout"], dry_run=dry_run, detail=message
    )
    assert decisions(capsys.readouterr().out, "status_failed") == [
        {
            "level": "ERROR",
            "decision": "status_failed",
            "flag": "checkout",
            "error": "content_not_json",
            "message": message,
        }
    ]
    assert world.notifications() == []


def test_a_feature_flags_document_is_never_read_as_freeform(ff_world: World):
    """The AWS.AppConfig.FeatureFlags type reference requires only ``version``: a document
    without ``values`` is accepted by AppConfig, which serves its flags as off. Read with
    the profile's type it is refused as a FeatureFlags document; read as freeform, the
    flag definition ``{"name": ...}`` would look like an enabled flag."""
    ff_world.deploy({"version": "1", "flags": {"checkout": {"name": "Checkout"}}})

    (status,) = ff_world.invoke({"action": "status", "flag": "checkout"})["results"]

    assert status == status_result(
        outcome="failed",
        flags=["checkout"],
        detail="feature flag document lacks flags/values objects",
    )


def test_holds_lists_the_held_flags_and_logs_them(world: World, capsys: pytest.CaptureFixture[str]):
    world.alarm("checkout")
    world.configure(DRY_RUN="true")  # the listing says which mode the function is in
    capsys.readouterr()

    (listed,) = world.invoke({"action": "holds"})["results"]

    holds = listed["state"]["holds"]
    assert [(hold["flag"], hold["state"]) for hold in holds] == [("checkout", "held")]
    assert listed == status_result(
        action="holds", outcome="holds", flags=["checkout"], dry_run=True, state={"holds": holds}
    )
    assert decisions(capsys.readouterr().out, "holds") == [
        {"level": "INFO", "decision": "holds", "flag": None, "state": {"holds": holds}}
    ]
