"""The other profiles' rollouts a rollback stopped (FOREIGN_ROLLOUT=preempt), when it fails
and when it stopped more than one.

Only one deployment runs at a time, so only the last rollout stopped is started again: an
earlier one was already out of the environment when the later one started, and its result
says so. A rollback that fails after stopping a rollout starts that rollout again at once
(nothing of its own to wait for) before the error leaves.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from flag_rollback import clients

from emulator.core.config import set_deployment_time_factor
from tests.functional.faults import FAULTS
from tests.functional.logs import decisions
from tests.functional.world import World

pytestmark = pytest.mark.usefixtures("fast_retries")

HOUR_LINEAR = {
    "DeploymentDurationInMinutes": 60,
    "FinalBakeTimeInMinutes": 0,
    "GrowthFactor": 10.0,
    "GrowthType": "LINEAR",
}


@pytest.fixture(autouse=True)
def instant_deployments() -> Any:
    yield
    set_deployment_time_factor(0.0)


class Team:
    """Another team's profile in the world's environment, rolling out in real time."""

    def __init__(self, world: World, name: str) -> None:
        self.world = world
        self.name = name
        appconfig = world.appconfig
        self.profile = appconfig.create_configuration_profile(
            ApplicationId=world.app_id, Name=name, LocationUri="hosted", Type="AWS.Freeform"
        )["Id"]
        self.version = str(
            appconfig.create_hosted_configuration_version(
                ApplicationId=world.app_id,
                ConfigurationProfileId=self.profile,
                Content=json.dumps({"team": name}).encode(),
                ContentType="application/json",
            )["VersionNumber"]
        )
        self.strategy = appconfig.create_deployment_strategy(
            Name=f"{name}-hour", ReplicateTo="NONE", **HOUR_LINEAR
        )["Id"]

    def roll_out(self) -> int:
        """StartDeployment of the team's version: an hour of linear rollout; its number."""
        set_deployment_time_factor(1.0)
        try:
            return int(
                self.world.appconfig.start_deployment(
                    ApplicationId=self.world.app_id,
                    EnvironmentId=self.world.env_id,
                    DeploymentStrategyId=self.strategy,
                    ConfigurationProfileId=self.profile,
                    ConfigurationVersion=self.version,
                    Description=f"{self.name} rollout",
                )["DeploymentNumber"]
            )
        finally:
            set_deployment_time_factor(0.0)

    def stopped(self, number: int, **outcome: object) -> dict[str, Any]:
        """The result's record of this team's rollout ``number``, stopped while DEPLOYING."""
        return {
            "deployment_number": number,
            "profile_id": self.profile,
            "profile_name": self.name,
            "version": self.version,
            "strategy_id": self.strategy,
            "state": "DEPLOYING",
            "description": f"{self.name} rollout",
            "restarted_as": None,
            "restart_error": None,
        } | outcome


def wait_free(world: World) -> None:
    """Until no deployment is rolling back (AppConfig takes no new one before)."""
    deadline = time.monotonic() + 10
    while any(d["State"] == "ROLLING_BACK" for d in world.deployments()):
        assert time.monotonic() < deadline, "the stopped rollout never rolled back"
        time.sleep(0.02)


def after_each_stop(actions: list[Any]) -> None:
    """Run ``actions[i]`` right after the function's i-th StopDeployment has been answered."""
    count = {"n": 0}

    def hook(**_: object) -> None:
        index = count["n"]
        count["n"] += 1
        if index < len(actions):
            actions[index]()

    clients.appconfig().meta.events.register(
        "after-call.appconfig.StopDeployment", hook, unique_id="after-each-stop"
    )


def deny_own_starts(world: World, switch: dict[str, bool]) -> None:
    """Once ``switch["on"]``, the rollback's own StartDeployment is refused (BadRequestException);
    other profiles' (the restarts) go through."""
    deny = FAULTS["bad-request"]

    def hook(request: Any, **kwargs: Any) -> Any:
        body = json.loads(request.body or b"{}")
        if switch["on"] and body.get("ConfigurationProfileId") == world.profile_id:
            return deny(request, **kwargs)
        return None

    clients.appconfig().meta.events.register_first(
        "before-send.appconfig.StartDeployment", hook, unique_id="deny-own-starts"
    )


