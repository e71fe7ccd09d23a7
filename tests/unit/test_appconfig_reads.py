"""The AppConfig reads a change is planned from: the requests sent (ListDeployments,
GetConfigurationProfile, GetHostedConfigurationVersion), how many pages are read, and what
each answer becomes, including answers that leave fields out.

The function's AppConfig client is answered in-process (botocore's before-call event): no
request leaves, and the answers can be any the API's shape allows.
"""

from __future__ import annotations

import copy
import io
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from flag_rollback import appconfig, clients
from flag_rollback.appconfig import Deployment, Environment, HostedVersion, Profile
from flag_rollback.errors import PermanentError, TransientError
from flag_rollback.settings import Settings, load_settings

SETTINGS: Settings = load_settings(
    {
        "APPCONFIG_APPLICATION_ID": "app0001",
        "APPCONFIG_ENVIRONMENT_ID": "env0001",
        "APPCONFIG_CONFIGURATION_PROFILE_ID": "prof001",
    }
)
PROFILE = Profile("flags", "AWS.Freeform")
LIST_REQUEST = {"ApplicationId": "app0001", "EnvironmentId": "env0001", "MaxResults": 50}
STARTED = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


class AppConfig:
    """Answers the function's AppConfig calls from ``answers`` (operation -> parsed answers,
    in turn; an answer with "Error" is an error answer) and records every request."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, **answers: list[dict[str, Any]]):
        monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        self.answers = answers
        self.requests: list[tuple[str, dict[str, Any]]] = []
        events = clients.appconfig().meta.events
        events.register("before-parameter-build.appconfig", self._record)
        events.register("before-call.appconfig", self._answer)

    def _record(self, params: dict[str, Any], model: Any, **_: object) -> None:
        self.requests.append((model.name, copy.deepcopy(params)))

    def _answer(self, model: Any, **_: object) -> tuple[AWSResponse, dict[str, Any]]:
        answer = self.answers[model.name].pop(0)
        status = 400 if "Error" in answer else 200
        return AWSResponse("https://appconfig.invalid/", status, {}, None), answer


def row(number: int, state: str = "COMPLETE", **fields: Any) -> dict[str, Any]:
    """A ListDeployments item of this profile (version = number unless given)."""
    return {
        "DeploymentNumber": number,
        "ConfigurationName": "flags",
        "ConfigurationVersion": str(number),
        "State": state,
    } | fields


def deployment(number: int, state: str = "COMPLETE", **fields: Any) -> Deployment:
    return Deployment(number, "flags", number, state, **({"label": ""} | fields))


# ------------------------------------------------------------------ ListDeployments


def test_one_page_that_reaches_the_last_complete_deployment_is_all_that_is_read(
    monkeypatch: pytest.MonkeyPatch,
):
    aws = AppConfig(
        monkeypatch,
        ListDeployments=[
            {"Items": [row(3, "BAKING"), row(2)], "NextToken": "page-2"},
            {"Items": [row(1)]},
        ],
    )
    assert appconfig.read_environment(SETTINGS, PROFILE) == Environment(
        "flags", (deployment(3, "BAKING"), deployment(2))
    )
    assert aws.requests == [("ListDeployments", LIST_REQUEST)]


def test_pages_are_read_with_the_token_until_the_last_complete_deployment(
    monkeypatch: pytest.MonkeyPatch,
):
    aws = AppConfig(
        monkeypatch,
        ListDeployments=[
            {"Items": [row(5, "DEPLOYING")], "NextToken": "page-2"},
            {"Items": [row(4, "ROLLED_BACK")], "NextToken": "page-3"},
            {"Items": [row(3)], "NextToken": "page-4"},
            {"Items": [row(2)]},
        ],
    )
    assert appconfig.read_environment(SETTINGS, PROFILE) == Environment(
        "flags", (deployment(5, "DEPLOYING"), deployment(4, "ROLLED_BACK"), deployment(3))
    )
    assert aws.requests == [
        ("ListDeployments", LIST_REQUEST),
        ("ListDeployments", LIST_REQUEST | {"NextToken": "page-2"}),
        ("ListDeployments", LIST_REQUEST | {"NextToken": "page-3"}),
    ]


def test_an_own_deployment_s_seen_mark_asks_for_the_pages_back_to_the_one_after_it(
    monkeypatch: pytest.MonkeyPatch,
):
    """The rows back to the deployment after the one an own version's writer had read."""
    own = "flag-rollback:20261129T090000Z:d2:checkout"
    aws = AppConfig(
        monkeypatch,
        ListDeployments=[
            {"Items": [row(6, VersionLabel=own)], "NextToken": "page-2"},
            {"Items": [row(5, "ROLLED_BACK")], "NextToken": "page-3"},
            {"Items": [row(4, "ROLLED_BACK")], "NextToken": "page-4"},
            {"Items": [row(3)], "NextToken": "page-5"},
            {"Items": [row(2)]},
        ],
    )
    environment = appconfig.read_environment(SETTINGS, PROFILE)
    assert [item.number for item in environment.deployments] == [6, 5, 4, 3]
    assert len(aws.requests) == 4


