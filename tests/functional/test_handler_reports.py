"""What the entry point reports for one invocation: every alarm of a batch answered, a dry
run's failure marked as a dry run, a rollback's duration in milliseconds."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace
from typing import Any

import pytest
from flag_rollback import handler

from tests.events import alarm_message, sns_event
from tests.functional.world import World, alarm_name

REASON = "Threshold Crossed: 1 datapoint [12.0] was greater than the threshold."


def emf(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """The EMF metric lines printed so far."""
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return [line for line in lines if "_aws" in line]


def test_an_alarm_that_names_no_flag_does_not_stop_the_alarms_after_it(world: World):
    """One SNS delivery may carry several alarm changes: a foreign alarm among them is
    rejected on its own, and the flag alarms after it still roll back."""
    event = sns_event(
        alarm_message("SomeOtherAlarm", "ALARM"), alarm_message(alarm_name("checkout"), "ALARM")
    )
    rejected, rolled_back = world.invoke(event)["results"]
    assert (rejected["outcome"], rejected["reason"]) == (
        "rejected",
        "alarm 'SomeOtherAlarm' does not match ALARM_NAME_PATTERN",
    )
    assert (rolled_back["outcome"], rolled_back["flags"]) == ("rolled_back", ["checkout"])
    assert (rolled_back["alarm"], rolled_back["reason"]) == (alarm_name("checkout"), REASON)
    assert world.deployed_version() == 2


@pytest.mark.parametrize("opted_in", [["checkout"], ["XXXX"], ["checkout", "XXXX", "unknown"]])
def test_an_alarm_that_names_no_flag_is_ignored_when_it_only_lacks_data(
    world: World, opted_in: list[str]
):
    """INSUFFICIENT_DATA rolls back only a flag that opted in; an alarm whose name names no
    flag names none that did, whatever INSUFFICIENT_DATA_ROLLBACK_FLAGS lists: it is
    ignored, not rejected, and nobody is told."""
    world.configure(INSUFFICIENT_DATA_ROLLBACK_FLAGS=json.dumps(opted_in))
    (outcome,) = world.invoke(sns_event(alarm_message("XXXX", "INSUFFICIENT_DATA")))["results"]
    assert (outcome["action"], outcome["outcome"], outcome["alarm"]) == (
        "rollback",
        "ignored",
        "XXXX",
    )
    assert world.notifications() == []
    assert len(world.versions()) == 1


def test_a_failed_rollback_in_a_dry_run_says_it_was_a_dry_run(world: World):
    world.configure(DRY_RUN="true")
    (outcome,) = world.invoke({"action": "rollback", "flag": "ghost", "reason": "bad"})["results"]
    assert (outcome["outcome"], outcome["dry_run"]) == ("failed", True)
    (note,) = world.notifications()
    assert (note["Document"]["outcome"], note["Document"]["dry_run"]) == ("failed", True)
    assert note["Document"]["error_code"] == "flag_not_found"


def test_the_rollback_duration_is_the_invocations_time_in_milliseconds(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    """RollbackDurationMs counts from the invocation's start to the end of the rollback:
    with the entry point's clock reading 2.5 s after the start at the end, it is 2500.0."""
    readings: list[float] = []

    def monotonic() -> float:
        readings.append(time.monotonic() if not readings else readings[0] + 2.5)
        return readings[-1]

    monkeypatch.setattr(handler, "time", SimpleNamespace(monotonic=monotonic))
    capsys.readouterr()
    world.alarm("checkout")
    (line,) = emf(capsys)
    assert (line["FeatureFlagName"], line["AutomatedRollback"]) == ("checkout", 1)
    assert line["RollbackDurationMs"] == 2500.0
