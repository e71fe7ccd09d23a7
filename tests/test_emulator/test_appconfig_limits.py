"""Limits of CreateHostedConfigurationVersion and the AppConfig resource quotas.

Each test runs in-process and over the HTTP server (the `world` fixture).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from botocore.exceptions import ClientError

from emulator import EmulatorThread
from emulator.core import config
from tests.test_emulator.conftest import ClientFactory, FlagWorld


def _versions(world: FlagWorld) -> list[int]:
    listed = world.appconfig.list_hosted_configuration_versions(
        ApplicationId=world.app_id, ConfigurationProfileId=world.profile_id
    )
    return [item["VersionNumber"] for item in listed["Items"]]


def _refusal(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def stale_error() -> Iterator[None]:
    previous = config.get_stale_version_error()
    yield
    config.set_stale_version_error(previous)


@pytest.mark.parametrize(
    ("setting", "expected"),
    [("ConflictException", 409), ("BadRequestException", 400)],
)
def test_stale_latest_version_number_gets_the_configured_error(
    world: FlagWorld, stale_error: None, setting: str, expected: int
) -> None:
    config.set_stale_version_error(setting)
    world.put({"flags": {}})
    world.put({"flags": {}})
    with pytest.raises(ClientError) as excinfo:
        world.put({"flags": {}}, LatestVersionNumber=1)
    assert _refusal(excinfo) == (setting, expected)
    assert _versions(world) == [2, 1]


def test_stale_error_is_settable_over_http(
    emulator_server: EmulatorThread, stale_error: None
) -> None:
    url = f"{emulator_server.endpoint}/_emulator/config"
    answer = requests.post(url, json={"stale_version_error": "BadRequestException"}, timeout=5)
    assert answer.ok
    assert answer.json()["stale_version_error"] == "BadRequestException"
    refused = requests.post(url, json={"stale_version_error": "Throttling"}, timeout=5)
    assert refused.status_code == 400
    assert config.get_stale_version_error() == "BadRequestException"


@pytest.mark.parametrize("member", ["Description", "VersionLabel"])
@pytest.mark.parametrize("text", ["café", "rollback ☕"])
def test_non_ascii_header_members_are_a_bad_request(
    world: FlagWorld, member: str, text: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        world.put({"flags": {}}, **{member: text})
    assert _refusal(excinfo) == ("BadRequestException", 400)
    assert _versions(world) == []


def test_ascii_header_members_at_their_model_length_are_accepted(world: FlagWorld) -> None:
    assert world.put({"flags": {}}, Description="d" * 1024, VersionLabel="v" * 64) == 1
    with pytest.raises(ClientError) as excinfo:
        world.put({"flags": {}}, Description="d" * 1025)
    assert _refusal(excinfo) == ("BadRequestException", 400)
    assert _versions(world) == [1]


def test_content_above_1_mb_is_payload_too_large(world: FlagWorld) -> None:
    exactly = b'"' + b"x" * (1024 * 1024 - 2) + b'"'
    plain = world.appconfig.create_configuration_profile(
        ApplicationId=world.app_id, Name="blob", LocationUri="hosted"
    )["Id"]

    def put(content: bytes) -> int:
        created = world.appconfig.create_hosted_configuration_version(
            ApplicationId=world.app_id,
            ConfigurationProfileId=plain,
            Content=content,
            ContentType="application/json",
        )
        return int(created["VersionNumber"])

    assert put(exactly) == 1
    with pytest.raises(ClientError) as excinfo:
        put(exactly + b" ")
    assert _refusal(excinfo) == ("PayloadTooLargeException", 413)
    error: dict[str, object] = dict(excinfo.value.response)
    assert (error["Measure"], error["Limit"]) == ("KILOBYTES", 1024.0)
    assert isinstance(error["Size"], float)
    assert error["Size"] > 1024.0


@pytest.fixture
def quotas() -> Iterator[None]:
    previous = config.get_appconfig_quotas()
    yield
    config.set_appconfig_quotas(previous)


def _strategy(appconfig: object, name: str) -> str:
    created = appconfig.create_deployment_strategy(  # type: ignore[attr-defined]
        Name=name, DeploymentDurationInMinutes=0, GrowthFactor=100.0, ReplicateTo="NONE"
    )
    return str(created["Id"])


def test_deployment_strategies_beyond_the_quota_are_refused(
    aws: ClientFactory, quotas: None
) -> None:
    appconfig = aws("appconfig")
    existing = [s for s in appconfig.list_deployment_strategies()["Items"] if "." not in s["Id"]]
    config.set_appconfig_quotas({"deployment_strategies": len(existing) + 2})
    created = [_strategy(appconfig, f"s{i}") for i in range(2)]
    with pytest.raises(ClientError) as excinfo:
        _strategy(appconfig, "one-too-many")
    assert _refusal(excinfo) == ("ServiceQuotaExceededException", 402)
    names = [s["Name"] for s in appconfig.list_deployment_strategies()["Items"]]
    assert "one-too-many" not in names
    assert sum(name.startswith("AppConfig.") for name in names) == 4  # predefined: not counted
    appconfig.delete_deployment_strategy(DeploymentStrategyId=created[0])
    created.append(_strategy(appconfig, "fits-again"))
    for strategy_id in created[1:]:
        appconfig.delete_deployment_strategy(DeploymentStrategyId=strategy_id)


def test_default_quotas_are_the_documented_ones() -> None:
    assert config.DEFAULT_QUOTAS == {
        "applications": 100,
        "deployment_strategies": 20,
        "configuration_profiles": 100,
        "environments": 20,
    }


def test_environments_and_profiles_beyond_the_quota_are_refused(
    world: FlagWorld, quotas: None
) -> None:
    config.set_appconfig_quotas({"environments": 1, "configuration_profiles": 1})
    with pytest.raises(ClientError) as excinfo:
        world.appconfig.create_environment(ApplicationId=world.app_id, Name="staging")
    assert _refusal(excinfo) == ("ServiceQuotaExceededException", 402)
    with pytest.raises(ClientError) as excinfo:
        world.appconfig.create_configuration_profile(
            ApplicationId=world.app_id, Name="second", LocationUri="hosted"
        )
    assert _refusal(excinfo) == ("ServiceQuotaExceededException", 402)


def test_applications_beyond_the_quota_are_refused(aws: ClientFactory, quotas: None) -> None:
    appconfig = aws("appconfig")
    pages = appconfig.get_paginator("list_applications").paginate()
    count = sum(len(page["Items"]) for page in pages)
    config.set_appconfig_quotas({"applications": count})
    with pytest.raises(ClientError) as excinfo:
        appconfig.create_application(Name="one-too-many")
    assert _refusal(excinfo) == ("ServiceQuotaExceededException", 402)
