"""Calls signed with a function's role credentials are decided by the role's policies.

The function runs with its execution role (sts:AssumeRole, session name = function name);
the emulator authorises every call those credentials sign, before moto serves it, with
emulator.iam.evaluator; the operator's static keys stay unrestricted.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from emulator.core.config import set_iam_enforcement
from tests.test_emulator.conftest import REGION, ClientFactory, FlagWorld
from tests.test_emulator.test_lambda_exec import (
    invoke,
    log_messages,
    make_function,
    make_queue,
    make_role,
    receive_all,
    wait_idle,
)

TOPIC = f"arn:aws:sns:{REGION}:123456789012:denied-topic"
QUEUE = f"https://sqs.{REGION}.amazonaws.com/123456789012/denied-queue"

WHOAMI_SOURCE = """
import boto3

def handler(event, context):
    return boto3.client("sts").get_caller_identity()["Arn"]
"""


def test_invoked_function_runs_with_its_assumed_role(aws: ClientFactory) -> None:
    fn = make_function(aws, WHOAMI_SOURCE)
    response = invoke(aws, fn["FunctionName"], {})
    assert "FunctionError" not in response, response["Body"]
    role_name = fn["Role"].rsplit("/", 1)[-1]
    account = fn["FunctionArn"].split(":")[4]
    assert json.loads(response["Body"]) == (
        f"arn:aws:sts::{account}:assumed-role/{role_name}/{fn['FunctionName']}"
    )


def _session(aws: ClientFactory, policy: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """A role with ``policy`` inline, assumed with the operator's keys: (role ARN, keys)."""
    role_arn = make_role(aws, policy)
    found = aws("sts").assume_role(RoleArn=role_arn, RoleSessionName="tester")["Credentials"]
    keys = {
        "aws_access_key_id": found["AccessKeyId"],
        "aws_secret_access_key": found["SecretAccessKey"],
        "aws_session_token": found["SessionToken"],
    }
    return role_arn, keys


def _as_role(aws: ClientFactory, service: str, keys: dict[str, str]) -> Any:
    """A client of ``service`` signing with ``keys``, on the same endpoint as ``aws``."""
    endpoint = aws(service).meta.endpoint_url
    return boto3.client(service, region_name=REGION, endpoint_url=endpoint, **keys)  # type: ignore[call-overload]  # a service name known at run time


def _allow(action: str | list[str], resource: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}],
    }


def _app(aws: ClientFactory) -> tuple[str, str]:
    app_id = aws("appconfig").create_application(Name=f"a-{uuid.uuid4().hex[:6]}")["Id"]
    return app_id, f"arn:aws:appconfig:{REGION}:123456789012:application/{app_id}"


def test_role_call_allowed_by_its_policy_passes(aws: ClientFactory) -> None:
    app_id, app_arn = _app(aws)
    _, keys = _session(aws, _allow("appconfig:GetApplication", app_arn))
    found = _as_role(aws, "appconfig", keys).get_application(ApplicationId=app_id)
    assert found["Id"] == app_id


def test_role_call_outside_its_policy_is_access_denied_naming_action_and_resource(
    aws: ClientFactory,
) -> None:
    app_id, app_arn = _app(aws)
    role_arn, keys = _session(aws, _allow("appconfig:GetApplication", app_arn))
    with pytest.raises(ClientError) as denied:
        _as_role(aws, "appconfig", keys).list_environments(ApplicationId=app_id)
    error = denied.value.response
    assert error["Error"]["Code"] == "AccessDeniedException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 403
    role_name = role_arn.rsplit("/", 1)[-1]
    assert error["Error"]["Message"] == (
        f"User: arn:aws:sts::123456789012:assumed-role/{role_name}/tester is not authorized "
        f"to perform: appconfig:ListEnvironments on resource: {app_arn} because no "
        "identity-based policy allows the appconfig:ListEnvironments action"
    )


def test_static_keys_are_unrestricted(aws: ClientFactory) -> None:
    app_id, app_arn = _app(aws)
    _session(aws, _allow("appconfig:GetApplication", app_arn))
    assert aws("appconfig").list_environments(ApplicationId=app_id)["Items"] == []


def test_explicit_deny_wins_over_an_allow(aws: ClientFactory) -> None:
    app_id, app_arn = _app(aws)
    policy = _allow("appconfig:*", "*")
    policy["Statement"].append(
        {"Effect": "Deny", "Action": "appconfig:GetApplication", "Resource": app_arn}
    )
    _, keys = _session(aws, policy)
    with pytest.raises(ClientError, match="with an explicit deny"):
        _as_role(aws, "appconfig", keys).get_application(ApplicationId=app_id)


