"""AppConfig extensions in the emulator: the control plane, and the synchronous Lambda
actions at PRE_CREATE_HOSTED_CONFIGURATION_VERSION and PRE_START_DEPLOYMENT."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.test_emulator.conftest import ClientFactory
from tests.test_emulator.test_lambda_exec import make_function

# Answers by the content it is given: "refuse" -> Error, "rewrite" -> new Content,
# "crash" -> an unhandled error, "text" -> a JSON string; anything else passes. Every
# payload is echoed to the queue named in the RECORD parameter, so tests can read it.
EXTENSION_SOURCE = """
import base64, json, os
import boto3

def handler(event, context):
    url = event["Parameters"].get("RECORD")
    if url:
        boto3.client("sqs").send_message(QueueUrl=url, MessageBody=json.dumps(event))
    content = base64.b64decode(event["Content"]).decode()
    if "refuse" in content:
        return {"Error": "BadRequestError", "Message": "flag x is on hold: restore it first"}
    if "rewrite" in content:
        return {"Content": base64.b64encode(b'{"rewritten": true}').decode()}
    if "crash" in content:
        raise RuntimeError("the extension crashed")
    if "text" in content:
        return "not an object"
    return {"statusCode": 200}
"""

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "appconfig.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def extension_role(aws: ClientFactory, function_arn: str, *, trusted: bool = True) -> str:
    iam = aws("iam")
    name = f"ext-{uuid.uuid4().hex[:8]}"
    trust = (
        TRUST
        if trusted
        else {
            **TRUST,
            "Statement": [
                {**TRUST["Statement"][0], "Principal": {"Service": "lambda.amazonaws.com"}}
            ],
        }
    )
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": function_arn}
        ],
    }
    iam.put_role_policy(RoleName=name, PolicyName="invoke", PolicyDocument=json.dumps(policy))
    return str(arn)


class Target:
    """An application, environment and profile with an extension on the profile."""

    def __init__(
        self, aws: ClientFactory, *, points: tuple[str, ...], trusted: bool = True
    ) -> None:
        self.aws = aws
        appconfig = aws("appconfig")
        self.app = appconfig.create_application(Name=f"app-{uuid.uuid4().hex[:6]}")["Id"]
        self.env = appconfig.create_environment(ApplicationId=self.app, Name="prod")["Id"]
        profile = appconfig.create_configuration_profile(
            ApplicationId=self.app, Name="flags", LocationUri="hosted"
        )
        self.profile, self.profile_arn = (
            profile["Id"],
            self.arn(f"configurationprofile/{profile['Id']}"),
        )
        sqs = aws("sqs")
        self.queue = sqs.create_queue(QueueName=f"ext-{uuid.uuid4().hex[:8]}")["QueueUrl"]
        function = make_function(aws, EXTENSION_SOURCE)
        role = extension_role(aws, function["FunctionArn"], trusted=trusted)
        action = {"Name": "guard", "Uri": function["FunctionArn"], "RoleArn": role}
        self.extension = appconfig.create_extension(
            Name=f"guard-{uuid.uuid4().hex[:6]}",
            Actions={point: [action] for point in points},
            Parameters={"RECORD": {"Required": False}},
        )
        self.association = appconfig.create_extension_association(
            ExtensionIdentifier=self.extension["Arn"],
            ResourceIdentifier=self.profile_arn,
            Parameters={"RECORD": self.queue},
        )

    def arn(self, suffix: str) -> str:
        return f"arn:aws:appconfig:us-east-1:123456789012:application/{self.app}/{suffix}"

    def create_version(self, content: bytes) -> dict[str, Any]:
        return dict(
            self.aws("appconfig").create_hosted_configuration_version(
                ApplicationId=self.app,
                ConfigurationProfileId=self.profile,
                Content=content,
                ContentType="application/json",
                Description="by the test",
            )
        )

    def deploy(self, version: int) -> dict[str, Any]:
        return dict(
            self.aws("appconfig").start_deployment(
                ApplicationId=self.app,
                EnvironmentId=self.env,
                ConfigurationProfileId=self.profile,
                ConfigurationVersion=str(version),
                DeploymentStrategyId="AppConfig.AllAtOnce",
            )
        )

    def payloads(self) -> list[dict[str, Any]]:
        messages = self.aws("sqs").receive_message(QueueUrl=self.queue, MaxNumberOfMessages=10)
        return [json.loads(m["Body"]) for m in messages.get("Messages", [])]


BOTH = ("PRE_CREATE_HOSTED_CONFIGURATION_VERSION", "PRE_START_DEPLOYMENT")


def test_extension_and_association_round_trip(in_process_clients: ClientFactory) -> None:
    target = Target(in_process_clients, points=BOTH)
    appconfig = in_process_clients("appconfig")
    got = appconfig.get_extension(ExtensionIdentifier=target.extension["Id"])
    assert got["Arn"] == f"arn:aws:appconfig:us-east-1:123456789012:extension/{got['Id']}/1"
    assert set(got["Actions"]) == set(BOTH)
    association = appconfig.get_extension_association(
        ExtensionAssociationId=target.association["Id"]
    )
    assert association["ExtensionArn"] == got["Arn"]
    assert association["ResourceArn"] == target.profile_arn
    assert association["Parameters"] == {"RECORD": target.queue}
    listed = appconfig.list_extension_associations(ResourceIdentifier=target.profile_arn)["Items"]
    assert [item["Id"] for item in listed] == [association["Id"]]
    appconfig.tag_resource(ResourceArn=got["Arn"], Tags={"team": "shop"})
    assert appconfig.list_tags_for_resource(ResourceArn=got["Arn"])["Tags"] == {"team": "shop"}
    appconfig.delete_extension_association(ExtensionAssociationId=association["Id"])
    appconfig.delete_extension(ExtensionIdentifier=got["Id"])
    with pytest.raises(ClientError) as missing:
        appconfig.get_extension(ExtensionIdentifier=got["Id"])
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_a_second_extension_of_the_same_name_needs_the_latest_version(
    in_process_clients: ClientFactory,
) -> None:
    target = Target(in_process_clients, points=("PRE_START_DEPLOYMENT",))
    appconfig = in_process_clients("appconfig")
    actions = target.extension["Actions"]
    with pytest.raises(ClientError) as conflict:
        appconfig.create_extension(Name=target.extension["Name"], Actions=actions)
    assert conflict.value.response["Error"]["Code"] == "ConflictException"
    second = appconfig.create_extension(
        Name=target.extension["Name"], Actions=actions, LatestVersionNumber=1
    )
    assert (second["Id"], second["VersionNumber"]) == (target.extension["Id"], 2)


@pytest.mark.parametrize(
    ("actions", "why"),
    [
        ({"PRE_START_DEPLOYMENT": [{"Name": "a", "Uri": "https://example.com/hook"}]}, "Uri"),
        (
            {
                "PRE_START_DEPLOYMENT": [
                    {"Name": "a", "Uri": "arn:aws:sqs:us-east-1:123456789012:q"}
                ]
            },
            "Lambda",
        ),
        (
            {"ON_EVERYTHING": [{"Name": "a", "Uri": "arn:aws:lambda:us-east-1:1:function:f"}]},
            "one of",
        ),
    ],
)
def test_actions_appconfig_cannot_run_are_refused(
    in_process_clients: ClientFactory, actions: dict[str, Any], why: str
) -> None:
    with pytest.raises(ClientError) as refused:
        in_process_clients("appconfig").create_extension(Name="bad", Actions=actions)
    assert refused.value.response["Error"]["Code"] == "BadRequestException"
    assert why in refused.value.response["Error"]["Message"]


def test_an_association_needs_an_existing_resource_and_the_required_parameters(
    in_process_clients: ClientFactory,
) -> None:
    target = Target(in_process_clients, points=("PRE_START_DEPLOYMENT",))
    appconfig = in_process_clients("appconfig")
    with pytest.raises(ClientError) as missing:
        appconfig.create_extension_association(
            ExtensionIdentifier=target.extension["Id"],
            ResourceIdentifier=target.arn("configurationprofile/nope123"),
        )
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
    required = appconfig.create_extension(
        Name="needs-bucket",
        Actions=target.extension["Actions"],
        Parameters={"BUCKET": {"Required": True}},
    )
    with pytest.raises(ClientError) as refused:
        appconfig.create_extension_association(
            ExtensionIdentifier=required["Id"], ResourceIdentifier=target.profile_arn
        )
    assert "BUCKET" in refused.value.response["Error"]["Message"]


def test_pre_create_sends_the_documented_payload_and_stores_the_content(
    aws: ClientFactory,
) -> None:
    target = Target(aws, points=BOTH)
    first = target.create_version(b'{"flags": {}}')
    second = target.create_version(b'{"flags": {"a": {}}}')

    assert second["VersionNumber"] == first["VersionNumber"] + 1
    payloads = target.payloads()
    latest = next(p for p in payloads if p["ContentVersion"] == str(second["VersionNumber"]))
    assert latest["Type"] == "PreCreateHostedConfigurationVersion"
    assert latest["Application"]["Id"] == target.app
    assert latest["ConfigurationProfile"] == {"Id": target.profile, "Name": "flags"}
    assert base64.b64decode(latest["Content"]) == b'{"flags": {"a": {}}}'
    assert latest["ContentType"] == "application/json"
    assert latest["Description"] == "by the test"
    assert base64.b64decode(latest["PreviousContent"]["Content"]) == b'{"flags": {}}'
    assert latest["Parameters"] == {"RECORD": target.queue}
    assert len(latest["InvocationId"]) == 7


def test_pre_start_deployment_sends_environment_and_deployment_number(aws: ClientFactory) -> None:
    target = Target(aws, points=("PRE_START_DEPLOYMENT",))
    version = target.create_version(b'{"flags": {}}')["VersionNumber"]
    deployment = target.deploy(version)

    (payload,) = target.payloads()
    assert payload["Type"] == "PreStartDeployment"
    assert payload["Environment"] == {"Id": target.env, "Name": "prod"}
    assert payload["DeploymentNumber"] == deployment["DeploymentNumber"]
    assert payload["ContentVersion"] == str(version)


@pytest.mark.parametrize("point", BOTH)
def test_an_error_answer_fails_the_call_with_the_extensions_message(
    aws: ClientFactory, point: str
) -> None:
    target = Target(aws, points=(point,))
    appconfig = aws("appconfig")
    if point == "PRE_START_DEPLOYMENT":
        version = target.create_version(b'{"refuse": true}')["VersionNumber"]
        call = lambda: target.deploy(version)  # noqa: E731
    else:
        call = lambda: target.create_version(b'{"refuse": true}')  # noqa: E731
    before = appconfig.list_hosted_configuration_versions(
        ApplicationId=target.app, ConfigurationProfileId=target.profile
    )["Items"]

    with pytest.raises(ClientError) as refused:
        call()

    error = refused.value.response["Error"]
    assert error["Code"] == "BadRequestException"
    assert error["Message"] == "flag x is on hold: restore it first"
    after = appconfig.list_hosted_configuration_versions(
        ApplicationId=target.app, ConfigurationProfileId=target.profile
    )["Items"]
    assert after == before
    deployments = appconfig.list_deployments(ApplicationId=target.app, EnvironmentId=target.env)
    assert deployments["Items"] == []


def test_a_content_answer_replaces_the_stored_and_the_deployed_content(aws: ClientFactory) -> None:
    stored = Target(aws, points=("PRE_CREATE_HOSTED_CONFIGURATION_VERSION",))
    version = stored.create_version(b'{"rewrite": 1}')["VersionNumber"]
    body = (
        aws("appconfig")
        .get_hosted_configuration_version(
            ApplicationId=stored.app, ConfigurationProfileId=stored.profile, VersionNumber=version
        )["Content"]
        .read()
    )
    assert body == b'{"rewritten": true}'

    deployed = Target(aws, points=("PRE_START_DEPLOYMENT",))
    version = deployed.create_version(b'{"rewrite": 1}')["VersionNumber"]
    deployed.deploy(version)
    session = aws("appconfigdata").start_configuration_session(
        ApplicationIdentifier=deployed.app,
        EnvironmentIdentifier=deployed.env,
        ConfigurationProfileIdentifier=deployed.profile,
    )
    served = (
        aws("appconfigdata")
        .get_latest_configuration(ConfigurationToken=session["InitialConfigurationToken"])[
            "Configuration"
        ]
        .read()
    )
    assert served == b'{"rewritten": true}'


@pytest.mark.parametrize(
    ("content", "message"),
    [(b'{"crash": 1}', "the extension crashed"), (b'{"text": 1}', "Unknown Error: null")],
)
def test_a_failing_extension_fails_the_call(
    in_process_clients: ClientFactory, content: bytes, message: str
) -> None:
    target = Target(in_process_clients, points=("PRE_CREATE_HOSTED_CONFIGURATION_VERSION",))
    with pytest.raises(ClientError) as refused:
        target.create_version(content)
    assert refused.value.response["Error"]["Code"] == "BadRequestException"
    assert message in refused.value.response["Error"]["Message"]


def test_a_role_appconfig_cannot_assume_fails_the_call(in_process_clients: ClientFactory) -> None:
    target = Target(
        in_process_clients, points=("PRE_CREATE_HOSTED_CONFIGURATION_VERSION",), trusted=False
    )
    with pytest.raises(ClientError) as refused:
        target.create_version(b"{}")
    assert "does not trust appconfig.amazonaws.com" in refused.value.response["Error"]["Message"]


def test_deployments_of_other_profiles_run_no_extension(in_process_clients: ClientFactory) -> None:
    target = Target(in_process_clients, points=BOTH)
    appconfig = in_process_clients("appconfig")
    other = appconfig.create_configuration_profile(
        ApplicationId=target.app, Name="other", LocationUri="hosted"
    )["Id"]
    appconfig.create_hosted_configuration_version(
        ApplicationId=target.app,
        ConfigurationProfileId=other,
        Content=b'{"refuse": true}',
        ContentType="application/json",
    )
    assert target.payloads() == []