def test_own_deployments_older_than_the_last_complete_one_ask_for_no_more_pages(
    monkeypatch: pytest.MonkeyPatch,
):
    """What the environment serves already holds every older deployment's changes."""
    older = "flag-rollback:20261129T090000Z:d1:checkout"
    aws = AppConfig(
        monkeypatch,
        ListDeployments=[
            {"Items": [row(5), row(4, "ROLLED_BACK", VersionLabel=older)], "NextToken": "2"},
            {"Items": [row(3)], "NextToken": "page-3"},
            {"Items": [row(2)]},
        ],
    )
    environment = appconfig.read_environment(SETTINGS, PROFILE)
    assert [item.number for item in environment.deployments] == [5, 4]
    assert len(aws.requests) == 1


def test_without_a_complete_deployment_every_page_is_read(monkeypatch: pytest.MonkeyPatch):
    aws = AppConfig(
        monkeypatch,
        ListDeployments=[
            {"Items": [row(2, "DEPLOYING")], "NextToken": "page-2"},
            {"Items": [row(1, "ROLLED_BACK")], "NextToken": ""},
        ],
    )
    assert appconfig.read_environment(SETTINGS, PROFILE) == Environment(
        "flags", (deployment(2, "DEPLOYING"), deployment(1, "ROLLED_BACK"))
    )
    assert len(aws.requests) == 2


def test_rows_are_newest_first_whatever_order_they_come_in(monkeypatch: pytest.MonkeyPatch):
    AppConfig(
        monkeypatch,
        ListDeployments=[
            {"Items": [row(2, "ROLLED_BACK")], "NextToken": "page-2"},
            {"Items": [row(1), row(4, "DEPLOYING"), row(3)]},
        ],
    )
    environment = appconfig.read_environment(SETTINGS, PROFILE)
    assert [item.number for item in environment.deployments] == [4, 3, 2, 1]


def test_each_row_keeps_its_profile_version_state_label_and_end(monkeypatch: pytest.MonkeyPatch):
    own = "flag-rollback:20261129T090000Z:d3:checkout"
    AppConfig(
        monkeypatch,
        ListDeployments=[
            {
                "Items": [
                    row(
                        4,
                        "BAKING",
                        ConfigurationVersion="7",
                        VersionLabel=own,
                        StartedAt=STARTED,
                        DeploymentDurationInMinutes=10,
                        FinalBakeTimeInMinutes=5,
                    ),
                    row(3, ConfigurationName="other", ConfigurationVersion="not-a-number"),
                    row(2, StartedAt=STARTED, DeploymentDurationInMinutes=2),
                    row(1, StartedAt=STARTED, FinalBakeTimeInMinutes=3),
                ]
            }
        ],
    )
    assert appconfig.read_environment(SETTINGS, PROFILE).deployments == (
        Deployment(4, "flags", 7, "BAKING", own, STARTED + timedelta(minutes=15)),
        Deployment(3, "other", None, "COMPLETE", ""),
        Deployment(2, "flags", 2, "COMPLETE", "", STARTED + timedelta(minutes=2)),
        Deployment(1, "flags", 1, "COMPLETE", "", STARTED + timedelta(minutes=3)),
    )


def test_a_start_time_is_read_in_its_own_zone_and_one_without_a_zone_as_utc(
    monkeypatch: pytest.MonkeyPatch,
):
    paris = timezone(timedelta(hours=1))
    AppConfig(
        monkeypatch,
        ListDeployments=[
            {
                "Items": [
                    row(2, "BAKING", StartedAt=datetime(2026, 11, 29, 10, 0, tzinfo=paris)),
                    row(1, StartedAt=datetime(2026, 11, 29, 9, 0), FinalBakeTimeInMinutes=1),
                ]
            }
        ],
    )
    newer, older = appconfig.read_environment(SETTINGS, PROFILE).deployments
    assert newer.ends_at == STARTED
    assert older.ends_at == STARTED + timedelta(minutes=1)
    assert older.ends_at.tzinfo is not None


def test_a_row_without_fields_gets_empty_ones_and_a_page_without_items_none(
    monkeypatch: pytest.MonkeyPatch,
):
    AppConfig(
        monkeypatch,
        ListDeployments=[
            {"NextToken": "page-2"},
            {"Items": [{}, {"DeploymentNumber": 2, "VersionLabel": None}]},
        ],
    )
    assert appconfig.read_environment(SETTINGS, PROFILE) == Environment(
        "flags", (Deployment(2, "", None, "", ""), Deployment(0, "", None, "", ""))
    )


