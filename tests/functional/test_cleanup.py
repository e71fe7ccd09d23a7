"""Terraform's destroy-time call (aws_lambda_invocation, lifecycle_scope CRUD): the function
deletes the hosted versions it wrote, so AppConfig lets Terraform delete the profile."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from flag_rollback import appconfig, clients
from flag_rollback.errors import PermanentError, TransientError

from emulator.core.config import set_deployment_time_factor
from tests.functional.faults import Faults, json_answer
from tests.functional.logs import decisions
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
    with pytest.raises(PermanentError) as caught:
        world.invoke({**INPUT, "tf": {"action": "drop"}})
    assert caught.value.code == "unparseable_event"
    assert caught.value.message == "tf.action must be one of create, update, delete"
    assert world.versions() == before


@pytest.fixture
def endless_deployments() -> Iterator[None]:
    """AppConfig.AllAtOnce's 10-minute bake takes 10 minutes: longer than any test."""
    previous = set_deployment_time_factor(1.0)
    yield
    set_deployment_time_factor(previous)


@pytest.mark.parametrize("action", ["create", "update"])
def test_create_and_update_are_logged(
    world: World, action: str, capsys: pytest.CaptureFixture[str]
) -> None:
    world.invoke(lifecycle(action))
    assert decisions(capsys.readouterr().out, "lifecycle") == [
        {"level": "INFO", "decision": "lifecycle", "action": action}
    ]


