"""What a rollback reports when people deploy while it runs (lineage.py, Reporting).

A person's deployments started between the rollback's read and its StartDeployment are
read after the start: a flag one of them turned off was turned off before the rollback's
deployment, so the rollback does not report (notify, count) it again. The person's
deployments are made from botocore hooks of the function's own AppConfig client, at the
exact point of the interleaving, through the tests' own clients.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from flag_rollback import clients

from tests.events import FREEFORM_DOC
from tests.functional.logs import decisions
from tests.functional.results import result, without_state
from tests.functional.world import World


def document(*off: str) -> dict[str, Any]:
    """The world's document with the given flags turned off by hand."""
    changed = copy.deepcopy(FREEFORM_DOC)
    for name in off:
        changed["flags"][name]["enabled"] = False
    return changed


def once(action: Any) -> Any:
    """A botocore hook that runs ``action`` the first time only."""
    done: list[bool] = []

    def hook(**_: object) -> None:
        if not done:
            done.append(True)
            action()

    return hook


def test_a_flag_a_person_turned_off_before_the_rollbacks_start_is_not_reported(
    world: World, capsys: pytest.CaptureFixture[str]
):
    """Between the rollback's read and its start a person deploys cart off, then checkout
    off (two deployments, the newer one turning off the requested flag); right after the
    start, a third one (checkout off again) becomes the last COMPLETE deployment, so the
    re-plan's documents include neither of the two that slipped in. Every deployment that
    slipped in counts, whatever its age: checkout is not reported, nothing is notified."""

    def slip_in() -> None:
        world.deploy(document("cart"))
        world.deploy(document("checkout"))

    def deploy_after() -> None:
        world.wait_idle()
        world.deploy(document("checkout"))

    events = clients.appconfig().meta.events
    events.register("before-call.appconfig.StartDeployment", once(slip_in))
    events.register("after-call.appconfig.StartDeployment", once(deploy_after))
    capsys.readouterr()

    (outcome,) = world.invoke({"action": "rollback", "flag": "checkout", "reason": "bad"})[
        "results"
    ]

    numbers = [item["DeploymentNumber"] for item in world.deployments()]
    assert numbers == [5, 4, 3, 2, 1]  # 4 is the rollback's, 2 and 3 slipped in before it
    assert without_state(outcome) == result(
        "no_change",
        flags=["checkout"],
        reason="bad",
        old_version=1,
        new_version=2,
        deployment_number=4,
        unchanged=["checkout"],
        detail="a deployment started between this rollback's read and its own had "
        "already disabled them",
    )
    assert world.notifications() == []
    assert decisions(capsys.readouterr().out, "deployment_slipped_in") == [
        {
            "level": "INFO",
            "decision": "deployment_slipped_in",
            "version": 2,
            "deployment": 4,
            "seen": 1,
        }
    ]
    assert world.deployed()["flags"]["checkout"]["enabled"] is False


def test_a_rollback_reports_only_the_flags_no_deployment_that_slipped_in_turned_off(
    world: World,
):
    """The rollback of checkout also disables search (its alarm is in ALARM: the storm
    check). A person turns search off between the rollback's read and its start: the
    rollback reports checkout rolled back and search unchanged, and holds and notifies
    checkout alone."""
    world.put_alarm("search")
    events = clients.appconfig().meta.events
    events.register(
        "before-call.appconfig.StartDeployment", once(lambda: world.deploy(document("search")))
    )

    (outcome,) = world.invoke({"action": "rollback", "flag": "checkout", "reason": "bad"})[
        "results"
    ]

    assert without_state(outcome) == result(
        "rolled_back",
        flags=["checkout"],
        reason="bad",
        old_version=1,
        new_version=2,
        deployment_number=3,
        unchanged=["search"],
    )
    assert [note["Document"]["flags"] for note in world.notifications()] == [["checkout"]]
    deployed = world.deployed()["flags"]
    assert (deployed["checkout"]["enabled"], deployed["search"]["enabled"]) == (False, False)


def test_a_storm_a_person_turned_off_entirely_is_reported_for_the_requested_flag(
    world: World,
):
    """The rollback of checkout also disables search (its alarm is in ALARM); a person turns
    both off between the rollback's read and its start: nothing is left to report, and the
    result names the flag of the request, as a read that finds it disabled does."""
    world.put_alarm("search")
    events = clients.appconfig().meta.events
    events.register(
        "before-call.appconfig.StartDeployment",
        once(lambda: world.deploy(document("checkout", "search"))),
    )

    (outcome,) = world.invoke({"action": "rollback", "flag": "checkout", "reason": "bad"})[
        "results"
    ]

    assert (outcome["outcome"], outcome["flags"], outcome["unchanged"]) == (
        "no_change",
        ["checkout"],
        ["checkout", "search"],
    )
    assert world.notifications() == []


def test_a_restore_is_reported_by_its_own_last_version_whatever_slipped_in(world: World):
    """Only a rollback is reduced by what slipped in before it. A person turns the flag
    off between the restore's read and its start; the restore plans again on that
    deployment and reports the version it deployed last (and the hold records it)."""
    world.alarm("checkout")
    world.put_alarm("checkout", state="OK")
    events = clients.appconfig().meta.events
    events.register(
        "before-call.appconfig.StartDeployment", once(lambda: world.deploy(document("checkout")))
    )

    (outcome,) = world.invoke({"action": "restore", "flag": "checkout", "reason": "fixed"})[
        "results"
    ]

    numbers = [item["DeploymentNumber"] for item in world.deployments()]
    assert numbers == [5, 4, 3, 2, 1]  # 3 slipped in before the restore's 4; 5 re-planned
    assert without_state(outcome) == result(
        "restored",
        action="restore",
        flags=["checkout"],
        reason="fixed",
        old_version=2,
        new_version=5,
        deployment_number=5,
    )
    assert outcome["state"]["hold"]["restored_version"] == 5
