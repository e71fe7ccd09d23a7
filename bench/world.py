"""The AWS side of a figure, built in the emulator through the harness's own clients.

An application, an environment, a feature-flag profile with every flag enabled and deployed,
a deployment strategy, a notification topic, and one CloudWatch alarm per flag whose ALARM
action is an SNS topic with an SQS subscription: alarms are fired with SetAlarmState and the
events the function receives are the messages CloudWatch really published, wrapped as
Lambda's SNS event. The harness's calls are never counted (see CallCounter.tracking).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import boto3

from bench.common import BenchError
from emulator.core import config as emulator_config
from tools.harness.env import REGION

ALARM_NAME_FORMAT = "FeatureFlag-{}-ErrorRate"
CONTENT_TYPE = "application/json"
PROFILE_TYPE = "AWS.AppConfig.FeatureFlags"
EVENT_WAIT_S = 15.0


def alarm_name(flag: str) -> str:
    """The module's default alarm name of a flag."""
    return ALARM_NAME_FORMAT.format(flag)


def flag_names(count: int, prefix: str = "flag") -> tuple[str, ...]:
    """flag000, flag001, ...: valid AppConfig flag keys, sorted as created."""
    return tuple(f"{prefix}{index:03d}" for index in range(count))


def feature_flags_document(flags: Iterable[str], disabled: Iterable[str] = ()) -> dict[str, Any]:
    """An AWS.AppConfig.FeatureFlags document with every flag enabled except `disabled`."""
    off = set(disabled)
    names = list(flags)
    return {
        "flags": {name: {"name": name} for name in names},
        "values": {name: {"enabled": name not in off} for name in names},
        "version": "1",
    }


def disabled_flags(document: dict[str, Any] | None) -> set[str]:
    """The flags switched off in a stored FeatureFlags document (``values``) or in what
    AppConfig Data serves for one (the values map ``{flag: {"enabled": ...}}``)."""
    if not document:
        return set()
    values = document["values"] if "version" in document else document
    return {name for name, value in values.items() if not value.get("enabled", False)}


def lambda_sns_event(envelope: dict[str, Any], subscription_arn: str) -> dict[str, Any]:
    """Lambda's SNS event for one message, from the envelope SNS delivered to SQS."""
    record = {
        "Type": envelope.get("Type", "Notification"),
        "MessageId": envelope["MessageId"],
        "TopicArn": envelope["TopicArn"],
        "Subject": envelope.get("Subject"),
        "Message": envelope["Message"],
        "Timestamp": envelope.get("Timestamp"),
        "SignatureVersion": envelope.get("SignatureVersion", "1"),
        "Signature": envelope.get("Signature", ""),
        "SigningCertUrl": envelope.get("SigningCertURL", ""),
        "UnsubscribeUrl": envelope.get("UnsubscribeURL", ""),
        "MessageAttributes": envelope.get("MessageAttributes", {}),
    }
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": subscription_arn,
                "Sns": record,
            }
        ]
    }


