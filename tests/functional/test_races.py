"""Interleavings of concurrent invocations, forced step by step: no disabled flag is lost.

Each test runs one invocation in a thread and pauses it between two of its AWS calls (a
botocore event hook on the function's own client, which only that thread trips), runs
other invocations to completion meanwhile, then lets it go on. See lineage.py for why
these are the interleavings that matter.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flag_rollback import clients

from emulator.core.config import set_deployment_time_factor
from tests.functional.world import World

REAL_BAKE = 1.0  # a deployment started now bakes the strategy's real 10 minutes


class Pause:
    """Stop the thread named `who` at a botocore event of the function's AppConfig client.

    `event` is e.g. ``after-call.appconfig.StopDeployment``; the `nth` time that thread
    reaches it, it signals `reached` and waits for `resume`.
    """

    def __init__(self, who: str, event: str, nth: int = 1) -> None:
        self.who, self.event, self.left = who, event, nth
        self.reached = threading.Event()
        self.resume = threading.Event()
        clients.appconfig().meta.events.register(event, self._hook, unique_id=f"pause-{who}")

    def _hook(self, **_: object) -> None:
        if threading.current_thread().name != self.who:
            return
        self.left -= 1
        if self.left == 0:
            self.reached.set()
            assert self.resume.wait(30), "the test never resumed the paused invocation"


class Invocation(threading.Thread):
    """One invocation of the handler in its own thread, keeping its answer or its error."""

    def __init__(self, world: World, name: str, event: dict[str, Any]) -> None:
        super().__init__(name=name, daemon=True)
        self.world, self.event = world, event
        self.answer: dict[str, Any] | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.answer = self.world.invoke(self.event)
        except BaseException as error:  # the test asserts on it
            self.error = error

    def outcome(self) -> str:
        self.join(30)
        assert self.error is None, self.error
        assert self.answer is not None
        return str(self.answer["results"][0]["outcome"])


@pytest.fixture
def factor() -> Iterator[None]:
    yield
    set_deployment_time_factor(0.0)


def rollback(flag: str) -> dict[str, Any]:
    return {"action": "rollback", "flag": flag, "reason": "test"}


def disabled(world: World) -> set[str]:
    document = world.deployed()
    return {name for name, entry in document["flags"].items() if entry.get("enabled") is False}


@pytest.mark.parametrize("y_bakes", [False, True], ids=["y-completes", "y-still-baking"])
def test_a_rollback_between_a_stop_and_its_restart_loses_no_flag(
    world: World, fast_retries: None, factor: None, y_bakes: bool
):
    """Issue 16's interleaving: v2 baking; X stops it to deploy v3; Y deploys v4 between."""
    set_deployment_time_factor(REAL_BAKE)
    assert world.invoke(rollback("checkout"))["results"][0]["outcome"] == "rolled_back"
    assert world.deployments()[0]["State"] == "BAKING"  # v2 (checkout off) is baking
    set_deployment_time_factor(0.0)
    pause = Pause("X", "after-call.appconfig.StopDeployment")
    x = Invocation(world, "X", rollback("search"))
    x.start()
    assert pause.reached.wait(30), "X never stopped the baking rollback"
    set_deployment_time_factor(REAL_BAKE if y_bakes else 0.0)
    y = Invocation(world, "Y", rollback("cart"))
    y.start()
    assert y.outcome() == "rolled_back"
    set_deployment_time_factor(0.0)
    pause.resume.set()
    assert x.outcome() == "rolled_back"
    assert {"checkout", "search", "cart"} <= disabled(world)


def test_a_version_written_but_not_yet_deployed_loses_no_flag(
    world: World, fast_retries: None, factor: None
):
    """X writes its version and pauses before StartDeployment; Y runs whole; X deploys."""
    pause = Pause("X", "before-call.appconfig.StartDeployment")
    x = Invocation(world, "X", rollback("search"))
    x.start()
    assert pause.reached.wait(30), "X never reached StartDeployment"
    y = Invocation(world, "Y", rollback("cart"))
    y.start()
    assert y.outcome() == "rolled_back"
    pause.resume.set()
    assert x.outcome() == "rolled_back"
    assert {"search", "cart"} <= disabled(world)


def test_a_read_before_anothers_deployment_and_a_start_after_it_loses_no_flag(
    world: World, fast_retries: None, factor: None
):
    """X reads the environment, Y writes and deploys, then X writes and deploys."""
    pause = Pause("X", "after-call.appconfig.ListDeployments")
    x = Invocation(world, "X", rollback("search"))
    x.start()
    assert pause.reached.wait(30)
    y = Invocation(world, "Y", rollback("cart"))
    y.start()
    assert y.outcome() == "rolled_back"
    pause.resume.set()
    assert x.outcome() == "rolled_back"
    assert {"search", "cart"} <= disabled(world)


def test_a_stop_and_restart_racing_a_rollout_of_its_own_holder_loses_no_flag(
    world: World, fast_retries: None, factor: None
):
    """Two rollbacks each find the other's deployment baking in their way."""
    set_deployment_time_factor(REAL_BAKE)
    pause = Pause("X", "before-call.appconfig.StartDeployment")
    x = Invocation(world, "X", rollback("search"))
    x.start()
    assert pause.reached.wait(30)
    y = Invocation(world, "Y", rollback("cart"))
    y.start()
    assert y.outcome() == "rolled_back"  # Y's deployment bakes for ten minutes
    set_deployment_time_factor(0.0)
    pause.resume.set()
    assert x.outcome() == "rolled_back"  # X found Y's bake in its way
    assert {"search", "cart"} <= disabled(world)
    states = [d["State"] for d in world.deployments()]
    assert "REVERTED" not in states


def test_an_own_deployment_holding_every_flag_is_adopted_not_replaced(
    world: World, fast_retries: None, factor: None
):
    """X and Y roll back the same flag; Y deploys first: X adopts Y's baking deployment."""
    set_deployment_time_factor(REAL_BAKE)
    pause = Pause("X", "before-call.appconfig.StartDeployment")
    x = Invocation(world, "X", rollback("search"))
    x.start()
    assert pause.reached.wait(30)
    y = Invocation(world, "Y", rollback("search"))
    y.start()
    assert y.outcome() == "rolled_back"
    pause.resume.set()
    assert x.outcome() == "rolled_back"
    assert x.answer is not None
    assert y.answer is not None
    adopted = y.answer["results"][0]["deployment_number"]
    assert x.answer["results"][0]["deployment_number"] == adopted
    newest = world.deployments()[0]
    assert (newest["DeploymentNumber"], newest["State"]) == (adopted, "BAKING")  # never stopped


def test_a_restore_baking_when_another_flag_rolls_back_stays_restored(
    world: World, fast_retries: None, factor: None
):
    """A rollback during a restore's bake builds on the restore: the restored flag stays on."""
    assert world.invoke(rollback("checkout"))["results"][0]["outcome"] == "rolled_back"
    set_deployment_time_factor(REAL_BAKE)
    restore = {"action": "restore", "flag": "checkout", "reason": "fixed"}
    assert world.invoke(restore)["results"][0]["outcome"] == "restored"
    set_deployment_time_factor(0.0)
    assert world.invoke(rollback("search"))["results"][0]["outcome"] == "rolled_back"
    deployed = world.deployed()
    assert deployed["flags"]["checkout"]["enabled"] is True
    assert deployed["flags"]["search"]["enabled"] is False
