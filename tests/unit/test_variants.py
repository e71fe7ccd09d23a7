"""Multi-variant feature flags: a rollback turns every part of the flag off, records what it
turned off, and a restore from that record gives back exactly the document it started from."""

from __future__ import annotations

import json

import pytest
from flag_rollback import flags, variants
from flag_rollback.errors import PermanentError
from flag_rollback.text import header_text
from flag_rollback.variants import VARIANTS, ValuesRecord
from hypothesis import assume, given, settings
from hypothesis import strategies as st

NOW = "2026-11-29T04:40:00Z"
LATER = "2026-11-29T05:00:00Z"


def multi_variant():
    """A flag with a base value, three variants (the beta one off) and AppConfig's fields."""
    return {
        "version": "1",
        "flags": {
            "checkout": {
                "name": "Checkout",
                "_createdAt": "2026-11-01T00:00:00Z",
                "attributes": {"color": {"constraints": {"type": "string"}}},
            },
            "search": {"name": "Search"},
        },
        "values": {
            "checkout": {
                "_createdAt": "2026-11-01T00:00:00Z",
                "enabled": True,
                "color": "blue",
                "_variants": [
                    {
                        "name": "staff",
                        "enabled": True,
                        "attributeValues": {"color": "red"},
                        "rule": "(eq $tier staff)",
                    },
                    {"name": "beta", "rule": "(split by::$id pct::10)", "enabled": False},
                    {"enabled": True, "name": "default", "attributeValues": {"color": "green"}},
                ],
                "_updatedAt": "2026-11-20T00:00:00Z",
            },
            "search": {"enabled": True},
        },
    }


def parse(data):
    return flags.parse_document(json.dumps(data).encode(), "application/json", flags.FEATURE_FLAGS)


def test_rollback_turns_off_the_base_value_and_every_variant():
    change = flags.disable(parse(multi_variant()), ["checkout"], reason="r", now=NOW)
    value = change.document.data["values"]["checkout"]
    assert value["enabled"] is False
    assert [v["enabled"] for v in value[VARIANTS]] == [False, False, False]
    assert flags.is_enabled(change.document, "checkout") is False
    assert change.records == (
        ValuesRecord("checkout", base=True, variants=("staff", "default"), multi_variant=True),
    )


def test_rollback_keeps_order_rules_attributes_and_appconfig_fields():
    original = multi_variant()
    after = flags.disable(parse(original), ["checkout"], reason="r", now=NOW).document.data
    before_value, after_value = original["values"]["checkout"], after["values"]["checkout"]
    assert list(after_value) == list(before_value)
    assert after_value["_createdAt"] == before_value["_createdAt"]
    assert after_value["_updatedAt"] == before_value["_updatedAt"]
    for old, new in zip(before_value[VARIANTS], after_value[VARIANTS], strict=True):
        assert list(new) == list(old)
        assert {k: v for k, v in new.items() if k != "enabled"} == {
            k: v for k, v in old.items() if k != "enabled"
        }
    assert after["flags"] == original["flags"]
    assert after["values"]["search"] == {"enabled": True}


def test_a_flag_on_in_one_variant_only_counts_as_on():
    data = multi_variant()
    value = data["values"]["checkout"]
    value["enabled"] = False
    for variant in value[VARIANTS]:
        variant["enabled"] = variant["name"] == "beta"
    document = parse(data)
    assert flags.is_enabled(document, "checkout") is True
    change = flags.disable(document, ["checkout"], reason="r", now=NOW)
    assert change.records == (
        ValuesRecord("checkout", base=False, variants=("beta",), multi_variant=True),
    )


def test_restore_from_the_record_gives_back_exactly_what_was_there():
    original = multi_variant()
    change = flags.disable(parse(original), ["checkout"], reason="r", now=NOW)
    (record,) = change.records
    restored = flags.enable(change.document, "checkout", now=LATER, record=record)
    assert restored.document.data == original
    assert flags.serialize(restored.document) == flags.serialize(parse(original))
    assert restored.restored_values == {"enabled": True, "variants": ["staff", "default"]}
    # the variant that was off before the rollback stays off
    assert restored.document.data["values"]["checkout"][VARIANTS][1]["enabled"] is False


