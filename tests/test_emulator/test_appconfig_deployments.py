"""AppConfig deployments: StartDeployment/GetDeployment/ListDeployments/StopDeployment.

Each test runs in-process and over the HTTP server (the `world` fixture). Timings use the
deployment time factor: 1.0 keeps a deployment in its state for minutes (no waiting
needed), 0.01 turns the 1-minute Linear50PercentEvery30Seconds strategy into 0.6 s.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from botocore.exceptions import ClientError

from emulator import EmulatorThread
from emulator.appconfig.deployments import PREDEFINED_STRATEGIES, percentage_at
from tests.test_emulator.conftest import ClientFactory, FlagWorld

ON = {"flags": {"checkout": {"enabled": True}}}
OFF = {"flags": {"checkout": {"enabled": False}}}


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def _states_until_complete(world: FlagWorld, number: int, timeout: float = 10.0) -> list[str]:
    """Poll GetDeployment; return the distinct states seen, in order, up to COMPLETE."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = world.deployment(number)["State"]
        if not seen or seen[-1] != state:
            seen.append(state)
        if state == "COMPLETE":
            return seen
        time.sleep(0.03)
    raise AssertionError(f"deployment {number} did not complete in {timeout}s: {seen}")


def test_deployment_completes_at_once_with_the_default_factor(world: FlagWorld) -> None:
    version = world.put(ON, VersionLabel="v1")
    started = world.deploy(version)
    assert started["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert started["DeploymentNumber"] == 1
    assert started["State"] == "COMPLETE"
    assert started["PercentageComplete"] == 100.0
    assert started["ConfigurationName"] == "flags"
    assert started["ConfigurationLocationUri"] == "hosted"
    assert started["ConfigurationVersion"] == str(version)
    assert started["VersionLabel"] == "v1"
    assert started["DeploymentStrategyId"] == "AppConfig.AllAtOnce"
    assert started["FinalBakeTimeInMinutes"] == 10
    assert started["CompletedAt"] >= started["StartedAt"]
    events = [e["EventType"] for e in started["EventLog"]]
    assert events[0] == "DEPLOYMENT_COMPLETED"
    assert events[-1] == "DEPLOYMENT_STARTED"
    assert world.environment_state() == "READY_FOR_DEPLOYMENT"
    assert json.loads(world.served()) == ON


def test_deployment_goes_deploying_baking_complete(
    world: FlagWorld, time_factor: Callable[[float], float]
) -> None:
    time_factor(0.01)  # Linear50PercentEvery30Seconds: 1 min + 1 min bake -> 0.6 s + 0.6 s
    started = world.deploy(world.put(ON), "AppConfig.Linear50PercentEvery30Seconds")
    assert world.deployment(1)["State"] == "DEPLOYING"
    assert started["PercentageComplete"] < 100.0
    assert world.environment_state() == "DEPLOYING"
    seen = _states_until_complete(world, 1)
    # Polling may miss the 0.6 s bake on a loaded machine; the order may never change.
    assert seen in (["DEPLOYING", "BAKING", "COMPLETE"], ["DEPLOYING", "COMPLETE"])
    done = world.deployment(1)
    assert done["PercentageComplete"] == 100.0
    bake = next(e for e in done["EventLog"] if e["EventType"] == "BAKE_TIME_STARTED")
    # VALIDATING lasts 0.005 strategy minutes (3 ms at this factor) before DEPLOYING.
    deploying = (bake["OccurredAt"] - done["StartedAt"]).total_seconds() - 0.003
    baking = (done["CompletedAt"] - bake["OccurredAt"]).total_seconds()
    assert deploying == pytest.approx(0.6, abs=0.01)
    assert baking == pytest.approx(0.6, abs=0.01)
    assert [e["EventType"] for e in done["EventLog"]] == [
        "DEPLOYMENT_COMPLETED",
        "BAKE_TIME_STARTED",
        "PERCENTAGE_UPDATED",
        "DEPLOYMENT_STARTED",
    ]
    assert world.environment_state() == "READY_FOR_DEPLOYMENT"


def test_second_deployment_while_one_is_in_progress_is_a_conflict(
    world: FlagWorld, time_factor: Callable[[float], float]
) -> None:
    time_factor(1.0)
    world.deploy(world.put(ON))  # AllAtOnce: bakes for 10 minutes
    assert world.deployment(1)["State"] == "BAKING"
    off = world.put(OFF)
    with pytest.raises(ClientError) as excinfo:
        world.deploy(off)
    assert _error(excinfo) == ("ConflictException", 409)
    listed = world.appconfig.list_deployments(
        ApplicationId=world.app_id, EnvironmentId=world.env_id
    )
    assert [d["DeploymentNumber"] for d in listed["Items"]] == [1]


def test_stop_during_deploying_rolls_back_to_the_previous_version(
    world: FlagWorld, time_factor: Callable[[float], float]
) -> None:
    world.deploy(world.put(ON))
    time_factor(1.0)
    world.deploy(world.put(OFF), "AppConfig.Linear20PercentEvery6Minutes")
    assert world.deployment(2)["State"] == "DEPLOYING"
    assert json.loads(world.served()) == OFF
    stopped = world.appconfig.stop_deployment(
        ApplicationId=world.app_id, EnvironmentId=world.env_id, DeploymentNumber=2
    )
    assert stopped["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert stopped["State"] == "ROLLING_BACK"  # 0.3 s at factor 1.0
    assert world.environment_state() == "ROLLING_BACK"
    assert json.loads(world.served()) == ON  # clients go back at once
    rolled_back = world.wait_while(2, "ROLLING_BACK")
    assert rolled_back["State"] == "ROLLED_BACK"
    assert {"ROLLBACK_STARTED", "ROLLBACK_COMPLETED"} <= {
        e["EventType"] for e in rolled_back["EventLog"]
    }
    assert world.environment_state() == "ROLLED_BACK"
    assert json.loads(world.served()) == ON


def test_stop_during_bake_rolls_back_with_allow_revert(
    world: FlagWorld, time_factor: Callable[[float], float]
) -> None:
    world.deploy(world.put(ON))
    time_factor(1.0)
    world.deploy(world.put(OFF))
    assert world.deployment(2)["State"] == "BAKING"
    stopped = world.appconfig.stop_deployment(
        ApplicationId=world.app_id,
        EnvironmentId=world.env_id,
        DeploymentNumber=2,
        AllowRevert=True,
    )
    assert stopped["State"] == "ROLLING_BACK"
    assert json.loads(world.served()) == ON
    assert world.wait_while(2, "ROLLING_BACK")["State"] == "ROLLED_BACK"
    # The environment is free again: a new deployment may start.
    assert world.deploy(world.put(OFF))["DeploymentNumber"] == 3


def test_stopping_a_completed_deployment_needs_allow_revert(world: FlagWorld) -> None:
    world.deploy(world.put(ON))
    world.deploy(world.put(OFF))
    with pytest.raises(ClientError) as excinfo:
        world.appconfig.stop_deployment(
            ApplicationId=world.app_id, EnvironmentId=world.env_id, DeploymentNumber=2
        )
    assert _error(excinfo) == ("BadRequestException", 400)
    assert world.deployment(2)["State"] == "COMPLETE"
    reverted = world.appconfig.stop_deployment(
        ApplicationId=world.app_id,
        EnvironmentId=world.env_id,
        DeploymentNumber=2,
        AllowRevert=True,
    )
    assert reverted["State"] == "REVERTED"
    assert world.environment_state() == "REVERTED"
    assert json.loads(world.served()) == ON


def test_validator_rejects_invalid_content_and_deploys_nothing(world: FlagWorld) -> None:
    bad = world.put({"flags": {"checkout": {"enabled": "yes"}}})
    with pytest.raises(ClientError) as excinfo:
        world.deploy(bad)
    assert _error(excinfo) == ("BadRequestException", 400)
    response = excinfo.value.response
    assert response["Reason"] == "InvalidConfiguration"
    (detail,) = response["Details"]["InvalidConfiguration"]
    assert detail["Type"] == "JSON_SCHEMA"
    assert detail["Location"] == "$.flags.checkout.enabled"
    listed = world.appconfig.list_deployments(
        ApplicationId=world.app_id, EnvironmentId=world.env_id
    )
    assert listed["Items"] == []
    assert world.environment_state() == "READY_FOR_DEPLOYMENT"


def test_validator_rejects_content_that_is_not_json(world: FlagWorld) -> None:
    version = world.put(b"flags: {checkout: on}", ContentType="application/x-yaml")
    with pytest.raises(ClientError) as excinfo:
        world.deploy(version)
    assert _error(excinfo) == ("BadRequestException", 400)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("EnvironmentId", "nope123"),
        ("DeploymentStrategyId", "nope123"),
        ("ConfigurationProfileId", "nope123"),
        ("ConfigurationVersion", "99"),
        ("ConfigurationVersion", "no-such-label"),
    ],
)
def test_start_deployment_with_unknown_ids_is_not_found(
    world: FlagWorld, field: str, value: str
) -> None:
    world.put(ON)
    request = {
        "ApplicationId": world.app_id,
        "EnvironmentId": world.env_id,
        "DeploymentStrategyId": "AppConfig.AllAtOnce",
        "ConfigurationProfileId": world.profile_id,
        "ConfigurationVersion": "1",
        field: value,
    }
    with pytest.raises(ClientError) as excinfo:
        world.appconfig.start_deployment(**request)
    assert _error(excinfo) == ("ResourceNotFoundException", 404)


