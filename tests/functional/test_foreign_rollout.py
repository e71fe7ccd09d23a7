"""Another profile's rollout holds the environment when an alarm fires (issue 13.2).

AppConfig runs one deployment per environment at a time. With FOREIGN_ROLLOUT=preempt (the
default) a rollback stops the other rollout, deploys, and restarts it with the same version
and strategy once the rollback is COMPLETE; with ``wait`` it waits (bounded), as before. A
rollout that cannot be stopped falls back to a plain deploy.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flag_rollback import clients
from flag_rollback.errors import TransientError

from emulator.core.config import set_deployment_time_factor
from tests.functional.faults import FAULTS, Faults
from tests.functional.logs import decisions
from tests.functional.world import World

HOUR_LINEAR = {
    "DeploymentDurationInMinutes": 60,
    "FinalBakeTimeInMinutes": 0,
    "GrowthFactor": 10.0,
    "GrowthType": "LINEAR",
}


def foreign_rollout(
    world: World,
    factor: float,
    strategy: dict[str, Any] = HOUR_LINEAR,
    description: str | None = None,
) -> dict:
    """Another team's profile in the same environment, rolling out a new version now."""
    appconfig = world.appconfig
    other = appconfig.create_configuration_profile(
        ApplicationId=world.app_id, Name="web-config", LocationUri="hosted", Type="AWS.Freeform"
    )["Id"]
    version = appconfig.create_hosted_configuration_version(
        ApplicationId=world.app_id,
        ConfigurationProfileId=other,
        Content=b'{"theme": "dark"}',
        ContentType="application/json",
    )["VersionNumber"]
    strategy_id = appconfig.create_deployment_strategy(
        Name="hour-linear", ReplicateTo="NONE", **strategy
    )["Id"]
    set_deployment_time_factor(factor)
    try:
        number = appconfig.start_deployment(
            ApplicationId=world.app_id,
            EnvironmentId=world.env_id,
            DeploymentStrategyId=strategy_id,
            ConfigurationProfileId=other,
            ConfigurationVersion=str(version),
            **({"Description": description} if description is not None else {}),
        )["DeploymentNumber"]
    finally:
        set_deployment_time_factor(0.0)
    return {"number": number, "profile": other, "version": str(version), "strategy": strategy_id}


def emails() -> list[str]:
    """The email body of every notification published from now on (SQS gets the JSON)."""
    texts: list[str] = []
    clients.sns().meta.events.register(
        "provide-client-params.sns.Publish",
        lambda params, **_: texts.append(json.loads(params["Message"])["email"]),
    )
    return texts


def deployment(world: World, number: int) -> dict[str, Any]:
    return world.appconfig.get_deployment(
        ApplicationId=world.app_id, EnvironmentId=world.env_id, DeploymentNumber=number
    )


def of_profile(world: World, profile_name: str) -> list[dict[str, Any]]:
    return [d for d in world.deployments() if d["ConfigurationName"] == profile_name]


def test_preempt_stops_the_rollout_deploys_and_restarts_it_with_the_same_version_and_strategy(
    world: World, fast_retries: None
):
    other = foreign_rollout(world, factor=1.0)  # a real hour
    assert deployment(world, other["number"])["State"] == "DEPLOYING"
    sent = emails()

    (outcome,) = world.alarm("checkout")["results"]

    assert outcome["outcome"] == "rolled_back"
    assert deployment(world, other["number"])["State"] == "ROLLED_BACK"
    ours = deployment(world, outcome["deployment_number"])
    assert ours["State"] == "COMPLETE"
    (stopped,) = outcome["preempted"]
    restarted = deployment(world, stopped["restarted_as"])
    assert restarted["ConfigurationProfileId"] == other["profile"]
    assert restarted["ConfigurationVersion"] == other["version"]
    assert restarted["DeploymentStrategyId"] == other["strategy"]
    assert restarted["StartedAt"] >= ours["CompletedAt"]  # once the rollback was COMPLETE
    assert stopped["restarted_as"] > outcome["deployment_number"]
    assert world.deployed()["flags"]["checkout"]["enabled"] is False

    (note,) = world.notifications()
    document = note["Document"]
    assert document["preempted_rollouts"] == [stopped]
    assert stopped["state"] == "DEPLOYING"
    assert stopped["profile_name"] == "web-config"
    (email,) = sent
    assert f"deployment {other['number']} of profile web-config" in email
    assert (
        f"restarted with the same version and strategy as deployment {stopped['restarted_as']}"
        in email
    )