@dataclass
class World:
    """IDs of what was created, and the harness's clients (created inside the emulator)."""

    flags: tuple[str, ...]
    app_id: str
    env_id: str
    profile_id: str
    strategy_id: str
    topic_arn: str
    alarm_topic_arn: str
    queue_url: str
    subscription_arn: str
    clients: dict[str, Any] = field(repr=False)

    @classmethod
    def create(
        cls, flags: tuple[str, ...], *, deployment_minutes: int = 0, bake_minutes: int = 0
    ) -> World:
        """Build the world inside an active emulator; every flag enabled and deployed."""
        clients: dict[str, Any] = {
            name: boto3.session.Session().client(name, region_name=REGION)
            for name in ("appconfig", "appconfigdata", "cloudwatch", "sns", "sqs")
        }
        appconfig = clients["appconfig"]
        app_id = appconfig.create_application(Name="bench")["Id"]
        env_id = appconfig.create_environment(ApplicationId=app_id, Name="production")["Id"]
        profile_id = appconfig.create_configuration_profile(
            ApplicationId=app_id, Name="flags", LocationUri="hosted", Type=PROFILE_TYPE
        )["Id"]
        strategy_id = appconfig.create_deployment_strategy(
            Name="bench",
            DeploymentDurationInMinutes=deployment_minutes,
            FinalBakeTimeInMinutes=bake_minutes,
            GrowthFactor=100,
            GrowthType="LINEAR",
            ReplicateTo="NONE",
        )["Id"]
        sns, sqs = clients["sns"], clients["sqs"]
        topic_arn = sns.create_topic(Name="bench-notifications")["TopicArn"]
        alarm_topic_arn = sns.create_topic(Name="bench-alarms")["TopicArn"]
        queue_url = sqs.create_queue(QueueName="bench-alarm-events")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        subscription_arn = sns.subscribe(
            TopicArn=alarm_topic_arn, Protocol="sqs", Endpoint=queue_arn
        )["SubscriptionArn"]
        world = cls(
            flags,
            app_id,
            env_id,
            profile_id,
            strategy_id,
            topic_arn,
            alarm_topic_arn,
            queue_url,
            subscription_arn,
            clients,
        )
        for flag in flags:
            world.put_alarm(flag)
        world.deploy_instantly(feature_flags_document(flags))
        return world

    # ---------------------------------------------------------------- the function

    def function_environment(self) -> dict[str, str]:
        """The environment variables the module gives the function."""
        return {
            "APPCONFIG_APPLICATION_ID": self.app_id,
            "APPCONFIG_ENVIRONMENT_ID": self.env_id,
            "APPCONFIG_CONFIGURATION_PROFILE_ID": self.profile_id,
            "APPCONFIG_DEPLOYMENT_STRATEGY_ID": self.strategy_id,
            "NOTIFICATION_TOPIC_ARN": self.topic_arn,
            "DRY_RUN": "false",
        }

    def configure(self, function: ModuleType) -> None:
        """Point the function at this world: a new container (settings, clients, caches)."""
        os.environ.update(self.function_environment())
        function.reset_container()

    # ---------------------------------------------------------------- AppConfig

    def create_version(self, document: dict[str, Any]) -> int:
        response = self.clients["appconfig"].create_hosted_configuration_version(
            ApplicationId=self.app_id,
            ConfigurationProfileId=self.profile_id,
            Content=json.dumps(document).encode(),
            ContentType=CONTENT_TYPE,
        )
        return int(response["VersionNumber"])

    def deploy_instantly(self, document: dict[str, Any]) -> int:
        """Write and deploy a document, complete at once whatever the bench's time factor."""
        version = self.create_version(document)
        previous = emulator_config.set_deployment_time_factor(0.0)
        try:
            self.clients["appconfig"].start_deployment(
                ApplicationId=self.app_id,
                EnvironmentId=self.env_id,
                DeploymentStrategyId=self.strategy_id,
                ConfigurationProfileId=self.profile_id,
                ConfigurationVersion=str(version),
            )
        finally:
            emulator_config.set_deployment_time_factor(previous)
        return version

    def deployments(self) -> list[dict[str, Any]]:
        """Every deployment of the environment, newest first."""
        items: list[dict[str, Any]] = []
        paginator = self.clients["appconfig"].get_paginator("list_deployments")
        for page in paginator.paginate(ApplicationId=self.app_id, EnvironmentId=self.env_id):
            items.extend(page["Items"])
        return sorted(items, key=lambda item: -int(item["DeploymentNumber"]))

    def hosted_versions(self) -> list[int]:
        """Every hosted version number of the profile, ascending."""
        numbers: list[int] = []
        paginator = self.clients["appconfig"].get_paginator("list_hosted_configuration_versions")
        pages = paginator.paginate(
            ApplicationId=self.app_id, ConfigurationProfileId=self.profile_id
        )
        for page in pages:
            numbers.extend(int(item["VersionNumber"]) for item in page["Items"])
        return sorted(numbers)

    def version_document(self, version: int) -> dict[str, Any]:
        response = self.clients["appconfig"].get_hosted_configuration_version(
            ApplicationId=self.app_id, ConfigurationProfileId=self.profile_id, VersionNumber=version
        )
        document: dict[str, Any] = json.loads(response["Content"].read())
        return document

    def deployed_document(self) -> dict[str, Any] | None:
        """What the environment serves, read as applications do (AppConfig Data): for a
        FeatureFlags profile the flag values map; None while nothing is deployed."""
        data = self.clients["appconfigdata"]
        try:
            token = data.start_configuration_session(
                ApplicationIdentifier=self.app_id,
                EnvironmentIdentifier=self.env_id,
                ConfigurationProfileIdentifier=self.profile_id,
            )["InitialConfigurationToken"]
            body = data.get_latest_configuration(ConfigurationToken=token)["Configuration"].read()
        except data.exceptions.ResourceNotFoundException:
            return None
        document: dict[str, Any] = json.loads(body)
        return document

    # ---------------------------------------------------------------- alarms and events

    def put_alarm(self, flag: str) -> None:
        """The module's alarm shape, reduced to what the bench needs: an ALARM action."""
        self.clients["cloudwatch"].put_metric_alarm(
            AlarmName=alarm_name(flag),
            Namespace="FeatureFlags",
            MetricName="Errors",
            Dimensions=[{"Name": "FeatureFlagName", "Value": flag}],
            Statistic="Sum",
            Period=60,
            EvaluationPeriods=3,
            DatapointsToAlarm=3,
            Threshold=5,
            ComparisonOperator="GreaterThanThreshold",
            TreatMissingData="notBreaching",
            AlarmActions=[self.alarm_topic_arn],
        )

    def set_state(self, flags: Iterable[str], state: str) -> None:
        for flag in flags:
            self.clients["cloudwatch"].set_alarm_state(
                AlarmName=alarm_name(flag), StateValue=state, StateReason=f"bench: {state}"
            )

    def fire(self, flags: Iterable[str]) -> list[dict[str, Any]]:
        """Put the flags' alarms in ALARM; return the Lambda SNS events CloudWatch caused."""
        wanted = {alarm_name(flag) for flag in flags}
        self.set_state(sorted(flag for flag in self.flags if alarm_name(flag) in wanted), "ALARM")
        events: dict[str, dict[str, Any]] = {}
        deadline = time.monotonic() + EVENT_WAIT_S
        sqs = self.clients["sqs"]
        while len(events) < len(wanted) and time.monotonic() < deadline:
            messages = sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get(
                "Messages", []
            )
            for message in messages:
                envelope = json.loads(message["Body"])
                alarm = json.loads(envelope["Message"])
                if alarm.get("NewStateValue") == "ALARM" and alarm["AlarmName"] in wanted:
                    events[alarm["AlarmName"]] = lambda_sns_event(envelope, self.subscription_arn)
                sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        if len(events) < len(wanted):
            missing = sorted(wanted - set(events))
            raise BenchError(f"CloudWatch published no ALARM message for {missing[:5]}")
        return [events[name] for name in sorted(events)]

    def calm(self, flags: Iterable[str]) -> None:
        """Alarms back to OK (no OK action is configured, so nothing is published)."""
        self.set_state(flags, "OK")
