"""What a restore's result shows of the flag's hold: the hold as status shows it (held in
a dry run, released with the restored version after a real restore), and the dry run's
diff against the deployed version; a real restore carries no diff."""

from __future__ import annotations

from typing import Any

from tests.functional.world import World


def direct(world: World, action: str, flag: str, **extra: object) -> dict[str, Any]:
    (result,) = world.invoke({"action": action, "flag": flag, **extra})["results"]
    return result


def rolled_back_and_calm(world: World) -> None:
    world.alarm("checkout")
    world.put_alarm("checkout", state="OK")


def test_a_dry_run_restore_shows_the_held_hold_and_the_diff_from_the_deployed_version(
    world: World,
):
    rolled_back_and_calm(world)
    hold = direct(world, "status", "checkout")["state"]["hold"]
    assert hold["state"] == "held"
    world.configure(DRY_RUN="true")
    result = direct(world, "restore", "checkout")
    assert result["outcome"] == "dry_run"
    assert set(result["state"]) == {"diff", "hold"}
    assert result["state"]["hold"] == hold
    assert result["state"]["diff"][:2] == ["--- deployed version 2", "+++ after restore"]


def test_a_restore_shows_the_released_hold_with_the_restored_version_and_no_diff(world: World):
    rolled_back_and_calm(world)
    result = direct(world, "restore", "checkout", reason="fixed in 1.2.3")
    assert result["outcome"] == "restored"
    hold = direct(world, "status", "checkout")["state"]["hold"]
    assert (hold["state"], hold["restored_version"], hold["released_reason"]) == (
        "released",
        result["new_version"],
        "fixed in 1.2.3",
    )
    assert result["state"] == {"hold": hold}
