"""`examples/minimal` against flags that already live in AppConfig.

The test creates the AppConfig application, environment, feature-flag profile and a
deployed first version itself (as a team adopting the module would already have them),
applies the example with their IDs, and fires the watched flag's alarm. It runs on an
emulator of its own, so its names cannot collide with the shared `examples/complete` stack.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.e2e.conftest import apply_fixture_folder, exported
from tests.e2e.function_policy import denied_calls
from tools.harness.actions import set_alarm_state, subscribe_queue
from tools.harness.clients import Aws
from tools.harness.emulator_process import EmulatorProcess
from tools.harness.readers import (
    FlagTarget,
    StackOutputs,
    deployed_document,
    flag_states,
    hosted_versions,
    receive,
    sns_payload,
    wait_deployed,
)

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

FLAG = "checkout_v2"
OTHER_FLAG = "dark_mode"


@dataclass
class ExistingFlags:
    emulator: EmulatorProcess
    aws: Aws
    target: FlagTarget


def create_flags(aws: Aws) -> FlagTarget:
    """An application, environment and feature-flag profile with version 1 deployed."""
    appconfig = aws.appconfig
    app = appconfig.create_application(Name="shop")["Id"]
    env = appconfig.create_environment(ApplicationId=app, Name="production")["Id"]
    profile = appconfig.create_configuration_profile(
        ApplicationId=app, Name="flags", LocationUri="hosted", Type="AWS.AppConfig.FeatureFlags"
    )["Id"]
    names = (FLAG, OTHER_FLAG)
    document = {
        "version": "1",
        "flags": {name: {"name": name} for name in names},
        "values": {name: {"enabled": True} for name in names},
    }
    version = appconfig.create_hosted_configuration_version(
        ApplicationId=app,
        ConfigurationProfileId=profile,
        Content=json.dumps(document).encode(),
        ContentType="application/json",
    )["VersionNumber"]
    appconfig.start_deployment(
        ApplicationId=app,
        EnvironmentId=env,
        ConfigurationProfileId=profile,
        ConfigurationVersion=str(version),
        DeploymentStrategyId="AppConfig.AllAtOnce",
    )
    target = FlagTarget(app, env, profile)
    wait_deployed(aws, target)
    return target


@pytest.fixture
def existing_flags(private_emulator: EmulatorProcess) -> Iterator[ExistingFlags]:
    """The team's flags in a fresh emulator; their IDs exported as TF_VAR_*."""
    aws = Aws(private_emulator.endpoint)
    target = create_flags(aws)
    variables = {
        "TF_VAR_application_id": target.application_id,
        "TF_VAR_environment_id": target.environment_id,
        "TF_VAR_configuration_profile_id": target.profile_id,
        "TF_VAR_flag_name": FLAG,
    }
    with exported(variables):
        yield ExistingFlags(private_emulator, aws, target)


@pytest.fixture
def minimal(request: pytest.FixtureRequest, existing_flags: ExistingFlags) -> StackOutputs:
    """examples/minimal applied (and destroyed at teardown, while the emulator still runs)."""
    applied = apply_fixture_folder(request, "minimal")
    return StackOutputs.parse(applied.outputs["example"]["value"])


def test_minimal_example_rolls_back_a_flag_of_existing_appconfig(
    existing_flags: ExistingFlags, minimal: StackOutputs
) -> None:
    aws, target = existing_flags.aws, existing_flags.target
    assert minimal.target == target
    # the applied role allows every call of the function on every SAR-required resource type
    denied = denied_calls(aws, minimal.function_name)
    assert not denied, "\n".join(denied)
    assert set(minimal.alarm_names) == {FLAG}
    notes = subscribe_queue(aws, minimal.notification_topic_arn, "minimal-notes")

    set_alarm_state(aws, minimal.alarm_names[FLAG], "ALARM", "e2e: minimal example")
    existing_flags.emulator.wait_idle(timeout=60)

    assert hosted_versions(aws, target) == [1, 2]
    assert flag_states(deployed_document(aws, target)) == {FLAG: False, OTHER_FLAG: True}
    (message,) = receive(aws, notes, 1)
    note = sns_payload(message)
    assert (note["outcome"], note["flags"], note["new_version"]) == ("rolled_back", [FLAG], 2)
