"""Properties through the real handler and the emulator: any event, no crash, no stray change."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.events import FREEFORM_DOC, alarm_message, eventbridge_event, sns_event
from tests.functional.world import World, alarm_name

KNOWN = sorted(FREEFORM_DOC["flags"])
OUTCOMES = {"rolled_back", "restored", "no_change", "dry_run", "refused", "failed", "rejected"}
OUTCOMES |= {"ignored", "status"}

names = st.sampled_from(KNOWN) | st.text(max_size=10)
states = st.sampled_from(["ALARM", "OK", "INSUFFICIENT_DATA"]) | st.text(max_size=6)
alarm_names = names.map(alarm_name) | st.text(max_size=30)
junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
events = st.one_of(
    st.lists(st.builds(alarm_message, alarm_names, states), min_size=1, max_size=4).map(
        lambda messages: sns_event(*messages)
    ),
    st.builds(eventbridge_event, alarm_names, states),
    st.fixed_dictionaries(
        {"action": st.sampled_from(["rollback", "restore", "status"]) | junk},
        optional={"flag": names | junk, "force": st.booleans() | junk, "reason": junk},
    ),
    junk,
    st.dictionaries(st.sampled_from(["Records", "detail", "detail-type", "source"]), junk),
)


def flag_entries(world: World) -> dict[str, Any]:
    return world.deployed()["flags"]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(event=events)
def test_any_event_gets_a_result_and_changes_only_the_flags_it_names(world: World, event: Any):
    before = flag_entries(world)
    result = world.invoke(event)
    assert result["results"]
    for item in result["results"]:
        assert item["outcome"] in OUTCOMES
    after = flag_entries(world)
    text = json.dumps(event)
    for name, entry in before.items():
        if name not in text:
            assert after[name] == entry, (name, event)
    world.notifications()  # drain the queue between examples
