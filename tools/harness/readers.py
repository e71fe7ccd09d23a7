"""Readers of the local stack: deployed flags, deployments, messages, logs and leftovers.

Each takes the ``Aws`` clients and plain identifiers and returns plain data; the
``wait_*``/``receive`` helpers poll until AWS's asynchronous work shows.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from tools.harness import StackError
from tools.harness.clients import Aws

T = TypeVar("T")


def wait_for(
    condition: Callable[[], T | None],
    *,
    what: str,
    timeout: float = 30.0,
    interval: float = 0.1,
) -> T:
    """Poll ``condition`` until it returns a truthy value; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


@dataclass(frozen=True)
class FlagTarget:
    """Where a set of flags lives in AppConfig."""

    application_id: str
    environment_id: str
    profile_id: str


def flag_states(document: Mapping[str, Any]) -> dict[str, bool]:
    """Map each flag of a configuration document to whether it is enabled.

    Reads what AppConfig Data serves for both profile types the function supports, and the
    stored feature-flag document:

    - freeform JSON, served as stored: ``flags.<flag>.enabled``;
    - an ``AWS.AppConfig.FeatureFlags`` profile as applications receive it, the values map
      ``{"<flag>": {"enabled": false, ...attributes}}``;
    - the stored ``AWS.AppConfig.FeatureFlags`` document (``version``, ``flags``,
      ``values.<flag>.enabled``), as a hosted version holds it.
    """
    flags = document.get("flags")
    if isinstance(flags, Mapping) and all(isinstance(v, Mapping) for v in flags.values()):
        if "values" in document and isinstance(document["values"], Mapping):
            values = document["values"]
            return {name: bool(values.get(name, {}).get("enabled")) for name in flags}
        return {name: bool(value.get("enabled")) for name, value in flags.items()}
    if document and all(
        isinstance(value, Mapping) and isinstance(value.get("enabled"), bool)
        for value in document.values()
    ):
        return {name: bool(value["enabled"]) for name, value in document.items()}
    raise StackError(f"not a feature-flag document: {json.dumps(document)[:200]}")


def deployed_document(aws: Aws, target: FlagTarget) -> dict[str, Any]:
    """The configuration deployed to the environment, as applications receive it.

    Read through AppConfig Data (StartConfigurationSession + GetLatestConfiguration): for a
    feature-flag profile that is the flag values map, not the stored document, so a flag
    read disabled here is disabled as the application sees it.
    """
    session = aws.appconfigdata.start_configuration_session(
        ApplicationIdentifier=target.application_id,
        EnvironmentIdentifier=target.environment_id,
        ConfigurationProfileIdentifier=target.profile_id,
    )
    latest = aws.appconfigdata.get_latest_configuration(
        ConfigurationToken=session["InitialConfigurationToken"]
    )
    body = latest["Configuration"].read()
    return json.loads(body) if body else {}


def stored_document(aws: Aws, target: FlagTarget) -> dict[str, Any] | None:
    """The stored document of the newest deployment still served (the hosted version,
    with flag definitions and metadata); None when nothing is deployed."""
    listed = aws.appconfig.list_deployments(
        ApplicationId=target.application_id, EnvironmentId=target.environment_id
    )
    for item in sorted(listed.get("Items", []), key=lambda i: -int(i["DeploymentNumber"])):
        if item["State"] in ("ROLLING_BACK", "ROLLED_BACK", "REVERTED"):
            continue
        version = aws.appconfig.get_hosted_configuration_version(
            ApplicationId=target.application_id,
            ConfigurationProfileId=target.profile_id,
            VersionNumber=int(item["ConfigurationVersion"]),
        )
        document: dict[str, Any] = json.loads(version["Content"].read())
        return document
    return None


def hosted_versions(aws: Aws, target: FlagTarget) -> list[int]:
    """Version numbers of the profile's hosted configuration versions, oldest first."""
    response = aws.appconfig.list_hosted_configuration_versions(
        ApplicationId=target.application_id, ConfigurationProfileId=target.profile_id
    )
    return sorted(item["VersionNumber"] for item in response.get("Items", []))


def deployments(aws: Aws, target: FlagTarget) -> list[dict[str, Any]]:
    """Every deployment to the environment, full detail (GetDeployment), oldest first."""
    listed = aws.appconfig.list_deployments(
        ApplicationId=target.application_id, EnvironmentId=target.environment_id
    )
    numbers = sorted(item["DeploymentNumber"] for item in listed.get("Items", []))
    return [
        dict(
            aws.appconfig.get_deployment(
                ApplicationId=target.application_id,
                EnvironmentId=target.environment_id,
                DeploymentNumber=number,
            )
        )
        for number in numbers
    ]


def latest_deployment(aws: Aws, target: FlagTarget) -> dict[str, Any] | None:
    """The newest deployment to the environment, full detail (GetDeployment); None if none.

    The same as ``deployments(aws, target)[-1]`` with one GetDeployment instead of one each.
    """
    listed = aws.appconfig.list_deployments(
        ApplicationId=target.application_id, EnvironmentId=target.environment_id
    )
    numbers = [item["DeploymentNumber"] for item in listed.get("Items", [])]
    if not numbers:
        return None
    return dict(
        aws.appconfig.get_deployment(
            ApplicationId=target.application_id,
            EnvironmentId=target.environment_id,
            DeploymentNumber=max(numbers),
        )
    )


def wait_deployed(
    aws: Aws, target: FlagTarget, *, after: int = 0, timeout: float = 30.0
) -> dict[str, Any]:
    """Wait until the newest deployment, numbered above ``after``, is COMPLETE; return it."""

    def latest_complete() -> dict[str, Any] | None:
        latest = latest_deployment(aws, target)
        if latest and latest["DeploymentNumber"] > after and latest["State"] == "COMPLETE":
            return latest
        return None

    return wait_for(latest_complete, what="the latest deployment to complete", timeout=timeout)


