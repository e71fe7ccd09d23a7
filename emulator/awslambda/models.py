"""Lambda execution without Docker: Invoke, SNS subscriptions and EventBridge targets.

`install()` makes every place where AWS would run a function run its deployed zip (see
`lambda_runner`): Invoke with RequestResponse / Event / DryRun, an SNS subscription with
protocol `lambda`, and an EventBridge rule target that is a Lambda ARN.

Asynchronous invocations (Event invokes, SNS, EventBridge) run on background threads and
follow Lambda's rules: up to MaximumRetryAttempts retries (PutFunctionEventInvokeConfig,
default 2) one and then two minutes apart, dropped once older than MaximumEventAgeInSeconds
(default 6 hours); a failure goes to the on-failure destination and to the dead-letter
queue, a success to the on-success destination. Emulated time runs faster for them: every
delay and age limit is multiplied by the retry time factor (default 0.001, so the retries
come 60 ms and 120 ms apart; change it with `set_retry_time_factor`).

Tests wait for the background work with `wait_idle(timeout)` in-process, or
`POST {endpoint}/_emulator/wait-idle` (optional JSON body `{"timeout": seconds}`) over
HTTP: 200 `{"idle": true}` once nothing is queued or running, 504 `{"idle": false,
"pending": n}` when the timeout passed first.

The subprocess reaches the emulator through AWS_ENDPOINT_URL: a server started lazily in
this process on an ephemeral port (the emulator's own `EmulatorServer`), sharing the
backends of the in-process mock or of the server that received the request.
"""

from __future__ import annotations

import atexit
import base64
import json
import logging
import math
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from moto.awslambda.models import LambdaBackend, LambdaFunction
from moto.awslambda_simple.models import LambdaSimpleBackend
from moto.events.models import Rule
from moto.sns.models import Subscription

from emulator.awslambda import runner as lambda_runner
from emulator.awslambda.runner import FunctionSpec, InvocationResult, iso_now
from emulator.core.server import EmulatorApp, EmulatorServer, json_response, request_body

WAIT_IDLE_PATH = "/_emulator/wait-idle"
RETRY_DELAYS_SECONDS = (60.0, 120.0)
DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 2
DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 21600
MAX_PARALLEL_INVOCATIONS = 4
DLQ_ERROR_MESSAGE_LIMIT = 1024

_state_lock = threading.Condition()
_pending = 0
_retry_time_factor = 0.001
_slots = threading.BoundedSemaphore(MAX_PARALLEL_INVOCATIONS)
_server: EmulatorServer | None = None
_log = logging.getLogger(__name__)


# ------------------------------------------------------------------ settings and server


def set_retry_time_factor(factor: float) -> float:
    """Scale async retry delays and event age limits (1.0 = real minutes); return the old one."""
    global _retry_time_factor
    if (
        isinstance(factor, bool)
        or not isinstance(factor, int | float)
        or not (math.isfinite(factor) and factor >= 0)
    ):
        raise ValueError(f"retry time factor must be a finite number >= 0, got {factor!r}")
    with _state_lock:
        previous, _retry_time_factor = _retry_time_factor, float(factor)
    return previous


def emulator_endpoint() -> str:
    """The endpoint functions call back to; starts the in-process server on first use."""
    global _server  # noqa: PLW0603 - started once per process
    with _state_lock:
        if _server is None:
            _server = EmulatorServer(port=0).start()
            atexit.register(_stop_server)
        return str(_server.endpoint)


def _stop_server() -> None:
    global _server  # noqa: PLW0603
    if _server is not None:
        _server.stop()
        _server = None


# ------------------------------------------------------------------ quiescence


def _begin() -> None:
    global _pending  # noqa: PLW0603
    with _state_lock:
        _pending += 1


def _end() -> None:
    global _pending  # noqa: PLW0603
    with _state_lock:
        _pending -= 1
        _state_lock.notify_all()


def pending() -> int:
    """How many asynchronous invocations are queued, running or waiting to retry."""
    with _state_lock:
        return _pending


def wait_idle(timeout: float = 30.0) -> bool:
    """Block until no asynchronous invocation is pending; False if `timeout` passed first."""
    deadline = time.monotonic() + timeout
    with _state_lock:
        while _pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            _state_lock.wait(remaining)
    return True


def _background(task: Callable[[], None], name: str) -> None:
    _begin()

    def run() -> None:
        try:
            task()
        except Exception:
            # AWS drops what it cannot deliver (a deleted queue, a reset emulator): log it.
            _log.exception("asynchronous Lambda work %s failed", name)
        finally:
            _end()

    threading.Thread(target=run, name=name, daemon=True).start()


