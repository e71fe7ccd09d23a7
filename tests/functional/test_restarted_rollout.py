"""What a rollback reads of another profile's rollout it stops, and what it restarts.

The restart is the rollout as GetDeployment described it: same profile, version and
strategy, and its own description after the note of the rollback that stopped it. The
result and the notification list the stopped rollout as it was read.
"""

from __future__ import annotations

from typing import Any

import pytest
from flag_rollback import clients

from tests.functional.faults import FAULTS
from tests.functional.test_foreign_rollout import foreign_rollout
from tests.functional.world import World

pytestmark = pytest.mark.usefixtures("fast_retries")


def other_rollout(world: World, description: str | None = None) -> dict[str, Any]:
    """Another team's profile in the same environment, an hour into rolling out a version."""
    return foreign_rollout(world, factor=1.0, description=description)


def deployment(world: World, number: int) -> dict[str, Any]:
    return world.appconfig.get_deployment(
        ApplicationId=world.app_id, EnvironmentId=world.env_id, DeploymentNumber=number
    )


def stopped_entry(other: dict[str, Any], description: str, **after: object) -> dict[str, Any]:
    """The stopped rollout as the result and the notification list it."""
    return {
        "deployment_number": other["number"],
        "profile_id": other["profile"],
        "profile_name": "web-config",
        "version": other["version"],
        "strategy_id": other["strategy"],
        "state": "DEPLOYING",
        "description": description,
        "restarted_as": None,
        "restart_error": None,
    } | after


@pytest.mark.parametrize("description", [None, "", "pricing page v2, 10 % an hour"])
def test_the_restart_keeps_the_rollout_s_own_description(world: World, description: str | None):
    other = other_rollout(world, description)
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    (stopped,) = outcome["preempted"]
    assert stopped == stopped_entry(other, description or "", restarted_as=stopped["restarted_as"])
    restarted = deployment(world, stopped["restarted_as"])
    note = (
        f"Restarted by flag-rollback after its rollback deployment {outcome['deployment_number']}"
    )
    assert restarted.get("Description") == (f"{note}: {description}" if description else note)
    assert world.notifications()[0]["Document"]["preempted_rollouts"] == [stopped]


def test_a_failed_read_of_the_rollback_s_deployment_is_the_restart_error(world: World):
    other = other_rollout(world)
    refuse = FAULTS["bad-request"]
    reads: list[int] = []

    def refuse_after_the_first(request: Any, **kwargs: Any) -> Any:
        """The read of the rollout to stop goes through; the restart's reads are refused."""
        reads.append(1)
        return refuse(request, **kwargs) if len(reads) > 1 else None

    clients.appconfig().meta.events.register_first(
        "before-send.appconfig.GetDeployment", refuse_after_the_first
    )
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"  # the rollback itself is done
    assert outcome["preempted"] == [
        stopped_entry(
            other,
            "",
            restart_error="aws_rejected: GetDeployment failed: BadRequestException: "
            "injected BadRequestException",
        )
    ]


def test_a_rollout_read_without_its_details_is_stopped_and_not_restarted(world: World):
    """GetDeployment answers the rollout's state alone: it is stopped for the rollback, listed
    with what is known, and not restarted (there is no version to restart)."""
    other = other_rollout(world)
    reads: list[int] = []

    def keep_only_the_state(parsed: dict[str, Any], **_: object) -> None:
        reads.append(1)
        if len(reads) == 1:
            for key in [key for key in parsed if key not in {"State", "ResponseMetadata"}]:
                del parsed[key]

    clients.appconfig().meta.events.register(
        "after-call.appconfig.GetDeployment", keep_only_the_state
    )
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    (stopped,) = outcome["preempted"]
    assert stopped["restart_error"]
    assert stopped == {
        "deployment_number": other["number"],
        "profile_id": "",
        "profile_name": "",
        "version": "",
        "strategy_id": "",
        "state": "DEPLOYING",
        "description": "",
        "restarted_as": None,
        "restart_error": stopped["restart_error"],
    }
    assert deployment(world, other["number"])["State"] == "ROLLED_BACK"
    assert [d["ConfigurationName"] for d in world.deployments()].count("web-config") == 1
