"""The pure core: both formats, everything else preserved, never a change to an untargeted flag."""

from __future__ import annotations

import json
import re

import pytest
from flag_rollback import flags
from flag_rollback.errors import PermanentError
from hypothesis import assume, given, settings
from hypothesis import strategies as st

NOW = "2026-11-23T10:00:00Z"
LATER = "2026-11-23T11:00:00Z"


def freeform(**extra_flags):
    return {
        "version": 7,
        "lastUpdated": "2026-11-01T00:00:00Z",
        "owner": "team-checkout",
        "flags": {
            "checkout": {"enabled": True, "rolloutPercentage": 40, "description": "new checkout"},
            "search": {"enabled": True, "rolloutPercentage": 100, "metadata": {"owner": "s"}},
            **extra_flags,
        },
        "zz_unknown": {"keep": [1, 2, 3]},
    }


def feature_flags():
    return {
        "flags": {
            "checkout": {
                "name": "Checkout",
                "attributes": {"tier": {"constraints": {"type": "string"}}},
            },
            "search": {"name": "Search"},
            "legacy": {"name": "Legacy"},
        },
        "values": {"checkout": {"enabled": True, "tier": "gold"}, "search": {"enabled": True}},
        "version": "1",
    }


def parse(data, *, indent=None, profile_type=None):
    content = json.dumps(data, indent=indent).encode()
    return flags.parse_document(content, "application/json", profile_type)


def test_freeform_rollback_disables_zeroes_and_records_the_previous_values():
    change = flags.disable(parse(freeform()), ["checkout"], reason="alarm X: high errors", now=NOW)
    assert change.changed == ("checkout",)
    data = change.document.data
    entry = data["flags"]["checkout"]
    assert entry["enabled"] is False
    assert entry["rolloutPercentage"] == 0
    assert entry["metadata"] == {
        "lastRollback": NOW,
        "rollbackReason": "alarm X: high errors",
        "valuesBeforeRollback": {"enabled": True, "rolloutPercentage": 40},
    }
    assert entry["description"] == "new checkout"
    assert data["version"] == 8
    assert data["lastUpdated"] == NOW
    assert data["flags"]["search"] == freeform()["flags"]["search"]
    assert list(data) == list(freeform())  # key order kept
    assert data["zz_unknown"] == {"keep": [1, 2, 3]}


def test_freeform_metadata_is_added_to_without_losing_fields():
    change = flags.disable(parse(freeform()), ["search"], reason="r", now=NOW)
    assert change.document.data["flags"]["search"]["metadata"]["owner"] == "s"
    assert change.document.data["flags"]["search"]["metadata"]["lastRollback"] == NOW


def test_feature_flags_rollback_only_flips_enabled():
    original = feature_flags()
    change = flags.disable(parse(original), ["checkout"], reason="r", now=NOW)
    data = change.document.data
    assert data["values"]["checkout"] == {"enabled": False, "tier": "gold"}
    assert data["version"] == "1"  # the schema version of the type, never advanced
    assert data["flags"] == original["flags"]
    assert data["values"]["search"] == {"enabled": True}
    assert change.document.format == flags.FEATURE_FLAGS


def test_feature_flags_profile_type_wins_over_the_shape():
    with pytest.raises(PermanentError) as caught:
        parse({"flags": {"a": {}}}, profile_type=flags.FEATURE_FLAGS)
    assert caught.value.code == "unknown_format"


def test_already_disabled_and_missing_flags_change_nothing():
    document = parse(feature_flags())
    change = flags.disable(document, ["legacy", "nope"], reason="r", now=NOW)
    assert change.document is None
    assert change.unchanged == ("legacy",)
    assert change.missing == ("nope",)
    data = freeform(off={"enabled": False, "rolloutPercentage": 30})
    change = flags.disable(parse(data), ["off"], reason="r", now=NOW)
    assert change.document is None
    assert change.unchanged == ("off",)


def test_several_flags_are_disabled_in_one_document():
    change = flags.disable(
        parse(freeform()), ["checkout", "search", "checkout"], reason="r", now=NOW
    )
    assert change.changed == ("checkout", "search")
    assert change.document.data["version"] == 8  # advanced once, not per flag


