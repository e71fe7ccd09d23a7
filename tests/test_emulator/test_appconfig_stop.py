"""StopDeployment as its API Reference page states it, with real deployment timings.

"This API action works only on deployments that have a status of DEPLOYING, unless an
AllowRevert parameter is supplied. If the AllowRevert parameter is supplied, the status of
an in-progress deployment will be ROLLED_BACK. The status of a completed deployment will be
REVERTED. AppConfig only allows a revert within 72 hours of deployment completion."
Each test runs in-process and over the HTTP server, with a non-zero time factor.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from moto.appconfig import models as moto_models

from emulator.appconfig.models import EmulatedAppConfigBackend
from tests.test_emulator.conftest import REGION, FlagWorld

ON = {"flags": {"checkout": {"enabled": True}}}
OFF = {"flags": {"checkout": {"enabled": False}}}


def _stop(world: FlagWorld, number: int, **extra: bool) -> dict[str, object]:
    stopped: dict[str, object] = world.appconfig.stop_deployment(
        ApplicationId=world.app_id, EnvironmentId=world.env_id, DeploymentNumber=number, **extra
    )
    return stopped


def _refused(world: FlagWorld, number: int, **extra: bool) -> str:
    with pytest.raises(ClientError) as excinfo:
        _stop(world, number, **extra)
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return str(excinfo.value.response["Error"]["Code"])


def _backend() -> EmulatedAppConfigBackend:
    backend = moto_models.appconfig_backends["123456789012"][REGION]
    assert isinstance(backend, EmulatedAppConfigBackend)
    return backend


def test_a_baking_deployment_is_not_stopped_without_allow_revert(
    world: FlagWorld, time_factor: Callable[[float], float]
) -> None:
    world.deploy(world.put(ON))
    time_factor(1.0)
    world.deploy(world.put(OFF))  # AllAtOnce: bakes 10 minutes
    assert world.deployment(2)["State"] == "BAKING"
    assert _refused(world, 2) == "BadRequestException"
    assert world.deployment(2)["State"] == "BAKING"  # the refusal changed nothing
    assert json.loads(world.served()) == OFF


def test_a_validating_deployment_needs_allow_revert_too(
    world: FlagWorld, time_factor: Callable[[float], float]
) -> None:
    time_factor(100.0)  # VALIDATING lasts 30 s
    started = world.deploy(world.put(ON), past_validation=False)
    assert started["State"] == "VALIDATING"
    assert started["PercentageComplete"] == 0.0
    assert world.environment_state() == "DEPLOYING"
    assert _refused(world, 1) == "BadRequestException"
    assert _stop(world, 1, AllowRevert=True)["State"] == "ROLLING_BACK"


def test_validating_comes_first_only_when_the_profile_has_validators(
    world: FlagWorld, time_factor: Callable[[float], float]
) -> None:
    time_factor(1.0)
    assert world.deploy(world.put(ON), past_validation=False)["State"] == "VALIDATING"
    assert world.wait_while(1, "VALIDATING")["State"] == "BAKING"
    plain = world.appconfig.create_configuration_profile(
        ApplicationId=world.app_id, Name="plain", LocationUri="hosted"
    )
    version = world.appconfig.create_hosted_configuration_version(
        ApplicationId=world.app_id,
        ConfigurationProfileId=plain["Id"],
        Content=b"{}",
        ContentType="application/json",
    )["VersionNumber"]
    _stop(world, 1, AllowRevert=True)
    world.wait_while(1, "ROLLING_BACK")
    started = world.appconfig.start_deployment(
        ApplicationId=world.app_id,
        EnvironmentId=world.env_id,
        DeploymentStrategyId="AppConfig.AllAtOnce",
        ConfigurationProfileId=plain["Id"],
        ConfigurationVersion=str(version),
    )
    assert started["State"] == "BAKING"


def test_rolling_back_is_transitional_and_blocks_new_deployments(
    world: FlagWorld, time_factor: Callable[[float], float]
) -> None:
    world.deploy(world.put(ON))
    time_factor(1.0)
    world.deploy(world.put(OFF), "AppConfig.Linear20PercentEvery6Minutes")
    assert _stop(world, 2)["State"] == "ROLLING_BACK"
    assert world.environment_state() == "ROLLING_BACK"
    with pytest.raises(ClientError) as excinfo:
        world.deploy(world.put(OFF))
    assert excinfo.value.response["Error"]["Code"] == "ConflictException"
    assert world.wait_while(2, "ROLLING_BACK")["State"] == "ROLLED_BACK"
    assert world.environment_state() == "ROLLED_BACK"


def test_stopped_deployments_cannot_be_stopped_again(
    world: FlagWorld, time_factor: Callable[[float], float]
) -> None:
    world.deploy(world.put(ON))
    world.deploy(world.put(OFF))
    assert _stop(world, 2, AllowRevert=True)["State"] == "REVERTED"
    assert _refused(world, 2, AllowRevert=True) == "BadRequestException"
    time_factor(1.0)
    world.deploy(world.put(OFF))
    _stop(world, 3, AllowRevert=True)
    assert _refused(world, 3, AllowRevert=True) == "BadRequestException"  # ROLLING_BACK
    world.wait_while(3, "ROLLING_BACK")
    assert _refused(world, 3, AllowRevert=True) == "BadRequestException"  # ROLLED_BACK
    assert _refused(world, 3) == "BadRequestException"


def test_a_revert_is_allowed_within_72_hours_of_completion_only(world: FlagWorld) -> None:
    world.deploy(world.put(ON))
    world.deploy(world.put(OFF))
    history = _backend().deployments[(world.app_id, world.env_id)]
    history[1].started_at -= timedelta(hours=72, minutes=1)
    assert _refused(world, 2, AllowRevert=True) == "BadRequestException"
    assert world.deployment(2)["State"] == "COMPLETE"
    history[1].started_at += timedelta(minutes=2)  # completed 71 h 59 min ago
    assert _stop(world, 2, AllowRevert=True)["State"] == "REVERTED"
    assert json.loads(world.served()) == ON


def test_only_the_latest_completed_deployment_can_be_reverted(world: FlagWorld) -> None:
    world.deploy(world.put(ON))
    world.deploy(world.put(OFF))
    assert _refused(world, 1, AllowRevert=True) == "BadRequestException"
    assert world.deployment(1)["State"] == "COMPLETE"


def test_clients_get_the_new_version_only_after_validation(
    world: FlagWorld, time_factor: Callable[[float], float]
) -> None:
    world.deploy(world.put(ON))
    time_factor(100.0)  # VALIDATING lasts 30 s
    world.deploy(world.put(OFF), past_validation=False)
    assert world.deployment(2)["State"] == "VALIDATING"
    assert json.loads(world.served()) == ON
