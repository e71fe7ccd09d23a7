"""A multi-variant rollback's values record and the 1024 characters of a version description.

The record goes before the reason, so the reason is what a long description loses; a record
that would leave no room for even `` Reason: ...`` is left out whole (a cut record could not
be read back), with a WARN line naming the flags whose restore will then need a person.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from flag_rollback.text import MAX_DESCRIPTION
from flag_rollback.variants import RECORD_MARKER

from tests.events import FEATURE_FLAGS_DOC
from tests.functional.world import World

# A time as the description states it (always this width).
SOME_TIME = "2026-01-01T00:00:00Z"
NAME_LENGTH = 60


def head(now: str) -> str:
    """The description before the record, for a direct rollback of checkout on version 2."""
    return f"flag-rollback rollback at {now}: disabled checkout (based on deployed version 2)."


def record(names: list[str]) -> str:
    """The record of checkout, its base value and all its variants on (README's format)."""
    entry = {"checkout": {"base": True, "variants": names}}
    return RECORD_MARKER + json.dumps(entry, separators=(",", ":"))


def variant_names(length: int) -> list[str]:
    """Variant names (no spaces: each is recorded as written) such that head, a space and the
    record of checkout with all of them on are ``length`` characters long."""
    names: list[str] = []
    while len(f"{head(SOME_TIME)} {record([*names, 'v' * NAME_LENGTH])}") < length:
        names.append(f"v{len(names):02d}".ljust(NAME_LENGTH, "x"))
    missing = length - len(f"{head(SOME_TIME)} {record([*names, 'd'])}")
    assert 0 <= missing < NAME_LENGTH, missing
    return [*names, "d" * (1 + missing)]


def document(names: list[str]) -> dict[str, Any]:
    """The world's FeatureFlags document with checkout multi-variant: every variant on,
    the last one the default."""
    changed = copy.deepcopy(FEATURE_FLAGS_DOC)
    *ruled, default = names
    changed["values"]["checkout"] = {
        "enabled": True,
        "_variants": [
            *({"name": name, "enabled": True, "rule": '(eq $group "staff")'} for name in ruled),
            {"name": default, "enabled": True},
        ],
    }
    return changed


def rollback(world: World, names: list[str]) -> tuple[str, str]:
    """Deploy the document as version 2, roll checkout back: the version's description and
    the time it states."""
    assert world.deploy(document(names)) == 2
    (outcome,) = world.invoke({"action": "rollback", "flag": "checkout", "reason": "bad"})[
        "results"
    ]
    assert outcome["outcome"] == "rolled_back"
    description = str(world.version(outcome["new_version"])["Description"])
    match = re.search(r" at (\S{20}): ", description)
    assert match, description
    return description, match.group(1)


def warnings(output: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return [
        {key: value for key, value in line.items() if key not in {"time", "timestamp"}}
        for line in lines
        if line.get("level") == "WARN"
    ]


# Head and record of this length, then " Reason: bad": a description of exactly 1024.
LONGEST_KEPT = MAX_DESCRIPTION - len(" Reason: bad")


def test_a_record_that_leaves_room_for_the_reason_marker_is_kept(
    ff_world: World, capsys: pytest.CaptureFixture[str]
):
    """Head and record take 1012 characters: with `` Reason: bad`` the description is 1024
    long, every character of it kept, and the restore can read the record back."""
    names = variant_names(LONGEST_KEPT)
    capsys.readouterr()
    description, now = rollback(ff_world, names)
    assert description == f"{head(now)} {record(names)} Reason: bad"
    assert len(description) == MAX_DESCRIPTION
    assert warnings(capsys.readouterr().out) == []
    ff_world.put_alarm("checkout", state="OK")
    (restored,) = ff_world.invoke({"action": "restore", "flag": "checkout", "reason": "fixed"})[
        "results"
    ]
    assert restored["outcome"] == "restored"
    variants = ff_world.deployed()["values"]["checkout"]["_variants"]
    assert [variant["enabled"] for variant in variants] == [True] * len(names)


def test_a_record_one_character_longer_is_left_out_with_a_warning(
    ff_world: World, capsys: pytest.CaptureFixture[str]
):
    """One more character and the record would push the reason out: the description has
    no record, the reason whole, and a WARN line names the flag."""
    names = variant_names(LONGEST_KEPT + 1)
    capsys.readouterr()
    description, now = rollback(ff_world, names)
    assert description == f"{head(now)} Reason: bad"
    assert warnings(capsys.readouterr().out) == [
        {"level": "WARN", "decision": "values_record_omitted", "flags": ["checkout"]}
    ]
