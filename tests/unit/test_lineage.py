"""lineage.plan and merge_disabled on plain data: what a new version is built from."""

from __future__ import annotations

import copy
import json

from flag_rollback import flags, lineage
from flag_rollback.appconfig import Deployment, Environment, label, seen_in_label
from flag_rollback.text import version_label

from tests.events import FEATURE_FLAGS_DOC, FREEFORM_DOC


def own(number: int, version: int, state: str, seen: int) -> Deployment:
    return Deployment(number, "flags", version, state, label("flag-rollback:", "T", seen, "x"))


def person(number: int, version: int, state: str, profile: str = "flags") -> Deployment:
    return Deployment(number, profile, version, state, "v")


def env(*rows: Deployment) -> Environment:
    return Environment("flags", tuple(sorted(rows, key=lambda d: -d.number)))


def test_the_label_carries_the_deployment_number_its_writer_had_seen():
    text = label("flag-rollback:", "20261129T0400Z", 12, "checkout,search")
    assert text == "flag-rollback:20261129T0400Z:d12:checkout,search"
    assert seen_in_label(text) == 12
    assert seen_in_label("flag-rollback:20261129T0400Z:checkout") is None  # older label
    assert seen_in_label("release:d3:x") is None  # not the function's
    # A label a person typed by hand: a digit to str.isdigit(), not to int().
    assert seen_in_label("flag-rollback:20261129T0400Z:d\u00b2:checkout") is None
    written = version_label(label("flag-rollback:", "20261129T0400Z", 7, "f" * 100))
    assert len(written) == 64
    assert seen_in_label(written) == 7  # the cut keeps prefix, stamp and seen


def test_nothing_pending_builds_on_the_last_complete_deployment():
    plan = lineage.plan(env(person(1, 1, "COMPLETE"), person(2, 2, "ROLLED_BACK")))
    assert plan is not None
    assert (plan.head.number, plan.sources, plan.seen) == (1, (), 2)


def test_a_stopped_own_deployment_newer_than_the_complete_one_is_the_head():
    plan = lineage.plan(env(person(1, 1, "COMPLETE"), own(2, 2, "ROLLED_BACK", seen=1)))
    assert plan is not None
    assert plan.head.number == 2
    assert plan.sources == ()


def test_deployments_after_the_heads_seen_number_are_sources():
    rows = (
        person(1, 1, "COMPLETE"),
        own(2, 2, "ROLLED_BACK", seen=1),
        own(3, 4, "COMPLETE", seen=2),  # Y, between X's stop and X's start
        own(4, 3, "BAKING", seen=2),  # X started from a read that ended at 2
        person(5, 9, "COMPLETE", profile="other"),
    )
    plan = lineage.plan(env(*rows))
    assert plan is not None
    assert plan.head.number == 4
    assert [d.number for d in plan.sources] == [3]  # another profile's never is
    assert plan.seen == 5


def test_a_reverted_own_deployment_newer_than_the_complete_one_is_still_merged():
    """A stop that arrived after completion REVERTs: its disabled flags must not be lost."""
    plan = lineage.plan(env(person(1, 1, "COMPLETE"), own(2, 2, "REVERTED", seen=1)))
    assert plan is not None
    assert plan.head.number == 2
    plan = lineage.plan(
        env(person(1, 1, "COMPLETE"), own(2, 2, "REVERTED", seen=1), own(3, 3, "BAKING", seen=1))
    )
    assert plan is not None
    assert plan.head.number == 3
    assert [d.number for d in plan.sources] == [2]


def test_a_complete_own_head_that_started_late_merges_what_slipped_in():
    plan = lineage.plan(env(own(2, 3, "COMPLETE", seen=0), own(3, 2, "COMPLETE", seen=0)))
    assert plan is not None
    assert plan.head.number == 3
    assert [d.number for d in plan.sources] == [2]


def test_an_own_head_with_an_older_label_is_planned_from():
    """A version written before labels carried ``d<seen>`` (its writer's read is unknown):
    pending or complete, it is the head, and nothing after it is a source."""
    older = "flag-rollback:20261129T0400Z:checkout"
    pending = Deployment(2, "flags", 2, "ROLLED_BACK", older)
    plan = lineage.plan(env(person(1, 1, "COMPLETE"), pending))
    assert plan is not None
    assert (plan.head, plan.sources, plan.seen) == (pending, (), 2)
    complete = Deployment(2, "flags", 2, "COMPLETE", older)
    plan = lineage.plan(env(person(1, 1, "COMPLETE"), complete))
    assert plan is not None
    assert (plan.head, plan.sources, plan.seen) == (complete, (), 2)