def test_a_baking_rollout_is_stopped_with_allow_revert(world: World, fast_retries: None):
    hour_of_bake = {**HOUR_LINEAR, "DeploymentDurationInMinutes": 0, "FinalBakeTimeInMinutes": 60}
    number = foreign_rollout(world, factor=1.0, strategy=hour_of_bake)["number"]
    assert deployment(world, number)["State"] == "BAKING"

    (outcome,) = world.alarm("checkout")["results"]

    assert outcome["outcome"] == "rolled_back"
    assert deployment(world, number)["State"] == "ROLLED_BACK"  # not REVERTED: it was baking
    (stopped,) = outcome["preempted"]
    assert stopped["state"] == "BAKING"
    assert stopped["restarted_as"] is not None


def test_wait_leaves_the_rollout_alone_and_keeps_the_event_when_it_outlasts_the_bound(
    world: World, fast_retries: None
):
    world.configure(FOREIGN_ROLLOUT="wait")
    other = foreign_rollout(world, factor=1.0)
    with pytest.raises(TransientError) as caught:
        world.alarm("checkout")
    assert caught.value.code in {"environment_busy", "deadline"}
    assert deployment(world, other["number"])["State"] == "DEPLOYING"  # never stopped
    assert len(of_profile(world, "flags")) == 1  # the first version only: nothing deployed


def test_wait_deploys_once_a_short_rollout_completes(world: World, fast_retries: None):
    world.configure(FOREIGN_ROLLOUT="wait")
    other = foreign_rollout(world, factor=0.0002)  # its hour takes 0.7 s
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    assert outcome["preempted"] == []
    assert deployment(world, other["number"])["State"] == "COMPLETE"


@pytest.mark.parametrize(
    ("operation", "kind"),
    [("StopDeployment", "bad-request"), ("GetDeployment", "access-denied")],
)
def test_a_rollout_that_cannot_be_stopped_falls_back_to_a_plain_deploy(
    world: World, faults: Faults, fast_retries: None, operation: str, kind: str
):
    other = foreign_rollout(world, factor=0.0002)  # ends within the wait bound
    faults.inject("appconfig", operation, kind)
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    assert outcome["preempted"] == []  # nothing stopped, nothing to restart
    assert deployment(world, other["number"])["State"] == "COMPLETE"
    assert len(of_profile(world, "web-config")) == 1
    assert world.deployed()["flags"]["checkout"]["enabled"] is False


def test_a_restart_that_fails_is_reported_with_the_command_to_run(world: World, fast_retries: None):
    other = foreign_rollout(world, factor=1.0)
    deny = FAULTS["access-denied"]

    def deny_the_restart(request: Any, **kwargs: Any) -> Any:
        """Only the other profile's StartDeployment is refused: ours goes through."""
        body = json.loads(request.body or b"{}")
        if body.get("ConfigurationProfileId") == other["profile"]:
            return deny(request, **kwargs)
        return None

    clients.appconfig().meta.events.register_first(
        "before-send.appconfig.StartDeployment", deny_the_restart
    )
    sent = emails()
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"  # the rollback itself is done
    (stopped,) = outcome["preempted"]
    assert stopped["restarted_as"] is None
    assert "AccessDenied" in stopped["restart_error"]
    (email,) = sent
    assert "NOT restarted" in email
    assert (
        f"aws appconfig start-deployment --application-id {world.app_id} --environment-id "
        f"{world.env_id} --configuration-profile-id {other['profile']} --configuration-version "
        f"{other['version']} --deployment-strategy-id {other['strategy']}"
    ) in email