def test_get_and_stop_unknown_deployment_are_not_found(world: FlagWorld) -> None:
    for call in (world.appconfig.get_deployment, world.appconfig.stop_deployment):
        with pytest.raises(ClientError) as excinfo:
            call(ApplicationId=world.app_id, EnvironmentId=world.env_id, DeploymentNumber=7)
        assert _error(excinfo) == ("ResourceNotFoundException", 404)


def test_deploy_by_version_label_and_list_newest_first(world: FlagWorld) -> None:
    world.put(ON, VersionLabel="v1.0")
    world.put(OFF, VersionLabel="v1.1")
    world.deploy("v1.0")
    second = world.deploy("v1.1")
    assert second["ConfigurationVersion"] == "2"
    assert second["VersionLabel"] == "v1.1"
    listed = world.appconfig.list_deployments(
        ApplicationId=world.app_id, EnvironmentId=world.env_id
    )
    assert [(d["DeploymentNumber"], d["State"]) for d in listed["Items"]] == [
        (2, "COMPLETE"),
        (1, "COMPLETE"),
    ]
    page = world.appconfig.list_deployments(
        ApplicationId=world.app_id, EnvironmentId=world.env_id, MaxResults=1
    )
    assert [d["DeploymentNumber"] for d in page["Items"]] == [2]
    rest = world.appconfig.list_deployments(
        ApplicationId=world.app_id, EnvironmentId=world.env_id, NextToken=page["NextToken"]
    )
    assert [d["DeploymentNumber"] for d in rest["Items"]] == [1]
    assert json.loads(world.served()) == OFF