def test_attached_managed_policy_is_honoured(aws: ClientFactory) -> None:
    app_id, app_arn = _app(aws)
    role_arn, keys = _session(aws, {})
    iam = aws("iam")
    policy = iam.create_policy(
        PolicyName=f"p-{uuid.uuid4().hex[:6]}",
        PolicyDocument=json.dumps(_allow("appconfig:GetApplication", app_arn)),
    )["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=role_arn.rsplit("/", 1)[-1], PolicyArn=policy)
    assert _as_role(aws, "appconfig", keys).get_application(ApplicationId=app_id)["Id"] == app_id


@pytest.mark.parametrize(
    ("service", "call", "code", "status"),
    [
        ("sns", lambda c: c.publish(TopicArn=TOPIC, Message="m"), "AuthorizationError", 403),
        ("sqs", lambda c: c.send_message(QueueUrl=QUEUE, MessageBody="m"), "AccessDenied", 403),
        ("cloudwatch", lambda c: c.describe_alarms(), "AccessDenied", 403),
        ("logs", lambda c: c.create_log_group(logGroupName="/g"), "AccessDeniedException", 400),
    ],
)
def test_denials_have_their_protocols_error_shape(
    aws: ClientFactory, service: str, call: Callable[[Any], Any], code: str, status: int
) -> None:
    aws("sns").create_topic(Name="denied-topic")
    aws("sqs").create_queue(QueueName="denied-queue")
    _, keys = _session(aws, _allow("s3:GetObject", "*"))
    with pytest.raises(ClientError) as denied:
        call(_as_role(aws, service, keys))
    error = denied.value.response
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == (code, status)
    assert "is not authorized to perform" in error["Error"]["Message"]


def test_publishing_to_a_topic_with_a_customer_key_needs_the_key(aws: ClientFactory) -> None:
    key = aws("kms").create_key()["KeyMetadata"]["Arn"]
    topic = aws("sns").create_topic(Name="sealed", Attributes={"KmsMasterKeyId": key})["TopicArn"]
    _, keys = _session(aws, _allow("sns:Publish", topic))
    with pytest.raises(ClientError) as denied:
        _as_role(aws, "sns", keys).publish(TopicArn=topic, Message="m")
    assert denied.value.response["Error"]["Code"] == "KMSAccessDenied"
    assert f"kms:GenerateDataKey on resource: {key}" in denied.value.response["Error"]["Message"]
    policy = _allow("sns:Publish", topic)
    policy["Statement"].append(
        {"Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": key}
    )
    _, keys = _session(aws, policy)
    assert _as_role(aws, "sns", keys).publish(TopicArn=topic, Message="m")["MessageId"]


def test_configuration_session_by_names_is_authorised_on_the_ids(
    aws: ClientFactory, world: FlagWorld
) -> None:
    app = world.appconfig.get_application(ApplicationId=world.app_id)
    arn = (
        f"arn:aws:appconfig:{REGION}:123456789012:application/{world.app_id}"
        f"/environment/{world.env_id}/configuration/{world.profile_id}"
    )
    world.deploy(world.put({"flags": {}}))
    actions = ["appconfig:StartConfigurationSession", "appconfig:GetLatestConfiguration"]
    _, keys = _session(aws, _allow(actions, arn))
    data = _as_role(aws, "appconfigdata", keys)
    token = data.start_configuration_session(
        ApplicationIdentifier=app["Name"],
        EnvironmentIdentifier="production",
        ConfigurationProfileIdentifier="flags",
    )["InitialConfigurationToken"]
    assert data.get_latest_configuration(ConfigurationToken=token)["Configuration"].read()
    _, keys = _session(aws, _allow(actions, arn.replace(world.profile_id, "other")))
    with pytest.raises(ClientError, match="appconfig:StartConfigurationSession on resource"):
        _as_role(aws, "appconfigdata", keys).start_configuration_session(
            ApplicationIdentifier=app["Name"],
            EnvironmentIdentifier="production",
            ConfigurationProfileIdentifier="flags",
        )


def test_switched_off_enforcement_lets_role_calls_through(aws: ClientFactory) -> None:
    app_id, _ = _app(aws)
    _, keys = _session(aws, {})
    previous = set_iam_enforcement(False)
    try:
        assert _as_role(aws, "appconfig", keys).list_environments(ApplicationId=app_id)
    finally:
        set_iam_enforcement(previous)


def test_function_call_outside_its_role_fails_inside_the_function(aws: ClientFactory) -> None:
    url, _ = make_queue(aws, "records")
    fn = make_function(
        aws,
        policy=_allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "*"),
        Environment={"Variables": {"RECORD_QUEUE_URL": url}},
    )
    response = invoke(aws, fn["FunctionName"], {"action": "record"})
    assert response["FunctionError"] == "Unhandled"
    assert "AccessDenied" in json.loads(response["Body"])["errorMessage"]
    assert "sqs:SendMessage" in json.loads(response["Body"])["errorMessage"]


def test_lambda_delivers_nothing_the_role_may_not_send(aws: ClientFactory) -> None:
    url, queue_arn = make_queue(aws, "dlq")
    fn = make_function(aws, policy=_allow("logs:*", "*"), DeadLetterConfig={"TargetArn": queue_arn})
    aws("lambda").put_function_event_invoke_config(
        FunctionName=fn["FunctionName"], MaximumRetryAttempts=0
    )
    invoke(aws, fn["FunctionName"], {"action": "fail"}, InvocationType="Event")
    wait_idle()
    assert receive_all(aws, url) == []
    logs = log_messages(aws, f"/aws/lambda/{fn['FunctionName']}")
    assert any("flag store unavailable" in line for line in logs)


def test_lambda_writes_no_logs_without_the_logs_permissions(aws: ClientFactory) -> None:
    fn = make_function(aws, policy={})
    assert invoke(aws, fn["FunctionName"], {})["StatusCode"] == 200
    groups = aws("logs").describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{fn['FunctionName']}")
    assert groups["logGroups"] == []


def test_a_call_the_emulator_cannot_map_is_refused_saying_why(aws: ClientFactory) -> None:
    _, keys = _session(aws, _allow("appconfig:*", "*"))
    with pytest.raises(ClientError, match="the emulator cannot tell which resources"):
        _as_role(aws, "appconfig", keys).list_applications()


def test_a_token_of_no_session_is_left_to_the_service(aws: ClientFactory) -> None:
    _, keys = _session(aws, {})
    with pytest.raises(ClientError) as refused:
        _as_role(aws, "appconfigdata", keys).get_latest_configuration(ConfigurationToken="x" * 40)
    assert refused.value.response["Error"]["Code"] == "BadRequestException"