# ------------------------------------------------------------------ running one invocation


def _executed_version(fn: LambdaFunction) -> str:
    return str(fn.version) if str(fn.version).isdigit() else "$LATEST"


def _function_spec(fn: LambdaFunction) -> FunctionSpec:
    logging_config = getattr(fn, "logging_config", None) or {}
    return FunctionSpec(
        name=fn.function_name,
        arn=fn.function_arn,
        version=_executed_version(fn),
        handler=fn.handler or "",
        runtime=fn.run_time or "",
        code=fn.code_bytes,
        timeout=float(fn.timeout),
        memory_size=int(fn.memory_size),
        region=fn.region,
        environment=dict(fn.environment_vars or {}),
        log_group=logging_config.get("LogGroup") or f"/aws/lambda/{fn.function_name}",
    )


def _write_logs(fn: LambdaFunction, spec: FunctionSpec, result: InvocationResult) -> None:
    from moto.logs.models import logs_backends  # noqa: PLC0415 - moto loads backends lazily

    logs = logs_backends[fn.account_id][fn.region]
    logs.ensure_log_group(spec.log_group)
    logs.create_log_stream(spec.log_group, result.log_stream)
    now = int(time.time() * 1000)
    events = [{"timestamp": now, "message": line} for line in result.log_lines]
    logs.put_log_events(spec.log_group, result.log_stream, events)


def execute(fn: LambdaFunction, payload: bytes, request_id: str | None = None) -> InvocationResult:
    """Run the function once on `payload` and store its log; never raises for its errors."""
    spec = _function_spec(fn)
    if not spec.runtime.startswith("python"):
        raise NotImplementedError(
            f"the emulator runs Python functions only; {spec.name} uses {spec.runtime!r}"
        )
    result = lambda_runner.run(spec, payload or b"{}", emulator_endpoint(), request_id)
    _write_logs(fn, spec, result)
    return result


# ------------------------------------------------------------------ asynchronous invocations


def _invoke_config(fn: LambdaFunction) -> dict[str, Any]:
    configs = getattr(fn, "event_invoke_config", None) or []
    return dict(configs[0].config) if configs else {}


def _json_or_text(payload: bytes) -> Any:
    try:
        return json.loads(payload)
    except ValueError:
        return payload.decode("utf-8", "replace")


def _destination_record(
    fn: LambdaFunction, payload: bytes, result: InvocationResult, *, condition: str, attempts: int
) -> dict[str, Any]:
    response_context: dict[str, Any] = {"statusCode": 200, "executedVersion": "$LATEST"}
    if result.function_error:
        response_context["functionError"] = result.function_error
    return {
        "version": "1.0",
        "timestamp": iso_now(),
        "requestContext": {
            "requestId": result.request_id,
            "functionArn": f"{fn.function_arn}:$LATEST",
            "condition": condition,
            "approximateInvokeCount": attempts,
        },
        "requestPayload": _json_or_text(payload),
        "responseContext": response_context,
        "responsePayload": _json_or_text(result.payload),
    }


def _arn_parts(arn: str) -> tuple[str, str, str, str]:
    """(service, region, account, resource) of an ARN."""
    parts = arn.split(":", 5)
    if len(parts) != 6:
        raise ValueError(f"not an ARN: {arn!r}")
    return parts[2], parts[3], parts[4], parts[5]


def _send_to_sqs(
    arn: str,
    body: str,
    attributes: Mapping[str, tuple[str, str]],
    group_id: str | None = None,
) -> None:
    from moto.sqs.models import sqs_backends  # noqa: PLC0415

    _, region, account, queue = _arn_parts(arn)
    message_attributes = {
        name: {"DataType": data_type, "StringValue": value}
        for name, (data_type, value) in attributes.items()
    }
    sqs_backends[account][region].send_message(
        queue, body, message_attributes=message_attributes, group_id=group_id
    )


def _send_to_sns(arn: str, body: str, attributes: Mapping[str, tuple[str, str]]) -> None:
    from moto.sns.models import sns_backends  # noqa: PLC0415

    _, region, account, _ = _arn_parts(arn)
    message_attributes = {
        name: {"Type": data_type, "Value": value} for name, (data_type, value) in attributes.items()
    }
    sns_backends[account][region].publish(body, arn=arn, message_attributes=message_attributes)


