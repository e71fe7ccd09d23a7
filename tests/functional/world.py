"""The world the function runs in, inside the project's AWS emulator.

`build_world` makes an application, an environment, a configuration profile with a
deployed first version, a topic with an SQS subscription (to read the notifications),
and sets the function's environment variables; `World` reads and drives it through the
tests' own clients.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from flag_rollback.handler import handler, reset_container

from tests.events import alarm_message, sns_event

REGION = "us-east-1"
# The errors AWS may give a stale LatestVersionNumber (no AWS text says which): race tests
# run under each with `@pytest.mark.parametrize("emulator", STALE_VERSION_ERRORS,
# indirect=True)`; other tests get the emulator's default (ConflictException).
STALE_VERSION_ERRORS = ["ConflictException", "BadRequestException"]


_SESSION = boto3.session.Session(region_name=REGION)
_TEST_CLIENTS: dict[str, Any] = {}


def shared_client(service_name: str) -> Any:
    """The tests' own clients, one per service per process (moto intercepts them all)."""
    if service_name not in _TEST_CLIENTS:
        _TEST_CLIENTS[service_name] = _SESSION.client(service_name)  # type: ignore[call-overload]
    return _TEST_CLIENTS[service_name]


def alarm_name(flag: str) -> str:
    return f"FeatureFlag-{flag}-ErrorRate"


@dataclass
class World:
    """The AWS side of one test, seen through the test's own clients."""

    app_id: str
    env_id: str
    profile_id: str
    topic_arn: str
    queue_url: str
    content_type: str
    monkeypatch: pytest.MonkeyPatch
    appconfig: Any = field(default_factory=lambda: shared_client("appconfig"))
    cloudwatch: Any = field(default_factory=lambda: shared_client("cloudwatch"))
    sqs: Any = field(default_factory=lambda: shared_client("sqs"))

    # ---------------------------------------------------------------- the function

    def configure(self, **overrides: str | None) -> None:
        """Set the function's environment variables and forget the container's caches."""
        values: dict[str, str | None] = {
            "APPCONFIG_APPLICATION_ID": self.app_id,
            "APPCONFIG_ENVIRONMENT_ID": self.env_id,
            "APPCONFIG_CONFIGURATION_PROFILE_ID": self.profile_id,
            "NOTIFICATION_TOPIC_ARN": self.topic_arn,
            "DRY_RUN": "false",
        } | overrides
        for name, value in values.items():
            if value is None:
                self.monkeypatch.delenv(name, raising=False)
            else:
                self.monkeypatch.setenv(name, value)
        reset_container()

    def invoke(self, event: object) -> dict[str, Any]:
        return handler(event, None)

    def alarm(self, *flags: str, state: str = "ALARM") -> dict[str, Any]:
        """Deliver an SNS event with one alarm record per flag."""
        return self.invoke(sns_event(*(alarm_message(alarm_name(flag), state) for flag in flags)))

    # ---------------------------------------------------------------- AppConfig

    def create_version(self, document: dict[str, Any] | bytes, label: str | None = None) -> int:
        content = document if isinstance(document, bytes) else json.dumps(document).encode()
        response = self.appconfig.create_hosted_configuration_version(
            ApplicationId=self.app_id,
            ConfigurationProfileId=self.profile_id,
            Content=content,
            ContentType=self.content_type,
            **({"VersionLabel": label} if label else {}),
        )
        return int(response["VersionNumber"])

    def start(self, version: int, profile_id: str | None = None) -> int:
        response = self.appconfig.start_deployment(
            ApplicationId=self.app_id,
            EnvironmentId=self.env_id,
            DeploymentStrategyId="AppConfig.AllAtOnce",
            ConfigurationProfileId=profile_id or self.profile_id,
            ConfigurationVersion=str(version),
        )
        return int(response["DeploymentNumber"])

    def deploy(self, document: dict[str, Any] | bytes) -> int:
        version = self.create_version(document)
        self.start(version)
        self.wait_idle()
        return version

    def deployments(self) -> list[dict[str, Any]]:
        """ListDeployments, newest first."""
        return self.appconfig.list_deployments(
            ApplicationId=self.app_id, EnvironmentId=self.env_id
        )["Items"]

    def wait_idle(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while any(d["State"] in {"DEPLOYING", "BAKING", "VALIDATING"} for d in self.deployments()):
            assert time.monotonic() < deadline, "deployment did not finish"
            time.sleep(0.05)

    def versions(self) -> list[dict[str, Any]]:
        return self.appconfig.list_hosted_configuration_versions(
            ApplicationId=self.app_id, ConfigurationProfileId=self.profile_id
        )["Items"]

    def version(self, number: int) -> dict[str, Any]:
        response = self.appconfig.get_hosted_configuration_version(
            ApplicationId=self.app_id, ConfigurationProfileId=self.profile_id, VersionNumber=number
        )
        response["Body"] = response["Content"].read()
        return response

    def deployed_version(self) -> int:
        self.wait_idle()
        mine = [d for d in self.deployments() if d["ConfigurationName"] == "flags"]
        return int(next(d for d in mine if d["State"] == "COMPLETE")["ConfigurationVersion"])

    def deployed(self) -> dict[str, Any]:
        """The document the environment serves once every deployment has finished."""
        return json.loads(self.version(self.deployed_version())["Body"])

    # ---------------------------------------------------------------- CloudWatch, SNS

    def put_alarm(self, flag: str, state: str = "ALARM", name: str | None = None) -> None:
        name = name or alarm_name(flag)
        self.cloudwatch.put_metric_alarm(
            AlarmName=name,
            Namespace="FeatureFlags",
            MetricName="Errors",
            Dimensions=[{"Name": "FeatureFlagName", "Value": flag}],
            Statistic="Sum",
            Period=60,
            EvaluationPeriods=1,
            Threshold=5,
            ComparisonOperator="GreaterThanThreshold",
        )
        self.cloudwatch.set_alarm_state(AlarmName=name, StateValue=state, StateReason="test")

    def notifications(self) -> list[dict[str, Any]]:
        """Every notification published so far (SNS envelopes with the parsed JSON body)."""
        found = []
        while True:
            batch = self.sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
            ).get("Messages", [])
            if not batch:
                return found
            for message in batch:
                envelope = json.loads(message["Body"])
                envelope["Document"] = json.loads(envelope["Message"])
                found.append(envelope)
                self.sqs.delete_message(
                    QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"]
                )


def build_world(
    monkeypatch: pytest.MonkeyPatch,
    document: dict[str, Any],
    *,
    profile_type: str = "AWS.Freeform",
    content_type: str = "application/json",
) -> World:
    appconfig = shared_client("appconfig")
    app_id = appconfig.create_application(Name="shop")["Id"]
    env_id = appconfig.create_environment(ApplicationId=app_id, Name="prod")["Id"]
    profile_id = appconfig.create_configuration_profile(
        ApplicationId=app_id, Name="flags", LocationUri="hosted", Type=profile_type
    )["Id"]
    sns = shared_client("sns")
    sqs = shared_client("sqs")
    topic_arn = sns.create_topic(Name="flag-rollback")["TopicArn"]
    queue_url = sqs.create_queue(QueueName="flag-rollback-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    world = World(app_id, env_id, profile_id, topic_arn, queue_url, content_type, monkeypatch)
    world.deploy(document)
    world.configure()
    return world
