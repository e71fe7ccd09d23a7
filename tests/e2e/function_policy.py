"""Does an applied function role allow every call the rollback function can make?

Reads what Terraform applied from the emulator (the function's configuration, its role's
inline and attached policies, its topic's and queue's keys), lists every AWS call the
function and Lambda (on its behalf, with its role) can make, maps each to the ARNs it
touches with ``emulator.iam.resources`` and decides it with ``emulator.iam.evaluator``:
the same code the emulator's request path uses.

The calls of the payload itself are checked against its source (``payload_calls``), so a
new client call in ``lambda/flag_rollback`` without a row in ``FUNCTION_CALLS`` fails.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from emulator.iam.evaluator import Request, evaluate
from emulator.iam.exceptions import access_denied
from emulator.iam.policy import Policy, parse_policy
from emulator.iam.resources import action_for, resources_for
from tools.harness.clients import Aws

PAYLOAD = Path(__file__).resolve().parents[2] / "lambda" / "flag_rollback"
ROLLBACK_HANDLER = "flag_rollback.handler.handler"

# Every AWS call of the payload: (client getter in clients.py, botocore operation).
FUNCTION_CALLS: tuple[tuple[str, str], ...] = (
    ("appconfig", "GetConfigurationProfile"),
    ("appconfig", "ListDeployments"),
    ("appconfig", "StopDeployment"),
    ("appconfig", "GetHostedConfigurationVersion"),
    ("appconfig", "ListHostedConfigurationVersions"),
    ("appconfig", "CreateHostedConfigurationVersion"),
    ("appconfig", "StartDeployment"),
    ("cloudwatch", "DescribeAlarms"),
    ("sns", "Publish"),
    ("ssm", "GetParameter"),
    ("ssm", "PutParameter"),
    ("ssm", "GetParametersByPath"),
)


def _operation(method: str) -> str:
    return "".join(part.capitalize() for part in method.split("_"))


def payload_calls() -> set[tuple[str, str]]:
    """``clients.<service>().<method>(...)`` calls found in the payload's source."""
    found: set[tuple[str, str]] = set()
    for path in PAYLOAD.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            getter = node.func.value
            if (
                isinstance(getter, ast.Call)
                and isinstance(getter.func, ast.Attribute)
                and isinstance(getter.func.value, ast.Name)
                and getter.func.value.id == "clients"
            ):
                found.add((getter.func.attr, _operation(node.func.attr)))
    return found


@dataclass(frozen=True)
class Call:
    """One call made with the function's role, and who makes it."""

    service: str
    operation: str
    params: Mapping[str, Any]
    by: str  # "function" or "lambda" (the service, with the execution role)


def _document(raw: object) -> Mapping[str, Any]:
    if isinstance(raw, str):
        parsed: Mapping[str, Any] = json.loads(unquote(raw))
        return parsed
    assert isinstance(raw, Mapping)
    return raw


def role_policies(aws: Aws, role_name: str) -> list[Policy]:
    """The role's inline and attached (default version) policies, as IAM stores them."""
    policies = []
    for name in aws.iam.list_role_policies(RoleName=role_name)["PolicyNames"]:
        document = aws.iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"]
        policies.append(parse_policy(_document(document), name=name))
    for attached in aws.iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]:
        arn = attached["PolicyArn"]
        version = aws.iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        stored = aws.iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]
        policies.append(parse_policy(_document(stored.get("Document")), name=arn))
    return policies


def _key_arn(aws: Aws, key: str | None) -> str | None:
    return aws.kms.describe_key(KeyId=key)["KeyMetadata"]["Arn"] if key else None


def _queue_url(arn: str) -> str:
    _, _, _, region, account, name = arn.split(":")
    return f"https://sqs.{region}.amazonaws.com/{account}/{name}"


def _kms_calls(key_arn: str | None, by: str) -> Iterator[Call]:
    if key_arn:
        # SNS and SQS encrypt with the caller's permissions: GenerateDataKey and Decrypt
        # (SNS Developer Guide, "Encryption at rest"; SQS Developer Guide, "Key management").
        yield Call("kms", "GenerateDataKey", {"KeyId": key_arn}, by)
        yield Call("kms", "Decrypt", {"KeyId": key_arn}, by)


