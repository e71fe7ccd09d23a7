"""appconfigdata: StartConfigurationSession and GetLatestConfiguration over what is deployed.
Every test runs in-process and over the HTTP server (botocore signs appconfigdata with the
signing name `appconfig`; both paths must still reach the data plane)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from botocore.exceptions import ClientError

from tests.test_emulator.conftest import FlagWorld

ON = {"flags": {"checkout": {"enabled": True}}}
OFF = {"flags": {"checkout": {"enabled": False}}}


def _code(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def _session(world: FlagWorld, **identifiers: object) -> str:
    request = {
        "ApplicationIdentifier": world.app_id,
        "EnvironmentIdentifier": world.env_id,
        "ConfigurationProfileIdentifier": world.profile_id,
        **identifiers,
    }
    started = world.data.start_configuration_session(**request)
    assert started["ResponseMetadata"]["HTTPStatusCode"] == 201
    token: str = started["InitialConfigurationToken"]
    return token


def test_latest_configuration_returns_the_deployed_content(world: FlagWorld) -> None:
    world.deploy(world.put(ON, VersionLabel="v1"))
    latest = world.data.get_latest_configuration(ConfigurationToken=_session(world))
    assert json.loads(latest["Configuration"].read()) == ON
    assert latest["ContentType"] == "application/json"
    assert latest["VersionLabel"] == "v1"
    assert latest["NextPollIntervalInSeconds"] == 60
    assert latest["NextPollConfigurationToken"]


def test_identifiers_may_be_names(world: FlagWorld) -> None:
    world.deploy(world.put(ON))
    app_name = world.appconfig.get_application(ApplicationId=world.app_id)["Name"]
    token = _session(
        world,
        ApplicationIdentifier=app_name,
        EnvironmentIdentifier="production",
        ConfigurationProfileIdentifier="flags",
    )
    latest = world.data.get_latest_configuration(ConfigurationToken=token)
    assert json.loads(latest["Configuration"].read()) == ON


def test_unchanged_configuration_comes_back_empty_until_a_new_deployment(world: FlagWorld) -> None:
    world.deploy(world.put(ON))
    first = world.data.get_latest_configuration(ConfigurationToken=_session(world))
    assert json.loads(first["Configuration"].read()) == ON
    second = world.data.get_latest_configuration(
        ConfigurationToken=first["NextPollConfigurationToken"]
    )
    assert second["Configuration"].read() == b""
    assert "VersionLabel" not in second
    world.deploy(world.put(OFF))
    third = world.data.get_latest_configuration(
        ConfigurationToken=second["NextPollConfigurationToken"]
    )
    assert json.loads(third["Configuration"].read()) == OFF


def test_session_sees_a_rollback_as_new_content(
    world: FlagWorld, time_factor: Callable[[float], float]
) -> None:
    world.deploy(world.put(ON))
    time_factor(1.0)
    world.deploy(world.put(OFF))
    latest = world.data.get_latest_configuration(ConfigurationToken=_session(world))
    assert json.loads(latest["Configuration"].read()) == OFF
    world.appconfig.stop_deployment(  # BAKING: only with AllowRevert
        ApplicationId=world.app_id, EnvironmentId=world.env_id, DeploymentNumber=2, AllowRevert=True
    )
    after = world.data.get_latest_configuration(
        ConfigurationToken=latest["NextPollConfigurationToken"]
    )
    assert json.loads(after["Configuration"].read()) == ON


@pytest.mark.parametrize(
    ("field", "resource_type"),
    [
        ("ApplicationIdentifier", "Application"),
        ("EnvironmentIdentifier", "Environment"),
        ("ConfigurationProfileIdentifier", "ConfigurationProfile"),
    ],
)
def test_unknown_identifiers_are_not_found(
    world: FlagWorld, field: str, resource_type: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        _session(world, **{field: "does-not-exist"})
    assert _code(excinfo) == ("ResourceNotFoundException", 404)
    assert excinfo.value.response["ResourceType"] == resource_type


def test_nothing_deployed_is_not_found(world: FlagWorld) -> None:
    world.put(ON)
    with pytest.raises(ClientError) as excinfo:
        world.data.get_latest_configuration(ConfigurationToken=_session(world))
    assert _code(excinfo) == ("ResourceNotFoundException", 404)


def test_garbage_token_is_a_bad_request(world: FlagWorld) -> None:
    with pytest.raises(ClientError) as excinfo:
        world.data.get_latest_configuration(ConfigurationToken="not-a-real-token")
    assert _code(excinfo) == ("BadRequestException", 400)
    response = excinfo.value.response
    assert response["Reason"] == "InvalidParameters"
    assert response["Details"]["InvalidParameters"]["ConfigurationToken"]["Problem"] == "Corrupted"


def test_a_token_is_good_for_one_call(world: FlagWorld) -> None:
    world.deploy(world.put(ON))
    token = _session(world)
    world.data.get_latest_configuration(ConfigurationToken=token)
    with pytest.raises(ClientError) as excinfo:
        world.data.get_latest_configuration(ConfigurationToken=token)
    assert _code(excinfo) == ("BadRequestException", 400)
    problem = excinfo.value.response["Details"]["InvalidParameters"]["ConfigurationToken"]
    assert problem == {"Problem": "Expired"}


def test_required_minimum_poll_interval_is_enforced(world: FlagWorld) -> None:
    world.deploy(world.put(ON))
    first = world.data.get_latest_configuration(
        ConfigurationToken=_session(world, RequiredMinimumPollIntervalInSeconds=30)
    )
    assert first["NextPollIntervalInSeconds"] == 30
    with pytest.raises(ClientError) as excinfo:
        world.data.get_latest_configuration(ConfigurationToken=first["NextPollConfigurationToken"])
    assert _code(excinfo) == ("BadRequestException", 400)
    problem = excinfo.value.response["Details"]["InvalidParameters"]["ConfigurationToken"]
    assert problem == {"Problem": "PollIntervalNotSatisfied"}


def test_poll_interval_above_a_day_is_a_bad_request(world: FlagWorld) -> None:
    with pytest.raises(ClientError) as excinfo:
        _session(world, RequiredMinimumPollIntervalInSeconds=90000)
    assert _code(excinfo) == ("BadRequestException", 400)


def test_session_of_a_deleted_environment_finds_nothing(world: FlagWorld) -> None:
    world.deploy(world.put(ON))
    token = _session(world)
    world.appconfig.delete_environment(ApplicationId=world.app_id, EnvironmentId=world.env_id)
    with pytest.raises(ClientError) as excinfo:
        world.data.get_latest_configuration(ConfigurationToken=token)
    assert _code(excinfo) == ("ResourceNotFoundException", 404)