def drain_queue(aws: Aws, queue_url: str) -> list[dict[str, Any]]:
    """Receive and delete every message waiting in the queue right now."""
    received: list[dict[str, Any]] = []
    while True:
        batch = aws.sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not batch:
            return received
        for message in batch:
            aws.sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        received.extend(dict(message) for message in batch)


def receive(aws: Aws, queue_url: str, count: int, *, timeout: float = 30.0) -> list[dict[str, Any]]:
    """Wait until ``count`` messages have arrived in the queue; return (and delete) them."""
    received: list[dict[str, Any]] = []

    def enough() -> bool:
        received.extend(drain_queue(aws, queue_url))
        return len(received) >= count

    wait_for(enough, what=f"{count} message(s) in {queue_url.rsplit('/', 1)[-1]}", timeout=timeout)
    return received


def sns_payload(message: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON object an SNS notification carried, out of its SQS message envelope."""
    envelope = json.loads(message["Body"])
    text = envelope["Message"] if "TopicArn" in envelope else message["Body"]
    try:
        payload = json.loads(text)
    except json.JSONDecodeError:
        payload = None
    if not isinstance(payload, dict):
        raise StackError(f"notification is not a JSON object: {text[:200]!r}")
    return payload


def log_lines(aws: Aws, group: str, *, since_ms: int = 0) -> Iterator[tuple[int, str]]:
    """(timestamp ms, message) of every event in a log group since ``since_ms``."""
    paginator = aws.logs.get_paginator("filter_log_events")
    try:
        for page in paginator.paginate(logGroupName=group, startTime=since_ms):
            for event in page.get("events", []):
                yield event["timestamp"], event["message"]
    except aws.logs.exceptions.ResourceNotFoundException:
        return


@dataclass(frozen=True)
class StackOutputs:
    """What the scenarios need from an applied example, read from its Terraform outputs."""

    target: FlagTarget
    function_name: str
    alarm_names: dict[str, str]
    notification_topic_arn: str
    dead_letter_queue_arn: str | None

    @property
    def function_log_group(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @classmethod
    def parse(cls, outputs: Mapping[str, Any]) -> StackOutputs:
        """Build from ``terraform output`` values; name every output that is missing."""
        wanted = (
            "appconfig_application_id",
            "appconfig_environment_id",
            "appconfig_configuration_profile_id",
            "function_name",
            "alarm_names",
            "notification_topic_arn",
        )
        missing = [name for name in wanted if outputs.get(name) is None]
        if missing:
            raise StackError(f"the example has no output(s) {', '.join(missing)}")
        return cls(
            target=FlagTarget(
                application_id=outputs["appconfig_application_id"],
                environment_id=outputs["appconfig_environment_id"],
                profile_id=outputs["appconfig_configuration_profile_id"],
            ),
            function_name=outputs["function_name"],
            alarm_names=dict(outputs["alarm_names"]),
            notification_topic_arn=outputs["notification_topic_arn"],
            dead_letter_queue_arn=outputs.get("dead_letter_queue_arn"),
        )


def queue_url(aws: Aws, queue_arn: str) -> str:
    """The URL of the SQS queue with this ARN."""
    return aws.sqs.get_queue_url(QueueName=queue_arn.rsplit(":", 1)[-1])["QueueUrl"]


def leftovers(aws: Aws) -> dict[str, list[str]]:
    """Every resource of the kinds the module creates that still exists, by kind."""
    kms_keys = [
        key["KeyId"]
        for key in aws.kms_keys()
        if key["KeyState"] not in ("PendingDeletion", "PendingReplicaDeletion")
    ]
    found = {
        "lambda functions": [
            item["FunctionName"] for item in aws.lambda_.list_functions()["Functions"]
        ],
        "sns topics": [item["TopicArn"] for item in aws.sns.list_topics()["Topics"]],
        "sqs queues": aws.sqs.list_queues().get("QueueUrls", []),
        "cloudwatch alarms": [
            item["AlarmName"] for item in aws.cloudwatch.describe_alarms()["MetricAlarms"]
        ],
        "eventbridge rules": [item["Name"] for item in aws.events.list_rules()["Rules"]],
        "appconfig applications": [
            item["Id"] for item in aws.appconfig.list_applications()["Items"]
        ],
        "appconfig deployment strategies": [
            item["Id"]
            for item in aws.appconfig.list_deployment_strategies()["Items"]
            if not item["Id"].startswith("AppConfig.")
        ],
        "appconfig extensions": [item["Name"] for item in aws.appconfig.list_extensions()["Items"]],
        "iam roles": [item["RoleName"] for item in aws.iam.list_roles()["Roles"]],
        "iam policies": [
            item["PolicyName"] for item in aws.iam.list_policies(Scope="Local")["Policies"]
        ],
        "log groups": [
            item["logGroupName"] for item in aws.logs.describe_log_groups()["logGroups"]
        ],
        "kms keys": kms_keys,
    }
    return {kind: names for kind, names in found.items() if names}


def function_decisions(aws: Aws, group: str, *, since_ms: int = 0) -> list[dict[str, Any]]:
    """The function's decision log lines (JSON with a ``decision`` key), oldest first."""
    found: list[dict[str, Any]] = []
    for _, message in log_lines(aws, group, since_ms=since_ms):
        try:
            record = json.loads(message)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict) and "decision" in record:
            found.append(record)
    return found


def now_ms() -> int:
    """The wall clock in milliseconds, the unit of CloudWatch Logs timestamps."""
    return int(time.time() * 1000)
