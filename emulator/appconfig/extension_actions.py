"""Running the synchronous extension actions of CreateHostedConfigurationVersion and
StartDeployment: the payload AppConfig sends, the role it assumes, the Lambda it invokes.

The two hooks are called by the backend before it stores a version or starts a deployment,
outside its lock (an invocation takes a subprocess and may call AWS back); each returns the
content to go on with (unchanged when no extension is associated) or raises
BadRequestException, which the API call then answers with.

AppConfig invokes an action's function with the action's RoleArn (User Guide, "Step 2:
Configure permissions for a custom AWS AppConfig extension": the role trusts
appconfig.amazonaws.com and allows lambda:InvokeFunction on the function). A role that does
not exist, does not trust AppConfig or does not allow the invocation makes the action fail
(*inferred*: the User Guide states what the role needs, not the error when it lacks it).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from emulator.appconfig.exceptions import BadRequestException
from emulator.appconfig.extensions import PAYLOAD_TYPES, PRE_CREATE, PRE_DEPLOY, run_sync_actions
from emulator.appconfig.utils import as_bytes

if TYPE_CHECKING:
    from moto.appconfig.models import ConfigurationProfile

    from emulator.appconfig.hosted import HostedConfigBackend

APPCONFIG_SERVICE = "appconfig.amazonaws.com"


def _trusts_appconfig(document: Mapping[str, Any]) -> bool:
    statements = document.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        services = (statement.get("Principal") or {}).get("Service", [])
        services = [services] if isinstance(services, str) else services
        if APPCONFIG_SERVICE in services and "sts:AssumeRole" in actions:
            return True
    return False


def _role_may_invoke(account_id: str, role_arn: str | None, function_arn: str) -> str | None:
    """Why AppConfig could not invoke `function_arn` with `role_arn` (None: it can)."""
    from moto.iam.models import iam_backends  # noqa: PLC0415 - moto loads backends lazily

    from emulator.iam.evaluator import Request, evaluate  # noqa: PLC0415
    from emulator.iam.policy import parse_policy  # noqa: PLC0415

    if not role_arn:
        return "the action has no RoleArn for AppConfig to assume"
    iam = iam_backends[account_id][role_arn.split(":")[1]]
    role = next((r for r in iam.roles.values() if r.arn == role_arn), None)
    if role is None:
        return f"role {role_arn} does not exist"
    trust = json.loads(unquote(str(role.assume_role_policy_document)))
    if not _trusts_appconfig(trust):
        return f"role {role_arn} does not trust {APPCONFIG_SERVICE}"
    policies = [parse_policy(unquote(doc), name=name) for name, doc in role.policies.items()]
    policies += [
        parse_policy(unquote(str(version.document)), name=policy.arn)
        for policy in role.managed_policies.values()
        for version in policy.versions
        if version.version_id == policy.default_version_id
    ]
    decision = evaluate(Request("lambda:InvokeFunction", (function_arn,)), policies)
    if not decision.allowed:
        return f"role {role_arn} may not lambda:InvokeFunction {function_arn}"
    return None


def _invoker(account_id: str) -> Any:
    def invoke(function_arn: str, role_arn: str | None, payload: bytes) -> tuple[bytes, str | None]:
        from moto.awslambda.utils import get_backend  # noqa: PLC0415

        from emulator.awslambda.execution import execute  # noqa: PLC0415

        problem = _role_may_invoke(account_id, role_arn, function_arn)
        if problem is not None:
            raise BadRequestException(f"AppConfig could not invoke the extension: {problem}")
        parts = function_arn.split(":")
        try:
            fn = get_backend(account_id, parts[3]).get_function(parts[6], None)
        except Exception as error:  # moto raises its own not-found types per version
            raise BadRequestException(
                f"AppConfig could not invoke the extension: function {function_arn} not found"
            ) from error
        result = execute(fn, payload)
        return result.payload, result.function_error

    return invoke


def _named(block_id: str, name: str) -> dict[str, str]:
    return {"Id": block_id, "Name": name}


def pre_create_version(
    backend: HostedConfigBackend,
    profile: ConfigurationProfile,
    *,
    content: bytes,
    content_type: str,
    description: str | None,
    next_version: int,
) -> bytes:
    """PRE_CREATE_HOSTED_CONFIGURATION_VERSION: the content to store."""
    app = backend.get_application(profile.application_id)
    actions = backend.extensions.actions_at(PRE_CREATE, (app.arn, profile.arn))
    if not actions:
        return content
    payload: dict[str, Any] = {
        "Type": PAYLOAD_TYPES[PRE_CREATE],
        "Application": _named(app.id, app.name),
        "ConfigurationProfile": _named(profile.id, profile.name),
        "ContentType": content_type,
        "ContentVersion": str(next_version),
        "Description": description or "",
    }
    previous = max(profile.config_versions, default=0)
    if previous:
        version = profile.config_versions[previous]
        raw = as_bytes(version.content)
        payload["PreviousContent"] = {
            "ContentType": version.content_type,
            "ContentVersion": str(previous),
            "Content": base64.b64encode(raw).decode("ascii"),
        }
    return run_sync_actions(actions, payload, content, _invoker(backend.account_id))


def pre_start_deployment(
    backend: HostedConfigBackend,
    profile: ConfigurationProfile,
    *,
    environment: Any,
    content: bytes,
    content_type: str,
    version: str,
    description: str | None,
    deployment_number: int,
) -> bytes:
    """PRE_START_DEPLOYMENT: the content the deployment delivers."""
    app = backend.get_application(profile.application_id)
    actions = backend.extensions.actions_at(PRE_DEPLOY, (app.arn, environment.arn, profile.arn))
    if not actions:
        return content
    payload = {
        "Type": PAYLOAD_TYPES[PRE_DEPLOY],
        "Application": _named(app.id, app.name),
        "Environment": _named(environment.id, environment.name),
        "ConfigurationProfile": _named(profile.id, profile.name),
        "DeploymentNumber": deployment_number,
        "ContentType": content_type,
        "ContentVersion": version,
        "Description": description or "",
    }
    return run_sync_actions(actions, payload, content, _invoker(backend.account_id))
