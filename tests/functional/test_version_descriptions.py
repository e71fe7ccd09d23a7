"""The description and label of each version the function writes, whole: what a person
reads in the console's version list, and the label the function reads back (lineage)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from tests.functional.world import World, alarm_name

REASON = "Threshold Crossed: 1 datapoint [12.0] was greater than the threshold."


def written_at(description: str, before: datetime, after: datetime) -> str:
    """The time the description states, checked to lie within the invocation."""
    match = re.search(r" at (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)", description)
    assert match, description
    stated = datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before.replace(microsecond=0) <= stated <= after
    return match.group(1)


def stamp(now: str) -> str:
    return now.replace("-", "").replace(":", "")


def test_a_rollback_version_says_which_alarm_disabled_which_flags_and_why(world: World):
    world.put_alarm("search")  # in ALARM too: the storm check disables it in the same version
    before = datetime.now(UTC)
    (outcome,) = world.alarm("checkout")["results"]
    after = datetime.now(UTC)
    version = world.version(outcome["new_version"])
    now = written_at(version["Description"], before, after)
    assert version["Description"] == (
        f"flag-rollback rollback at {now} after alarm {alarm_name('checkout')}: "
        f"disabled checkout, search (based on deployed version 1). Reason: {REASON}"
    )
    assert version["VersionLabel"] == f"flag-rollback:{stamp(now)}:d1:checkout,search"


def test_a_restore_version_says_which_flag_it_re_enabled_and_why(world: World):
    world.alarm("checkout")
    world.put_alarm("checkout", state="OK")
    before = datetime.now(UTC)
    (outcome,) = world.invoke({"action": "restore", "flag": "checkout", "reason": "fixed"})[
        "results"
    ]
    after = datetime.now(UTC)
    version = world.version(outcome["new_version"])
    now = written_at(version["Description"], before, after)
    assert version["Description"] == (
        f"flag-rollback restore at {now}: re-enabled checkout (based on deployed version 2). "
        "Reason: fixed"
    )
    assert version["VersionLabel"] == f"flag-restore:{stamp(now)}:d2:checkout"
