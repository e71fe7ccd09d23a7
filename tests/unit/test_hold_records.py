"""A hold's stored form (the JSON people read in Parameter Store), how a stored record is
read back (a field of the wrong type is dropped, a record that is not a hold is None), what
status shows of it, and the parameter it lives in."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import pytest
from flag_rollback import holds
from flag_rollback.holds import Actor, Hold, HoldState

HELD = Hold(
    flag="checkout",
    state=HoldState.HELD,
    held_by=Actor.ALARM,
    held_at="2026-11-29T03:12:00Z",
    reason="FeatureFlag-checkout-ErrorRate: Threshold Crossed (café)",
    alarm="FeatureFlag-checkout-ErrorRate",
    disabled_version=7,
    rollbacks=("2026-11-28T22:00:00Z", "2026-11-29T03:12:00Z"),
    sticky=True,
)
RELEASED = Hold(
    flag="search",
    state=HoldState.RELEASED,
    held_by=Actor.OPERATOR,
    held_at="2026-11-29T03:12:00Z",
    reason="",
    released_at="2026-11-29T04:00:00Z",
    released_reason="fixed in 1.2.3",
    restored_version=9,
)
STORED = {
    "flag": "checkout",
    "state": "held",
    "held_by": "alarm",
    "held_at": "2026-11-29T03:12:00Z",
    "reason": "FeatureFlag-checkout-ErrorRate: Threshold Crossed (café)",
    "alarm": "FeatureFlag-checkout-ErrorRate",
    "disabled_version": 7,
    "rollbacks": ["2026-11-28T22:00:00Z", "2026-11-29T03:12:00Z"],
    "sticky": True,
    "released_at": None,
    "released_reason": None,
    "restored_version": None,
    "schema": 1,
}


def test_the_stored_form_is_compact_json_of_every_field_in_order_and_keeps_non_ascii():
    assert holds.to_json(HELD) == json.dumps(STORED, ensure_ascii=False, separators=(",", ":"))
    assert holds.to_json(RELEASED) == (
        '{"flag":"search","state":"released","held_by":"operator",'
        '"held_at":"2026-11-29T03:12:00Z","reason":"","alarm":null,"disabled_version":null,'
        '"rollbacks":[],"sticky":false,"released_at":"2026-11-29T04:00:00Z",'
        '"released_reason":"fixed in 1.2.3","restored_version":9,"schema":1}'
    )


def test_reasons_are_stored_cut_to_500_characters_and_an_empty_release_reason_as_null():
    long = Hold("x", HoldState.RELEASED, Actor.ALARM, "t", "r" * 501, released_reason="s" * 501)
    stored = json.loads(holds.to_json(long))
    assert (stored["reason"], stored["released_reason"]) == ("r" * 500, "s" * 500)
    exact = Hold("x", HoldState.HELD, Actor.ALARM, "t", "r" * 500, released_reason="")
    stored = json.loads(holds.to_json(exact))
    assert (stored["reason"], stored["released_reason"]) == ("r" * 500, None)


def test_a_stored_record_reads_back_as_the_same_hold():
    assert holds.from_json(holds.to_json(HELD)) == HELD
    assert holds.from_json(holds.to_json(RELEASED)) == RELEASED
    assert not RELEASED.held
    assert HELD.held


@pytest.mark.parametrize(
    ("changes", "read"),
    [
        ({"disabled_version": True}, {"disabled_version": None}),
        ({"disabled_version": "7"}, {"disabled_version": None}),
        ({"restored_version": False}, {}),
        ({"restored_version": 0}, {"restored_version": 0}),
        ({"alarm": ""}, {"alarm": None}),
        ({"alarm": 5}, {"alarm": None}),
        ({"released_at": ""}, {}),
        ({"released_at": "2026-11-29T04:00:00Z"}, {"released_at": "2026-11-29T04:00:00Z"}),
        ({"released_reason": ["why"]}, {}),
        ({"released_reason": "why"}, {"released_reason": "why"}),
        ({"rollbacks": ["t1", 3, None, "t2"]}, {"rollbacks": ("t1", "t2")}),
        ({"rollbacks": "t1"}, {"rollbacks": ()}),
        ({"sticky": "true"}, {"sticky": False}),
        ({"sticky": 1}, {"sticky": False}),
        ({"reason": None}, {"reason": ""}),
        ({"reason": 12}, {"reason": "12"}),
        ({"schema": 2}, {}),
    ],
)
def test_a_stored_field_of_the_wrong_type_reads_as_unset(changes: dict[str, Any], read):
    assert holds.from_json(json.dumps(STORED | changes)) == replace(HELD, **read)


@pytest.mark.parametrize("missing", ["reason", "alarm", "rollbacks", "sticky", "disabled_version"])
def test_an_optional_field_left_out_reads_as_unset(missing):
    stored = {key: value for key, value in STORED.items() if key != missing}
    hold = holds.from_json(json.dumps(stored))
    assert hold is not None
    assert (
        getattr(hold, missing)
        == {
            "reason": "",
            "alarm": None,
            "rollbacks": (),
            "sticky": False,
            "disabled_version": None,
        }[missing]
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "[]",
        "5",
        "null",
        json.dumps({key: value for key, value in STORED.items() if key != "flag"}),
        json.dumps({key: value for key, value in STORED.items() if key != "held_at"}),
        json.dumps({key: value for key, value in STORED.items() if key != "state"}),
        json.dumps({key: value for key, value in STORED.items() if key != "held_by"}),
        json.dumps(STORED | {"flag": 1}),
        json.dumps(STORED | {"held_at": 1}),
        json.dumps(STORED | {"state": "maybe"}),
        json.dumps(STORED | {"held_by": "robot"}),
    ],
)
def test_a_record_that_is_not_a_hold_reads_as_none(text):
    assert holds.from_json(text) is None


def test_status_shows_the_fields_that_are_set():
    assert HELD.summary() == {key: value for key, value in STORED.items() if value is not None}
    assert RELEASED.summary() == {
        "flag": "search",
        "state": "released",
        "held_by": "operator",
        "held_at": "2026-11-29T03:12:00Z",
        "sticky": False,
        "released_at": "2026-11-29T04:00:00Z",
        "released_reason": "fixed in 1.2.3",
        "restored_version": 9,
        "schema": 1,
    }


DIGEST = re.compile(r"^/p/sha256-[0-9a-f]{32}$")


def test_a_flag_name_ssm_can_hold_is_the_last_level_of_its_parameter():
    for flag in ("a", "new_checkout", "checkout.v2-eu", "A" * 128):
        assert holds.parameter_name("/p", flag) == f"/p/{flag}"


@pytest.mark.parametrize("flag", ["", "a" * 129, "checkout v2", "eu/checkout", "café"])
def test_any_other_flag_name_is_stored_under_a_digest_of_itself(flag):
    name = holds.parameter_name("/p", flag)
    assert DIGEST.match(name), name
    assert name == holds.parameter_name("/p", flag)
    assert name != holds.parameter_name("/p", flag + "x")