def _send_to_bus(fn: LambdaFunction, arn: str, record: dict[str, Any], success: bool) -> None:
    from moto.events.models import events_backends  # noqa: PLC0415

    _, region, account, _ = _arn_parts(arn)
    outcome = "Success" if success else "Failure"
    events_backends[account][region].put_events(
        [
            {
                "Source": "lambda",
                "DetailType": f"Lambda Function Invocation Result - {outcome}",
                "Detail": json.dumps(record),
                "Resources": [arn, fn.function_arn],
                "EventBusName": arn,
            }
        ]
    )


def _deliver_record(fn: LambdaFunction, arn: str, record: dict[str, Any], success: bool) -> None:
    """Send a destination record to an SQS queue, SNS topic, Lambda function or event bus."""
    service = _arn_parts(arn)[0]
    body = json.dumps(record)
    if service == "sqs":
        _send_to_sqs(arn, body, {})
    elif service == "sns":
        _send_to_sns(arn, body, {})
    elif service == "lambda":
        invoke_async_arn(fn.account_id, arn, body.encode())
    elif service == "events":
        _send_to_bus(fn, arn, record, success)
    else:
        raise ValueError(f"unsupported Lambda destination {arn!r}")


def _dead_letter(fn: LambdaFunction, payload: bytes, result: InvocationResult) -> None:
    target = (getattr(fn, "dead_letter_config", None) or {}).get("TargetArn")
    if not target:
        return
    attributes = {
        "RequestID": ("String", result.request_id),
        "ErrorCode": ("Number", "200"),
        "ErrorMessage": ("String", result.error_message[:DLQ_ERROR_MESSAGE_LIMIT]),
    }
    body = payload.decode("utf-8", "replace")
    if _arn_parts(target)[0] == "sqs":
        _send_to_sqs(target, body, attributes)
    else:
        _send_to_sns(target, body, attributes)


def _finish(
    fn: LambdaFunction, payload: bytes, result: InvocationResult, *, condition: str, attempts: int
) -> None:
    destinations = _invoke_config(fn).get("DestinationConfig") or {}
    success = condition == "Success"
    target = (destinations.get("OnSuccess" if success else "OnFailure") or {}).get("Destination")
    if target:
        record = _destination_record(fn, payload, result, condition=condition, attempts=attempts)
        _deliver_record(fn, target, record, success)
    if not success:
        _dead_letter(fn, payload, result)


def _run_async(fn: LambdaFunction, payload: bytes) -> None:
    """Lambda's asynchronous invocation: attempts, delays, age limit, then the outcome."""
    config = _invoke_config(fn)
    attempts_allowed = 1 + int(config.get("MaximumRetryAttempts", DEFAULT_MAXIMUM_RETRY_ATTEMPTS))
    factor = _retry_time_factor
    max_age = (
        float(config.get("MaximumEventAgeInSeconds", DEFAULT_MAXIMUM_EVENT_AGE_SECONDS)) * factor
    )
    received = time.monotonic()
    request_id: str | None = None
    attempt = 0
    while True:
        attempt += 1
        with _slots:
            result = execute(fn, payload, request_id)
        request_id = result.request_id
        if result.function_error is None:
            _finish(fn, payload, result, condition="Success", attempts=attempt)
            return
        if attempt >= attempts_allowed:
            _finish(fn, payload, result, condition="RetriesExhausted", attempts=attempt)
            return
        delay = RETRY_DELAYS_SECONDS[min(attempt, len(RETRY_DELAYS_SECONDS)) - 1] * factor
        if time.monotonic() + delay - received > max_age:
            _finish(fn, payload, result, condition="EventAgeExceeded", attempts=attempt)
            return
        time.sleep(delay)


def invoke_async(fn: LambdaFunction, payload: bytes) -> None:
    """Queue an asynchronous invocation of `fn` (returns at once)."""
    _background(lambda: _run_async(fn, payload), f"lambda-async:{fn.function_name}")


def _lookup(account_id: str, function_arn: str) -> LambdaFunction:
    from moto.awslambda.utils import get_backend  # noqa: PLC0415

    _, region, _, resource = _arn_parts(function_arn)
    parts = resource.split(":")
    qualifier = parts[2] if len(parts) > 2 else None
    return get_backend(account_id, region).get_function(parts[1], qualifier)


def invoke_async_arn(account_id: str, function_arn: str, payload: bytes) -> None:
    """Queue an asynchronous invocation of the function (optionally qualified) `function_arn`.

    The function is looked up on the background thread: as in AWS, an SNS publish or an
    EventBridge event aimed at a deleted function still succeeds (the delivery is logged).
    """
    _background(
        lambda: _run_async(_lookup(account_id, function_arn), payload),
        f"lambda-async:{function_arn}",
    )


