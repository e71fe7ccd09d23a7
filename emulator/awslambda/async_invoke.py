"""Lambda's asynchronous invocation: queue, retries, event age, destinations, dead-letter queue.

Asynchronous invocations (Event invokes, SNS, EventBridge) run on background threads and
follow Lambda's rules: up to MaximumRetryAttempts retries (PutFunctionEventInvokeConfig,
default 2) one and then two minutes apart, dropped once older than MaximumEventAgeInSeconds
(default 6 hours); a failure goes to the on-failure destination and to the dead-letter
queue, a success to the on-success destination. Emulated time runs faster for them: every
delay and age limit is multiplied by the retry time factor (default 0.001, so the retries
come 60 ms and 120 ms apart; change it with `set_retry_time_factor`).

Tests wait for the background work with `wait_idle(timeout)` in-process, or
`POST {endpoint}/_emulator/wait-idle` over HTTP (responses.py).
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from moto.awslambda.models import LambdaFunction

from emulator.awslambda import concurrency
from emulator.awslambda.execution import execute, role_refuses
from emulator.awslambda.runner import InvocationResult, iso_now

RETRY_DELAYS_SECONDS = (60.0, 120.0)
# Throttled events are retried from 1 s, doubling, up to 5 minutes apart
# (L-DG/invocation-async-error-handling.html).
THROTTLE_FIRST_DELAY_SECONDS = 1.0
THROTTLE_MAX_DELAY_SECONDS = 300.0
DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 2
DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 21600
MAX_PARALLEL_INVOCATIONS = 4
DLQ_ERROR_MESSAGE_LIMIT = 1024

_state_lock = threading.Condition()
_pending = 0
_retry_time_factor = 0.001
_slots = threading.BoundedSemaphore(MAX_PARALLEL_INVOCATIONS)
_log = logging.getLogger(__name__)


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
        except Exception:  # noqa: BLE001 - a background thread must not die silently
            # AWS drops what it cannot deliver (a deleted queue, a reset emulator): log it.
            _log.exception("asynchronous Lambda work %s failed", name)
        finally:
            _end()

    threading.Thread(target=run, name=name, daemon=True).start()


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


def send_to_sqs(
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


def _queue_url(arn: str) -> str:
    _, region, account, name = _arn_parts(arn)
    return f"https://sqs.{region}.amazonaws.com/{account}/{name}"


def _role_refuses_delivery(fn: LambdaFunction, arn: str) -> bool:
    """Whether the execution role may not send to ``arn`` (an SQS, SNS, Lambda or bus ARN)."""
    service = _arn_parts(arn)[0]
    if service == "sqs":
        return role_refuses(fn, "sqs", "SendMessage", {"QueueUrl": _queue_url(arn)})
    if service == "sns":
        return role_refuses(fn, "sns", "Publish", {"TopicArn": arn})
    if service == "lambda":
        return role_refuses(fn, "lambda", "Invoke", {"FunctionName": arn})
    return role_refuses(fn, "events", "PutEvents", {"Entries": [{"EventBusName": arn}]})


def _deliver_record(fn: LambdaFunction, arn: str, record: dict[str, Any], success: bool) -> None:
    """Send a destination record to an SQS queue, SNS topic, Lambda function or event bus."""
    service = _arn_parts(arn)[0]
    body = json.dumps(record)
    if _role_refuses_delivery(fn, arn):
        return
    if service == "sqs":
        send_to_sqs(arn, body, {})
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
    if _role_refuses_delivery(fn, target):
        return
    if _arn_parts(target)[0] == "sqs":
        send_to_sqs(target, body, attributes)
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


def _throttled_result(request_id: str | None, reason: str) -> InvocationResult:
    body = json.dumps(concurrency.throttle_error_body(reason)).encode()
    return InvocationResult(request_id or str(uuid.uuid4()), body, "Throttled", [], "")


def _run_async(fn: LambdaFunction, payload: bytes) -> None:
    """Lambda's asynchronous invocation: attempts, delays, age limit, then the outcome.

    A throttled attempt (no concurrency free) does not count against MaximumRetryAttempts:
    the event goes back to the queue and is retried with a delay growing from 1 s to at most
    5 minutes until it is older than MaximumEventAgeInSeconds
    (L-DG/invocation-async-error-handling.html).
    With reserved concurrency 0 the event goes straight to the failure destination and the
    dead-letter queue, without retries (L-DG/invocation-async-retain-records.html, note).
    """
    config = _invoke_config(fn)
    attempts_allowed = 1 + int(config.get("MaximumRetryAttempts", DEFAULT_MAXIMUM_RETRY_ATTEMPTS))
    factor = _retry_time_factor
    max_age = (
        float(config.get("MaximumEventAgeInSeconds", DEFAULT_MAXIMUM_EVENT_AGE_SECONDS)) * factor
    )
    received = time.monotonic()
    request_id: str | None = None
    attempt = 0
    throttle_delay = THROTTLE_FIRST_DELAY_SECONDS
    while True:
        try:
            with concurrency.running(fn), _slots:
                attempt += 1
                result = execute(fn, payload, request_id)
        except concurrency.TooManyRequestsException as throttled:
            result = _throttled_result(request_id, throttled.reason)
            request_id = result.request_id
            if concurrency.reservation(fn) == 0:
                _finish(fn, payload, result, condition="RetriesExhausted", attempts=attempt)
                return
            delay = throttle_delay * factor
            throttle_delay = min(throttle_delay * 2, THROTTLE_MAX_DELAY_SECONDS)
            if time.monotonic() + delay - received > max_age:
                _finish(fn, payload, result, condition="EventAgeExceeded", attempts=attempt)
                return
            time.sleep(delay)
            continue
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