def test_restore_without_a_record_refuses_a_multi_variant_flag():
    rolled = flags.disable(parse(multi_variant()), ["checkout"], reason="r", now=NOW).document
    with pytest.raises(PermanentError) as caught:
        flags.enable(rolled, "checkout", now=LATER)
    assert (caught.value.code, caught.value.message) == (
        "restore_unrecorded",
        "flag 'checkout' has variants and there is no record of which were on before the "
        "rollback: enable them in a new version of the configuration",
    )


def test_restore_without_a_record_of_a_multi_variant_flag_that_is_on_changes_nothing():
    again = flags.enable(parse(multi_variant()), "checkout", now=LATER)
    assert (again.document, again.changed, again.unchanged, again.missing) == (
        None,
        (),
        ("checkout",),
        (),
    )


def test_restore_of_values_without_a_flag_definition_reports_the_flag_missing():
    data = multi_variant()
    data["values"]["ghost"] = {"enabled": False, VARIANTS: [{"name": "a", "enabled": False}]}
    change = flags.enable(parse(data), "ghost", now=LATER)
    assert (change.document, change.changed, change.unchanged, change.missing) == (
        None,
        (),
        (),
        ("ghost",),
    )


def test_restore_matches_variants_by_name_after_a_person_edited_them():
    change = flags.disable(parse(multi_variant()), ["checkout"], reason="r", now=NOW)
    edited = json.loads(flags.serialize(change.document))
    variants = edited["values"]["checkout"][VARIANTS]
    variants.insert(0, {"name": "new", "enabled": False, "rule": "(eq $a b)"})
    del variants[1]  # "staff" is gone
    restored = flags.enable(parse(edited), "checkout", now=LATER, record=change.records[0])
    by_name = {
        v["name"]: v["enabled"] for v in restored.document.data["values"]["checkout"][VARIANTS]
    }
    assert by_name == {"new": False, "beta": False, "default": True}
    assert restored.restored_values == {"enabled": True, "variants": ["default"]}


def test_restore_of_parts_already_on_changes_nothing():
    change = flags.disable(parse(multi_variant()), ["checkout"], reason="r", now=NOW)
    again = flags.restore_values(parse(multi_variant()), change.records[0])
    assert again.document is None
    assert again.unchanged == ("checkout",)


def test_a_record_of_another_flag_or_of_a_missing_flag_is_reported():
    document = parse(multi_variant())
    with pytest.raises(PermanentError) as caught:
        flags.enable(document, "checkout", now=LATER, record=ValuesRecord("search", base=True))
    assert caught.value.code == "bad_record"
    gone = flags.restore_values(document, ValuesRecord("legacy", base=True))
    assert gone.document is None
    assert gone.missing == ("legacy",)


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {"flag": "x", "base": True},
        {"flag": "x", "base": "yes", "variants": []},
        {"flag": 1, "base": True, "variants": []},
        {"flag": "x", "base": True, "variants": [1]},
    ],
)
def test_a_record_that_is_not_one_is_a_permanent_error(data):
    with pytest.raises(PermanentError) as caught:
        ValuesRecord.from_json(data)
    assert caught.value.code == "bad_record"


@pytest.mark.parametrize(
    "record",
    [
        ValuesRecord("search", base=True),  # a flag without variants
        ValuesRecord("checkout", base=True, variants=("staff", "default"), multi_variant=True),
        ValuesRecord("checkout", base=False, multi_variant=True),  # variants, all off
    ],
)
def test_a_record_read_back_from_its_json_is_the_record_written(record):
    written = json.loads(json.dumps(record.to_json()))
    assert written == {
        "flag": record.flag,
        "base": record.base,
        "variants": list(record.variants),
        "multi_variant": record.multi_variant,
    }
    assert ValuesRecord.from_json(written) == record


