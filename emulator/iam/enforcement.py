"""IAM on the emulator's request path: calls signed by a role session are authorised.

Every AWS request reaching the emulator (over HTTP through EmulatorApp's guard, in-process
through moto's botocore stubber) whose SigV4 access key is an sts:AssumeRole session (a
function's execution role: emulator.awslambda.credentials) is decided BEFORE moto serves it:
the operation and its parameters are read with botocore's service model (moto's router and
parsers), names are resolved to the IDs the ARNs need, ``resources.resources_for`` gives
the ARNs, and ``evaluator.evaluate`` decides against the role's inline and attached
policies. A denial is answered in the protocol's error shape (rest-json, json, query) with
the code and message of ``exceptions.access_denied``. Keys that are not a role session
(the operator's static keys) are not checked.

Calls Lambda makes itself with the execution role (log delivery, destinations, the
dead-letter queue) go through ``authorize_role`` (emulator.awslambda).

Rules beyond the evaluator:
- sts:GetCallerIdentity needs no permission ("No permissions are required to perform this
  operation", STS API Reference, GetCallerIdentity).
- Publishing to an SNS topic or sending to an SQS queue encrypted with a customer-managed
  KMS key also needs kms:GenerateDataKey and kms:Decrypt on the key (SNS Developer Guide,
  "Encryption at rest" / "Key management"; SQS Developer Guide, "Configuring KMS permissions
  for producers"); missing, SNS answers KMSAccessDenied and SQS KmsAccessDenied (400, from
  the botocore models). AWS-managed keys (``alias/aws/...``) are allowed by their key policy
  to every principal of the account using the service, so they need no IAM grant.
- *Inferred*: an operation the emulator cannot map to resources is refused (deny-safe: the
  emulator may refuse more than AWS, never less), saying so in the message.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from moto.core.botocore_stubber import BotocoreStubber
from moto.core.parse import PROTOCOL_PARSERS
from moto.core.request import Request, determine_request_protocol, normalize_request
from moto.core.routing import get_service_router
from moto.core.utils import get_service_model
from werkzeug.exceptions import NotFound

from emulator.core import config
from emulator.core.app import EmulatorApp, StartResponse
from emulator.iam import sar
from emulator.iam.evaluator import IncompleteRequestError, evaluate
from emulator.iam.evaluator import Request as AuthRequest
from emulator.iam.exceptions import AccessDeniedError, access_denied, denial
from emulator.iam.policy import Policy
from emulator.iam.principals import RoleSession, role_policies, session_for
from emulator.iam.resources import UnmappedOperationError, action_for, resources_for

# SigV4 signing name -> the botocore services signed with it (appconfigdata signs as appconfig).
_SERVICES_BY_SIGNING_NAME: dict[str, tuple[str, ...]] = {
    "appconfig": ("appconfigdata", "appconfig"),
    "monitoring": ("cloudwatch",),
    "sns": ("sns",),
    "sqs": ("sqs",),
    "kms": ("kms",),
    "logs": ("logs",),
    "lambda": ("lambda",),
    "sts": ("sts",),
    "events": ("events",),
    "iam": ("iam",),
}
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
_FREE_ACTIONS = frozenset({"sts:GetCallerIdentity"})
_KMS_DENIED = {"sns": ("KMSAccessDenied", 400), "sqs": ("KmsAccessDenied", 400)}

Response = tuple[int, dict[str, str], bytes]


@dataclass(frozen=True)
class Call:
    """One AWS call as IAM sees it: botocore service and operation, parameters, where."""

    service: str
    operation: str
    params: Mapping[str, Any]
    region: str
    protocol: str = "json"


# ------------------------------------------------------------------ reading the request


def _signature(headers: Any) -> tuple[str, str, str] | None:
    """(access key id, region, signing name) of a SigV4 Authorization header."""
    value = headers.get("Authorization", "") or ""
    text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    found = _CREDENTIAL.search(text)
    return (found[1], found[2], found[3]) if found else None


def identify(request: Request, region: str, signing_name: str) -> Call | None:
    """The operation and parameters of ``request`` (None when no known service matches)."""
    for service in _SERVICES_BY_SIGNING_NAME.get(signing_name, ()):
        try:
            operation, uri_params = get_service_router(service).match(request)
        except (NotFound, NotImplementedError):
            continue
        model = get_service_model(service)
        protocol = determine_request_protocol(model, request.content_type)
        parser = PROTOCOL_PARSERS[protocol](operation)
        params = parser.parse(
            {
                "method": request.method,
                "values": request.values,
                "headers": request.headers,
                "body": request.get_data(),
                "url_path": request.path,
                "url_params": uri_params,
            }
        )
        return Call(service, str(operation.name), params, region, protocol)
    return None


# ------------------------------------------------------------------ resolving names


def _appconfig_backend(session: RoleSession, region: str) -> Any:
    from moto.appconfig.models import appconfig_backends  # noqa: PLC0415 - loaded lazily

    return appconfig_backends[session.account][region]


def _by_id_or_name(items: Mapping[str, Any], identifier: str) -> str:
    if identifier in items:
        return identifier
    return next((key for key, item in items.items() if item.name == identifier), identifier)


def _resolved(call: Call, session: RoleSession) -> Mapping[str, Any] | None:
    """Parameters with the IDs ``resources_for`` needs (AppConfig Data takes names or tokens);
    None for a token of no session, which touches nothing (the service answers it)."""
    params = dict(call.params)
    if call.service != "appconfigdata":
        return params
    backend = _appconfig_backend(session, call.region)
    if call.operation == "GetLatestConfiguration":
        state = backend.sessions.get(params.get("ConfigurationToken", ""))
        if state is None:
            return None
        found = state.session
        return {
            "ApplicationIdentifier": found.application_id,
            "EnvironmentIdentifier": found.environment_id,
            "ConfigurationProfileIdentifier": found.profile_id,
        }
    application_id = _by_id_or_name(backend.applications, params["ApplicationIdentifier"])
    application = backend.applications.get(application_id)
    if application is None:  # unknown: AWS answers ResourceNotFound after authorising
        return params
    params["ApplicationIdentifier"] = application_id
    params["EnvironmentIdentifier"] = _by_id_or_name(
        backend.environments.get(application_id, {}), params["EnvironmentIdentifier"]
    )
    params["ConfigurationProfileIdentifier"] = _by_id_or_name(
        application.config_profiles, params["ConfigurationProfileIdentifier"]
    )
    return params


def _customer_key(account: str, region: str, key: str | None) -> str | None:
    """The ARN of a customer-managed KMS key; None for none, an AWS-managed or unknown key."""
    if not key or key.startswith("alias/aws/") or ":alias/aws/" in key:
        return None
    from moto.kms.exceptions import NotFoundException as KmsNotFound  # noqa: PLC0415
    from moto.kms.models import kms_backends  # noqa: PLC0415 - loaded lazily

    try:
        return str(kms_backends[account][region].describe_key(key).arn)
    except (KeyError, KmsNotFound):
        return None


def _encryption_key(call: Call, account: str) -> str | None:
    """The customer-managed key a Publish/SendMessage encrypts with, if any."""
    if (call.service, call.operation) == ("sns", "Publish"):
        from moto.sns.models import sns_backends  # noqa: PLC0415

        arn = str(call.params.get("TopicArn") or call.params.get("TargetArn") or "")
        topic = sns_backends[account][call.region].topics.get(arn)
        return _customer_key(account, call.region, getattr(topic, "kms_master_key_id", None))
    if (call.service, call.operation) == ("sqs", "SendMessage"):
        from moto.sqs.models import sqs_backends  # noqa: PLC0415

        name = str(call.params.get("QueueUrl", "")).rstrip("/").rsplit("/", 1)[-1]
        queue = sqs_backends[account][call.region].queues.get(name)
        return _customer_key(account, call.region, getattr(queue, "kms_master_key_id", None))
    return None


# ------------------------------------------------------------------ deciding


def _unmapped(action: str, principal: str, why: str) -> AccessDeniedError:
    message = (
        f"User: {principal} is not authorized to perform: {action} (the emulator cannot tell "
        f"which resources this call touches: {why}; add it to emulator/iam/resources.py)"
    )
    return denial(action, message)


def authorize(call: Call, session: RoleSession) -> AccessDeniedError | None:
    """None when the role session may make ``call``; else the error AWS answers."""
    action = action_for(call.service, call.operation)
    if action in _FREE_ACTIONS:
        return None
    try:
        params = _resolved(call, session)
        if params is None:
            return None
        arns = resources_for(call.service, call.operation, params, call.region, session.account)
        policies = role_policies(session.account, session.partition, session.role_arn)
        decision = evaluate(AuthRequest(action, tuple(arns)), policies)
    except (
        UnmappedOperationError,
        KeyError,
        IncompleteRequestError,
        sar.UnknownActionError,
    ) as gap:
        return _unmapped(action, session.arn, str(gap))
    if not decision.allowed:
        return access_denied(decision, session.arn)
    return _key_refused(call, session, policies)


def _key_refused(
    call: Call, session: RoleSession, policies: list[Policy]
) -> AccessDeniedError | None:
    """A Publish/SendMessage to a customer-key-encrypted topic or queue needs the key too."""
    key = _encryption_key(call, session.account)
    if key is None:
        return None
    for operation in ("GenerateDataKey", "Decrypt"):
        decision = evaluate(AuthRequest(f"kms:{operation}", (key,)), policies)
        if not decision.allowed:
            code, status = _KMS_DENIED[call.service]
            return AccessDeniedError(code, status, access_denied(decision, session.arn).message)
    return None


def authorize_role(
    role_arn: str, session_name: str, call: Call, *, account: str, partition: str = "aws"
) -> AccessDeniedError | None:
    """Authorise a call Lambda makes itself with a function's execution role."""
    role_name = role_arn.rsplit("/", 1)[-1]
    principal = f"arn:{partition}:sts::{account}:assumed-role/{role_name}/{session_name}"
    if not config.iam_enforcement():
        return None
    return authorize(call, RoleSession(account, partition, role_arn, principal, ""))