def test_config_route_controls_deployment_timing_over_http(
    emulator_server: EmulatorThread, server_clients: ClientFactory
) -> None:
    url = f"{emulator_server.endpoint}/_emulator/config"
    appconfig = server_clients("appconfig")
    app = appconfig.create_application(Name="timing")
    env = appconfig.create_environment(ApplicationId=app["Id"], Name="e")
    profile = appconfig.create_configuration_profile(
        ApplicationId=app["Id"], Name="p", LocationUri="hosted"
    )
    appconfig.create_hosted_configuration_version(
        ApplicationId=app["Id"],
        ConfigurationProfileId=profile["Id"],
        Content=b"{}",
        ContentType="application/json",
    )
    try:
        assert requests.post(url, json={"deployment_time_factor": 1}, timeout=5).ok
        started = appconfig.start_deployment(
            ApplicationId=app["Id"],
            EnvironmentId=env["Id"],
            DeploymentStrategyId="AppConfig.AllAtOnce",
            ConfigurationProfileId=profile["Id"],
            ConfigurationVersion="1",
        )
        assert started["State"] == "BAKING"
    finally:
        requests.post(url, json={"deployment_time_factor": 0}, timeout=5)


@pytest.mark.parametrize(
    ("strategy", "minutes", "expected"),
    [
        ("AppConfig.Linear20PercentEvery6Minutes", 0, 0.0),
        ("AppConfig.Linear20PercentEvery6Minutes", 6, 20.0),
        ("AppConfig.Linear20PercentEvery6Minutes", 13, 40.0),
        ("AppConfig.Linear20PercentEvery6Minutes", 30, 100.0),
        ("AppConfig.Linear50PercentEvery30Seconds", 0.5, 50.0),
        ("AppConfig.Canary10Percent20Minutes", 0, 0.0),
        ("AppConfig.Canary10Percent20Minutes", 4, 10.0),
        ("AppConfig.Canary10Percent20Minutes", 8, 20.0),
        ("AppConfig.Canary10Percent20Minutes", 16, 80.0),
        ("AppConfig.AllAtOnce", 0, 100.0),
    ],
)
def test_percentage_follows_the_user_guide_growth_formulas(
    strategy: str, minutes: float, expected: float
) -> None:
    assert percentage_at(PREDEFINED_STRATEGIES[strategy], minutes) == expected


