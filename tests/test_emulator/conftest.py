"""Fixtures shared by the emulator's tests: the emulator in-process and over HTTP."""

from __future__ import annotations

import functools
import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from emulator import EmulatorThread, emulated_aws
from emulator.core.config import get_deployment_time_factor, set_deployment_time_factor

REGION = "us-east-1"
ClientFactory = Callable[[str], Any]


@pytest.fixture(autouse=True)
def _fake_aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may reach a real account: fake keys, fixed region, no profile."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[EmulatorThread]:
    """One HTTP emulator for the whole session (tests keep to their own resources)."""
    with EmulatorThread(port=0) as server:
        yield server


@pytest.fixture(scope="session")
def _clients() -> Callable[[str, str | None], Any]:
    """One client per service and endpoint for the session, as a long-lived program keeps them.

    Created from a session of fake keys after moto is imported, so moto's botocore hook is
    registered on them: in-process calls are served while `emulated_aws()` is active.
    """
    session = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    )

    @functools.cache
    def client(service: str, endpoint: str | None) -> Any:
        return session.client(service, endpoint_url=endpoint)

    return client


@pytest.fixture
def in_process_clients(
    _clients: Callable[[str, str | None], Any],
) -> Iterator[ClientFactory]:
    """boto3 clients served by `emulated_aws()` (fresh state per test)."""
    with emulated_aws():
        yield lambda service: _clients(service, None)


@pytest.fixture
def server_clients(
    emulator_server: EmulatorThread, _clients: Callable[[str, str | None], Any]
) -> ClientFactory:
    """boto3 clients pointed at the session's EmulatorThread."""
    return lambda service: _clients(service, emulator_server.endpoint)


@pytest.fixture(params=["in_process", "server"])
def aws(request: pytest.FixtureRequest) -> ClientFactory:
    """Run a test twice: once against `emulated_aws()`, once against the HTTP server."""
    factory: ClientFactory = request.getfixturevalue(f"{request.param}_clients")
    return factory


FLAGS_SCHEMA = {
    "type": "object",
    "required": ["flags"],
    "properties": {
        "flags": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["enabled"],
                "properties": {"enabled": {"type": "boolean"}},
            },
        }
    },
}


@dataclass
class FlagWorld:
    """An application, an environment and a hosted profile with a JSON schema validator."""

    appconfig: Any
    data: Any
    app_id: str
    env_id: str
    profile_id: str

    def put(self, document: object, **extra: Any) -> int:
        """Store a hosted version of `document` (JSON); return its VersionNumber."""
        body = document if isinstance(document, bytes) else json.dumps(document).encode()
        created = self.appconfig.create_hosted_configuration_version(
            ApplicationId=self.app_id,
            ConfigurationProfileId=self.profile_id,
            Content=body,
            ContentType=extra.pop("ContentType", "application/json"),
            **extra,
        )
        return int(created["VersionNumber"])

    def deploy(
        self,
        version: int | str,
        strategy: str = "AppConfig.AllAtOnce",
        *,
        past_validation: bool = True,
    ) -> dict[str, Any]:
        """Start a deployment; return StartDeployment's answer.

        The profile has a validator, so a deployment is VALIDATING for a moment (0.3 s at
        factor 1.0); unless `past_validation` is False, wait until it has left that state.
        """
        deployment: dict[str, Any] = self.appconfig.start_deployment(
            ApplicationId=self.app_id,
            EnvironmentId=self.env_id,
            DeploymentStrategyId=strategy,
            ConfigurationProfileId=self.profile_id,
            ConfigurationVersion=str(version),
        )
        if past_validation:
            self.wait_while(deployment["DeploymentNumber"], "VALIDATING")
        return deployment

    def wait_while(self, number: int, state: str, timeout: float = 10.0) -> dict[str, Any]:
        """Poll GetDeployment until deployment `number` is no longer in `state`; return it."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.deployment(number)
            if found["State"] != state:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"deployment {number} still {state} after {timeout}s")
            time.sleep(0.02)

    def deployment(self, number: int) -> dict[str, Any]:
        found: dict[str, Any] = self.appconfig.get_deployment(
            ApplicationId=self.app_id, EnvironmentId=self.env_id, DeploymentNumber=number
        )
        return found

    def environment_state(self) -> str:
        env = self.appconfig.get_environment(ApplicationId=self.app_id, EnvironmentId=self.env_id)
        return str(env["State"])

    def served(self) -> bytes:
        """What a fresh appconfigdata session receives for the profile."""
        token = self.data.start_configuration_session(
            ApplicationIdentifier=self.app_id,
            EnvironmentIdentifier=self.env_id,
            ConfigurationProfileIdentifier=self.profile_id,
        )["InitialConfigurationToken"]
        body: bytes = self.data.get_latest_configuration(ConfigurationToken=token)[
            "Configuration"
        ].read()
        return body


@pytest.fixture
def world(aws: ClientFactory) -> FlagWorld:
    """A fresh flag world, in-process and over the server (the test runs twice)."""
    appconfig = aws("appconfig")
    app = appconfig.create_application(Name=f"shop-{uuid.uuid4().hex[:8]}")
    env = appconfig.create_environment(ApplicationId=app["Id"], Name="production")
    profile = appconfig.create_configuration_profile(
        ApplicationId=app["Id"],
        Name="flags",
        LocationUri="hosted",
        Validators=[{"Type": "JSON_SCHEMA", "Content": json.dumps(FLAGS_SCHEMA)}],
    )
    return FlagWorld(appconfig, aws("appconfigdata"), app["Id"], env["Id"], profile["Id"])


@pytest.fixture
def time_factor() -> Iterator[Callable[[float], float]]:
    """Set the deployment time factor for the rest of the test (restored afterwards)."""
    previous = get_deployment_time_factor()
    yield set_deployment_time_factor
    set_deployment_time_factor(previous)
