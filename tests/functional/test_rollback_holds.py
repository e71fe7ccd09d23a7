"""What a rollback records on hold and says about it: the result's holds and note, one
hold_recorded line per new or changed hold, nothing rewritten on a duplicate delivery."""

from __future__ import annotations

import json

import pytest

from tests.functional.logs import decisions
from tests.functional.world import World, alarm_name

NOTE = "Deployments that turn a held flag back on are refused until it is restored."


def test_an_alarms_rollback_holds_the_flag_and_says_so(
    world: World, capsys: pytest.CaptureFixture[str]
):
    (result,) = world.alarm("checkout")["results"]
    hold = result["state"]["holds"]["checkout"]
    assert result["state"] == {
        "holds": {"checkout": hold},
        "hold_note": f"On hold: checkout. {NOTE}",
    }
    assert hold == {
        "flag": "checkout",
        "state": "held",
        "held_by": "alarm",
        "held_at": hold["held_at"],
        "reason": f"{alarm_name('checkout')}: {result['reason']}",
        "alarm": alarm_name("checkout"),
        "disabled_version": result["new_version"],
        "rollbacks": [hold["held_at"]],
        "sticky": False,
        "schema": 1,
    }
    assert decisions(capsys.readouterr().out, "hold_recorded") == [
        {
            "level": "INFO",
            "decision": "hold_recorded",
            "flag": "checkout",
            "sticky": False,
            "rollbacks": 1,
        }
    ]


def test_a_duplicate_delivery_shows_the_same_hold_and_writes_nothing(
    world: World, capsys: pytest.CaptureFixture[str]
):
    (first,) = world.alarm("checkout")["results"]
    capsys.readouterr()
    (again,) = world.alarm("checkout")["results"]
    assert again["outcome"] == "no_change"
    assert again["state"] == first["state"]
    assert decisions(capsys.readouterr().out, "hold_recorded") == []


def test_an_operators_rollback_is_held_by_the_operator_with_the_reason_given(world: World):
    (result,) = world.invoke({"action": "rollback", "flag": "cart", "reason": "bad cart"})[
        "results"
    ]
    hold = result["state"]["holds"]["cart"]
    assert {key: hold.get(key) for key in ("held_by", "reason", "alarm", "disabled_version")} == {
        "held_by": "operator",
        "reason": "bad cart",
        "alarm": None,
        "disabled_version": result["new_version"],
    }
    assert result["state"]["hold_note"] == f"On hold: cart. {NOTE}"


def test_a_storm_holds_every_flag_it_disabled_in_one_note(world: World):
    world.put_alarm("search")
    (result,) = world.alarm("checkout")["results"]
    assert result["flags"] == ["checkout", "search"]
    assert list(result["state"]["holds"]) == ["checkout", "search"]
    assert result["state"]["hold_note"] == f"On hold: checkout, search. {NOTE}"
    assert {hold["disabled_version"] for hold in result["state"]["holds"].values()} == {
        result["new_version"]
    }


def test_a_flag_that_flaps_is_held_until_a_forced_restore_and_the_note_says_so(
    world: World, capsys: pytest.CaptureFixture[str]
):
    world.configure(FLAP_LIMIT="2", FLAP_WINDOW_SECONDS="7200")
    world.alarm("checkout")
    world.put_alarm("checkout", state="OK")
    world.invoke({"action": "restore", "flag": "checkout"})
    capsys.readouterr()
    (result,) = world.alarm("checkout")["results"]
    assert result["state"]["hold_note"] == (
        f"On hold: checkout. {NOTE} checkout was rolled back 2 times within 120 minutes: it "
        'stays held until someone restores it with "force": true.'
    )
    assert result["state"]["holds"]["checkout"]["sticky"] is True
    assert decisions(capsys.readouterr().out, "hold_recorded") == [
        {
            "level": "INFO",
            "decision": "hold_recorded",
            "flag": "checkout",
            "sticky": True,
            "rollbacks": 2,
        }
    ]


def test_a_dry_run_or_failed_rollback_holds_nothing_and_says_nothing_of_holds(world: World):
    world.configure(DRY_RUN="true")
    (dry,) = world.alarm("checkout")["results"]
    assert dry["outcome"] == "dry_run"
    assert "holds" not in dry["state"]
    world.configure(DRY_RUN="false")
    (missing,) = world.invoke({"action": "rollback", "flag": "nosuchflag"})["results"]
    assert missing["outcome"] == "failed"
    assert missing["state"] == {}


def test_a_flag_of_the_event_found_off_is_held_too_without_a_version_of_its_own(world: World):
    """cart was turned off by a person; its alarm and checkout's arrive together (and a
    third for a flag the configuration does not have): checkout's version disables only
    checkout, and both are held."""
    turn_off(world, "cart")
    (result,) = world.alarm("nosuchflag", "cart", "checkout")["results"]
    assert (result["outcome"], result["flags"], result["unchanged"], result["missing"]) == (
        "rolled_back",
        ["checkout"],
        ["cart"],
        ["nosuchflag"],
    )
    holds = result["state"]["holds"]
    assert list(holds) == ["checkout", "cart"]
    assert holds["checkout"]["disabled_version"] == result["new_version"]
    # Found off, not rolled back here: no version of its own, not counted as a rollback.
    assert {"disabled_version", "rollbacks"}.isdisjoint(holds["cart"])
    assert holds["cart"]["state"] == "held"
    assert result["state"]["hold_note"] == f"On hold: checkout, cart. {NOTE}"


def turn_off(world: World, flag: str) -> None:
    """A person disables the flag (a deployment of their own)."""
    document = json.loads(json.dumps(world.deployed()))
    document["flags"][flag]["enabled"] = False
    world.deploy(document)


def test_a_dry_run_that_finds_the_flag_off_holds_nothing(world: World):
    turn_off(world, "checkout")
    world.configure(DRY_RUN="true")
    (result,) = world.alarm("checkout")["results"]
    assert (result["outcome"], result["unchanged"]) == ("no_change", ["checkout"])
    assert "holds" not in result["state"]
    (listed,) = world.invoke({"action": "holds"})["results"]
    assert listed["flags"] == []


def test_a_flag_the_configuration_lacks_does_not_stop_the_event_s_other_flags_being_held(
    world: World,
):
    """The event names a flag the document does not have before one a person turned off:
    nothing changes, and the flag found off is held."""
    turn_off(world, "cart")
    (result,) = world.alarm("nosuchflag", "cart")["results"]
    assert (result["outcome"], result["unchanged"], result["missing"]) == (
        "no_change",
        ["cart"],
        ["nosuchflag"],
    )
    assert list(result["state"]["holds"]) == ["cart"]
    assert result["state"]["holds"]["cart"]["state"] == "held"