def _monitored(world: FlagWorld, aws: ClientFactory) -> Callable[[str], None]:
    """Give the environment a monitor alarm; return a function that sets the alarm's state."""
    cloudwatch = aws("cloudwatch")
    name = f"FeatureFlag-checkout-ErrorRate-{world.env_id}"
    cloudwatch.put_metric_alarm(
        AlarmName=name,
        Namespace="FeatureFlags",
        MetricName="Errors",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1.0,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )
    arn = cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["AlarmArn"]
    world.appconfig.update_environment(
        ApplicationId=world.app_id, EnvironmentId=world.env_id, Monitors=[{"AlarmArn": arn}]
    )
    return lambda state: cloudwatch.set_alarm_state(
        AlarmName=name, StateValue=state, StateReason="test"
    )


def test_monitor_alarm_during_bake_rolls_the_deployment_back(
    world: FlagWorld, aws: ClientFactory, time_factor: Callable[[float], float]
) -> None:
    set_alarm = _monitored(world, aws)
    world.deploy(world.put(ON))
    time_factor(1.0)
    world.deploy(world.put(OFF))
    assert world.deployment(2)["State"] == "BAKING"
    set_alarm("ALARM")
    set_alarm("OK")  # back to OK before anyone looks: the history still shows the alarm
    assert world.deployment(2)["State"] in ("ROLLING_BACK", "ROLLED_BACK")
    deployment = world.wait_while(2, "ROLLING_BACK")
    assert deployment["State"] == "ROLLED_BACK"
    (rollback,) = [e for e in deployment["EventLog"] if e["EventType"] == "ROLLBACK_STARTED"]
    assert rollback["TriggeredBy"] == "CLOUDWATCH_ALARM"
    assert world.environment_state() == "ROLLED_BACK"
    assert json.loads(world.served()) == ON


def test_alarm_before_the_deployment_does_not_roll_it_back(
    world: FlagWorld, aws: ClientFactory, time_factor: Callable[[float], float]
) -> None:
    set_alarm = _monitored(world, aws)
    set_alarm("ALARM")
    set_alarm("OK")
    time_factor(1.0)
    world.deploy(world.put(ON))
    assert world.deployment(1)["State"] == "BAKING"


def test_alarm_after_completion_changes_nothing(world: FlagWorld, aws: ClientFactory) -> None:
    set_alarm = _monitored(world, aws)
    world.deploy(world.put(ON))
    set_alarm("ALARM")
    assert world.deployment(1)["State"] == "COMPLETE"
    assert world.environment_state() == "READY_FOR_DEPLOYMENT"


def test_deployment_description_and_tags_read_back(world: FlagWorld) -> None:
    version = world.put(ON)
    started = world.appconfig.start_deployment(
        ApplicationId=world.app_id,
        EnvironmentId=world.env_id,
        DeploymentStrategyId="AppConfig.AllAtOnce",
        ConfigurationProfileId=world.profile_id,
        ConfigurationVersion=str(version),
        Description="roll out checkout",
        Tags={"change": "CHG-1"},
    )
    assert world.deployment(started["DeploymentNumber"])["Description"] == "roll out checkout"
    arn = (
        f"arn:aws:appconfig:us-east-1:123456789012:application/{world.app_id}"
        f"/environment/{world.env_id}/deployment/{started['DeploymentNumber']}"
    )
    assert world.appconfig.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"change": "CHG-1"}
    assert "Description" not in world.deploy(world.put(OFF))


def test_concurrent_starts_let_exactly_one_deployment_through(
    world: FlagWorld, time_factor: Callable[[float], float]
) -> None:
    time_factor(1.0)
    versions = [world.put(ON) for _ in range(6)]

    def start(version: int) -> str:
        try:
            world.deploy(version)
        except ClientError as error:
            return str(error.response["Error"]["Code"])
        return "started"

    with ThreadPoolExecutor(max_workers=len(versions)) as pool:
        outcomes = sorted(pool.map(start, versions))
    assert outcomes == ["ConflictException"] * 5 + ["started"]
    listed = world.appconfig.list_deployments(
        ApplicationId=world.app_id, EnvironmentId=world.env_id
    )
    assert len(listed["Items"]) == 1


def test_a_deployment_keeps_the_factor_it_started_with(
    world: FlagWorld, time_factor: Callable[[float], float]
) -> None:
    time_factor(1.0)
    world.deploy(world.put(ON))
    time_factor(0.0)
    assert world.deployment(1)["State"] == "BAKING"
    with pytest.raises(ClientError) as excinfo:
        world.deploy(world.put(OFF))
    assert _error(excinfo) == ("ConflictException", 409)
