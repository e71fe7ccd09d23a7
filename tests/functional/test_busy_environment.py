"""What a change does when its StartDeployment is refused because the environment is busy.

The rollout in the way starts between the function's read of the environment and its
StartDeployment: a botocore hook of the function's own AppConfig client starts it (through
the tests' own clients) at that exact point, so the refusal is certain, not a race. Then
the function reads the environment again and, by who holds it: adopts its own retried
deployment (and still reports only what no deployment before it turned off), stops a
person's rollout a rollback is blocked by (logged), leaves a person's rollout alone for a
restore, waits for a bake about to end, and reads an own rollout by the profile's type.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flag_rollback import clients, service
from flag_rollback.errors import TransientError

from emulator.core.config import set_deployment_time_factor
from tests.events import FREEFORM_DOC
from tests.functional.faults import Faults
from tests.functional.logs import decisions
from tests.functional.results import result, without_state
from tests.functional.world import World

pytestmark = pytest.mark.usefixtures("fast_retries")

REAL_TIME = 1.0  # a rollout started now bakes the strategy's real ten minutes
# AllAtOnce (ten minutes of bake) in 1.8 s: a rollout the test waits for to complete.
SHORT = 0.003


@pytest.fixture(autouse=True)
def instant_deployments() -> Iterator[None]:
    yield
    set_deployment_time_factor(0.0)


@pytest.fixture
def stops() -> list[dict[str, Any]]:
    """The parameters of every StopDeployment the function sends."""
    sent: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: object) -> None:
        sent.append(dict(params))

    clients.appconfig().meta.events.register(
        "before-parameter-build.appconfig.StopDeployment", record, unique_id="record-stops"
    )
    return sent


def before_start(action: Callable[[], None]) -> None:
    """Run ``action`` once, right before the function's first StartDeployment is sent."""
    done: list[bool] = []

    def hook(**_: object) -> None:
        if not done:
            done.append(True)
            action()

    clients.appconfig().meta.events.register(
        "before-call.appconfig.StartDeployment", hook, unique_id="before-start"
    )


def document(*off: str) -> dict[str, Any]:
    """The world's document with the given flags turned off by hand."""
    changed = copy.deepcopy(FREEFORM_DOC)
    for name in off:
        changed["flags"][name]["enabled"] = False
    return changed


def start_at(world: World, version: int, factor: float) -> int:
    """A person's StartDeployment of ``version``, running at ``factor``; its number."""
    set_deployment_time_factor(factor)
    try:
        return world.start(version)
    finally:
        set_deployment_time_factor(0.0)


def state_of(world: World, number: int) -> str:
    return next(d["State"] for d in world.deployments() if d["DeploymentNumber"] == number)


def test_a_retried_start_that_went_through_still_counts_what_slipped_in_before_it(
    world: World, faults: Faults, capsys: pytest.CaptureFixture[str]
):
    """A person turns checkout off between the rollback's read and its StartDeployment,
    whose answer is then lost: botocore's retry is refused (the environment is busy with
    the rollback's own deployment, found by its version). That deployment started after
    the person's: the rollback plans again and reports nothing, as without the lost answer."""

    def person_then_real_time() -> None:
        world.deploy(document("checkout"))
        set_deployment_time_factor(REAL_TIME)  # the rollback's deployment bakes meanwhile

    before_start(person_then_real_time)
    faults.inject("appconfig", "StartDeployment", "lost-response", times=1)
    capsys.readouterr()

    (outcome,) = world.invoke({"action": "rollback", "flag": "checkout", "reason": "bad"})[
        "results"
    ]

    assert [(d["DeploymentNumber"], d["State"]) for d in world.deployments()] == [
        (3, "BAKING"),  # the rollback's, started once
        (2, "COMPLETE"),  # the person's
        (1, "COMPLETE"),
    ]
    assert without_state(outcome) == result(
        "no_change",
        flags=["checkout"],
        reason="bad",
        old_version=1,
        new_version=2,
        deployment_number=3,
        unchanged=["checkout"],
        detail="a deployment started between this rollback's read and its own had "
        "already disabled them",
    )
    logged = decisions(capsys.readouterr().out)
    assert [line for line in logged if line["decision"] == "deployment_slipped_in"] == [
        {
            "level": "INFO",
            "decision": "deployment_slipped_in",
            "version": 2,
            "deployment": 3,
            "seen": 1,
        }
    ]
    assert world.notifications() == []


def test_a_persons_rollout_started_before_the_rollbacks_start_is_stopped_and_logged(
    world: World, stops: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
):
    """A person starts a rollout (baking for ten minutes) between the rollback's read and
    its StartDeployment: the refused rollback reads it, stops it (AllowRevert: it bakes),
    logs the stop with the state AWS answered, and deploys once it has rolled back."""
    started: dict[str, int] = {}

    def person_rollout() -> None:
        started["version"] = world.create_version(document())
        started["number"] = start_at(world, started["version"], REAL_TIME)

    before_start(person_rollout)
    capsys.readouterr()

    (outcome,) = world.invoke({"action": "rollback", "flag": "checkout", "reason": "bad"})[
        "results"
    ]

    assert (started["number"], started["version"]) == (2, 3)  # the rollback wrote version 2
    assert [(s["DeploymentNumber"], s.get("AllowRevert")) for s in stops] == [(2, True)]
    assert state_of(world, 2) == "ROLLED_BACK"
    assert (outcome["outcome"], outcome["new_version"], outcome["deployment_number"]) == (
        "rolled_back",
        2,
        3,
    )
    logged = decisions(capsys.readouterr().out)
    assert [line for line in logged if line["decision"] == "stopped_deployment"] == [
        {
            "level": "INFO",
            "decision": "stopped_deployment",
            "deployment": 2,
            "version": 3,
            "state": "ROLLING_BACK",
        }
    ]
    # Stopped where it was met: the rollback did not give its version up to plan again.
    assert [line for line in logged if line["decision"] == "rebase"] == []
    assert world.deployed()["flags"]["checkout"]["enabled"] is False