# ------------------------------------------------------------------ moto integration


def _header(headers: Any, name: str, default: str = "") -> str:
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return str(value)
    return default


def _payload_bytes(body: Any) -> bytes:
    if body is None or body == "":
        return b"{}"
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body).encode()


def _invoke_function(
    fn: LambdaFunction, body: Any, request_headers: Any, response_headers: dict[str, Any]
) -> bytes:
    """Invoke's behaviour for one function, shared by every moto entry point."""
    invocation_type = _header(request_headers, "X-Amz-Invocation-Type", "RequestResponse")
    payload = _payload_bytes(body)
    if invocation_type == "DryRun":
        return b""
    if invocation_type == "Event":
        invoke_async(fn, payload)
        return b""
    result = execute(fn, payload)
    response_headers["x-amz-executed-version"] = _executed_version(fn)
    if result.function_error:
        response_headers["x-amz-function-error"] = result.function_error
    response_headers["x-amz-log-result"] = base64.b64encode(result.log_tail().encode()).decode()
    return result.payload


def _backend_invoke(  # noqa: PLR0917 - moto's LambdaBackend.invoke signature
    self: LambdaBackend,
    function_name: str,
    qualifier: str | None,
    body: Any,
    headers: Any,
    response_headers: Any,
) -> bytes:
    fn = self.get_function(function_name, qualifier)
    payload = _invoke_function(fn, body, headers, response_headers)
    response_headers["Content-Length"] = str(len(payload))
    return payload


def _sns_event(
    subscription: Subscription, message: str, message_id: str, subject: str | None, attributes: Any
) -> dict[str, Any]:
    region = subscription.topic.arn.split(":")[3]
    host = f"https://sns.{region}.amazonaws.com"
    unsubscribe = f"{host}/?Action=Unsubscribe&SubscriptionArn={subscription.arn}"
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": subscription.arn,
                "Sns": {
                    "Type": "Notification",
                    "MessageId": message_id,
                    "TopicArn": subscription.topic.arn,
                    "Subject": subject,
                    "Message": message,
                    "Timestamp": iso_now(),
                    "SignatureVersion": "1",
                    "Signature": "EXAMPLE",
                    "SigningCertUrl": f"{host}/SimpleNotificationService-emulator.pem",
                    "UnsubscribeUrl": unsubscribe,
                    "MessageAttributes": dict(attributes or {}),
                },
            }
        ]
    }


_original_publish: Callable[..., None] = Subscription.publish


def _subscription_publish(  # noqa: PLR0917 - moto's Subscription.publish signature
    self: Subscription,
    message: str,
    message_id: str,
    subject: str | None = None,
    message_attributes: dict[str, Any] | None = None,
    group_id: str | None = None,
    deduplication_id: str | None = None,
    message_structure: str | None = None,
) -> None:
    if self.protocol != "lambda":
        _original_publish(
            self,
            message,
            message_id,
            subject=subject,
            message_attributes=message_attributes,
            group_id=group_id,
            deduplication_id=deduplication_id,
            message_structure=message_structure,
        )
        return
    matcher = self._filter_policy_matcher
    if matcher is not None and not matcher.matches(message_attributes, message):
        return
    if message_structure == "json":
        message = self._parse_message_structure(message, self.protocol)
    event = _sns_event(self, message, message_id, subject, message_attributes)
    invoke_async_arn(self.account_id, self.endpoint, json.dumps(event).encode())


def eventbridge_event(event: Mapping[str, Any]) -> dict[str, Any]:
    """The event as EventBridge hands it to a target: ISO time, no internal fields."""
    delivered = {key: value for key, value in event.items() if key != "ingestion-time"}
    when = delivered.get("time")
    if isinstance(when, int | float):
        delivered["time"] = datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    elif isinstance(when, datetime):
        delivered["time"] = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return delivered


_original_send_to_targets: Callable[..., None] = Rule.send_to_targets


def _target_service(target: Mapping[str, Any]) -> str:
    parts = str(target.get("Arn", "")).split(":")
    return parts[2] if len(parts) > 2 else ""