def of_profile(world: World, profile: str) -> list[tuple[int, str, str]]:
    """(number, state, description) of the profile's deployments, newest first."""
    found = []
    for item in world.deployments():
        if item["ConfigurationName"] == profile:
            detail = world.appconfig.get_deployment(
                ApplicationId=world.app_id,
                EnvironmentId=world.env_id,
                DeploymentNumber=item["DeploymentNumber"],
            )
            found.append((item["DeploymentNumber"], item["State"], detail.get("Description")))
    return found


def test_only_the_last_of_two_stopped_rollouts_is_restarted_the_first_says_why(world: World):
    """Web's rollout holds the environment; the rollback stops it. As soon as the
    environment is free, the shop team starts theirs; the rollback stops that one too, then
    deploys. Shop's rollout is started again after the rollback; web's is not (shop's
    replaced it in the environment), and the result says so."""
    web, shop = Team(world, "web"), Team(world, "shop-ui")
    first = web.roll_out()
    second: list[int] = []

    def shop_rolls_out() -> None:
        wait_free(world)
        second.append(shop.roll_out())

    after_each_stop([shop_rolls_out])

    (outcome,) = world.alarm("checkout")["results"]

    assert outcome["outcome"] == "rolled_back"
    (restarted,) = [number for number, _, _ in of_profile(world, "shop-ui")[:1]]
    assert restarted > outcome["deployment_number"]
    assert outcome["preempted"] == [
        web.stopped(first, restart_error="a later rollout was stopped after it"),
        shop.stopped(second[0], restarted_as=restarted),
    ]
    assert [state for _, state, _ in of_profile(world, "web")] == ["ROLLED_BACK"]


def test_a_rollback_that_fails_after_stopping_a_rollout_restarts_it_at_once(
    world: World, capsys: pytest.CaptureFixture[str]
):
    """The rollback's own StartDeployment is refused (BadRequestException) after it stopped web's
    rollout: web's rollout is started again at once, then the failure is reported."""
    web = Team(world, "web")
    first = web.roll_out()
    switch = {"on": False}
    deny_own_starts(world, switch)
    after_each_stop([lambda: switch.update(on=True)])
    capsys.readouterr()

    (outcome,) = world.alarm("checkout")["results"]

    assert (outcome["outcome"], outcome["preempted"]) == ("failed", [])
    ((restarted, _, description), (stopped, state, _)) = of_profile(world, "web")
    assert (stopped, state) == (first, "ROLLED_BACK")
    assert description == "Restarted by flag-rollback after its rollback deployment -: web rollout"
    assert decisions(capsys.readouterr().out, "restarted_rollout", "restart_failed") == [
        {
            "level": "INFO",
            "decision": "restarted_rollout",
            "deployment": first,
            "restarted_as": restarted,
        }
    ]


def test_a_rollback_that_fails_after_stopping_two_rollouts_restarts_only_the_last(
    world: World, capsys: pytest.CaptureFixture[str]
):
    """Web's rollout, then shop's, stopped; then the rollback's own StartDeployment is
    refused: shop's rollout, the last one in the environment, is started again at once;
    web's is left stopped, as when the rollback succeeds."""
    web, shop = Team(world, "web"), Team(world, "shop-ui")
    first = web.roll_out()
    second: list[int] = []
    switch = {"on": False}
    deny_own_starts(world, switch)

    def shop_rolls_out() -> None:
        wait_free(world)
        second.append(shop.roll_out())

    after_each_stop([shop_rolls_out, lambda: switch.update(on=True)])
    capsys.readouterr()

    (outcome,) = world.alarm("checkout")["results"]

    assert outcome["outcome"] == "failed"
    assert [state for _, state, _ in of_profile(world, "web")] == ["ROLLED_BACK"]
    ((restarted, _, _), (stopped, state, _)) = of_profile(world, "shop-ui")
    assert (stopped, state) == (second[0], "ROLLED_BACK")
    assert decisions(capsys.readouterr().out, "restarted_rollout", "restart_failed") == [
        {
            "level": "INFO",
            "decision": "restarted_rollout",
            "deployment": second[0],
            "restarted_as": restarted,
        }
    ]
    assert first != second[0]
