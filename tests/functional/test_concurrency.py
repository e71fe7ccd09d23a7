"""Races: a busy environment, threads rolling back flags of one profile at the same time."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flag_rollback.errors import TransientError
from flag_rollback.handler import handler

from emulator.core.config import set_deployment_time_factor
from tests.events import alarm_message, sns_event
from tests.functional.world import STALE_VERSION_ERRORS, World, build_world

FLAGS = [f"flag{index}" for index in range(6)]
MANY: dict[str, Any] = {
    "version": 1,
    "flags": {name: {"enabled": True, "rolloutPercentage": 50} for name in [*FLAGS, "bystander"]},
}


def start_other_profile(world: World, factor: float) -> int:
    """Start a deployment of another profile in the same environment; its number."""
    other = world.appconfig.create_configuration_profile(
        ApplicationId=world.app_id, Name="other", LocationUri="hosted", Type="AWS.Freeform"
    )["Id"]
    version = world.appconfig.create_hosted_configuration_version(
        ApplicationId=world.app_id,
        ConfigurationProfileId=other,
        Content=b"{}",
        ContentType="application/json",
    )["VersionNumber"]
    set_deployment_time_factor(factor)
    number = world.start(version, profile_id=other)
    set_deployment_time_factor(0.0)
    return number


def test_another_profiles_deployment_is_waited_for_not_stopped(world: World, fast_retries: None):
    number = start_other_profile(world, 0.0005)  # its 10-minute bake takes 0.3 s
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    states = {d["DeploymentNumber"]: d["State"] for d in world.deployments()}
    assert states[number] == "COMPLETE"  # waited for, never stopped
    assert world.deployed()["flags"]["checkout"]["enabled"] is False


def test_environment_busy_beyond_the_time_left_is_transient(world: World, fast_retries: None):
    start_other_profile(world, 1.0)  # bakes for ten real minutes

    class Context:
        def get_remaining_time_in_millis(self) -> int:
            return 3_300  # 0.3 s once the 3 s safety margin is kept

    with pytest.raises(TransientError):
        handler(sns_event(alarm_message("FeatureFlag-checkout-ErrorRate", "ALARM")), Context())
    assert len(world.versions()) == 2  # the version was written...
    mine = [d for d in world.deployments() if d["ConfigurationName"] == "flags"]
    assert len(mine) == 1  # ...and not deployed: the retried event will find it superseded


@pytest.mark.parametrize("emulator", STALE_VERSION_ERRORS, indirect=True)
@pytest.mark.parametrize("via", ["direct", "alarms"])
def test_threads_racing_on_one_profile_lose_no_update(
    emulator: None, monkeypatch: pytest.MonkeyPatch, fast_retries: None, via: str
):
    world = build_world(monkeypatch, MANY)
    if via == "alarms":
        for name in FLAGS:
            world.put_alarm(name, state="OK")  # the storm check sees nothing: only the lock helps
    set_deployment_time_factor(0.0003)  # each deployment bakes ~0.2 s: conflicts really happen
    results: list[dict[str, Any]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(FLAGS))

    def run(name: str) -> None:
        barrier.wait()
        try:
            if via == "direct":
                results.append(world.invoke({"action": "rollback", "flag": name}))
            else:
                results.append(world.alarm(name))
        except BaseException as error:  # a thread's failure must fail the test
            errors.append(error)

    threads = [threading.Thread(target=run, args=(name,)) for name in FLAGS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    outcomes = [r["results"][0]["outcome"] for r in results]
    assert len(outcomes) == len(FLAGS)
    assert set(outcomes) <= {"rolled_back", "no_change"}
    deployed = world.deployed()
    assert all(deployed["flags"][name]["enabled"] is False for name in FLAGS), deployed
    assert deployed["flags"]["bystander"] == MANY["flags"]["bystander"]
    rolled = {
        name
        for r in results
        for name in r["results"][0]["flags"]
        if r["results"][0]["outcome"] == "rolled_back"
    }
    assert rolled <= set(FLAGS)
    for name in FLAGS:
        assert deployed["flags"][name]["metadata"]["valuesBeforeRollback"] == {
            "enabled": True,
            "rolloutPercentage": 50,
        }


@pytest.mark.parametrize("emulator", STALE_VERSION_ERRORS, indirect=True)
def test_a_draft_version_not_deployed_here_does_not_fail_the_rollback(
    emulator: None, monkeypatch: pytest.MonkeyPatch, fast_retries: None
):
    """A profile with a newer version than the one deployed in this environment (a draft,
    or a profile shared by environments) makes a token taken from the deployment stale."""
    world = build_world(monkeypatch, MANY)
    draft = {**MANY, "flags": {**MANY["flags"], "bystander": {"enabled": False}}}
    world.create_version(draft, label="draft")  # stored, never deployed here
    (outcome,) = world.invoke({"action": "rollback", "flag": "flag0"})["results"]
    assert outcome["outcome"] == "rolled_back"
    deployed = world.deployed()
    assert deployed["flags"]["flag0"]["enabled"] is False
    assert deployed["flags"]["bystander"] == MANY["flags"]["bystander"]  # not the draft's