def test_a_failed_listing_names_list_deployments(monkeypatch: pytest.MonkeyPatch):
    AppConfig(
        monkeypatch,
        ListDeployments=[{"Error": {"Code": "ResourceNotFoundException", "Message": "no env"}}],
    )
    with pytest.raises(TransientError) as raised:
        appconfig.read_environment(SETTINGS, PROFILE)
    assert (raised.value.code, raised.value.message) == (
        "setup_broken",
        "ListDeployments failed: ResourceNotFoundException: no env (fix the setup; the event "
        "is kept)",
    )


# ------------------------------------------------------------------ GetConfigurationProfile


def test_the_profile_is_read_once_per_container(monkeypatch: pytest.MonkeyPatch):
    aws = AppConfig(
        monkeypatch,
        GetConfigurationProfile=[{"Name": "shop-flags", "Type": "AWS.AppConfig.FeatureFlags"}],
    )
    first = appconfig.get_profile(SETTINGS)
    assert first == Profile("shop-flags", "AWS.AppConfig.FeatureFlags")
    assert appconfig.get_profile(SETTINGS) == first
    assert aws.requests == [
        (
            "GetConfigurationProfile",
            {"ApplicationId": "app0001", "ConfigurationProfileId": "prof001"},
        )
    ]


def test_each_profile_is_read_once_and_answered_with_its_own_name(
    monkeypatch: pytest.MonkeyPatch,
):
    other = load_settings(
        {
            "APPCONFIG_APPLICATION_ID": "app0001",
            "APPCONFIG_ENVIRONMENT_ID": "env0001",
            "APPCONFIG_CONFIGURATION_PROFILE_ID": "prof002",
        }
    )
    aws = AppConfig(
        monkeypatch,
        GetConfigurationProfile=[{"Name": "flags", "Type": "AWS.Freeform"}, {"Name": "more"}],
    )
    assert [appconfig.get_profile(s).name for s in (SETTINGS, other, SETTINGS, other)] == [
        "flags",
        "more",
        "flags",
        "more",
    ]
    assert [params["ConfigurationProfileId"] for _, params in aws.requests] == [
        "prof001",
        "prof002",
    ]


def test_a_profile_answer_without_a_name_or_type_is_a_nameless_freeform_profile(
    monkeypatch: pytest.MonkeyPatch,
):
    AppConfig(monkeypatch, GetConfigurationProfile=[{}])
    assert appconfig.get_profile(SETTINGS) == Profile("", "AWS.Freeform")


def test_a_failed_profile_read_names_get_configuration_profile(monkeypatch: pytest.MonkeyPatch):
    AppConfig(
        monkeypatch,
        GetConfigurationProfile=[{"Error": {"Code": "AccessDeniedException", "Message": "no"}}],
    )
    with pytest.raises(TransientError) as raised:
        appconfig.get_profile(SETTINGS)
    assert raised.value.message == (
        "GetConfigurationProfile failed: AccessDeniedException: no (fix the setup; the event "
        "is kept)"
    )


# ------------------------------------------------------------------ GetHostedConfigurationVersion


def test_a_version_is_read_with_its_content_type(monkeypatch: pytest.MonkeyPatch):
    aws = AppConfig(
        monkeypatch,
        GetHostedConfigurationVersion=[
            {
                "Content": io.BytesIO(b'{"flags": {}}'),
                "ContentType": "application/json; charset=utf-8",
            },
            {"Content": io.BytesIO(b"{}")},
        ],
    )
    assert appconfig.get_version(SETTINGS, 7) == HostedVersion(
        b'{"flags": {}}', "application/json; charset=utf-8"
    )
    # An answer without a content type is JSON, as AppConfig's own default.
    assert appconfig.get_version(SETTINGS, 8) == HostedVersion(b"{}", "application/json")
    assert [params for _, params in aws.requests] == [
        {"ApplicationId": "app0001", "ConfigurationProfileId": "prof001", "VersionNumber": 7},
        {"ApplicationId": "app0001", "ConfigurationProfileId": "prof001", "VersionNumber": 8},
    ]


def test_a_refused_version_read_names_get_hosted_configuration_version(
    monkeypatch: pytest.MonkeyPatch,
):
    AppConfig(
        monkeypatch,
        GetHostedConfigurationVersion=[{"Error": {"Code": "BadRequestException", "Message": "x"}}],
    )
    with pytest.raises(PermanentError) as raised:
        appconfig.get_version(SETTINGS, 7)
    assert (raised.value.code, raised.value.message) == (
        "aws_rejected",
        "GetHostedConfigurationVersion failed: BadRequestException: x",
    )
