"""The real latest version after a refused LatestVersionNumber, whatever order AWS lists in.

The API reference does not say in which order ListHostedConfigurationVersions lists the
versions, so after a stale token the function reads every page and takes the highest
number. Here AppConfig lists them oldest first, 50 a page: the newest is on the last page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from botocore.awsrequest import AWSResponse
from flag_rollback import clients

from tests.functional.faults import Faults
from tests.functional.logs import decisions
from tests.functional.world import World

DRAFT = {"flags": {"checkout": {"enabled": True}}, "draft": True}


class _Body:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: object) -> Iterator[bytes]:
        yield self._body


def list_oldest_first(world: World) -> None:
    """The function's ListHostedConfigurationVersions answers with the real versions, oldest
    first, 50 a page, the NextToken an offset."""

    def answer(request: Any, **_: object) -> AWSResponse:
        query = {
            k.lower().replace("_", ""): v[0]
            for k, v in parse_qs(urlsplit(request.url).query).items()
        }
        start = int(query.get("nexttoken", "0"))
        every = sorted(
            world.appconfig.get_paginator("list_hosted_configuration_versions")
            .paginate(ApplicationId=world.app_id, ConfigurationProfileId=world.profile_id)
            .build_full_result()["Items"],
            key=lambda item: item["VersionNumber"],
        )
        page: dict[str, Any] = {"Items": every[start : start + 50]}
        if start + 50 < len(every):
            page["NextToken"] = str(start + 50)
        request.url = "https://fault.invalid/"
        headers = {"Content-Type": "application/json"}
        return AWSResponse(request.url, 200, headers, _Body(json.dumps(page).encode()))

    clients.appconfig().meta.events.register_first(
        "before-send.appconfig.ListHostedConfigurationVersions", answer
    )


@pytest.fixture
def drafts(world: World) -> int:
    """60 drafts of a person after the deployed version 1; the newest one's number."""
    return max(world.create_version(DRAFT) for _ in range(60))


def test_the_newest_version_is_found_on_the_last_page(world: World, drafts: int, capsys):
    list_oldest_first(world)
    capsys.readouterr()
    (outcome,) = world.alarm("checkout")["results"]
    assert (outcome["outcome"], outcome["new_version"]) == ("rolled_back", drafts + 1)
    assert decisions(capsys.readouterr().out, "version_conflict") == [
        {
            "level": "INFO",
            "decision": "version_conflict",
            "latest": 1,
            "actual": drafts,
            "error": "ConflictException",
        }
    ]
    assert world.deployed()["flags"]["checkout"]["enabled"] is False


@pytest.mark.usefixtures("instant_botocore_backoff")
def test_a_listing_that_fails_after_a_refused_token_names_the_call(
    world: World, drafts: int, faults: Faults
):
    faults.inject("appconfig", "ListHostedConfigurationVersions", "bad-request")
    (outcome,) = world.alarm("checkout")["results"]
    assert (outcome["outcome"], outcome["detail"]) == (
        "failed",
        "ListHostedConfigurationVersions failed: BadRequestException: injected BadRequestException",
    )
    assert world.deployed_version() == 1


@pytest.mark.parametrize("label", ["flag-rollback:20261129T000000Z-x", "flag-restore:20261129T0-y"])
def test_a_newer_version_another_invocation_wrote_makes_the_rollback_plan_again(
    world: World, faults: Faults, label: str
):
    """A lost race with another invocation (its label says so) is planned again on what is
    deployed then; a person's draft would only move the token (test_version_lock.py)."""
    world.create_version(DRAFT, label=label)
    calls = faults.count_calls()
    (outcome,) = world.alarm("checkout")["results"]
    assert (outcome["outcome"], outcome["new_version"]) == ("rolled_back", 3)
    assert calls == [
        "DescribeAlarms",
        "GetConfigurationProfile",
        "ListDeployments",
        "GetHostedConfigurationVersion",
        "CreateHostedConfigurationVersion",
        "ListHostedConfigurationVersions",
        "ListDeployments",  # planned again
        "GetHostedConfigurationVersion",
        "CreateHostedConfigurationVersion",
        "StartDeployment",
        "Publish",
    ]
