"""Flag documents as people really write them: keys missing, extra keys, hand-made edits.

A rollback or restore must work on any document the format allows, not only on the ones
this function wrote itself: a flag without ``enabled``, one a person switched off by hand
(no rollback metadata), a FeatureFlags value without ``enabled``, a flag with no value.
"""

from __future__ import annotations

import copy
import json

import pytest
from flag_rollback import flags
from flag_rollback.errors import PermanentError

NOW = "2026-11-23T10:00:00Z"
LATER = "2026-11-23T11:00:00Z"


def parse(data: dict, profile_type: str | None = None) -> flags.FlagDocument:
    return flags.parse_document(json.dumps(data).encode(), "application/json", profile_type)


def freeform(**entries: object) -> dict:
    return {"version": 3, "lastUpdated": "2026-11-01T00:00:00Z", "flags": dict(entries)}


# ----------------------------------------------------------------- freeform: missing keys


def test_flag_without_enabled_key_counts_as_on_and_is_rolled_back():
    document = parse(freeform(beta={"rolloutPercentage": 25}))
    assert flags.is_enabled(document, "beta") is True
    change = flags.disable(document, ["beta"], reason="r", now=NOW)
    entry = change.document.data["flags"]["beta"]
    assert change.changed == ("beta",)
    assert entry["enabled"] is False
    assert entry["rolloutPercentage"] == 0
    assert entry["metadata"]["valuesBeforeRollback"] == {"rolloutPercentage": 25}


def test_flag_with_no_keys_at_all_round_trips_to_enabled_without_a_percentage():
    rolled = flags.disable(parse(freeform(bare={})), ["bare"], reason="r", now=NOW).document
    assert rolled.data["flags"]["bare"]["metadata"]["valuesBeforeRollback"] == {}
    restored = flags.enable(rolled, "bare", now=LATER).document
    entry = restored.data["flags"]["bare"]
    assert entry["enabled"] is True
    assert "rolloutPercentage" not in entry
    assert entry["metadata"] == {"lastRollback": NOW, "rollbackReason": "r", "lastRestore": LATER}


def test_restore_of_a_flag_a_person_switched_off_by_hand():
    """No metadata and no recorded values: restore turns it on and touches nothing else."""
    document = parse(freeform(manual={"enabled": False, "rolloutPercentage": 5}))
    change = flags.enable(document, "manual", now=LATER)
    entry = change.document.data["flags"]["manual"]
    assert change.changed == ("manual",)
    assert entry == {
        "enabled": True,
        "rolloutPercentage": 5,
        "metadata": {"lastRestore": LATER},
    }
    assert change.restored_values == {"enabled": True}


def test_restore_when_recorded_values_are_empty_and_the_percentage_was_removed_by_hand():
    entry = {"enabled": False, "metadata": {"valuesBeforeRollback": {}}}
    change = flags.enable(parse(freeform(edited=entry)), "edited", now=LATER)
    restored = change.document.data["flags"]["edited"]
    assert restored == {"enabled": True, "metadata": {"lastRestore": LATER}}


def test_restore_with_recorded_values_that_are_not_an_object_keeps_the_percentage():
    entry = {"enabled": False, "rolloutPercentage": 0, "metadata": {"valuesBeforeRollback": 7}}
    restored = flags.enable(parse(freeform(odd=entry)), "odd", now=LATER).document
    assert restored.data["flags"]["odd"]["rolloutPercentage"] == 0
    assert "valuesBeforeRollback" not in restored.data["flags"]["odd"]["metadata"]


def test_restore_advances_the_document_version_and_timestamp():
    document = parse(freeform(off={"enabled": False}))
    data = flags.enable(document, "off", now=LATER).document.data
    assert data["version"] == 4
    assert data["lastUpdated"] == LATER


def test_document_without_version_gets_a_timestamp_and_no_version():
    data = {"flags": {"a": {"enabled": True}}}
    rolled = flags.disable(parse(data), ["a"], reason="r", now=NOW).document.data
    assert "version" not in rolled
    assert rolled["lastUpdated"] == NOW
    restored = flags.enable(parse(rolled), "a", now=LATER).document.data
    assert "version" not in restored
    assert restored["lastUpdated"] == LATER


@pytest.mark.parametrize("value", [None, 0, "", "false", [], {}])
def test_only_an_explicit_false_switches_a_freeform_flag_off(value: object):
    document = parse(freeform(f={"enabled": value}))
    assert flags.is_enabled(document, "f") is True
    assert flags.disable(document, ["f"], reason="r", now=NOW).changed == ("f",)


def test_extra_keys_of_a_flag_and_of_its_metadata_survive_a_round_trip():
    entry = {
        "enabled": True,
        "rolloutPercentage": 60,
        "owner": "team-a",
        "variants": {"a": 1},
        "metadata": {"ticket": "OPS-1", "history": [1, 2]},
    }
    rolled = flags.disable(parse(freeform(x=entry)), ["x"], reason="why", now=NOW).document
    restored = flags.enable(rolled, "x", now=LATER).document.data["flags"]["x"]
    kept = ("enabled", "rolloutPercentage", "owner", "variants")
    assert {key: restored[key] for key in kept} == {key: entry[key] for key in kept}
    assert restored["metadata"]["ticket"] == "OPS-1"
    assert restored["metadata"]["history"] == [1, 2]


def test_enable_of_a_flag_that_is_on_or_missing_changes_nothing_and_says_which():
    document = parse(freeform(on={"enabled": True}))
    on = flags.enable(document, "on", now=LATER)
    assert (on.document, on.changed, on.unchanged, on.missing) == (None, (), ("on",), ())
    nope = flags.enable(document, "nope", now=LATER)
    assert (nope.document, nope.changed, nope.unchanged, nope.missing) == (None, (), (), ("nope",))


