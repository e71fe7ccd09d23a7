"""The resource ARNs an AWS call touches, derived from the request, for authorization.

One ARN per resource type the Service Authorization Reference lists for the action
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsappconfig.html
and the pages of CloudWatch, SNS, SQS, KMS, CloudWatch Logs, Lambda, STS), built from the
request's parameters (botocore member names: ``ApplicationId``, ``TopicArn``, ...) with the
ARN patterns of those pages. ``evaluator.evaluate`` checks that the list covers every
required type, so a mapping that forgets one fails loudly instead of allowing.

*Inferred* (no AWS text states them):
- a hosted configuration version is authorised on
  ``.../configurationprofile/<id>/hostedconfigurationversion/<n>`` as well as on the profile:
  the current SAR data gives the hostedconfigurationversion type the profile's pattern,
  older editions the longer one; both are touched, so a policy must allow both.
- ``DescribeAlarms`` without ``AlarmNames`` (all alarms, or a name prefix) is authorised on
  ``alarm:*`` of the account and region; with ``AlarmNames``, on each named alarm.
- AppConfig Data's ``StartConfigurationSession`` takes IDs or names; this mapping needs IDs
  (the caller resolves names first).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

STAR = "*"


class UnmappedOperationError(KeyError):
    """No ARN mapping is known for the operation (add one before authorising it)."""


@dataclass(frozen=True)
class Scope:
    """Where the call goes: partition, region and account of the ARNs it touches."""

    region: str
    account: str
    partition: str = "aws"

    def arn(self, service: str, resource: str, *, region: bool = True) -> str:
        """An ARN of ``service`` in this scope (``region=False`` for global services)."""
        where = self.region if region else ""
        return f"arn:{self.partition}:{service}:{where}:{self.account}:{resource}"


Params = Mapping[str, Any]
_Mapper = Callable[[Params, Scope], list[str]]


# ------------------------------------------------------------------ appconfig


def _application(params: Params, scope: Scope) -> str:
    return scope.arn("appconfig", f"application/{params['ApplicationId']}")


def _environment(params: Params, scope: Scope) -> str:
    return f"{_application(params, scope)}/environment/{params['EnvironmentId']}"


def _profile(params: Params, scope: Scope) -> str:
    return f"{_application(params, scope)}/configurationprofile/{params['ConfigurationProfileId']}"


def _strategy(params: Params, scope: Scope) -> str:
    return scope.arn("appconfig", f"deploymentstrategy/{params['DeploymentStrategyId']}")


def _app_only(params: Params, scope: Scope) -> list[str]:
    return [_application(params, scope)]


def _app_environment(params: Params, scope: Scope) -> list[str]:
    return [_application(params, scope), _environment(params, scope)]


def _app_profile(params: Params, scope: Scope) -> list[str]:
    return [_application(params, scope), _profile(params, scope)]


def _hosted_version(params: Params, scope: Scope) -> list[str]:
    version = f"{_profile(params, scope)}/hostedconfigurationversion/{params['VersionNumber']}"
    return [*_app_profile(params, scope), version]


def _deployment(params: Params, scope: Scope) -> list[str]:
    number = f"{_environment(params, scope)}/deployment/{params['DeploymentNumber']}"
    return [*_app_environment(params, scope), number]


def _start_deployment(params: Params, scope: Scope) -> list[str]:
    return [
        _application(params, scope),
        _environment(params, scope),
        _profile(params, scope),
        _strategy(params, scope),
    ]


def _strategy_only(params: Params, scope: Scope) -> list[str]:
    return [_strategy(params, scope)]


def _configuration_session(params: Params, scope: Scope) -> list[str]:
    application = scope.arn("appconfig", f"application/{params['ApplicationIdentifier']}")
    environment = params["EnvironmentIdentifier"]
    profile = params["ConfigurationProfileIdentifier"]
    return [f"{application}/environment/{environment}/configuration/{profile}"]


# ------------------------------------------------------------------ other services


def _alarms(params: Params, scope: Scope) -> list[str]:
    names = params.get("AlarmNames") or []
    if not names:
        return [scope.arn("cloudwatch", "alarm:*")]
    return [scope.arn("cloudwatch", f"alarm:{name}") for name in names]


def _alarm(params: Params, scope: Scope) -> list[str]:
    return [scope.arn("cloudwatch", f"alarm:{params['AlarmName']}")]


def _topic(params: Params, _scope: Scope) -> list[str]:
    return [str(params.get("TopicArn") or params["TargetArn"])]


def _queue(params: Params, scope: Scope) -> list[str]:
    account, name = urlsplit(str(params["QueueUrl"])).path.strip("/").split("/")[-2:]
    return [Scope(scope.region, account, scope.partition).arn("sqs", name)]


def _key(params: Params, scope: Scope) -> list[str]:
    key = str(params["KeyId"])
    if key.startswith("arn:"):
        return [key]
    if key.startswith("alias/"):
        raise UnmappedOperationError(f"KeyId {key}: resolve the alias to its key first")
    return [scope.arn("kms", f"key/{key}")]


def _log_stream(params: Params, scope: Scope) -> list[str]:
    stream = f"log-group:{params['logGroupName']}:log-stream:{params['logStreamName']}"
    return [scope.arn("logs", stream)]


def _log_group(params: Params, scope: Scope) -> list[str]:
    return [scope.arn("logs", f"log-group:{params['logGroupName']}")]


def _function(params: Params, scope: Scope) -> list[str]:
    name = str(params["FunctionName"])
    if name.startswith("arn:"):
        return [name]
    return [scope.arn("lambda", f"function:{name}")]


def _event_bus(params: Params, scope: Scope) -> list[str]:
    """PutEvents is authorised on each entry's bus (``default`` when an entry names none)."""
    buses = {str(entry.get("EventBusName") or "default") for entry in params["Entries"]}
    return sorted(
        bus if bus.startswith("arn:") else scope.arn("events", f"event-bus/{bus}") for bus in buses
    )


