"""Lambda without Docker: Invoke runs the deployed zip; install() wires every entry point.

`install()` makes every place where AWS would run a function run its deployed zip (see
execution.py and runner.py): Invoke with RequestResponse / Event / DryRun
(async_invoke.py for Event), an SNS subscription with protocol `lambda` and an
EventBridge rule target that is a Lambda ARN (triggers.py).
"""

from __future__ import annotations

import base64
import json
from typing import Any

from moto.awslambda.models import LambdaBackend, LambdaFunction
from moto.awslambda_simple.models import LambdaSimpleBackend
from typing_extensions import override

from emulator.awslambda import concurrency, triggers
from emulator.awslambda.async_invoke import invoke_async
from emulator.awslambda.execution import execute, executed_version
from emulator.awslambda.responses import wait_idle_response
from emulator.core.app import WAIT_IDLE_PATH, EmulatorApp


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


def invoke_function(
    fn: LambdaFunction, body: Any, request_headers: Any, response_headers: Any
) -> bytes:
    """Invoke's behaviour for one function, shared by every moto entry point."""
    invocation_type = _header(request_headers, "X-Amz-Invocation-Type", "RequestResponse")
    payload = _payload_bytes(body)
    if invocation_type == "DryRun":
        return b""
    if invocation_type == "Event":
        invoke_async(fn, payload)
        return b""
    with concurrency.running(fn):  # TooManyRequestsException (429) when none is free
        result = execute(fn, payload)
    response_headers["x-amz-executed-version"] = executed_version(fn)
    if result.function_error:
        response_headers["x-amz-function-error"] = result.function_error
    response_headers["x-amz-log-result"] = base64.b64encode(result.log_tail().encode()).decode()
    return result.payload


# The replacements below are written as typed overrides of moto's methods: mypy checks each
# signature against moto's (`@override`, and again where install() assigns it), so a moto
# upgrade that changes one fails the type check instead of breaking at run time. `self` is
# typed as moto's class because install() puts the methods on moto's own classes.


class ExecutingFunction(LambdaFunction):
    """moto's LambdaFunction whose Invoke runs the deployed code."""

    @override
    def invoke(
        self: LambdaFunction, body: str, request_headers: Any, response_headers: Any
    ) -> str | bytes:
        return invoke_function(self, body, request_headers, response_headers)


class ExecutingBackend(LambdaBackend):
    """moto's LambdaBackend (and LambdaSimpleBackend) whose Invoke runs the deployed code."""

    @override
    def invoke(
        self: LambdaBackend,
        function_name: str,
        qualifier: str | None,
        body: Any,
        headers: Any,
        response_headers: Any,
    ) -> str | bytes | None:
        fn = self.get_function(function_name, qualifier)
        payload = invoke_function(fn, body, headers, response_headers)
        response_headers["Content-Length"] = str(len(payload))
        return payload


def install() -> None:
    """Patch moto so functions really run, and serve the wait-idle route (idempotent)."""
    # ignore[method-assign]: moto is extended by assigning to its classes; mypy still checks
    # each replacement's signature against moto's (an [assignment] error is not ignored).
    LambdaBackend.invoke = ExecutingBackend.invoke  # type: ignore[method-assign]
    LambdaSimpleBackend.invoke = ExecutingBackend.invoke  # type: ignore[method-assign]
    LambdaFunction.invoke = ExecutingFunction.invoke  # type: ignore[method-assign]
    triggers.install()
    concurrency.install()
    EmulatorApp.add_route(WAIT_IDLE_PATH, wait_idle_response)
