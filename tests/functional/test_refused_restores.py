"""A refused restore returns (and notifies) the whole story: which alarm, the operator's
reason, the mode, and for a held flag the hold itself."""

from __future__ import annotations

import pytest

from tests.functional.results import result
from tests.functional.world import World, alarm_name


def refused(**fields: object) -> dict[str, object]:
    return (
        result("refused", action="restore", flags=["checkout"], reason="fixed in 1.2.3", state={})
        | fields
    )


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_restore_while_the_alarm_is_in_alarm_names_the_alarm(world: World, dry_run: bool):
    world.alarm("checkout")
    world.put_alarm("checkout", state="ALARM")
    world.configure(DRY_RUN="true" if dry_run else "false")
    (result,) = world.invoke({"action": "restore", "flag": "checkout", "reason": "fixed in 1.2.3"})[
        "results"
    ]
    name = alarm_name("checkout")
    assert result == refused(
        alarm=name,
        dry_run=dry_run,
        detail=f'alarm {name} is in ALARM; pass "force": true to restore anyway',
    )
    note = world.notifications()[-1]["Document"]
    assert (note["outcome"], note["alarm"], note["reason"]) == ("refused", name, "fixed in 1.2.3")


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_restore_within_the_cooldown_returns_the_hold(world: World, dry_run: bool):
    world.configure(RESTORE_COOLDOWN_SECONDS="600")
    world.alarm("checkout")
    world.put_alarm("checkout", state="OK")
    world.configure(RESTORE_COOLDOWN_SECONDS="600", DRY_RUN="true" if dry_run else "false")
    (held,) = world.invoke({"action": "holds"})["results"][0]["state"]["holds"]

    (result,) = world.invoke({"action": "restore", "flag": "checkout", "reason": "fixed in 1.2.3"})[
        "results"
    ]

    detail = result["detail"]
    assert "cooldown" in detail
    assert result == refused(
        alarm=alarm_name("checkout"),
        dry_run=dry_run,
        detail=detail,
        state={"hold_note": detail, "hold": held},
    )
    note = world.notifications()[-1]["Document"]
    assert (note["outcome"], note["alarm"], note["hold_note"]) == (
        "refused",
        alarm_name("checkout"),
        detail,
    )