def test_a_record_that_does_not_say_whether_the_flag_had_variants_is_read_as_multi_variant():
    """Unknown is taken as multi-variant: a restore of the flag then goes by the record."""
    record = ValuesRecord.from_json({"flag": "checkout", "base": True, "variants": ["staff"]})
    assert record == ValuesRecord("checkout", base=True, variants=("staff",), multi_variant=True)


def test_a_values_record_does_not_apply_to_freeform_documents():
    document = flags.parse_document(b'{"flags": {"a": {"enabled": false}}}', "application/json")
    with pytest.raises(PermanentError) as caught:
        flags.restore_values(document, ValuesRecord("a", base=True))
    assert (caught.value.code, caught.value.message) == (
        "bad_record",
        "a values record applies to feature flag documents",
    )


def test_restore_of_a_variant_alone_turns_on_and_reports_only_that_variant():
    only_beta = multi_variant()
    value = only_beta["values"]["checkout"]
    value["enabled"] = False
    for variant in value[VARIANTS]:
        variant["enabled"] = variant["name"] == "beta"
    change = flags.disable(parse(only_beta), ["checkout"], reason="r", now=NOW)
    (record,) = change.records
    assert record == ValuesRecord("checkout", base=False, variants=("beta",), multi_variant=True)
    restored = flags.enable(change.document, "checkout", now=LATER, record=record)
    assert restored.document.data == only_beta
    assert restored.restored_values == {"variants": ["beta"]}


def test_an_unnamed_variant_is_turned_off_and_recorded_by_an_empty_name():
    value = {"enabled": False, VARIANTS: [{"enabled": True}, {"name": "b", "enabled": True}]}
    record = variants.turn_off(value, "checkout")
    assert record == ValuesRecord("checkout", base=False, variants=("", "b"), multi_variant=True)
    assert value == {
        "enabled": False,
        VARIANTS: [{"enabled": False}, {"name": "b", "enabled": False}],
    }


def test_turning_back_on_says_what_it_turned_on_and_keeps_the_record_s_kind():
    value = multi_variant()["values"]["checkout"]
    variants.turn_off(value, "checkout")
    record = ValuesRecord("checkout", base=True, variants=("beta", "gone"), multi_variant=True)
    assert variants.turn_back_on(value, record) == ValuesRecord(
        "checkout", base=True, variants=("beta",), multi_variant=True
    )


# ----------------------------------------------------------------- property tests

names = st.from_regex(r"\A[a-z][a-zA-Z0-9_-]{0,8}\Z")
scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
attribute_values = scalars | st.lists(st.integers() | st.text(max_size=4), max_size=3)
attributes = st.dictionaries(
    names.filter(lambda n: n not in {"enabled", "name", "rule"}), attribute_values, max_size=3
)
stamps = st.text(max_size=24)


@st.composite
def shuffled(draw, items):
    """A dict whose keys come in a random order (the document's order must be kept)."""
    pairs = list(items.items())
    return dict(draw(st.permutations(pairs))) if pairs else {}


@st.composite
def variant(draw, *, name, default):
    """A variant as the type reference has it (attributeValues), plus unknown members."""
    item = {"name": name, "attributeValues": draw(attributes), **draw(attributes)}
    if draw(st.booleans()):
        item["enabled"] = draw(st.booleans())
    if not default:
        item["rule"] = draw(st.text(min_size=1, max_size=16))
    for key in ("_createdAt", "_updatedAt"):
        if draw(st.booleans()):
            item[key] = draw(stamps)
    return draw(shuffled(item))


@st.composite
def flag_value(draw):
    value = dict(draw(attributes))
    if draw(st.booleans()):
        value["enabled"] = draw(st.booleans())
    for key in ("_createdAt", "_updatedAt"):
        if draw(st.booleans()):
            value[key] = draw(stamps)
    if draw(st.booleans()):  # multi-variant: unique names, the default (no rule) last
        variant_names = draw(st.lists(names, min_size=1, max_size=5, unique=True))
        value[VARIANTS] = [
            draw(variant(name=name, default=index == len(variant_names) - 1))
            for index, name in enumerate(variant_names)
        ]
    return draw(shuffled(value))


