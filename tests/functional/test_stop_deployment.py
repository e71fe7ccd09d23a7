"""StopDeployment as the API reference documents it, with a real bake in progress.

AppConfig stops only DEPLOYING deployments unless AllowRevert is passed; with it an
in-progress deployment becomes ROLLED_BACK and a COMPLETE one REVERTED. The function must
stop a person's rollout that is baking when an alarm fires (with AllowRevert), re-read
after a refusal, and never revert a deployment that completes meanwhile. The emulator does
not refuse BAKING without AllowRevert yet, so the requests are recorded and asserted.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flag_rollback import clients, service
from flag_rollback.errors import TransientError
from flag_rollback.handler import handler

from emulator.core.config import set_deployment_time_factor
from tests.events import FREEFORM_DOC, alarm_message, sns_event
from tests.functional.faults import Faults
from tests.functional.world import World

BAD = {**FREEFORM_DOC, "flags": {**FREEFORM_DOC["flags"], "search": {"enabled": True}}}


@pytest.fixture
def stops() -> Iterator[list[dict[str, Any]]]:
    """The parameters of every StopDeployment the function sends."""
    sent: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: object) -> None:
        sent.append(dict(params))

    clients.appconfig().meta.events.register(
        "before-parameter-build.appconfig.StopDeployment", record, unique_id="record-stops"
    )
    yield sent
    set_deployment_time_factor(0.0)


def person_rollout(world: World, *, strategy: str = "AppConfig.AllAtOnce") -> int:
    """A person's rollout of a new version, in progress in real time; its number."""
    version = world.create_version(BAD)
    set_deployment_time_factor(1.0)
    number = int(
        world.appconfig.start_deployment(
            ApplicationId=world.app_id,
            EnvironmentId=world.env_id,
            DeploymentStrategyId=strategy,
            ConfigurationProfileId=world.profile_id,
            ConfigurationVersion=str(version),
        )["DeploymentNumber"]
    )
    set_deployment_time_factor(0.0)
    return number


def state_of(world: World, number: int) -> str:
    return next(d["State"] for d in world.deployments() if d["DeploymentNumber"] == number)


def test_an_alarm_during_a_bake_stops_the_rollout_with_allow_revert(
    world: World, stops: list[dict[str, Any]], fast_retries: None
):
    number = person_rollout(world)
    assert state_of(world, number) == "BAKING"  # AllAtOnce: ten minutes of bake
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    assert [(s["DeploymentNumber"], s.get("AllowRevert")) for s in stops] == [(number, True)]
    assert state_of(world, number) == "ROLLED_BACK"
    deployed = world.deployed()
    assert deployed["flags"]["checkout"]["enabled"] is False
    assert deployed["flags"]["search"] == FREEFORM_DOC["flags"]["search"]  # not the rollout's


def test_a_deploying_rollout_is_stopped_without_allow_revert(
    world: World, stops: list[dict[str, Any]], fast_retries: None
):
    strategy = world.appconfig.create_deployment_strategy(
        Name="linear",
        DeploymentDurationInMinutes=10,
        GrowthFactor=10,
        FinalBakeTimeInMinutes=0,
        ReplicateTo="NONE",
    )["Id"]
    number = person_rollout(world, strategy=strategy)
    assert state_of(world, number) == "DEPLOYING"
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    assert [(s["DeploymentNumber"], "AllowRevert" in s) for s in stops] == [(number, False)]
    assert state_of(world, number) == "ROLLED_BACK"


def test_a_refused_stop_is_read_again_not_assumed_finished(
    world: World, faults: Faults, stops: list[dict[str, Any]], fast_retries: None
):
    number = person_rollout(world)
    faults.inject("appconfig", "StopDeployment", "bad-request", times=1)
    calls = faults.count_calls()
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    first, second = (i for i, call in enumerate(calls) if call == "StopDeployment")
    assert "ListDeployments" in calls[first:second]  # the state was read again in between
    assert state_of(world, number) == "ROLLED_BACK"  # it was still baking: stopped, not skipped
    assert world.deployed()["flags"]["checkout"]["enabled"] is False


def test_after_a_refused_stop_nothing_is_written_before_the_state_is_read_again(
    world: World, faults: Faults, stops: list[dict[str, Any]], fast_retries: None
):
    """A refusal says the rollout moved on, not where to: the rollback writes and starts
    nothing on the strength of it; its next request reads the environment again."""
    person_rollout(world)
    faults.inject("appconfig", "StopDeployment", "bad-request", times=1)
    calls = faults.count_calls()
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    first, second = (i for i, call in enumerate(calls) if call == "StopDeployment")
    assert calls[first + 1 : second] == ["ListDeployments"]


def test_a_bake_about_to_end_is_waited_for_not_reverted(
    world: World, stops: list[dict[str, Any]], fast_retries: None
):
    number = person_rollout(world)

    def ends_in_two_seconds(parsed: dict[str, Any], **_: object) -> None:
        for item in parsed.get("Items", []):
            if item["DeploymentNumber"] == number:
                minutes = item["DeploymentDurationInMinutes"] + item["FinalBakeTimeInMinutes"]
                item["StartedAt"] = datetime.now(UTC) - timedelta(minutes=minutes, seconds=-2)

    clients.appconfig().meta.events.register(
        "after-call.appconfig.ListDeployments", ends_in_two_seconds, unique_id="ends-soon"
    )

    class Context:
        def get_remaining_time_in_millis(self) -> int:
            return 3_500  # 0.5 s once the safety margin is kept

    with pytest.raises(TransientError):
        handler(sns_event(alarm_message("FeatureFlag-checkout-ErrorRate", "ALARM")), Context())
    assert stops == []  # a stop arriving after it completed would REVERT it
    assert state_of(world, number) == "BAKING"


def test_stop_and_start_cycles_are_spaced_by_a_backoff(
    world: World, stops: list[dict[str, Any]], fast_retries: None, monkeypatch: pytest.MonkeyPatch
):
    """Someone starts a new rollout after each stop: the function waits before each new stop."""
    events: list[str] = []
    waited = service.backoff

    def spy(attempt: int, deadline: float) -> None:
        events.append("backoff")
        waited(attempt, deadline)

    monkeypatch.setattr(service, "backoff", spy)
    person_rollout(world)

    def another_rollout(**_: object) -> None:
        events.append("stop")
        if events.count("stop") <= 2:
            # AppConfig takes no deployment while the stopped one is ROLLING_BACK: the
            # person starts theirs as soon as the environment takes it.
            deadline = time.monotonic() + 10
            while any(d["State"] == "ROLLING_BACK" for d in world.deployments()):
                assert time.monotonic() < deadline, "the stopped rollout never rolled back"
                time.sleep(0.02)
            person_rollout(world)

    clients.appconfig().meta.events.register(
        "after-call.appconfig.StopDeployment", another_rollout, unique_id="rival-rollouts"
    )
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    assert events.count("stop") == 3
    between = "".join("s" if event == "stop" else "b" for event in events)
    assert "ss" not in between  # never two stops without a wait in between
    assert world.deployed()["flags"]["checkout"]["enabled"] is False