def test_a_restore_leaves_a_persons_rollout_started_before_its_start_alone(
    world: World, stops: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
):
    """Only a rollback halts a person's rollout. A person starts one (baking for ten
    minutes) between the restore's read and its StartDeployment: the restore waits for it,
    to plan again on it, and gives up to Lambda's retry when it does not end in time."""
    world.alarm("checkout")
    world.put_alarm("checkout", state="OK")
    started: dict[str, int] = {}

    def person_rollout() -> None:
        started["number"] = start_at(world, world.create_version(document()), REAL_TIME)

    before_start(person_rollout)
    capsys.readouterr()

    with pytest.raises(TransientError) as caught:
        world.invoke({"action": "restore", "flag": "checkout", "reason": "fixed"})

    assert (caught.value.code, caught.value.message) == (
        "lost_race",
        f"gave up after {service.TIMING.max_cycles} concurrent changes",
    )
    assert stops == []
    assert started["number"] == 3
    assert state_of(world, 3) == "BAKING"
    assert world.deployments()[0]["DeploymentNumber"] == 3  # the restore deployed nothing
    # Versions 1, the rollback's 2, the restore's 3 and the person's 4: while the rollout
    # is in progress, the restore waits before planning, and writes nothing more.
    assert [item["VersionNumber"] for item in world.versions()] == [4, 3, 2, 1]
    # The restore gave its version 3 up to plan again, in its first cycle.
    logged = decisions(capsys.readouterr().out)
    assert [line for line in logged if line["decision"] == "rebase"] == [
        {"level": "INFO", "decision": "rebase", "version": 3, "cycle": 0}
    ]


def test_a_persons_rollout_about_to_end_is_waited_for_then_the_rollback_deploys(
    world: World, stops: list[dict[str, Any]]
):
    """A person's rollout started between the rollback's read and its StartDeployment ends
    within the stop margin: the rollback neither stops it (a stop arriving after it
    completed would REVERT it) nor gives up, but starts again until the environment takes
    its deployment."""
    started: dict[str, int] = {}

    def person_rollout() -> None:
        started["number"] = start_at(world, world.create_version(document()), SHORT)

    def ends_in_two_seconds(parsed: dict[str, Any], **_: object) -> None:
        for item in parsed.get("Items", []):
            if item["DeploymentNumber"] == started.get("number"):
                minutes = item["DeploymentDurationInMinutes"] + item["FinalBakeTimeInMinutes"]
                item["StartedAt"] = datetime.now(UTC) - timedelta(minutes=minutes, seconds=-2)

    before_start(person_rollout)
    clients.appconfig().meta.events.register(
        "after-call.appconfig.ListDeployments", ends_in_two_seconds, unique_id="ends-soon"
    )

    (outcome,) = world.invoke({"action": "rollback", "flag": "checkout", "reason": "bad"})[
        "results"
    ]

    assert (outcome["outcome"], outcome["new_version"], outcome["deployment_number"]) == (
        "rolled_back",
        2,
        3,
    )
    assert stops == []
    assert state_of(world, 2) == "COMPLETE"
    assert world.deployed()["flags"]["checkout"]["enabled"] is False


def test_an_own_labelled_rollout_in_the_way_is_read_as_the_profiles_type(ff_world: World):
    """An AWS.AppConfig.FeatureFlags profile: a version that carries the function's label
    without being a document it wrote (AppConfig requires only ``version`` of this type)
    starts between the rollback's read and its StartDeployment. Reading it to see whether
    it already disables the flag, the rollback fails with the feature-flag reason, as every
    read of this profile's documents does."""
    world = ff_world

    def own_labelled_rollout() -> None:
        version = world.create_version(
            {"version": "1"}, label="flag-rollback:20261129T100000Z:d1:checkout"
        )
        start_at(world, version, REAL_TIME)

    before_start(own_labelled_rollout)

    (outcome,) = world.invoke({"action": "rollback", "flag": "checkout", "reason": "bad"})[
        "results"
    ]

    assert without_state(outcome) == result(
        "failed",
        flags=["checkout"],
        reason="bad",
        detail="feature flag document lacks flags/values objects",
    )


def test_an_adopted_rollout_does_not_report_what_a_person_turned_off_before_it(world: World):
    """X reads (seen 1). Before X's StartDeployment a person deploys checkout off (2,
    COMPLETE), then Y rolls back search from a read of 2 and its deployment 3 bakes. X's
    start is refused; X adopts Y's 3 (it disables checkout). The person turned checkout off
    between X's read and the deployment X reports: X should say no_change, as it does when
    it starts its own deployment after the person's (test_slipped_in_reports.py)."""
    answers = []

    def person_then_other_rollback() -> None:
        world.deploy(document("checkout"))
        set_deployment_time_factor(1.0)
        try:
            answers.append(world.invoke({"action": "rollback", "flag": "search", "reason": "y"}))
        finally:
            set_deployment_time_factor(0.0)

    before_start(person_then_other_rollback)
    (outcome,) = world.invoke({"action": "rollback", "flag": "checkout", "reason": "bad"})[
        "results"
    ]
    assert answers[0]["results"][0]["deployment_number"] == 3
    assert without_state(outcome)["outcome"] == "no_change"
    assert [n["Document"]["flags"] for n in world.notifications()] == [["search"]]