def test_the_delete_is_logged_with_the_versions_it_deleted(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    roll_back_and_restore(world)
    capsys.readouterr()
    world.invoke(lifecycle("delete"))
    assert decisions(capsys.readouterr().out, "lifecycle") == [
        {"level": "INFO", "decision": "lifecycle", "action": "delete", "deleted_versions": [2, 3]}
    ]


def test_a_profile_that_outlives_the_stack_is_logged_as_kept(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    roll_back_and_restore(world)
    capsys.readouterr()
    world.invoke({**lifecycle("delete"), "delete_own_versions": False})
    assert decisions(capsys.readouterr().out, "lifecycle") == [
        {
            "level": "INFO",
            "decision": "lifecycle",
            "action": "delete",
            "deleted_versions": [],
            "kept": "profile outlives",
        }
    ]


def test_a_profile_already_gone_is_logged_with_what_aws_said(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    world.appconfig.delete_hosted_configuration_version(
        ApplicationId=world.app_id, ConfigurationProfileId=world.profile_id, VersionNumber=1
    )
    delete_profile(world)
    world.invoke(lifecycle("delete"))
    (record,) = decisions(capsys.readouterr().out, "cleanup_nothing_left")
    assert record == {
        "level": "INFO",
        "decision": "cleanup_nothing_left",
        "detail": record["detail"],
    }
    assert record["detail"].startswith("GetConfigurationProfile failed: ResourceNotFoundException")


def test_the_wait_for_a_deployment_names_it(
    world: World, fast_retries: None, capsys: pytest.CaptureFixture[str]
) -> None:
    own = world.create_version({"flags": {}}, label="flag-rollback:checkout")
    previous = set_deployment_time_factor(0.002)  # a bake of 1.2 s: still on at the first look
    try:
        number = world.start(own)
    finally:
        set_deployment_time_factor(previous)
    capsys.readouterr()
    world.invoke(lifecycle("delete"))
    waits = decisions(capsys.readouterr().out, "cleanup_waits_for_deployment")
    assert waits  # the deployment was still baking at the first look
    expected = {
        "level": "INFO",
        "decision": "cleanup_waits_for_deployment",
        "deployment": number,
        "version": own,
    }
    assert all(record == expected for record in waits)


def test_a_deployment_that_outlasts_the_wait_fails_the_destroy_and_deletes_nothing(
    world: World, fast_retries: None, endless_deployments: None
) -> None:
    own = world.create_version({"flags": {}}, label="flag-rollback:checkout")
    world.start(own)
    before = world.versions()

    with pytest.raises(TransientError) as caught:
        world.invoke(lifecycle("delete"))

    assert caught.value.code == "deployment_in_progress"
    assert caught.value.message == (
        "a deployment of profile 'flags' is still in progress; destroy again later"
    )
    assert world.versions() == before


def test_more_own_versions_than_one_page_are_all_deleted(world: World) -> None:
    """ListHostedConfigurationVersions answers 50 at a time: every page is read."""
    own = [world.create_version({"flags": {}}, label=f"flag-rollback:{n}") for n in range(120)]

    result = world.invoke(lifecycle("delete"))

    assert result == {"lifecycle": "delete", "deleted_versions": own}
    assert [int(item["VersionNumber"]) for item in world.versions()] == [1]


def test_a_listing_page_without_items_holds_no_version(world: World) -> None:
    roll_back_and_restore(world)
    clients.appconfig().meta.events.register_first(
        "before-send.appconfig.ListHostedConfigurationVersions", json_answer({})
    )
    assert world.invoke(lifecycle("delete")) == {"lifecycle": "delete", "deleted_versions": []}


def test_a_listing_that_never_ends_is_read_to_the_payloads_page_bound(world: World) -> None:
    """An answer that always has a NextToken is read no further than the other listings of
    hosted versions are (appconfig.latest_version, recorded_values): MAX_PAGES * 10 pages."""
    pages: list[dict[str, Any]] = []
    clients.appconfig().meta.events.register(
        "provide-client-params.appconfig.ListHostedConfigurationVersions",
        lambda params, **_: pages.append(dict(params)),
    )
    clients.appconfig().meta.events.register_first(
        "before-send.appconfig.ListHostedConfigurationVersions",
        json_answer({"Items": [], "NextToken": "more"}),
    )
    assert world.invoke(lifecycle("delete")) == {"lifecycle": "delete", "deleted_versions": []}
    assert len(pages) == appconfig.MAX_PAGES * 10
    assert "NextToken" not in pages[0]
    assert all(page["NextToken"] == "more" for page in pages[1:])


@pytest.mark.parametrize(
    ("operation", "error"),
    [
        ("ListHostedConfigurationVersions", "AccessDeniedException"),
        ("DeleteHostedConfigurationVersion", "AccessDeniedException"),
    ],
)
def test_a_call_the_role_may_not_make_fails_the_destroy_naming_it(
    world: World, faults: Faults, operation: str, error: str
) -> None:
    roll_back_and_restore(world)
    faults.inject("appconfig", operation, "access-denied")

    with pytest.raises(TransientError) as caught:
        world.invoke(lifecycle("delete"))

    assert caught.value.code == "setup_broken"
    assert caught.value.message == (
        f"{operation} failed: {error}: injected {error} (fix the setup; the event is kept)"
    )


def test_a_version_deleted_meanwhile_is_not_an_error(world: World) -> None:
    """Someone deletes version 2 between the listing and the function's delete of it."""
    roll_back_and_restore(world)
    deleted_by_someone: list[int] = []

    def someone_deletes_it_first(params: dict[str, Any], **_: object) -> None:
        if params["VersionNumber"] == 2 and not deleted_by_someone:
            world.appconfig.delete_hosted_configuration_version(
                ApplicationId=world.app_id, ConfigurationProfileId=world.profile_id, VersionNumber=2
            )
            deleted_by_someone.append(2)

    clients.appconfig().meta.events.register(
        "provide-client-params.appconfig.DeleteHostedConfigurationVersion",
        someone_deletes_it_first,
    )

    result = world.invoke(lifecycle("delete"))

    assert deleted_by_someone == [2]
    assert result == {"lifecycle": "delete", "deleted_versions": [2, 3]}
    assert [int(item["VersionNumber"]) for item in world.versions()] == [1]