def test_restore_brings_back_the_recorded_values():
    rolled = flags.disable(parse(freeform()), ["checkout"], reason="r", now=NOW).document
    change = flags.enable(rolled, "checkout", now=LATER)
    entry = change.document.data["flags"]["checkout"]
    assert entry["enabled"] is True
    assert entry["rolloutPercentage"] == 40
    assert "valuesBeforeRollback" not in entry["metadata"]
    assert entry["metadata"]["lastRestore"] == LATER
    assert change.restored_values == {"enabled": True, "rolloutPercentage": 40}
    assert change.document.data["version"] == 9


def test_restore_removes_a_rollout_percentage_the_flag_never_had():
    data = freeform(plain={"enabled": True})
    rolled = flags.disable(parse(data), ["plain"], reason="r", now=NOW).document
    restored = flags.enable(rolled, "plain", now=LATER).document
    assert "rolloutPercentage" not in restored.data["flags"]["plain"]


def test_restore_of_feature_flags_enables_and_keeps_attributes():
    rolled = flags.disable(parse(feature_flags()), ["checkout"], reason="r", now=NOW).document
    restored = flags.enable(rolled, "checkout", now=LATER).document
    assert restored.data["values"]["checkout"] == {"enabled": True, "tier": "gold"}
    legacy = flags.enable(parse(feature_flags()), "legacy", now=LATER).document
    assert legacy.data["values"]["legacy"] == {"enabled": True}


def test_restore_of_an_enabled_flag_changes_nothing():
    change = flags.enable(parse(freeform()), "checkout", now=LATER)
    assert change.document is None
    assert change.unchanged == ("checkout",)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (7, 8),
        ("7", "8"),
        ("1.4.09", "1.4.10"),
        ("v009", "v010"),
        ("release", "release"),
        (1.5, 1.5),
        (True, True),
    ],
)
def test_freeform_version_is_advanced_when_it_can_be(before, after):
    data = freeform()
    data["version"] = before
    change = flags.disable(parse(data), ["checkout"], reason="r", now=NOW)
    assert change.document.data["version"] == after


@pytest.mark.parametrize(
    "content",
    [b"not json", b"\xff\xfe", b"[1,2]", b'{"no": "flags"}', b'{"flags": {"a": NaN}}', b'"text"'],
)
def test_content_that_is_not_a_flag_document_is_a_permanent_error(content):
    with pytest.raises(PermanentError) as caught:
        flags.parse_document(content, "application/json")
    assert caught.value.code in {"content_not_json", "unknown_format"}


def test_serialize_keeps_indentation_style_and_unicode():
    data = freeform(cafe={"enabled": True, "label": "café ☕"})
    compact = parse(data)
    pretty = parse(data, indent=4)
    assert b"\n" not in flags.serialize(compact)
    assert b'\n  "version"' in flags.serialize(pretty)
    assert "café ☕" in flags.serialize(compact).decode()
    assert flags.serialize(compact).startswith(b'{"version": 7')


def test_flags_with_unusable_entries_are_not_managed():
    data = freeform(weird=True, meta={"enabled": True, "metadata": "text"})
    document = parse(data)
    assert flags.is_enabled(document, "weird") is None
    assert flags.is_enabled(document, "meta") is None
    change = flags.disable(document, ["weird", "meta", "checkout"], reason="r", now=NOW)
    assert change.missing == ("weird", "meta")
    assert change.document.data["flags"]["weird"] is True


@pytest.mark.parametrize(
    ("pattern", "prefix"),
    [
        (r"^FeatureFlag-(?P<flag>.+)-ErrorRate$", "FeatureFlag-"),
        (r"^ff_(?P<flag>\w+)$", "ff_"),
        (r"^abc*(?P<flag>x)", "ab"),
        (r"FeatureFlag-(?P<flag>.+)", ""),
        (r"^a-(?P<flag>.+)|^b-(?P<other>.+)", ""),
        (r"(?i)^ff-(?P<flag>.+)", ""),
    ],
)
def test_alarm_name_prefix_is_the_literal_start_only(pattern, prefix):
    assert flags.alarm_name_prefix(re.compile(pattern)) == prefix


def test_alarm_flag_reads_the_named_group():
    pattern = re.compile(r"^FeatureFlag-(?P<flag>.+)-ErrorRate$")
    assert flags.alarm_flag(pattern, "FeatureFlag-new-checkout-ErrorRate") == "new-checkout"
    assert flags.alarm_flag(pattern, "Other-alarm") is None
    assert flags.alarm_flag(re.compile(r"^x-(?P<flag>.*)$"), "x-") is None


