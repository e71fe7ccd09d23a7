"""Configuration profiles and hosted configuration versions: what is stored reads back the
same, LatestVersionNumber locks, VersionLabel filters, deleted profiles are gone.
Every test runs in-process and over the HTTP server."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.test_emulator.conftest import FlagWorld


def _code(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def _versions(world: FlagWorld, **filters: object) -> list[dict[str, object]]:
    items: list[dict[str, object]] = world.appconfig.list_hosted_configuration_versions(
        ApplicationId=world.app_id, ConfigurationProfileId=world.profile_id, **filters
    )["Items"]
    return items


def _get(world: FlagWorld, number: int) -> dict[str, object]:
    version: dict[str, object] = world.appconfig.get_hosted_configuration_version(
        ApplicationId=world.app_id, ConfigurationProfileId=world.profile_id, VersionNumber=number
    )
    return version


def test_hosted_version_reads_back_exactly_what_was_stored(world: FlagWorld) -> None:
    number = world.put(
        b"enabled = true\n", ContentType="text/plain", Description="toml-ish", VersionLabel="v2.0"
    )
    version = _get(world, number)
    assert version["Content"].read() == b"enabled = true\n"  # type: ignore[attr-defined]
    assert version["ContentType"] == "text/plain"
    assert version["Description"] == "toml-ish"
    assert version["VersionLabel"] == "v2.0"
    assert (version["ApplicationId"], version["ConfigurationProfileId"]) == (
        world.app_id,
        world.profile_id,
    )


def test_hosted_version_without_description_has_none_not_the_string_none(world: FlagWorld) -> None:
    number = world.put({"flags": {}})
    assert "Description" not in _get(world, number)
    assert "VersionLabel" not in _get(world, number)
    (summary,) = _versions(world)
    assert "Description" not in summary


def test_list_hosted_versions_newest_first_with_label_filters(world: FlagWorld) -> None:
    world.put({"flags": {}}, VersionLabel="v1.0")
    world.put({"flags": {}}, VersionLabel="v1.1", Description="second")
    world.put({"flags": {}}, VersionLabel="release-3")
    assert [v["VersionNumber"] for v in _versions(world)] == [3, 2, 1]
    assert [v["VersionNumber"] for v in _versions(world, VersionLabel="v1*")] == [2, 1]
    exact = _versions(world, VersionLabel="v1.1")
    assert exact == [
        {
            "ApplicationId": world.app_id,
            "ConfigurationProfileId": world.profile_id,
            "VersionNumber": 2,
            "Description": "second",
            "ContentType": "application/json",
            "VersionLabel": "v1.1",
        }
    ]
    assert _versions(world, VersionLabel="v1") == []
    page = world.appconfig.list_hosted_configuration_versions(
        ApplicationId=world.app_id, ConfigurationProfileId=world.profile_id, MaxResults=2
    )
    assert [v["VersionNumber"] for v in page["Items"]] == [3, 2]
    assert "NextToken" in page


def test_latest_version_number_matching_the_latest_is_accepted(world: FlagWorld) -> None:
    assert world.put({"flags": {}}, LatestVersionNumber=0) == 1
    assert world.put({"flags": {}}, LatestVersionNumber=1) == 2


def test_stale_latest_version_number_is_a_conflict_and_creates_nothing(world: FlagWorld) -> None:
    world.put({"flags": {"a": {"enabled": True}}})
    world.put({"flags": {"a": {"enabled": False}}})
    with pytest.raises(ClientError) as excinfo:
        world.put({"flags": {}}, LatestVersionNumber=1)
    assert _code(excinfo) == ("ConflictException", 409)
    assert [v["VersionNumber"] for v in _versions(world)] == [2, 1]


def test_numeric_version_label_is_a_bad_request(world: FlagWorld) -> None:
    with pytest.raises(ClientError) as excinfo:
        world.put({"flags": {}}, VersionLabel="12")
    assert _code(excinfo) == ("BadRequestException", 400)
    assert _versions(world) == []


def test_version_numbers_are_not_reused_after_a_delete(world: FlagWorld) -> None:
    world.put({"flags": {}})
    world.put({"flags": {}})
    deleted = world.appconfig.delete_hosted_configuration_version(
        ApplicationId=world.app_id, ConfigurationProfileId=world.profile_id, VersionNumber=2
    )
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as excinfo:
        _get(world, 2)
    assert _code(excinfo) == ("ResourceNotFoundException", 404)
    assert world.put({"flags": {}}) == 3


def test_unknown_hosted_version_is_not_found(world: FlagWorld) -> None:
    with pytest.raises(ClientError) as excinfo:
        world.appconfig.delete_hosted_configuration_version(
            ApplicationId=world.app_id, ConfigurationProfileId=world.profile_id, VersionNumber=9
        )
    assert _code(excinfo) == ("ResourceNotFoundException", 404)


def test_profile_reads_back_what_was_stored(world: FlagWorld) -> None:
    profile = world.appconfig.get_configuration_profile(
        ApplicationId=world.app_id, ConfigurationProfileId=world.profile_id
    )
    assert profile["Type"] == "AWS.Freeform"
    assert profile["LocationUri"] == "hosted"
    assert profile["Validators"][0]["Type"] == "JSON_SCHEMA"
    assert "Description" not in profile
    assert "RetrievalRoleArn" not in profile
    (summary,) = world.appconfig.list_configuration_profiles(ApplicationId=world.app_id)["Items"]
    assert summary["ValidatorTypes"] == ["JSON_SCHEMA"]
    assert summary["Id"] == world.profile_id


def test_profile_with_an_invalid_json_schema_is_a_bad_request(world: FlagWorld) -> None:
    with pytest.raises(ClientError) as excinfo:
        world.appconfig.create_configuration_profile(
            ApplicationId=world.app_id,
            Name="broken",
            LocationUri="hosted",
            Validators=[{"Type": "JSON_SCHEMA", "Content": json.dumps({"type": 12})}],
        )
    assert _code(excinfo) == ("BadRequestException", 400)
    listed = world.appconfig.list_configuration_profiles(ApplicationId=world.app_id)["Items"]
    assert [p["Id"] for p in listed] == [world.profile_id]


def test_profile_with_hosted_versions_cannot_be_deleted(world: FlagWorld) -> None:
    first = world.put({"flags": {}})
    second = world.put({"flags": {}}, VersionLabel="flag-rollback:x")
    world.appconfig.delete_hosted_configuration_version(
        ApplicationId=world.app_id, ConfigurationProfileId=world.profile_id, VersionNumber=first
    )
    with pytest.raises(ClientError) as excinfo:
        world.appconfig.delete_configuration_profile(
            ApplicationId=world.app_id, ConfigurationProfileId=world.profile_id
        )
    assert _code(excinfo) == ("BadRequestException", 400)
    assert excinfo.value.response["Error"]["Message"] == (
        f"Cannot delete configuration profile {world.profile_id} because there are still "
        "hosted configuration versions existing under it."
    )
    assert [v["VersionNumber"] for v in _versions(world)] == [second]


def test_the_deployed_version_can_be_deleted_and_keeps_being_served(world: FlagWorld) -> None:
    number = world.put({"flags": {"a": {"enabled": True}}})
    world.deploy(number)
    world.appconfig.delete_hosted_configuration_version(
        ApplicationId=world.app_id, ConfigurationProfileId=world.profile_id, VersionNumber=number
    )
    assert _versions(world) == []
    assert json.loads(world.served()) == {"flags": {"a": {"enabled": True}}}


def test_deleted_profile_answers_not_found_everywhere(world: FlagWorld) -> None:
    number = world.put({"flags": {}})
    world.appconfig.delete_hosted_configuration_version(
        ApplicationId=world.app_id, ConfigurationProfileId=world.profile_id, VersionNumber=number
    )
    deleted = world.appconfig.delete_configuration_profile(
        ApplicationId=world.app_id, ConfigurationProfileId=world.profile_id
    )
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    calls = [
        lambda: world.appconfig.get_configuration_profile(
            ApplicationId=world.app_id, ConfigurationProfileId=world.profile_id
        ),
        lambda: world.appconfig.delete_configuration_profile(
            ApplicationId=world.app_id, ConfigurationProfileId=world.profile_id
        ),
        lambda: _get(world, 1),
        lambda: _versions(world),
        lambda: world.put({"flags": {}}),
        lambda: world.deploy(1),
    ]
    for call in calls:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert _code(excinfo) == ("ResourceNotFoundException", 404)


def test_validate_configuration_runs_the_validators(world: FlagWorld) -> None:
    good = world.put({"flags": {"a": {"enabled": True}}})
    bad = world.put({"flags": {"a": {}}})
    world.appconfig.validate_configuration(
        ApplicationId=world.app_id,
        ConfigurationProfileId=world.profile_id,
        ConfigurationVersion=str(good),
    )
    with pytest.raises(ClientError) as excinfo:
        world.appconfig.validate_configuration(
            ApplicationId=world.app_id,
            ConfigurationProfileId=world.profile_id,
            ConfigurationVersion=str(bad),
        )
    assert _code(excinfo) == ("BadRequestException", 400)
    assert excinfo.value.response["Details"]["InvalidConfiguration"][0]["Location"] == "$.flags.a"


VALID_FLAGS = {
    "version": "1",
    "flags": {"checkout": {"name": "Checkout"}, "newSearch": {"name": "New search"}},
    "values": {"checkout": {"enabled": True}, "newSearch": {"enabled": False}},
}


@pytest.fixture
def flags_profile(world: FlagWorld) -> str:
    profile_id: str = world.appconfig.create_configuration_profile(
        ApplicationId=world.app_id,
        Name="feature-flags",
        LocationUri="hosted",
        Type="AWS.AppConfig.FeatureFlags",
    )["Id"]
    return profile_id


def test_feature_flags_profile_accepts_a_valid_document(
    world: FlagWorld, flags_profile: str
) -> None:
    created = world.appconfig.create_hosted_configuration_version(
        ApplicationId=world.app_id,
        ConfigurationProfileId=flags_profile,
        Content=json.dumps(VALID_FLAGS).encode(),
        ContentType="application/json",
    )
    assert created["VersionNumber"] == 1


@pytest.mark.parametrize(
    ("document", "location"),
    [
        ({**VALID_FLAGS, "version": "2"}, "$.version"),
        ({**VALID_FLAGS, "extra": 1}, "$.extra"),
        ({**VALID_FLAGS, "values": {"ghost": {"enabled": True}}}, "$.values.ghost"),
        ({**VALID_FLAGS, "values": {"checkout": {"enabled": "yes"}}}, "$.values.checkout"),
        ({**VALID_FLAGS, "flags": {"Bad Name": {}}, "values": {}}, "$.flags.Bad Name"),
    ],
)
def test_feature_flags_profile_rejects_a_broken_document(
    world: FlagWorld, flags_profile: str, document: dict[str, object], location: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        world.appconfig.create_hosted_configuration_version(
            ApplicationId=world.app_id,
            ConfigurationProfileId=flags_profile,
            Content=json.dumps(document).encode(),
            ContentType="application/json",
        )
    assert _code(excinfo) == ("BadRequestException", 400)
    details = excinfo.value.response["Details"]["InvalidConfiguration"]
    assert location in [d["Location"] for d in details]
    listed = world.appconfig.list_hosted_configuration_versions(
        ApplicationId=world.app_id, ConfigurationProfileId=flags_profile
    )
    assert listed["Items"] == []


def test_update_profile_changes_what_is_given_and_refuses_a_bad_schema(world: FlagWorld) -> None:
    request = {"ApplicationId": world.app_id, "ConfigurationProfileId": world.profile_id}
    updated = world.appconfig.update_configuration_profile(
        **request, Name="flags-v2", Description="all flags"
    )
    assert (updated["Name"], updated["Description"]) == ("flags-v2", "all flags")
    assert updated["Validators"][0]["Type"] == "JSON_SCHEMA"
    with pytest.raises(ClientError) as excinfo:
        world.appconfig.update_configuration_profile(
            **request, Validators=[{"Type": "JSON_SCHEMA", "Content": "{not json"}]
        )
    assert _code(excinfo) == ("BadRequestException", 400)
    fetched = world.appconfig.get_configuration_profile(**request)
    assert fetched["Name"] == "flags-v2"
    assert json.loads(fetched["Validators"][0]["Content"])["required"] == ["flags"]


def test_version_label_longer_than_64_is_a_bad_request(world: FlagWorld) -> None:
    with pytest.raises(ClientError) as excinfo:
        world.put({"flags": {}}, VersionLabel="v" * 65)
    assert _code(excinfo) == ("BadRequestException", 400)
    assert _versions(world) == []