def test_a_restore_never_preempts(world: World, fast_retries: None):
    world.alarm("checkout")
    world.put_alarm("checkout", "OK")
    world.configure()
    other = foreign_rollout(world, factor=1.0)
    with pytest.raises(TransientError):
        world.invoke({"action": "restore", "flag": "checkout", "reason": "fixed"})
    assert deployment(world, other["number"])["State"] == "DEPLOYING"


def test_the_stop_and_the_restart_are_logged_and_the_restart_keeps_the_rollouts_description(
    world: World, fast_retries: None, capsys: pytest.CaptureFixture[str]
):
    other = foreign_rollout(world, factor=1.0, description="dark theme for everyone")

    (outcome,) = world.alarm("checkout")["results"]

    (stopped,) = outcome["preempted"]
    assert stopped["description"] == "dark theme for everyone"
    restarted = deployment(world, stopped["restarted_as"])
    assert restarted["Description"] == (
        "Restarted by flag-rollback after its rollback deployment "
        f"{outcome['deployment_number']}: dark theme for everyone"
    )
    assert decisions(capsys.readouterr().out, "preempted_rollout", "restarted_rollout") == [
        {
            "level": "INFO",
            "decision": "preempted_rollout",
            "deployment": other["number"],
            "profile": "web-config",
            "state": "ROLLING_BACK",  # what StopDeployment answered
        },
        {
            "level": "INFO",
            "decision": "restarted_rollout",
            "deployment": other["number"],
            "restarted_as": stopped["restarted_as"],
        },
    ]


def test_a_rollout_listed_as_deploying_but_baking_by_now_is_stopped_with_allow_revert(
    world: World, fast_retries: None
):
    """ListDeployments read it DEPLOYING; GetDeployment, just before the stop, reads it
    BAKING: the stop follows the newer state (without AllowRevert AWS refuses to stop it)."""
    hour_of_bake = {**HOUR_LINEAR, "DeploymentDurationInMinutes": 0, "FinalBakeTimeInMinutes": 60}
    number = foreign_rollout(world, factor=1.0, strategy=hour_of_bake)["number"]
    assert deployment(world, number)["State"] == "BAKING"

    def listed_as_deploying(parsed: dict[str, Any], **_: Any) -> None:
        for item in parsed.get("Items", []):
            if item["DeploymentNumber"] == number and item["State"] == "BAKING":
                item["State"] = "DEPLOYING"

    clients.appconfig().meta.events.register(
        "after-call.appconfig.ListDeployments", listed_as_deploying
    )
    (outcome,) = world.alarm("checkout")["results"]

    assert outcome["outcome"] == "rolled_back"
    (stopped,) = outcome["preempted"]
    assert stopped["state"] == "BAKING"
    assert deployment(world, number)["State"] == "ROLLED_BACK"


def test_a_rollout_that_cannot_be_read_is_logged_as_a_warning_and_waited_for(
    world: World, faults: Faults, fast_retries: None, capsys: pytest.CaptureFixture[str]
):
    other = foreign_rollout(world, factor=0.0002)  # ends within the wait bound
    faults.inject("appconfig", "GetDeployment", "access-denied")

    (outcome,) = world.alarm("checkout")["results"]

    assert outcome["outcome"] == "rolled_back"
    warnings = decisions(capsys.readouterr().out, "preempted_rollout")
    assert warnings  # one per attempt while the rollout held the environment
    assert all(
        record
        == {
            "level": "WARN",
            "decision": "preempted_rollout",
            "deployment": other["number"],
            "error": "setup_broken",
        }
        for record in warnings
    )
