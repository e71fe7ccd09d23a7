"""Another team's rollout holds the environment when a flag's alarm fires (issue 13.2).

On the applied examples/complete (FOREIGN_ROLLOUT=preempt, the default; the function runs as
its role, whose policy the emulator enforces): another profile of the application is rolling
out over an hour when an alarm fires. The function stops that rollout, deploys the
rollback, restarts the stopped rollout with the same version and strategy, and says so.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import Stack, clear_holds
from tests.e2e.test_rollback import enabled_flags, fire
from tests.e2e.test_variants import deploy
from tools.harness.readers import deployments, flag_states, receive, sns_payload

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

TIME_FACTOR = 0.002  # the hour takes 7.2 s


@pytest.fixture
def foreign(scenario: Stack) -> Iterator[dict[str, str]]:
    """Another profile of the application, rolling out linearly over 60 minutes."""
    appconfig, target = scenario.aws.appconfig, scenario.outputs.target
    profile = appconfig.create_configuration_profile(
        ApplicationId=target.application_id, Name="web-config", LocationUri="hosted"
    )["Id"]
    version = appconfig.create_hosted_configuration_version(
        ApplicationId=target.application_id,
        ConfigurationProfileId=profile,
        Content=b'{"theme": "dark"}',
        ContentType="application/json",
    )["VersionNumber"]
    strategy = appconfig.create_deployment_strategy(
        Name="web-hour",
        DeploymentDurationInMinutes=60,
        FinalBakeTimeInMinutes=0,
        GrowthFactor=10.0,
        GrowthType="LINEAR",
        ReplicateTo="NONE",
    )["Id"]
    scenario.emulator.post("/_emulator/config", {"deployment_time_factor": TIME_FACTOR})
    try:
        number = appconfig.start_deployment(
            ApplicationId=target.application_id,
            EnvironmentId=target.environment_id,
            DeploymentStrategyId=strategy,
            ConfigurationProfileId=profile,
            ConfigurationVersion=str(version),
        )["DeploymentNumber"]
    finally:
        scenario.emulator.post("/_emulator/config", {"deployment_time_factor": 0.0})
    yield {"number": str(number), "profile": profile, "version": str(version), "strategy": strategy}
    scenario.settle()
    try:
        clear_holds(scenario)  # the rollback held the flag: let the baseline back in
        deploy(scenario, scenario.stored_baseline)  # the newest deployment: the flags profile's
        assert scenario.deployed() == scenario.baseline
    finally:  # nothing of this scenario may outlive it (the stack's destroy checks)
        appconfig.delete_hosted_configuration_version(
            ApplicationId=target.application_id,
            ConfigurationProfileId=profile,
            VersionNumber=version,
        )
        appconfig.delete_configuration_profile(
            ApplicationId=target.application_id, ConfigurationProfileId=profile
        )
        appconfig.delete_deployment_strategy(DeploymentStrategyId=strategy)


def test_a_foreign_rollout_is_preempted_and_restarted(
    scenario: Stack, foreign: dict[str, str]
) -> None:
    flag = enabled_flags(scenario)[0]
    target = scenario.outputs.target

    fire(scenario, flag)
    scenario.settle()

    assert flag_states(scenario.deployed())[flag] is False
    by_number = {str(item["DeploymentNumber"]): item for item in deployments(scenario.aws, target)}
    assert by_number[foreign["number"]]["State"] == "ROLLED_BACK"
    ours = max(
        (
            item
            for item in by_number.values()
            if item["ConfigurationProfileId"] == target.profile_id
        ),
        key=lambda item: item["DeploymentNumber"],
    )
    restarts = [
        item
        for item in by_number.values()
        if item["ConfigurationProfileId"] == foreign["profile"]
        and item["DeploymentNumber"] > int(foreign["number"])
    ]
    (restart,) = restarts
    assert restart["ConfigurationVersion"] == foreign["version"]
    assert restart["DeploymentStrategyId"] == foreign["strategy"]
    assert restart["State"] == "COMPLETE"
    assert restart["StartedAt"] >= ours["CompletedAt"]

    (message,) = receive(scenario.aws, scenario.notifications_url, 1)
    (stopped,) = sns_payload(message)["preempted_rollouts"]
    assert stopped["deployment_number"] == int(foreign["number"])
    assert stopped["restarted_as"] == restart["DeploymentNumber"]
    assert stopped["restart_error"] is None