def function_calls(aws: Aws, configuration: Mapping[str, Any]) -> list[Call]:
    """Every call made with the function's role, with the parameters its settings give."""
    env = configuration["Environment"]["Variables"]
    ids = {
        "ApplicationId": env["APPCONFIG_APPLICATION_ID"],
        "EnvironmentId": env["APPCONFIG_ENVIRONMENT_ID"],
        "ConfigurationProfileId": env["APPCONFIG_CONFIGURATION_PROFILE_ID"],
        "DeploymentStrategyId": env.get("APPCONFIG_DEPLOYMENT_STRATEGY_ID")
        or "AppConfig.AllAtOnce",
        "DeploymentNumber": 1,
        "VersionNumber": 1,
    }
    calls = [
        Call(service, operation, ids, "function")
        for service, operation in FUNCTION_CALLS
        if service == "appconfig"
    ]
    calls.append(Call("cloudwatch", "DescribeAlarms", {"AlarmNamePrefix": "x"}, "function"))
    holds = env["HOLDS_PARAMETER_PATH"]
    calls += [
        Call("ssm", "GetParameter", {"Name": f"{holds}/new_checkout"}, "function"),
        Call("ssm", "PutParameter", {"Name": f"{holds}/new_checkout"}, "function"),
        Call("ssm", "GetParametersByPath", {"Path": holds}, "function"),
    ]
    topic = env.get("NOTIFICATION_TOPIC_ARN")
    if topic:
        calls.append(Call("sns", "Publish", {"TopicArn": topic}, "function"))
        attributes = aws.sns.get_topic_attributes(TopicArn=topic)["Attributes"]
        calls.extend(_kms_calls(_key_arn(aws, attributes.get("KmsMasterKeyId")), "function"))
    name = configuration["FunctionName"]
    group = configuration.get("LoggingConfig", {}).get("LogGroup") or f"/aws/lambda/{name}"
    stream = {"logGroupName": group, "logStreamName": "2026/01/01/[$LATEST]0123456789abcdef"}
    calls += [Call("logs", op, stream, "lambda") for op in ("CreateLogStream", "PutLogEvents")]
    queues = [configuration.get("DeadLetterConfig", {}).get("TargetArn")]
    invoke = aws.lambda_.get_function_event_invoke_config(FunctionName=name)
    queues.append(invoke.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination"))
    for queue in dict.fromkeys(arn for arn in queues if arn):
        url = _queue_url(queue)
        calls.append(Call("sqs", "SendMessage", {"QueueUrl": url}, "lambda"))
        queue_attributes = aws.sqs.get_queue_attributes(
            QueueUrl=aws.sqs.get_queue_url(QueueName=queue.rsplit(":", 1)[-1])["QueueUrl"],
            AttributeNames=["KmsMasterKeyId"],
        )["Attributes"]
        queue_key = queue_attributes.get("KmsMasterKeyId")
        calls.extend(_kms_calls(_key_arn(aws, queue_key), "lambda"))
    return calls


def guard_calls(aws: Aws, configuration: Mapping[str, Any]) -> list[Call]:
    """Every call made with the deployment guard's role (it reads holds and notifies)."""
    env = configuration["Environment"]["Variables"]
    calls = [Call("ssm", "GetParametersByPath", {"Path": env["HOLDS_PARAMETER_PATH"]}, "function")]
    topic = env.get("NOTIFICATION_TOPIC_ARN")
    if topic:
        calls.append(Call("sns", "Publish", {"TopicArn": topic}, "function"))
        attributes = aws.sns.get_topic_attributes(TopicArn=topic)["Attributes"]
        calls.extend(_kms_calls(_key_arn(aws, attributes.get("KmsMasterKeyId")), "function"))
    group = configuration.get("LoggingConfig", {}).get("LogGroup")
    stream = {"logGroupName": group, "logStreamName": "2026/01/01/[$LATEST]0123456789abcdef"}
    calls += [Call("logs", op, stream, "lambda") for op in ("CreateLogStream", "PutLogEvents")]
    return calls


def calls_of(aws: Aws, function_name: str) -> list[Call]:
    """Every call made with the role of the applied function ``function_name``."""
    configuration = aws.lambda_.get_function_configuration(FunctionName=function_name)
    return function_calls(aws, configuration)


def denied_calls(aws: Aws, function_name: str) -> list[str]:
    """AccessDenied messages for every call the function's applied role does not allow."""
    configuration = aws.lambda_.get_function_configuration(FunctionName=function_name)
    _, _, _, region, account, _ = configuration["FunctionArn"].split(":", 5)
    role = configuration["Role"]
    policies = role_policies(aws, role.rsplit("/", 1)[-1])
    principal = f"arn:aws:sts::{account}:assumed-role/{role.rsplit('/', 1)[-1]}/{function_name}"
    denied = []
    calls = (
        function_calls(aws, configuration)
        if configuration.get("Handler") == ROLLBACK_HANDLER
        else guard_calls(aws, configuration)
    )
    for call in calls:
        arns = resources_for(call.service, call.operation, call.params, region, account)
        decision = evaluate(
            Request(action_for(call.service, call.operation), tuple(arns)), policies
        )
        if not decision.allowed:
            denied.append(f"[{call.by}] {access_denied(decision, principal).message}")
    return denied


def every_function(aws: Aws) -> list[str]:
    """Names of every rollback function in the emulator (not the deployment guards)."""
    return [
        item["FunctionName"]
        for item in aws.lambda_.list_functions()["Functions"]
        if item.get("Handler") == ROLLBACK_HANDLER
    ]