# ----------------------------------------------------------------- property tests

flag_names = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12
)
scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=10)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)
freeform_entries = (
    st.fixed_dictionaries(
        {},
        optional={
            "enabled": st.booleans() | scalars,
            "rolloutPercentage": st.integers(0, 100),
            "metadata": st.dictionaries(st.text(max_size=8), json_values, max_size=3) | scalars,
            "description": st.text(max_size=10),
        },
    )
    | json_values
)
freeform_docs = st.fixed_dictionaries(
    {"flags": st.dictionaries(flag_names, freeform_entries, max_size=6)},
    optional={
        "version": st.integers() | st.text(max_size=6),
        "lastUpdated": st.text(max_size=6),
        "extra": json_values,
    },
)
feature_flag_docs = st.dictionaries(flag_names, st.booleans() | st.none(), max_size=6).map(
    lambda states: {
        "flags": {name: {"name": name} for name in states},
        "values": {
            name: {"enabled": state, "attr": 1}
            for name, state in states.items()
            if state is not None
        },
        "version": "1",
    }
)


def untouched_flags(before, after, targets):
    """Every flag that was not targeted is byte-for-byte what it was."""
    fmt_key = "values" if "values" in before and before.get("version") == "1" else "flags"
    for name, entry in before[fmt_key].items():
        if name not in targets:
            assert after[fmt_key].get(name) == entry, name
    for key, value in before.items():
        if key not in {"flags", "values", "version", "lastUpdated"}:
            assert after[key] == value


@settings(max_examples=200, deadline=None)
@given(
    data=freeform_docs | feature_flag_docs,
    picks=st.lists(flag_names, max_size=4),
    pick_existing=st.booleans(),
)
def test_disable_changes_exactly_the_targeted_enabled_flags(data, picks, pick_existing):
    document = parse(data)
    targets = list(data["flags"])[:2] + picks if pick_existing else picks
    change = flags.disable(document, targets, reason="r", now=NOW)
    assert set(change.changed) | set(change.unchanged) | set(change.missing) == set(targets)
    if change.document is None:
        assert not change.changed
        return
    after = change.document.data
    untouched_flags(data, after, set(change.changed))
    for name in change.changed:
        assert flags.is_enabled(change.document, name) is False
    assert list(after["flags"]) == list(data["flags"])
    reparsed = flags.parse_document(flags.serialize(change.document), "application/json")
    assert reparsed.data == after


@settings(max_examples=120, deadline=None)
@given(data=freeform_docs | feature_flag_docs)
def test_rollback_then_restore_gives_the_flag_back(data):
    document = parse(data)
    enabled = [name for name in data["flags"] if flags.is_enabled(document, name)]
    assume(enabled)
    target = enabled[0]
    rolled = flags.disable(document, [target], reason="r", now=NOW).document
    restored = flags.enable(rolled, target, now=LATER).document
    assert flags.is_enabled(restored, target) is True
    untouched_flags(data, restored.data, {target})
    if document.format == flags.FREEFORM:
        before, after = data["flags"][target], restored.data["flags"][target]
        assert after.get("rolloutPercentage") == before.get("rolloutPercentage")
        assert {k: v for k, v in after.items() if k not in {"enabled", "metadata"}} == {
            k: v for k, v in before.items() if k not in {"enabled", "metadata"}
        }


@settings(max_examples=120, deadline=None)
@given(content=st.binary(max_size=64) | json_values.map(lambda v: json.dumps(v).encode()))
def test_any_content_parses_or_is_a_permanent_error(content):
    try:
        document = flags.parse_document(content, "application/json")
    except PermanentError as error:
        codes = {error.code}
    else:
        flags.disable(document, list(document.data["flags"])[:1], reason="r", now=NOW)
        codes = {"parsed"}
    assert codes <= {"content_not_json", "unknown_format", "parsed"}


@pytest.mark.parametrize(
    ("state", "flag", "expected"),
    [
        ("ALARM", "checkout", True),
        ("ALARM", "other", True),
        ("INSUFFICIENT_DATA", "checkout", True),
        ("INSUFFICIENT_DATA", "other", False),
        ("OK", "checkout", False),
    ],
)
def test_insufficient_data_rolls_back_only_opted_in_flags(state, flag, expected):
    assert flags.rolls_back(state, flag, frozenset({"checkout"})) is expected
    assert flags.rolls_back(state, flag, frozenset()) is (state == "ALARM")
