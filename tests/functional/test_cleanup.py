"""Terraform's destroy-time call (aws_lambda_invocation, lifecycle_scope CRUD): the function
deletes the hosted versions it wrote, so AppConfig lets Terraform delete the profile."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from flag_rollback.errors import PermanentError

from emulator.core.config import set_deployment_time_factor
from tests.functional.world import World

INPUT = {"flag_rollback": "lifecycle"}


def lifecycle(action: str) -> dict[str, Any]:
    """The event the provider sends: the module's input plus the `tf` object."""
    return {**INPUT, "tf": {"action": action, "prev_input": INPUT if action != "create" else None}}


def labels(world: World) -> list[str | None]:
    return [item.get("VersionLabel") for item in reversed(world.versions())]


def roll_back_and_restore(world: World) -> None:
    """Two versions of the function's own: a rollback and a restore."""
    world.alarm("checkout")
    world.put_alarm("checkout", state="OK")
    (restored,) = world.invoke({"action": "restore", "flag": "checkout"})["results"]
    assert restored["outcome"] == "restored"


def delete_profile(world: World) -> None:
    world.appconfig.delete_configuration_profile(
        ApplicationId=world.app_id, ConfigurationProfileId=world.profile_id
    )


@pytest.fixture
def slow_deployments() -> Iterator[None]:
    """AppConfig.AllAtOnce's 10-minute bake takes 0.6 s."""
    previous = set_deployment_time_factor(0.001)
    yield
    set_deployment_time_factor(previous)


def test_delete_removes_only_the_versions_the_function_wrote(world: World) -> None:
    roll_back_and_restore(world)
    person = world.create_version({"flags": {}}, label="v2-draft")

    result = world.invoke(lifecycle("delete"))

    assert result == {"lifecycle": "delete", "deleted_versions": [2, 3]}
    assert [int(item["VersionNumber"]) for item in world.versions()] == [person, 1]
    assert labels(world) == [None, "v2-draft"]


def test_without_the_cleanup_the_profile_cannot_be_deleted(world: World) -> None:
    roll_back_and_restore(world)
    world.appconfig.delete_hosted_configuration_version(
        ApplicationId=world.app_id, ConfigurationProfileId=world.profile_id, VersionNumber=1
    )
    with pytest.raises(ClientError) as excinfo:
        delete_profile(world)
    assert excinfo.value.response["Error"]["Code"] == "BadRequestException"


def test_after_the_cleanup_terraform_can_delete_its_version_and_the_profile(world: World) -> None:
    roll_back_and_restore(world)
    world.invoke(lifecycle("delete"))
    world.appconfig.delete_hosted_configuration_version(
        ApplicationId=world.app_id, ConfigurationProfileId=world.profile_id, VersionNumber=1
    )
    delete_profile(world)
    assert world.appconfig.list_configuration_profiles(ApplicationId=world.app_id)["Items"] == []


@pytest.mark.parametrize("action", ["create", "update"])
def test_create_and_update_change_nothing(world: World, action: str) -> None:
    world.alarm("checkout")
    before = world.versions()
    assert world.invoke(lifecycle(action)) == {"lifecycle": action, "deleted_versions": []}
    assert world.versions() == before


def test_delete_waits_for_a_deployment_in_progress_then_deletes(
    world: World, fast_retries: None, slow_deployments: None
) -> None:
    own = world.create_version({"flags": {}}, label="flag-rollback:checkout")
    number = world.start(own)
    assert world.deployments()[0]["State"] in {"DEPLOYING", "BAKING"}

    result = world.invoke(lifecycle("delete"))

    assert result["deleted_versions"] == [own]
    deployment = world.appconfig.get_deployment(
        ApplicationId=world.app_id, EnvironmentId=world.env_id, DeploymentNumber=number
    )
    assert deployment["State"] == "COMPLETE"


def test_a_profile_that_outlives_the_stack_keeps_every_version(world: World) -> None:
    roll_back_and_restore(world)
    before = world.versions()
    event = {**lifecycle("delete"), "delete_own_versions": False}
    assert world.invoke(event) == {"lifecycle": "delete", "deleted_versions": []}
    assert world.versions() == before


def test_a_profile_already_gone_is_nothing_to_do(world: World) -> None:
    world.appconfig.delete_hosted_configuration_version(
        ApplicationId=world.app_id, ConfigurationProfileId=world.profile_id, VersionNumber=1
    )
    delete_profile(world)
    assert world.invoke(lifecycle("delete")) == {"lifecycle": "delete", "deleted_versions": []}


def test_an_unknown_lifecycle_action_is_refused(world: World) -> None:
    world.alarm("checkout")
    before = world.versions()
    with pytest.raises(PermanentError, match=r"tf\.action"):
        world.invoke({**INPUT, "tf": {"action": "drop"}})
    assert world.versions() == before
