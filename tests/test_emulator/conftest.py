"""Fixtures shared by the emulator's tests: the emulator in-process and over HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from tests.emulator import EmulatorServer, emulated_aws

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
def emulator_server() -> Iterator[EmulatorServer]:
    """One HTTP emulator for the whole session (tests keep to their own resources)."""
    with EmulatorServer(port=0) as server:
        yield server


@pytest.fixture
def in_process_clients() -> Iterator[ClientFactory]:
    """boto3 clients served by `emulated_aws()` (fresh state per test)."""
    with emulated_aws():
        yield lambda service: boto3.client(service, region_name=REGION)


@pytest.fixture
def server_clients(emulator_server: EmulatorServer) -> ClientFactory:
    """boto3 clients pointed at the session's EmulatorServer."""
    return lambda service: boto3.client(
        service, region_name=REGION, endpoint_url=emulator_server.endpoint
    )


@pytest.fixture(params=["in_process", "server"])
def aws(request: pytest.FixtureRequest) -> ClientFactory:
    """Run a test twice: once against `emulated_aws()`, once against the HTTP server."""
    factory: ClientFactory = request.getfixturevalue(f"{request.param}_clients")
    return factory
