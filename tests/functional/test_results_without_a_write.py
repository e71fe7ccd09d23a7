"""The whole result of a change that writes nothing: a flag already off, a dry run, and
flags none of which the deployed configuration defines."""

from __future__ import annotations

from typing import Any

from tests.events import alarm_message, sns_event
from tests.functional.results import result, without_state
from tests.functional.world import World, alarm_name

REASON = "Threshold Crossed: 1 datapoint [12.0] was greater than the threshold."


def rollback_result(**fields: object) -> dict[str, Any]:
    """An alarm's rollback of checkout on version 1, with ``fields`` replaced."""
    return (
        result(
            "no_change",
            flags=["checkout"],
            alarm=alarm_name("checkout"),
            reason=REASON,
            old_version=1,
        )
        | fields
    )


def test_a_flag_already_off_is_no_change_already_in_the_wanted_state(world: World):
    assert world.alarm("checkout")["results"][0]["outcome"] == "rolled_back"

    (again,) = world.alarm("checkout")["results"]

    assert without_state(again) == rollback_result(
        old_version=2, unchanged=["checkout"], detail="already in the wanted state"
    )
    assert len(world.versions()) == 2


def test_a_dry_run_says_what_it_would_change_and_that_it_wrote_nothing(world: World):
    world.configure(DRY_RUN="true")

    (outcome,) = world.alarm("checkout")["results"]

    assert without_state(outcome) == rollback_result(
        outcome="dry_run", dry_run=True, detail="DRY_RUN: nothing written"
    )
    assert len(world.versions()) == 1


def test_flags_none_of_which_is_defined_are_named_in_the_error(world: World):
    """Two alarms of flags the deployed configuration lacks: one request, both named."""
    event = sns_event(
        alarm_message(alarm_name("ghost"), "ALARM"), alarm_message(alarm_name("phantom"), "ALARM")
    )

    (outcome,) = world.invoke(event)["results"]

    assert (outcome["outcome"], outcome["detail"]) == (
        "failed",
        "flag(s) ghost, phantom not in deployed version 1",
    )
    assert len(world.versions()) == 1