def _parameter(params: Params, scope: Scope) -> list[str]:
    """An SSM parameter (or a path, for GetParametersByPath): ``parameter/`` + the name
    without its leading slash (SAR, AWS Systems Manager: the parameter resource type)."""
    name = str(params.get("Name") or params["Path"])
    return [scope.arn("ssm", f"parameter/{name.lstrip('/')}")]


def _star(_params: Params, _scope: Scope) -> list[str]:
    return [STAR]


_MAPPERS: dict[tuple[str, str], _Mapper] = {
    ("appconfig", "GetApplication"): _app_only,
    ("appconfig", "ListEnvironments"): _app_only,
    ("appconfig", "ListConfigurationProfiles"): _app_only,
    ("appconfig", "GetEnvironment"): _app_environment,
    ("appconfig", "ListDeployments"): _app_environment,
    ("appconfig", "GetConfigurationProfile"): _app_profile,
    ("appconfig", "ListHostedConfigurationVersions"): _app_profile,
    ("appconfig", "CreateHostedConfigurationVersion"): _app_profile,
    ("appconfig", "GetHostedConfigurationVersion"): _hosted_version,
    ("appconfig", "DeleteHostedConfigurationVersion"): _hosted_version,
    ("appconfig", "GetDeployment"): _deployment,
    ("appconfig", "StopDeployment"): _deployment,
    ("appconfig", "StartDeployment"): _start_deployment,
    ("appconfig", "GetDeploymentStrategy"): _strategy_only,
    ("appconfigdata", "StartConfigurationSession"): _configuration_session,
    # the token's session gives the identifiers (emulator.iam.enforcement resolves them)
    ("appconfigdata", "GetLatestConfiguration"): _configuration_session,
    ("cloudwatch", "DescribeAlarms"): _alarms,
    ("cloudwatch", "SetAlarmState"): _alarm,
    ("cloudwatch", "DescribeAlarmHistory"): _alarm,
    ("sns", "Publish"): _topic,
    ("sqs", "SendMessage"): _queue,
    ("kms", "GenerateDataKey"): _key,
    ("kms", "Decrypt"): _key,
    ("logs", "CreateLogStream"): _log_stream,
    ("logs", "PutLogEvents"): _log_stream,
    ("logs", "CreateLogGroup"): _log_group,
    ("events", "PutEvents"): _event_bus,
    ("lambda", "Invoke"): _function,
    ("ssm", "GetParameter"): _parameter,
    ("ssm", "PutParameter"): _parameter,
    ("ssm", "GetParametersByPath"): _parameter,
    ("lambda", "GetFunction"): _function,
    ("sts", "GetCallerIdentity"): _star,
}

# The IAM service prefix of an API's endpoint name where they differ.
_ACTION_PREFIX = {"appconfigdata": "appconfig"}


# API operations whose IAM action has another name (SAR, list_awslambda.html: Invoke is
# authorised as lambda:InvokeFunction).
_ACTION_NAME = {("lambda", "Invoke"): "InvokeFunction"}


def action_for(service: str, operation: str) -> str:
    """The IAM action a call is authorised as (AppConfig Data's calls are ``appconfig:``)."""
    name = _ACTION_NAME.get((service, operation), operation)
    return f"{_ACTION_PREFIX.get(service, service)}:{name}"


def resources_for(
    service: str, operation: str, params: Params, region: str, account: str
) -> list[str]:
    """The ARNs the call ``service.operation(**params)`` touches, one per resource type.

    Raises UnmappedOperationError for an operation without a mapping, and KeyError naming
    the parameter when the request lacks one the ARN needs.
    """
    mapper = _MAPPERS.get((service, operation))
    if mapper is None:
        raise UnmappedOperationError(f"{service}:{operation}")
    return mapper(params, Scope(region, account))