# ----------------------------------------------------------------- the input is never changed


def test_disable_and_enable_leave_the_parsed_document_untouched():
    document = parse(freeform(a={"enabled": True, "rolloutPercentage": 10, "metadata": {}}))
    before = copy.deepcopy(document.data)
    rolled = flags.disable(document, ["a"], reason="r", now=NOW).document
    assert document.data == before
    rolled_before = copy.deepcopy(rolled.data)
    flags.enable(rolled, "a", now=LATER)
    assert rolled.data == rolled_before


def test_feature_flags_enable_leaves_the_parsed_document_untouched():
    data = {
        "flags": {"a": {"name": "A"}},
        "values": {"a": {"enabled": False, "tier": "x"}},
        "version": "1",
    }
    document = parse(data)
    flags.enable(document, "a", now=LATER)
    flags.disable(parse(data | {"values": {"a": {"enabled": True}}}), ["a"], reason="r", now=NOW)
    assert document.data == data


# ----------------------------------------------------------------- AWS.AppConfig.FeatureFlags


def feature_flags(values: dict) -> dict:
    return {"flags": {"a": {"name": "A"}, "b": {"name": "B"}}, "values": values, "version": "1"}


def test_feature_flag_without_a_value_is_off_and_is_enabled_with_a_new_value():
    document = parse(feature_flags({}))
    assert flags.is_enabled(document, "a") is False
    assert flags.disable(document, ["a"], reason="r", now=NOW).document is None
    change = flags.enable(document, "a", now=LATER)
    assert change.document.data["values"] == {"a": {"enabled": True}}
    assert change.changed == ("a",)
    assert change.restored_values == {"enabled": True}


def test_feature_flag_value_without_enabled_is_off_and_keeps_its_attributes():
    document = parse(feature_flags({"a": {"tier": "gold"}}))
    assert flags.is_enabled(document, "a") is False
    restored = flags.enable(document, "a", now=LATER).document.data
    assert restored["values"]["a"] == {"tier": "gold", "enabled": True}


def test_feature_flag_value_that_is_not_an_object_is_replaced_when_enabled():
    document = parse(feature_flags({"a": True}))
    assert flags.is_enabled(document, "a") is False  # only {"enabled": true} is on
    assert flags.enable(document, "a", now=LATER).document.data["values"]["a"] == {"enabled": True}


def test_feature_flags_documents_get_no_timestamp_or_version_change():
    document = parse(feature_flags({"a": {"enabled": True}}))
    rolled = flags.disable(document, ["a"], reason="r", now=NOW).document.data
    assert rolled == feature_flags({"a": {"enabled": False}})
    restored = flags.enable(parse(rolled), "a", now=LATER).document.data
    assert restored == feature_flags({"a": {"enabled": True}})


def test_a_freeform_shaped_feature_flags_profile_is_refused():
    with pytest.raises(PermanentError) as caught:
        parse(freeform(a={"enabled": True}), profile_type="AWS.AppConfig.FeatureFlags")
    assert caught.value.code == "unknown_format"


@pytest.mark.parametrize("version", ["2", 1, None])
def test_flags_and_values_without_version_1_are_freeform(version: object):
    data = {"flags": {"a": {"enabled": True}}, "values": {"a": {"enabled": True}}}
    if version is not None:
        data["version"] = version
    assert parse(data).format == flags.FREEFORM


def test_a_freeform_document_whose_version_is_the_string_1_stays_freeform():
    document = parse({"version": "1", "flags": {"a": {"enabled": True}}})
    assert document.format == flags.FREEFORM
    rolled = flags.disable(document, ["a"], reason="r", now=NOW).document.data
    assert rolled["version"] == "2"


@pytest.mark.parametrize(
    ("content", "profile_type", "message"),
    [
        (b"[]", None, "configuration is not a JSON object"),
        (b'{"flags": []}', None, "configuration has no 'flags' object"),
        (
            b'{"flags": {}}',
            "AWS.AppConfig.FeatureFlags",
            "feature flag document lacks flags/values objects",
        ),
    ],
)
def test_a_refused_document_says_what_is_wrong_with_it(
    content: bytes, profile_type: str | None, message: str
):
    """The message reaches a person (notification and log): it names what is missing."""
    with pytest.raises(PermanentError) as caught:
        flags.parse_document(content, "application/json", profile_type)
    assert (caught.value.code, caught.value.message) == ("unknown_format", message)


# ----------------------------------------------------------------- writing it back


def test_serialize_refuses_a_value_json_cannot_carry():
    document = flags.FlagDocument(
        format=flags.FREEFORM,
        data={"flags": {"a": {"enabled": True, "weight": float("nan")}}},
        content_type="application/json",
        indented=False,
    )
    with pytest.raises(PermanentError) as caught:
        flags.serialize(document)
    assert caught.value.code == "content_not_json"
    assert caught.value.message.startswith("configuration cannot be written")


def test_nan_in_the_content_is_refused_naming_the_constant():
    with pytest.raises(PermanentError) as caught:
        flags.parse_document(b'{"flags": {"a": {"w": NaN}}}', "application/json")
    assert caught.value.code == "content_not_json"
    assert "NaN" in caught.value.message


def test_a_byte_order_mark_is_accepted_and_crlf_counts_as_indented():
    content = b'\xef\xbb\xbf{\r\n"flags": {"a": {"enabled": true}}\r\n}'
    document = flags.parse_document(content, "application/json")
    assert document.indented is True
    assert document.data == {"flags": {"a": {"enabled": True}}}
