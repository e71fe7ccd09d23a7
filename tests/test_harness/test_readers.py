"""The harness reads flags as the application sees them (AppConfig Data's served form)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from emulator import EmulatorThread
from tools.harness import StackError
from tools.harness.clients import Aws
from tools.harness.readers import FlagTarget, deployed_document, flag_states, stored_document

STORED: dict[str, Any] = {
    "version": "1",
    "flags": {"checkout": {"name": "Checkout"}, "search": {"name": "Search"}},
    "values": {"checkout": {"enabled": False, "tier": "gold"}, "search": {"enabled": True, "n": 1}},
}
FREEFORM: dict[str, Any] = {"flags": {"checkout": {"enabled": False}, "search": {"enabled": True}}}


@pytest.fixture(scope="module")
def aws() -> Iterator[Aws]:
    with EmulatorThread(port=0) as server:
        yield Aws(server.endpoint)


def _deployed(aws: Aws, profile_type: str, document: dict[str, Any]) -> FlagTarget:
    app = aws.appconfig.create_application(Name="readers")["Id"]
    env = aws.appconfig.create_environment(ApplicationId=app, Name="prod")["Id"]
    profile = aws.appconfig.create_configuration_profile(
        ApplicationId=app, Name="flags", LocationUri="hosted", Type=profile_type
    )["Id"]
    version = aws.appconfig.create_hosted_configuration_version(
        ApplicationId=app,
        ConfigurationProfileId=profile,
        Content=json.dumps(document).encode(),
        ContentType="application/json",
    )["VersionNumber"]
    aws.appconfig.start_deployment(
        ApplicationId=app,
        EnvironmentId=env,
        DeploymentStrategyId="AppConfig.AllAtOnce",
        ConfigurationProfileId=profile,
        ConfigurationVersion=str(version),
    )
    return FlagTarget(app, env, profile)


def test_feature_flags_are_read_as_served(aws: Aws) -> None:
    target = _deployed(aws, "AWS.AppConfig.FeatureFlags", STORED)
    served = deployed_document(aws, target)
    assert served == {"checkout": {"enabled": False}, "search": {"enabled": True, "n": 1}}
    assert flag_states(served) == {"checkout": False, "search": True}
    stored = stored_document(aws, target)
    assert stored == STORED
    assert flag_states(stored) == {"checkout": False, "search": True}


def test_freeform_flags_are_read_as_stored(aws: Aws) -> None:
    target = _deployed(aws, "AWS.Freeform", FREEFORM)
    assert deployed_document(aws, target) == FREEFORM
    assert flag_states(deployed_document(aws, target)) == {"checkout": False, "search": True}


def test_a_document_without_flags_is_refused() -> None:
    with pytest.raises(StackError):
        flag_states({"owner": "shop"})
