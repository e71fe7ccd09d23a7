"""Running one invocation: the function's deployed zip in a subprocess (runner.py), its log
written to CloudWatch Logs as Lambda does.

The subprocess reaches the emulator through AWS_ENDPOINT_URL: a server started lazily in
this process on an ephemeral port (an `EmulatorThread`), sharing the backends of the
in-process mock or of the server that received the request.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from typing import Any

from moto.awslambda.models import LambdaFunction

from emulator.awslambda import runner
from emulator.awslambda.credentials import assume_execution_role, environment_credentials
from emulator.awslambda.runner import FunctionSpec, InvocationResult
from emulator.core.server import EmulatorThread
from emulator.iam.enforcement import Call, authorize_role

_log = logging.getLogger(__name__)

_server_lock = threading.Lock()
_server: EmulatorThread | None = None


def emulator_endpoint() -> str:
    """The endpoint functions call back to; starts the in-process server on first use."""
    global _server  # noqa: PLW0603 - started once per process
    with _server_lock:
        if _server is None:
            _server = EmulatorThread(port=0).start()
            atexit.register(_stop_server)
        return str(_server.endpoint)


def _stop_server() -> None:
    global _server  # noqa: PLW0603
    if _server is not None:
        _server.stop()
        _server = None


# ------------------------------------------------------------------ running one invocation


def executed_version(fn: LambdaFunction) -> str:
    return str(fn.version) if str(fn.version).isdigit() else "$LATEST"


def _function_spec(fn: LambdaFunction) -> FunctionSpec:
    logging_config = getattr(fn, "logging_config", None) or {}
    session = assume_execution_role(fn.account_id, fn.region, fn.role, fn.function_name)
    return FunctionSpec(
        name=fn.function_name,
        arn=fn.function_arn,
        version=executed_version(fn),
        handler=fn.handler or "",
        runtime=fn.run_time or "",
        code=fn.code_bytes,
        timeout=float(fn.timeout),
        memory_size=int(fn.memory_size),
        region=fn.region,
        environment=dict(fn.environment_vars or {}),
        log_group=logging_config.get("LogGroup") or f"/aws/lambda/{fn.function_name}",
        credentials=environment_credentials(session),
    )


def role_refuses(fn: LambdaFunction, service: str, operation: str, params: dict[str, Any]) -> bool:
    """Whether the function's execution role may not make a call Lambda makes for it.

    Lambda sends logs, destination records and dead-letter messages with the execution
    role's permissions (L-DG/lambda-intro-execution-role.html: logs need
    AWSLambdaBasicExecutionRole's logs:CreateLogStream/PutLogEvents;
    L-DG/invocation-async-retain-records.html: "Delivery errors can also occur due to
    permissions errors"). A refusal drops the delivery, as AWS does, and is logged here;
    that the check uses the execution role for destinations is *inferred*.
    """
    call = Call(service, operation, params, fn.region)
    denied = authorize_role(fn.role, fn.function_name, call, account=fn.account_id)
    if denied is not None:
        _log.warning("Lambda could not deliver for %s: %s", fn.function_name, denied.message)
    return denied is not None


def _write_logs(fn: LambdaFunction, spec: FunctionSpec, result: InvocationResult) -> None:
    from moto.logs.models import logs_backends  # noqa: PLC0415 - moto loads backends lazily

    logs = logs_backends[fn.account_id][fn.region]
    stream = {"logGroupName": spec.log_group, "logStreamName": result.log_stream}
    if spec.log_group not in logs.groups and role_refuses(
        fn, "logs", "CreateLogGroup", {"logGroupName": spec.log_group}
    ):
        return
    if role_refuses(fn, "logs", "CreateLogStream", stream) or role_refuses(
        fn, "logs", "PutLogEvents", stream
    ):
        return
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
    result = runner.run(spec, payload or b"{}", emulator_endpoint(), request_id)
    _write_logs(fn, spec, result)
    return result