def _rule_send_to_targets(self: Rule, original_event: Any, transform_input: bool = True) -> None:
    """Lambda and SQS targets get the event (or its Input/InputTransformer) as AWS sends it."""
    handled = [t for t in self.targets if _target_service(t) in {"lambda", "sqs"}]
    if handled and self.event_pattern.matches_event(original_event):
        for target in handled:
            payload = _target_input(target, original_event)
            if _target_service(target) == "lambda":
                invoke_async_arn(self.account_id, target["Arn"], payload)
            else:
                group_id = (target.get("SqsParameters") or {}).get("MessageGroupId")
                _send_to_sqs(str(target["Arn"]), payload.decode(), {}, group_id)
    if len(handled) == len(self.targets):
        return
    others = _copy_rule(self, [t for t in self.targets if t not in handled])
    _original_send_to_targets(others, original_event, transform_input)


def _copy_rule(rule: Rule, targets: Iterable[dict[str, Any]]) -> Rule:
    import copy  # noqa: PLC0415

    clone = copy.copy(rule)
    clone.targets = list(targets)
    return clone


def _json_path_value(path: str, document: Mapping[str, Any]) -> Any:
    from jsonpath_ng import ext  # noqa: PLC0415 - a moto dependency

    matches = ext.parse(path).find(document)  # type: ignore[attr-defined]
    return matches[0].value if matches else None


_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")


def render_input_template(template: str, values: Mapping[str, Any]) -> str:
    """EventBridge's InputTemplate: a placeholder inside a JSON string takes the raw text,
    anywhere else the JSON value (strings quoted, a missing path is null)."""

    def substitute(match: re.Match[str]) -> str:
        if match.group(1) not in values:
            return match.group(0)
        value = values[match.group(1)]
        preceding = template[: match.start()].replace('\\"', "")
        if preceding.count('"') % 2 == 1:
            return "" if value is None else value if isinstance(value, str) else json.dumps(value)
        return json.dumps(value)

    return _PLACEHOLDER.sub(substitute, template)


def _target_input(target: Mapping[str, Any], event: Mapping[str, Any]) -> bytes:
    """A target's Input / InputPath / InputTransformer applied as EventBridge does."""
    if "Input" in target:
        return str(target["Input"]).encode()
    delivered = eventbridge_event(event)
    if target.get("InputPath"):
        return json.dumps(_json_path_value(target["InputPath"], delivered)).encode()
    transformer = target.get("InputTransformer")
    if not transformer:
        return json.dumps(delivered).encode()
    values = {
        name: _json_path_value(path, delivered)
        for name, path in (transformer.get("InputPathsMap") or {}).items()
    }
    values["aws.events.event"] = delivered
    values["aws.events.event.json"] = delivered
    return render_input_template(str(transformer.get("InputTemplate", "")), values).encode()


def _requested_timeout(environ: dict[str, Any]) -> float:
    """The timeout of a wait-idle request; ValueError with the usage for anything else."""
    usage = 'use POST with an optional JSON body {"timeout": seconds >= 0}'
    if environ.get("REQUEST_METHOD") != "POST":
        raise ValueError(usage)
    body = request_body(environ)
    try:
        options = {} if body is None else json.loads(body)
        timeout = options.get("timeout", 30.0) if isinstance(options, dict) else None
    except ValueError as error:
        raise ValueError(f"{usage}: {error}") from error
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise ValueError(f"{usage}; got timeout {timeout!r}")
    if not math.isfinite(timeout) or timeout < 0:
        raise ValueError(f"{usage}; got timeout {timeout!r}")
    return float(timeout)


def _wait_idle_response(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """`POST /_emulator/wait-idle` with optional JSON `{"timeout": seconds}` (default 30)."""
    status, answer = "200 OK", dict[str, Any]({"idle": True})
    try:
        timeout = _requested_timeout(environ)
    except ValueError as error:
        status, answer = "400 Bad Request", {"error": str(error)}
    else:
        if not wait_idle(timeout):
            status, answer = "504 Gateway Timeout", {"idle": False, "pending": pending()}
    return json_response(start_response, status, answer)


def install() -> None:
    """Patch moto so functions really run, and serve the wait-idle route (idempotent)."""
    LambdaBackend.invoke = _backend_invoke  # type: ignore[method-assign]
    LambdaSimpleBackend.invoke = _backend_invoke  # type: ignore[method-assign]
    LambdaFunction.invoke = _invoke_function  # type: ignore[method-assign]
    Subscription.publish = _subscription_publish  # type: ignore[method-assign]
    Rule.send_to_targets = _rule_send_to_targets  # type: ignore[method-assign]
    EmulatorApp.add_route(WAIT_IDLE_PATH, _wait_idle_response)
