"""AppConfig environments, deployment strategies, applications and tags, as the API reference
describes them. Every test runs in-process and over the HTTP server (the `aws` fixture)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import pytest
from botocore.exceptions import ClientError

from tests.test_emulator.conftest import ClientFactory, FlagWorld

ALARM = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:FeatureFlag-checkout-ErrorRate"
ROLE = "arn:aws:iam::123456789012:role/appconfig-monitor"
ACCOUNT_ARN = "arn:aws:appconfig:us-east-1:123456789012"


def _code(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def _body(response: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


# ------------------------------------------------------------------ environments


def test_environment_round_trips_with_monitors_and_tags(aws: ClientFactory) -> None:
    appconfig = aws("appconfig")
    app_id = appconfig.create_application(Name=f"env-{uuid.uuid4().hex[:6]}")["Id"]
    monitors = [{"AlarmArn": ALARM, "AlarmRoleArn": ROLE}]
    created = appconfig.create_environment(
        ApplicationId=app_id,
        Name="production",
        Description="live traffic",
        Monitors=monitors,
        Tags={"team": "payments"},
    )
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert re.fullmatch(r"[a-z0-9]{4,7}", created["Id"])
    expected = {
        "ApplicationId": app_id,
        "Id": created["Id"],
        "Name": "production",
        "Description": "live traffic",
        "State": "READY_FOR_DEPLOYMENT",
        "Monitors": monitors,
    }
    assert _body(created) == expected
    fetched = appconfig.get_environment(ApplicationId=app_id, EnvironmentId=created["Id"])
    assert _body(fetched) == expected
    listed = appconfig.list_environments(ApplicationId=app_id)["Items"]
    assert listed == [expected]
    arn = f"{ACCOUNT_ARN}:application/{app_id}/environment/{created['Id']}"
    assert appconfig.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"team": "payments"}


def test_environment_without_description_reads_back_without_one(aws: ClientFactory) -> None:
    appconfig = aws("appconfig")
    app_id = appconfig.create_application(Name="bare")["Id"]
    env = appconfig.create_environment(ApplicationId=app_id, Name="dev")
    fetched = appconfig.get_environment(ApplicationId=app_id, EnvironmentId=env["Id"])
    assert "Description" not in fetched
    assert fetched["Monitors"] == []


def test_update_environment_changes_only_what_is_given(aws: ClientFactory) -> None:
    appconfig = aws("appconfig")
    app_id = appconfig.create_application(Name="upd")["Id"]
    env_id = appconfig.create_environment(ApplicationId=app_id, Name="a", Description="keep")["Id"]
    updated = appconfig.update_environment(
        ApplicationId=app_id, EnvironmentId=env_id, Name="b", Monitors=[{"AlarmArn": ALARM}]
    )
    assert (updated["Name"], updated["Description"]) == ("b", "keep")
    assert updated["Monitors"] == [{"AlarmArn": ALARM}]
    cleared = appconfig.update_environment(ApplicationId=app_id, EnvironmentId=env_id, Monitors=[])
    assert cleared["Monitors"] == []


def test_deleted_environment_is_gone(aws: ClientFactory) -> None:
    appconfig = aws("appconfig")
    app_id = appconfig.create_application(Name="del")["Id"]
    env_id = appconfig.create_environment(ApplicationId=app_id, Name="a")["Id"]
    deleted = appconfig.delete_environment(ApplicationId=app_id, EnvironmentId=env_id)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    for call in (appconfig.get_environment, appconfig.delete_environment):
        with pytest.raises(ClientError) as excinfo:
            call(ApplicationId=app_id, EnvironmentId=env_id)
        assert _code(excinfo) == ("ResourceNotFoundException", 404)
    assert appconfig.list_environments(ApplicationId=app_id)["Items"] == []


def test_environment_of_unknown_application_is_not_found(aws: ClientFactory) -> None:
    appconfig = aws("appconfig")
    with pytest.raises(ClientError) as excinfo:
        appconfig.create_environment(ApplicationId="nope123", Name="x")
    assert _code(excinfo) == ("ResourceNotFoundException", 404)
    with pytest.raises(ClientError) as excinfo:
        appconfig.list_environments(ApplicationId="nope123")
    assert _code(excinfo) == ("ResourceNotFoundException", 404)


def test_environment_with_a_deployment_in_progress_cannot_be_deleted(
    world: FlagWorld, time_factor: Callable[[float], float]
) -> None:
    time_factor(1.0)
    world.deploy(world.put({"flags": {}}))
    with pytest.raises(ClientError) as excinfo:
        world.appconfig.delete_environment(ApplicationId=world.app_id, EnvironmentId=world.env_id)
    assert _code(excinfo) == ("ConflictException", 409)
    assert world.environment_state() == "DEPLOYING"


# ------------------------------------------------------------------ deployment strategies

PREDEFINED = [
    ("AppConfig.AllAtOnce", "LINEAR", 100.0, 0, 10),
    ("AppConfig.Linear50PercentEvery30Seconds", "LINEAR", 50.0, 1, 1),
    ("AppConfig.Canary10Percent20Minutes", "EXPONENTIAL", 10.0, 20, 10),
    ("AppConfig.Linear20PercentEvery6Minutes", "LINEAR", 20.0, 30, 30),
]


@pytest.mark.parametrize("documented", PREDEFINED, ids=[p[0] for p in PREDEFINED])
def test_predefined_strategies_have_their_documented_parameters(
    aws: ClientFactory, documented: tuple[str, str, float, int, int]
) -> None:
    strategy_id, growth_type, factor, duration, bake = documented
    strategy = aws("appconfig").get_deployment_strategy(DeploymentStrategyId=strategy_id)
    assert strategy["Id"] == strategy["Name"] == strategy_id
    assert strategy["GrowthType"] == growth_type
    assert strategy["GrowthFactor"] == factor
    assert strategy["DeploymentDurationInMinutes"] == duration
    assert strategy["FinalBakeTimeInMinutes"] == bake
    assert strategy["ReplicateTo"] == "NONE"


def test_strategy_lifecycle(aws: ClientFactory) -> None:
    appconfig = aws("appconfig")
    created = appconfig.create_deployment_strategy(
        Name="slow-canary",
        DeploymentDurationInMinutes=15,
        GrowthFactor=25.0,
        GrowthType="EXPONENTIAL",
        FinalBakeTimeInMinutes=5,
        ReplicateTo="NONE",
        Tags={"owner": "sre"},
    )
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    strategy_id = created["Id"]
    assert re.fullmatch(r"[a-z0-9]{4,7}", strategy_id)
    assert "Description" not in created
    listed = {s["Id"] for s in appconfig.list_deployment_strategies()["Items"]}
    assert {strategy_id, *(p[0] for p in PREDEFINED)} <= listed
    arn = f"{ACCOUNT_ARN}:deploymentstrategy/{strategy_id}"
    assert appconfig.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"owner": "sre"}
    updated = appconfig.update_deployment_strategy(
        DeploymentStrategyId=strategy_id, GrowthFactor=50.0, Description="faster"
    )
    assert (updated["GrowthFactor"], updated["Description"]) == (50.0, "faster")
    assert updated["DeploymentDurationInMinutes"] == 15
    fetched = appconfig.get_deployment_strategy(DeploymentStrategyId=strategy_id)
    assert _body(fetched) == _body(updated)
    appconfig.delete_deployment_strategy(DeploymentStrategyId=strategy_id)
    with pytest.raises(ClientError) as excinfo:
        appconfig.get_deployment_strategy(DeploymentStrategyId=strategy_id)
    assert _code(excinfo) == ("ResourceNotFoundException", 404)


@pytest.mark.parametrize(
    "bad",
    [
        {"GrowthFactor": 150.0},
        {"DeploymentDurationInMinutes": 1441},
        {"FinalBakeTimeInMinutes": 2000},
    ],
)
def test_strategy_out_of_range_is_a_bad_request(aws: ClientFactory, bad: dict[str, object]) -> None:
    appconfig = aws("appconfig")
    request = {"Name": "bad", "DeploymentDurationInMinutes": 1, "GrowthFactor": 10.0, **bad}
    before = len(appconfig.list_deployment_strategies()["Items"])
    with pytest.raises(ClientError) as excinfo:
        appconfig.create_deployment_strategy(**request)
    assert _code(excinfo) == ("BadRequestException", 400)
    assert len(appconfig.list_deployment_strategies()["Items"]) == before


def test_bad_update_changes_nothing(aws: ClientFactory) -> None:
    appconfig = aws("appconfig")
    strategy_id = appconfig.create_deployment_strategy(
        Name="s", DeploymentDurationInMinutes=1, GrowthFactor=10.0
    )["Id"]
    with pytest.raises(ClientError) as excinfo:
        appconfig.update_deployment_strategy(
            DeploymentStrategyId=strategy_id, DeploymentDurationInMinutes=5, GrowthFactor=101.0
        )
    assert _code(excinfo) == ("BadRequestException", 400)
    fetched = appconfig.get_deployment_strategy(DeploymentStrategyId=strategy_id)
    assert (fetched["DeploymentDurationInMinutes"], fetched["GrowthFactor"]) == (1, 10.0)


def test_predefined_strategies_cannot_be_changed(aws: ClientFactory) -> None:
    appconfig = aws("appconfig")
    with pytest.raises(ClientError) as excinfo:
        appconfig.update_deployment_strategy(
            DeploymentStrategyId="AppConfig.AllAtOnce", GrowthFactor=50.0
        )
    assert _code(excinfo) == ("BadRequestException", 400)
    with pytest.raises(ClientError) as excinfo:
        appconfig.delete_deployment_strategy(DeploymentStrategyId="AppConfig.AllAtOnce")
    assert _code(excinfo) == ("BadRequestException", 400)


# ------------------------------------------------------------------ applications and tags


def test_list_applications_pages_through_every_application(aws: ClientFactory) -> None:
    appconfig = aws("appconfig")
    names = {f"list-{uuid.uuid4().hex[:6]}" for _ in range(3)}
    ids = {appconfig.create_application(Name=name)["Id"] for name in names}
    seen: dict[str, str] = {}
    token: str | None = None
    while True:
        page = appconfig.list_applications(MaxResults=2, **({"NextToken": token} if token else {}))
        assert len(page["Items"]) <= 2
        seen.update({item["Id"]: item["Name"] for item in page["Items"]})
        token = page.get("NextToken")
        if token is None:
            break
    assert ids <= set(seen)
    assert {seen[i] for i in ids} == names


def test_application_without_description_reads_back_without_one(aws: ClientFactory) -> None:
    appconfig = aws("appconfig")
    app_id = appconfig.create_application(Name="plain")["Id"]
    assert "Description" not in appconfig.get_application(ApplicationId=app_id)


def test_application_with_environments_or_profiles_cannot_be_deleted(aws: ClientFactory) -> None:
    appconfig = aws("appconfig")
    app_id = appconfig.create_application(Name="parent")["Id"]
    env_id = appconfig.create_environment(ApplicationId=app_id, Name="a")["Id"]
    profile_id = appconfig.create_configuration_profile(
        ApplicationId=app_id, Name="p", LocationUri="hosted"
    )["Id"]
    for child in ("environments", "configuration profiles"):
        with pytest.raises(ClientError) as excinfo:
            appconfig.delete_application(ApplicationId=app_id)
        assert _code(excinfo) == ("BadRequestException", 400)
        assert child in excinfo.value.response["Error"]["Message"]
        if child == "environments":
            appconfig.delete_environment(ApplicationId=app_id, EnvironmentId=env_id)
    assert (
        appconfig.get_configuration_profile(
            ApplicationId=app_id, ConfigurationProfileId=profile_id
        )["Id"]
        == profile_id
    )
    appconfig.delete_configuration_profile(ApplicationId=app_id, ConfigurationProfileId=profile_id)
    appconfig.delete_application(ApplicationId=app_id)
    with pytest.raises(ClientError) as excinfo:
        appconfig.get_application(ApplicationId=app_id)
    assert _code(excinfo) == ("ResourceNotFoundException", 404)


def test_profile_with_a_deployment_in_progress_cannot_be_deleted(
    world: FlagWorld, time_factor: Callable[[float], float]
) -> None:
    time_factor(1.0)
    number = world.put({"flags": {}})
    world.deploy(number)
    world.appconfig.delete_hosted_configuration_version(
        ApplicationId=world.app_id, ConfigurationProfileId=world.profile_id, VersionNumber=number
    )
    with pytest.raises(ClientError) as excinfo:
        world.appconfig.delete_configuration_profile(
            ApplicationId=world.app_id, ConfigurationProfileId=world.profile_id
        )
    assert _code(excinfo) == ("ConflictException", 409)
    assert world.environment_state() == "DEPLOYING"


def test_deleting_an_unknown_application_is_not_found(aws: ClientFactory) -> None:
    with pytest.raises(ClientError) as excinfo:
        aws("appconfig").delete_application(ApplicationId="nope123")
    assert _code(excinfo) == ("ResourceNotFoundException", 404)


def test_bad_pagination_token_is_a_bad_request(aws: ClientFactory) -> None:
    with pytest.raises(ClientError) as excinfo:
        aws("appconfig").list_applications(NextToken="not-a-token")
    assert _code(excinfo) == ("BadRequestException", 400)


def test_tag_and_untag_an_application(aws: ClientFactory) -> None:
    appconfig = aws("appconfig")
    app_id = appconfig.create_application(Name="tagged", Tags={"a": "1"})["Id"]
    arn = f"{ACCOUNT_ARN}:application/{app_id}"
    appconfig.tag_resource(ResourceArn=arn, Tags={"b": "2"})
    assert appconfig.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"a": "1", "b": "2"}
    appconfig.untag_resource(ResourceArn=arn, TagKeys=["a"])
    assert appconfig.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"b": "2"}


def test_tags_of_an_unknown_resource_are_not_found(aws: ClientFactory) -> None:
    with pytest.raises(ClientError) as excinfo:
        aws("appconfig").list_tags_for_resource(ResourceArn=f"{ACCOUNT_ARN}:application/nope123")
    assert _code(excinfo) == ("ResourceNotFoundException", 404)


# ------------------------------------------------------------------ model limits


def test_limits_botocore_leaves_to_the_service_are_enforced(aws: ClientFactory) -> None:
    appconfig = aws("appconfig")
    before = len(appconfig.list_applications()["Items"])
    refused = [
        lambda: appconfig.create_application(Name="x" * 65),
        lambda: appconfig.create_deployment_strategy(
            Name="s", DeploymentDurationInMinutes=1, GrowthFactor=10.0, GrowthType="FAST"
        ),
        lambda: appconfig.create_application(Name="tags", Tags={f"k{i}": "v" for i in range(51)}),
    ]
    for call in refused:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert _code(excinfo) == ("BadRequestException", 400)
    assert len(appconfig.list_applications()["Items"]) == before


def test_an_environment_takes_at_most_five_monitors(aws: ClientFactory) -> None:
    appconfig = aws("appconfig")
    app_id = appconfig.create_application(Name="monitors")["Id"]
    monitors = [{"AlarmArn": f"{ALARM}-{i}"} for i in range(6)]
    with pytest.raises(ClientError) as excinfo:
        appconfig.create_environment(ApplicationId=app_id, Name="e", Monitors=monitors)
    assert _code(excinfo) == ("BadRequestException", 400)
    assert "Monitors must have at most 5 items" in str(excinfo.value)
    assert appconfig.list_environments(ApplicationId=app_id)["Items"] == []
