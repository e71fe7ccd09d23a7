"""Running one invocation: the function's deployed zip in a subprocess (runner.py), its log
written to CloudWatch Logs as Lambda does.

The subprocess reaches the emulator through AWS_ENDPOINT_URL: a server started lazily in
this process on an ephemeral port (an `EmulatorThread`), sharing the backends of the
in-process mock or of the server that received the request.
"""

from __future__ import annotations

import atexit
import threading
import time

from moto.awslambda.models import LambdaFunction

from emulator.awslambda import runner
from emulator.awslambda.runner import FunctionSpec, InvocationResult
from emulator.core.server import EmulatorThread

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
    result = runner.run(spec, payload or b"{}", emulator_endpoint(), request_id)
    _write_logs(fn, spec, result)
    return result
