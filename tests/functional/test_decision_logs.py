"""The JSON log line of each decision, whole: operators query these fields and metric
filters match them (lambda/README.md, Metrics and logs)."""

from __future__ import annotations

import copy

import pytest
from flag_rollback import clients
from flag_rollback.errors import SettingsError

from emulator.core.config import set_deployment_time_factor
from tests.events import FREEFORM_DOC, alarm_message, sns_event
from tests.functional.logs import decisions
from tests.functional.results import result
from tests.functional.test_foreign_rollout import foreign_rollout
from tests.functional.world import World, alarm_name

REASON = "Threshold Crossed: 1 datapoint [12.0] was greater than the threshold."


def test_a_storm_names_each_other_flag_in_alarm_and_its_alarm(
    world: World, capsys: pytest.CaptureFixture[str]
):
    for name in ("search", "cart"):
        world.put_alarm(name)
    capsys.readouterr()
    world.alarm("checkout")
    assert decisions(capsys.readouterr().out, "storm") == [
        {
            "level": "INFO",
            "decision": "storm",
            "flags": ["cart", "search"],
            "alarms": [alarm_name("cart"), alarm_name("search")],
        }
    ]


def test_a_rollback_result_is_one_line_with_every_field_that_has_a_value(
    world: World, capsys: pytest.CaptureFixture[str]
):
    capsys.readouterr()
    (outcome,) = world.alarm("checkout")["results"]
    (record,) = decisions(capsys.readouterr().out, "rollback_rolled_back")
    assert record == {
        "level": "INFO",
        "decision": "rollback_rolled_back",
        "action": "rollback",
        "outcome": "rolled_back",
        "flags": ["checkout"],
        "alarm": alarm_name("checkout"),
        "reason": REASON,
        "old_version": 1,
        "new_version": 2,
        "deployment_number": 2,
        "dry_run": False,
        "state": outcome["state"],
    }


def test_a_failed_rollback_is_logged_as_an_error_with_its_code_and_message(
    world: World, capsys: pytest.CaptureFixture[str]
):
    capsys.readouterr()
    (outcome,) = world.alarm("ghost")["results"]
    message = "flag(s) ghost not in deployed version 1"
    assert (outcome["outcome"], outcome["detail"]) == ("failed", message)
    assert decisions(capsys.readouterr().out, "rollback_failed") == [
        {
            "level": "ERROR",
            "decision": "rollback_failed",
            "action": "rollback",
            "outcome": "failed",
            "flags": ["ghost"],
            "alarm": alarm_name("ghost"),
            "reason": REASON,
            "dry_run": False,
            "detail": message,
            "error": "flag_not_found",
            "message": message,
        }
    ]


def test_an_alarm_that_does_not_roll_back_is_ignored_and_logged(
    world: World, capsys: pytest.CaptureFixture[str]
):
    capsys.readouterr()
    event = sns_event(alarm_message(alarm_name("checkout"), "OK", old="ALARM"))
    (outcome,) = world.invoke(event)["results"]
    assert outcome == result("ignored", alarm=alarm_name("checkout"), reason=REASON, state={})
    assert decisions(capsys.readouterr().out, "alarm_ignored") == [
        {
            "level": "INFO",
            "decision": "alarm_ignored",
            "alarm": alarm_name("checkout"),
            "state": "OK",
            "source": "sns",
        }
    ]
    assert world.notifications() == []


def test_an_alarm_without_a_reason_rolls_back_for_the_alarm_in_alarm(world: World):
    message = alarm_message(alarm_name("checkout"), "ALARM")
    del message["NewStateReason"]
    (outcome,) = world.invoke(sns_event(message))["results"]
    assert (outcome["outcome"], outcome["reason"]) == ("rolled_back", "alarm in ALARM")
    (note,) = world.notifications()
    assert note["Document"]["reason"] == "alarm in ALARM"


def test_an_invalid_configuration_is_logged_with_the_variable_and_the_error(
    world: World, capsys: pytest.CaptureFixture[str]
):
    world.configure(ALARM_NAME_PATTERN="^no-group$")
    capsys.readouterr()
    with pytest.raises(SettingsError) as raised:
        world.alarm("checkout")
    assert decisions(capsys.readouterr().out, "invalid_configuration") == [
        {
            "level": "ERROR",
            "decision": "invalid_configuration",
            "variable": "ALARM_NAME_PATTERN",
            "error": str(raised.value),
        }
    ]
    assert "ALARM_NAME_PATTERN" in str(raised.value)


def test_a_persons_rollout_stopped_by_a_rollback_is_logged(
    world: World, capsys: pytest.CaptureFixture[str]
):
    changed = copy.deepcopy(FREEFORM_DOC)
    changed["flags"]["search"]["rolloutPercentage"] = 50
    version = world.create_version(changed)
    set_deployment_time_factor(1.0)  # the strategy's real ten-minute bake
    try:
        number = world.start(version)
    finally:
        set_deployment_time_factor(0.0)
    capsys.readouterr()
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    assert decisions(capsys.readouterr().out, "stopped_deployment") == [
        {
            "level": "INFO",
            "decision": "stopped_deployment",
            "deployment": number,
            "version": version,
            "state": "ROLLING_BACK",  # what StopDeployment answered
        }
    ]


def test_a_version_written_by_a_person_meanwhile_is_logged_as_a_conflict(
    world: World, capsys: pytest.CaptureFixture[str]
):
    """A person writes version 2 between the rollback's read and its write: the write
    with LatestVersionNumber 1 is refused, retried with 2, and the conflict logged."""
    written: list[int] = []

    def person_writes(**_: object) -> None:
        if not written:
            written.append(world.create_version(FREEFORM_DOC))

    clients.appconfig().meta.events.register(
        "before-call.appconfig.CreateHostedConfigurationVersion", person_writes
    )
    capsys.readouterr()
    (outcome,) = world.alarm("checkout")["results"]
    assert (written, outcome["outcome"], outcome["new_version"]) == ([2], "rolled_back", 3)
    assert decisions(capsys.readouterr().out, "version_conflict") == [
        {
            "level": "INFO",
            "decision": "version_conflict",
            "latest": 1,
            "actual": 2,
            "error": "ConflictException",
        }
    ]


def test_each_wait_for_another_profiles_rollout_is_logged_with_its_holder(
    world: World, fast_retries: None, capsys: pytest.CaptureFixture[str]
):
    world.configure(FOREIGN_ROLLOUT="wait")
    # Its hour takes 3.6 s: long enough that a loaded machine still meets it in progress
    # (0.7 s was not, under a mutation run), short enough to wait out.
    other = foreign_rollout(world, factor=0.001)
    capsys.readouterr()
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    waits = decisions(capsys.readouterr().out, "environment_busy")
    assert waits
    assert waits == [
        {
            "level": "INFO",
            "decision": "environment_busy",
            "holder": other["number"],
            "profile": "web-config",
            "attempt": attempt,
        }
        for attempt in range(len(waits))
    ]