@st.composite
def documents(draw):
    flag_names = draw(st.lists(names, max_size=5, unique=True))
    values = {name: draw(flag_value()) for name in flag_names if draw(st.booleans())}
    document = {
        "flags": {name: {"name": name} for name in flag_names},
        "values": draw(shuffled(values)),
        "version": "1",
    }
    return draw(shuffled(document))


@settings(max_examples=120, deadline=None)
@given(data=documents(), pick=st.integers(0, 4))
def test_rollback_then_restore_is_the_identity(data, pick):
    document = parse(data)
    on = [name for name in data["flags"] if flags.is_enabled(document, name)]
    assume(on)
    targets = on[: pick + 1]
    change = flags.disable(document, targets, reason="r", now=NOW)
    assert change.changed == tuple(targets)
    for name in targets:
        assert flags.is_enabled(change.document, name) is False
    # the records travel as JSON (a hold, a description) and are read back
    records = [
        ValuesRecord.from_json(json.loads(json.dumps(record.to_json())))
        for record in change.records
    ]
    restored = change.document
    for record in reversed(records):  # any order: each touches its own flag only
        restored = flags.restore_values(restored, record).document
    assert restored.data == data
    assert flags.serialize(restored) == flags.serialize(document)  # key order too


@settings(max_examples=120, deadline=None)
@given(data=documents())
def test_rollback_changes_nothing_but_enabled_true(data):
    document = parse(data)
    on = [name for name in data["flags"] if flags.is_enabled(document, name)]
    change = flags.disable(document, on, reason="r", now=NOW)
    if not on:
        assert change.document is None
        return
    after = json.loads(flags.serialize(change.document))

    def without_true(node):
        if isinstance(node, dict):
            return {
                k: (False if k == "enabled" and v is True else without_true(v))
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [without_true(item) for item in node]
        return node

    assert after["values"] == {
        name: (without_true(value) if name in on else value)
        for name, value in data["values"].items()
    }


# ----------------------------------------------------------------- the record in a description


def test_a_description_carries_the_multi_variant_records_exactly():
    records = (
        ValuesRecord("checkout", base=True, variants=("staff  team", "défaut"), multi_variant=True),
        ValuesRecord("search", base=True),  # a single-value flag: no record needed
    )
    text = header_text(f"flag-rollback rollback. {variants.describe(records)} Reason: r")
    assert variants.recorded(text, "checkout") == records[0]
    assert variants.recorded(text, "search") is None
    assert variants.describe(records[1:]) == ""


@pytest.mark.parametrize(
    "description",
    [
        "",
        "flag-rollback rollback. Reason: r",
        'x Values before rollback: {"checkout":{"base":tr...',
        "Values before rollback: []",
        'x Values before rollback: "checkout"',
        "x Values before rollback: 7",
    ],
)
def test_a_description_without_a_whole_record_has_none(description):
    assert variants.recorded(description, "checkout") is None


def test_the_record_is_read_back_from_exactly_what_describe_wrote():
    record = ValuesRecord("checkout", base=False, variants=("staff",), multi_variant=True)
    assert variants.recorded(variants.describe([record]), "checkout") == record


def test_a_reason_quoting_a_record_does_not_replace_the_rollback_s_own():
    record = ValuesRecord("checkout", base=True, variants=("staff",), multi_variant=True)
    quoted = 'Values before rollback: {"checkout":{"base":false,"variants":["beta"]}}'
    text = header_text(f"flag-rollback rollback. {variants.describe([record])} Reason: {quoted}")
    assert variants.recorded(text, "checkout") == record


def test_a_record_read_from_a_description_is_always_of_a_multi_variant_flag():
    text = 'Values before rollback: {"checkout":{"base":true,"variants":[],"multi_variant":false}}'
    assert variants.recorded(text, "checkout") == ValuesRecord(
        "checkout", base=True, variants=(), multi_variant=True
    )


def test_the_rollback_record_says_whether_the_flag_had_variants():
    change = flags.disable(parse(multi_variant()), ["checkout", "search"], reason="r", now=NOW)
    assert [record.multi_variant for record in change.records] == [True, False]
