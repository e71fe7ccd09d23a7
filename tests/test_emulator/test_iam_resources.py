"""The SAR data as the emulator reads it, and the ARNs each product call is authorised on."""

from __future__ import annotations

import pytest

from emulator.iam import sar
from emulator.iam.resources import UnmappedOperationError, action_for, resources_for

ACCOUNT = "123456789012"
REGION = "eu-west-1"
IDS = {
    "ApplicationId": "app1234",
    "EnvironmentId": "env1234",
    "ConfigurationProfileId": "pro1234",
    "DeploymentStrategyId": "str1234",
    "DeploymentNumber": 7,
    "VersionNumber": 3,
}
APP = f"arn:aws:appconfig:{REGION}:{ACCOUNT}:application/app1234"


def test_sar_marks_application_required_for_appconfig_writes() -> None:
    required = {item.name for item in sar.action("appconfig:StartDeployment").required}
    assert required == {"application", "environment", "configurationprofile", "deploymentstrategy"}
    stop = {item.name for item in sar.action("appconfig:StopDeployment").required}
    assert stop == {"application", "environment", "deployment"}


def test_sar_action_names_are_case_insensitive() -> None:
    assert sar.action("AppConfig:startdeployment").qualified == "appconfig:StartDeployment"


def test_sar_unknown_service_or_action() -> None:
    for name in ("appconfig:Nope", "nosuchservice:Get", "appconfig"):
        with pytest.raises(sar.UnknownActionError):
            sar.action(name)


def test_sar_matches_arns_to_resource_types() -> None:
    start = sar.action("appconfig:StartDeployment")
    assert [t.name for t in start.types_of(APP)] == ["application"]
    assert [t.name for t in start.types_of(f"{APP}/environment/env1234")] == ["environment"]
    assert start.types_of(f"{APP}/environment/env1234/deployment/1") == ()
    assert start.types_of(APP.replace("appconfig", "sns")) == ()
    # a ${...} part after ':' may hold '/' (log group names), one after '/' may not
    stream = sar.action("logs:PutLogEvents").required[0]
    assert stream.matches(
        f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/fn:log-stream:2026/11/29/[$LATEST]ab"
    )
    assert not start.required[0].matches(f"{APP}/extra")


@pytest.mark.parametrize(
    ("operation", "expected"),
    [
        ("GetConfigurationProfile", ["", "/configurationprofile/pro1234"]),
        ("ListHostedConfigurationVersions", ["", "/configurationprofile/pro1234"]),
        ("CreateHostedConfigurationVersion", ["", "/configurationprofile/pro1234"]),
        (
            "GetHostedConfigurationVersion",
            [
                "",
                "/configurationprofile/pro1234",
                "/configurationprofile/pro1234/hostedconfigurationversion/3",
            ],
        ),
        ("ListDeployments", ["", "/environment/env1234"]),
        ("GetDeployment", ["", "/environment/env1234", "/environment/env1234/deployment/7"]),
        ("StopDeployment", ["", "/environment/env1234", "/environment/env1234/deployment/7"]),
    ],
)
def test_appconfig_calls_touch_their_application(operation: str, expected: list[str]) -> None:
    arns = resources_for("appconfig", operation, IDS, REGION, ACCOUNT)
    assert arns == [APP + suffix for suffix in expected]
    entry = sar.action(action_for("appconfig", operation))
    for required in entry.required:
        assert any(required.matches(arn) for arn in arns), required.name


def test_start_deployment_touches_four_types() -> None:
    arns = resources_for("appconfig", "StartDeployment", IDS, REGION, ACCOUNT)
    strategy = f"arn:aws:appconfig:{REGION}:{ACCOUNT}:deploymentstrategy/str1234"
    assert arns == [
        APP,
        f"{APP}/environment/env1234",
        f"{APP}/configurationprofile/pro1234",
        strategy,
    ]


def test_describe_alarms_by_prefix_is_authorised_on_all_alarms() -> None:
    prefix = {"AlarmNamePrefix": "FeatureFlag-", "AlarmTypes": ["MetricAlarm"]}
    assert resources_for("cloudwatch", "DescribeAlarms", prefix, REGION, ACCOUNT) == [
        f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:*"
    ]
    named = {"AlarmNames": ["a", "b"]}
    assert resources_for("cloudwatch", "DescribeAlarms", named, REGION, ACCOUNT) == [
        f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:a",
        f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:b",
    ]


def test_other_services() -> None:
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:notes"
    assert resources_for("sns", "Publish", {"TopicArn": topic}, REGION, ACCOUNT) == [topic]
    queue = {"QueueUrl": f"http://localhost:5000/{ACCOUNT}/dlq", "MessageBody": "x"}
    assert resources_for("sqs", "SendMessage", queue, REGION, ACCOUNT) == [
        f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq"
    ]
    assert resources_for("kms", "Decrypt", {"KeyId": "k-1"}, REGION, ACCOUNT) == [
        f"arn:aws:kms:{REGION}:{ACCOUNT}:key/k-1"
    ]
    logs = {"logGroupName": "/aws/lambda/fn", "logStreamName": "s"}
    assert resources_for("logs", "PutLogEvents", logs, REGION, ACCOUNT) == [
        f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/fn:log-stream:s"
    ]
    assert action_for("appconfigdata", "StartConfigurationSession") == (
        "appconfig:StartConfigurationSession"
    )


def test_unmapped_operation_and_missing_parameter() -> None:
    with pytest.raises(UnmappedOperationError):
        resources_for("appconfig", "DeleteApplication", IDS, REGION, ACCOUNT)
    with pytest.raises(KeyError, match="EnvironmentId"):
        resources_for("appconfig", "StopDeployment", {"ApplicationId": "a"}, REGION, ACCOUNT)
    with pytest.raises(UnmappedOperationError, match="alias"):
        resources_for("kms", "Decrypt", {"KeyId": "alias/x"}, REGION, ACCOUNT)
