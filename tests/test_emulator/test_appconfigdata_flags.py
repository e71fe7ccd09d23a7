"""What applications receive for feature flags, and the multi-variant document rules.

AppConfig Data serves an AWS.AppConfig.FeatureFlags profile as the flag values map, with
attributes only for enabled flags (the default variant for a multi-variant flag: SDK calls
do not evaluate variants); freeform profiles are served as stored. Each test runs
in-process and over the HTTP server.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.test_emulator.conftest import FlagWorld

STORED: dict[str, Any] = {
    "version": "1",
    "flags": {
        "checkout": {"name": "Checkout", "_createdAt": "2026-11-01T00:00:00Z"},
        "search": {"name": "Search", "attributes": {"tier": {"constraints": {"type": "string"}}}},
        "banner": {"name": "Banner"},
        "promo": {"name": "Promo"},
        "dormant": {"name": "Dormant"},
    },
    "values": {
        "checkout": {"enabled": False, "_updatedAt": "2026-11-02T00:00:00Z", "tier": "x"},
        "search": {"enabled": True, "tier": "gold"},
        "banner": {
            "_variants": [
                {"name": "beta", "enabled": True, "rule": '(eq $tier "beta")'},
                {"name": "Default", "enabled": False, "attributeValues": {"color": "grey"}},
            ]
        },
        "promo": {
            "_variants": [
                {"name": "Default", "enabled": True, "attributeValues": {"color": "red"}},
            ]
        },
    },
}


def _flags_profile(world: FlagWorld) -> str:
    profile_id: str = world.appconfig.create_configuration_profile(
        ApplicationId=world.app_id,
        Name="feature-flags",
        LocationUri="hosted",
        Type="AWS.AppConfig.FeatureFlags",
    )["Id"]
    return profile_id


def _put(world: FlagWorld, profile_id: str, document: object) -> int:
    created = world.appconfig.create_hosted_configuration_version(
        ApplicationId=world.app_id,
        ConfigurationProfileId=profile_id,
        Content=json.dumps(document).encode(),
        ContentType="application/json",
    )
    return int(created["VersionNumber"])


def _served(world: FlagWorld, profile_id: str) -> Any:
    token = world.data.start_configuration_session(
        ApplicationIdentifier=world.app_id,
        EnvironmentIdentifier=world.env_id,
        ConfigurationProfileIdentifier=profile_id,
    )["InitialConfigurationToken"]
    latest = world.data.get_latest_configuration(ConfigurationToken=token)
    return json.loads(latest["Configuration"].read())


def test_feature_flags_are_served_as_the_values_map(world: FlagWorld) -> None:
    profile_id = _flags_profile(world)
    version = _put(world, profile_id, STORED)
    world.appconfig.start_deployment(
        ApplicationId=world.app_id,
        EnvironmentId=world.env_id,
        DeploymentStrategyId="AppConfig.AllAtOnce",
        ConfigurationProfileId=profile_id,
        ConfigurationVersion=str(version),
    )
    assert _served(world, profile_id) == {
        "checkout": {"enabled": False},  # attributes only when enabled
        "search": {"enabled": True, "tier": "gold"},
        "banner": {"enabled": False},  # the default variant, disabled
        "promo": {"enabled": True, "color": "red"},  # the default variant, enabled
        "dormant": {"enabled": False},
    }
    stored = world.appconfig.get_hosted_configuration_version(
        ApplicationId=world.app_id, ConfigurationProfileId=profile_id, VersionNumber=version
    )
    assert json.loads(stored["Content"].read()) == STORED  # the store keeps the document


def test_freeform_profiles_are_served_as_stored(world: FlagWorld) -> None:
    document = {"flags": {"checkout": {"enabled": True}}, "owner": "shop"}
    world.deploy(world.put(document))
    assert json.loads(world.served()) == document


def _variants(*variants: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": "1",
        "flags": {"banner": {"name": "Banner"}},
        "values": {"banner": {"_variants": list(variants)}},
    }


BETA = {"name": "beta", "enabled": True, "rule": '(eq $tier "beta")'}
DEFAULT = {"name": "default", "enabled": False, "attributeValues": {"color": "grey"}}


def test_a_multi_variant_flag_with_the_default_last_is_accepted(world: FlagWorld) -> None:
    profile_id = _flags_profile(world)
    assert _put(world, profile_id, _variants(BETA, {**BETA, "name": "gamma"}, DEFAULT)) == 1
    with_base = _variants(BETA, DEFAULT)
    with_base["values"]["banner"]["enabled"] = True
    assert _put(world, profile_id, with_base) == 2
    no_status = {**with_base, "values": {"banner": {}}}  # flagValue requires no member
    assert _put(world, profile_id, no_status) == 3


@pytest.mark.parametrize(
    ("variants", "location"),
    [
        ((DEFAULT, BETA), "$.values.banner._variants[1].rule"),  # default not last
        ((BETA, {**DEFAULT, "rule": "(eq $a 1)"}), "$.values.banner._variants[1].rule"),
        ((BETA, {**BETA, "rule": ""}, DEFAULT), "$.values.banner._variants[1].rule"),
        ((BETA, {**DEFAULT, "name": "beta"}), "$.values.banner._variants[1].name"),
        ((BETA, {"enabled": False}), "$.values.banner._variants[1].name"),
        ((BETA, {"name": "default", "enabled": "no"}), "$.values.banner._variants[1].enabled"),
        ((BETA, {**DEFAULT, "color": "red"}), "$.values.banner._variants[1].color"),
        ((BETA, {**DEFAULT, "name": "x" * 65}), "$.values.banner._variants[1].name"),
        ((BETA, {**DEFAULT, "name": "two\nlines"}), "$.values.banner._variants[1].name"),
        (({**BETA, "rule": "r" * 16385}, DEFAULT), "$.values.banner._variants[0].rule"),
        (
            (BETA, {**DEFAULT, "attributeValues": {f"a{i}": i for i in range(26)}}),
            "$.values.banner._variants[1].attributeValues",
        ),
        ((*({**BETA, "name": f"v{i}"} for i in range(32)), DEFAULT), "$.values.banner._variants"),
        ((), "$.values.banner._variants"),
    ],
)
def test_a_broken_multi_variant_flag_is_a_bad_request(
    world: FlagWorld, variants: tuple[dict[str, Any], ...], location: str
) -> None:
    profile_id = _flags_profile(world)
    with pytest.raises(ClientError) as excinfo:
        _put(world, profile_id, _variants(*variants))
    response = excinfo.value.response
    assert response["Error"]["Code"] == "BadRequestException"
    details = response["Details"]["InvalidConfiguration"]  # type: ignore[typeddict-item]
    assert location in [d["Location"] for d in details]
    listed = world.appconfig.list_hosted_configuration_versions(
        ApplicationId=world.app_id, ConfigurationProfileId=profile_id
    )
    assert listed["Items"] == []