# ------------------------------------------------------------------ answering a denial


def error_response(error: AccessDeniedError, call: Call) -> Response:
    """The denial in the shape the call's protocol answers errors with."""
    request_id = str(uuid.uuid4())
    headers = {"x-amzn-RequestId": request_id}
    if call.protocol == "query":
        model = get_service_model(call.service)
        namespace = f"https://{model.endpoint_prefix}.amazonaws.com/doc/{model.api_version}/"
        body = (
            f'<ErrorResponse xmlns="{namespace}"><Error><Type>Sender</Type>'
            f"<Code>{error.code}</Code><Message>{_xml(error.message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
        return error.status, {**headers, "Content-Type": "text/xml"}, body
    if call.protocol == "rest-json":
        headers["x-amzn-ErrorType"] = error.code
        body = json.dumps({"Message": error.message, "message": error.message}).encode()
        return error.status, {**headers, "Content-Type": "application/json"}, body
    model = get_service_model(call.service)
    version = model.metadata.get("jsonVersion", "1.0")
    if "awsQueryCompatible" in model.metadata:
        headers["x-amzn-query-error"] = f"{error.code};Sender"
    body = json.dumps({"__type": error.code, "message": error.message}).encode()
    return error.status, {**headers, "Content-Type": f"application/x-amz-json-{version}"}, body


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def role_session(headers: Any) -> tuple[RoleSession, str, str] | None:
    """(session, region, signing name) when enforcement is on and a role session signed."""
    if not config.iam_enforcement():
        return None
    signature = _signature(headers)
    if signature is None:
        return None
    access_key, region, signing_name = signature
    session = session_for(access_key)
    return None if session is None else (session, region, signing_name)


def check(request: Request, signer: tuple[RoleSession, str, str]) -> Response | None:
    """The denial of ``request`` signed by ``signer``, or None to let moto serve it."""
    session, region, signing_name = signer
    call = identify(request, region, signing_name)
    if call is None:
        error = _unmapped(f"{signing_name}:?", session.arn, "no operation matches the request")
        body = json.dumps({"__type": error.code, "message": error.message}).encode()
        return error.status, {"Content-Type": "application/json"}, body
    denied = authorize(call, session)
    return None if denied is None else error_response(denied, call)


# ------------------------------------------------------------------ hooks


def _guard(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes] | None:
    """EmulatorApp guard: for a role session, read the body once, put it back for moto, decide."""
    signer = role_session({"Authorization": environ.get("HTTP_AUTHORIZATION", "")})
    if signer is None:
        return None  # the operator's keys (or enforcement off): unrestricted
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    refused = check(Request(dict(environ, **{"wsgi.input": io.BytesIO(body)})), signer)
    if refused is None:
        return None
    status, headers, payload = refused
    reason = "Forbidden" if status == 403 else "Bad Request"
    start_response(f"{status} {reason}", [*headers.items(), ("Content-Length", str(len(payload)))])
    return [payload]


_original_process_request = BotocoreStubber.process_request


def _process_request(self: BotocoreStubber, request: Any) -> Any:
    """moto's in-process stubber, with the same check first."""
    signer = role_session(request.headers)
    if signer is not None:
        refused = check(normalize_request(request), signer)
        if refused is not None:
            return refused
    return _original_process_request(self, request)


def install() -> None:
    """Authorise role-signed calls on both request paths (idempotent)."""
    EmulatorApp.add_guard(_guard)
    BotocoreStubber.process_request = _process_request  # type: ignore[method-assign]