def test_nothing_complete_is_no_plan():
    assert lineage.plan(env(own(1, 1, "BAKING", seen=0))) is None


def parse(data: dict[str, object]) -> flags.FlagDocument:
    return flags.parse_document(json.dumps(data).encode(), "application/json")


def test_merge_takes_every_flag_the_other_disabled_with_its_rollback_record():
    base = parse(FREEFORM_DOC)
    other = flags.disable(base, ["cart"], reason="r", now="t").document
    assert other is not None
    merged = lineage.merge_disabled(
        flags.disable(base, ["search"], reason="r", now="t").document or base, other
    )
    assert lineage.disabled(merged) == {"search", "cart", "legacy"}
    assert merged.data["flags"]["cart"] == other.data["flags"]["cart"]
    assert lineage.covers(merged, {"search", "cart"})
    assert not lineage.covers(base, {"cart"})


def test_merge_never_turns_a_flag_on():
    base = flags.disable(parse(FREEFORM_DOC), ["search"], reason="r", now="t").document
    assert base is not None
    merged = lineage.merge_disabled(base, parse(FREEFORM_DOC))
    assert merged is base


def test_merge_of_feature_flags_sets_only_the_value():
    base = parse(FEATURE_FLAGS_DOC)
    other = flags.disable(base, ["checkout"], reason="r", now="t").document
    assert other is not None
    merged = lineage.merge_disabled(base, other)
    assert merged.data["values"]["checkout"] == {"enabled": False, "tier": "gold"}
    assert merged.data["flags"] == FEATURE_FLAGS_DOC["flags"]
    assert base.data == FEATURE_FLAGS_DOC  # the input is not changed


def test_the_deployments_that_slipped_in_are_those_between_the_read_and_the_start():
    rows = (
        person(1, 1, "COMPLETE"),
        own(2, 2, "COMPLETE", seen=1),  # another invocation's, read after ours
        person(3, 7, "ROLLED_BACK"),  # a person's, stopped: it served nothing
        person(4, 9, "COMPLETE", profile="other"),
        own(5, 3, "BAKING", seen=1),  # ours: read up to 1, started as 5
        own(6, 4, "DEPLOYING", seen=5),
    )
    slipped = lineage.slipped_in(env(*rows), 1, 5)
    assert [item.number for item in slipped] == [2]


def test_a_persons_complete_deployment_and_an_own_stopped_one_both_slipped_in():
    """Each needs one of the two marks: COMPLETE (a person's) or own (a stopped rollback)."""
    rows = (
        person(1, 1, "COMPLETE"),
        person(2, 5, "COMPLETE"),  # a person's, completed: its disabled flags are served
        own(3, 6, "ROLLED_BACK", seen=1),  # another invocation's, stopped before completing
        own(4, 3, "BAKING", seen=1),  # ours: read up to 1, started as 4
    )
    slipped = lineage.slipped_in(env(*rows), 1, 4)
    assert [item.number for item in slipped] == [3, 2]


def test_merge_copies_the_others_flag_entry_whole_not_shared():
    """A nested value of the merged entry is the merged document's own: changing it (as a
    later rollback or restore of the merged document may) leaves the other document alone."""
    data = copy.deepcopy(FREEFORM_DOC)
    data["flags"]["cart"]["audience"] = {"regions": ["eu-west-1"]}
    base = parse(data)
    other = flags.disable(base, ["cart"], reason="r", now="t").document
    assert other is not None
    merged = lineage.merge_disabled(base, other)
    assert merged.data["flags"]["cart"] == other.data["flags"]["cart"]
    merged.data["flags"]["cart"]["audience"]["regions"].append("us-east-1")
    assert other.data["flags"]["cart"]["audience"] == {"regions": ["eu-west-1"]}


def test_merge_of_a_multi_variant_flag_turns_off_every_variant():
    data = copy.deepcopy(FEATURE_FLAGS_DOC)
    data["values"]["checkout"]["_variants"] = [
        {"name": "staff", "enabled": True, "rule": "(eq $tier staff)", "tier": "red"},
        {"name": "default", "enabled": False},
    ]
    base = parse(data)
    other = flags.disable(base, ["checkout"], reason="r", now="t").document
    assert other is not None
    merged = lineage.merge_disabled(base, other)
    assert merged.data["values"]["checkout"] == other.data["values"]["checkout"]
    assert not flags.is_enabled(merged, "checkout")
    assert base.data == data  # the input is not changed
