"""Run one invocation of a zip-packaged Python Lambda function in a subprocess.

The zip is unpacked once per code hash into a cache folder (EMULATOR_LAMBDA_CACHE, default
`<tmp>/tests-emulator-lambda`); each invocation is a fresh `sys.executable` process running
`lambda_bootstrap.py` with the function's environment variables, its execution role's
credentials (credentials.py), AWS_DEFAULT_REGION and AWS_ENDPOINT_URL pointing back at the
emulator. Init (importing the module) may take up to INIT_TIMEOUT_SECONDS, as in Lambda;
the handler gets the function's timeout, after which the process is killed and the
invocation fails with `Task timed out after N.00 seconds`. Output lines become CloudWatch
Logs events, framed by the START / END / REPORT lines Lambda writes.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, cast

BOOTSTRAP = Path(__file__).with_name("bootstrap.py")
INIT_TIMEOUT_SECONDS = 10.0
LOG_TAIL_BYTES = 4096
_unpack_lock = threading.Lock()


@dataclass(frozen=True)
class FunctionSpec:
    """What the runner needs to know about a function (read from moto's model)."""

    name: str
    arn: str
    version: str
    handler: str
    runtime: str
    code: bytes
    timeout: float
    memory_size: int
    region: str
    environment: dict[str, str] = field(default_factory=dict)
    log_group: str = ""
    # AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN of the execution role
    credentials: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class InvocationResult:
    """The outcome of one invocation: a result payload or Lambda's error payload."""

    request_id: str
    payload: bytes
    function_error: str | None
    log_lines: list[str]
    log_stream: str

    @property
    def error_message(self) -> str:
        if self.function_error is None:
            return ""
        try:
            return str(json.loads(self.payload).get("errorMessage", ""))
        except (ValueError, AttributeError):
            return self.payload.decode("utf-8", "replace")

    def log_tail(self) -> str:
        """The last 4 KB of the log, as Invoke's X-Amz-Log-Result carries it (before base64)."""
        return "\n".join(self.log_lines).encode()[-LOG_TAIL_BYTES:].decode("utf-8", "ignore")


def cache_root() -> Path:
    configured = os.environ.get("EMULATOR_LAMBDA_CACHE")
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "tests-emulator-lambda"


def unpacked_code(code: bytes) -> Path:
    """Unpack a deployment package once per content hash and return its folder."""
    target = cache_root() / hashlib.sha256(code).hexdigest()
    if target.is_dir():
        return target
    with _unpack_lock:
        if target.is_dir():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".unpack-"))
        try:
            with zipfile.ZipFile(io.BytesIO(code)) as archive:
                archive.extractall(staging)
            staging.rename(target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return target


def log_stream_name(version: str) -> str:
    return f"{datetime.now(UTC):%Y/%m/%d}/[{version}]{uuid.uuid4().hex}"


def _environment(spec: FunctionSpec, endpoint: str, request_id: str, stream: str) -> dict[str, str]:
    env = {
        key: os.environ[key] for key in ("PATH", "LANG", "TZ", "SYSTEMROOT") if key in os.environ
    }
    env.update(spec.environment)
    env.update(spec.credentials)
    env.update(
        {
            "AWS_DEFAULT_REGION": spec.region,
            "AWS_REGION": spec.region,
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
            "AWS_LAMBDA_FUNCTION_NAME": spec.name,
            "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_size),
            "AWS_LAMBDA_FUNCTION_TIMEOUT": str(spec.timeout),
            "AWS_LAMBDA_LOG_GROUP_NAME": spec.log_group,
            "AWS_LAMBDA_LOG_STREAM_NAME": stream,
            "_HANDLER": spec.handler,
            "_EMULATOR_INVOKED_ARN": spec.arn,
            "_EMULATOR_REQUEST_ID": request_id,
        }
    )
    return env


class _ControlChannel:
    """Read the bootstrap's JSON lines from a pipe, each with a deadline."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._buffer = b""

    def read(self, timeout: float) -> dict[str, Any] | None:
        """The next message; None when the deadline passed or the process closed the pipe."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._fd], [], [], remaining)[0]:
                return None
            chunk = os.read(self._fd, 65536)
            if not chunk:
                return None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        message: dict[str, Any] = json.loads(line)
        return message


def _timeout_error(request_id: str, seconds: float) -> dict[str, Any]:
    return {
        "errorType": "Sandbox.Timedout",
        "errorMessage": (
            f"RequestId: {request_id} Error: Task timed out after {seconds:.2f} seconds"
        ),
    }


def _exited_error(request_id: str, code: int | None) -> dict[str, Any]:
    return {
        "errorType": "Runtime.ExitError",
        "errorMessage": (
            f"RequestId: {request_id} Error: Runtime exited with error: exit status {code}"
        ),
    }


def _await_outcome(
    process: subprocess.Popen[bytes], channel: _ControlChannel, spec: FunctionSpec, request_id: str
) -> tuple[dict[str, Any], bool]:
    """Return (message, timed_out): the bootstrap's result or error message."""
    first = channel.read(INIT_TIMEOUT_SECONDS)
    if first is not None and first.get("phase") != "ready":
        return first, False
    limit = INIT_TIMEOUT_SECONDS if first is None else spec.timeout
    outcome = None if first is None else channel.read(spec.timeout)
    if outcome is not None:
        return outcome, False
    if process.poll() is None:
        return {"error": _timeout_error(request_id, limit)}, True
    return {"error": _exited_error(request_id, process.returncode)}, False


def run(
    spec: FunctionSpec, event: bytes, endpoint: str, request_id: str | None = None
) -> InvocationResult:
    """Run the function once on `event` (JSON bytes); never raises for function errors.

    Retries of one asynchronous invocation pass the same `request_id`, as Lambda does.
    """
    request_id = request_id or str(uuid.uuid4())
    stream = log_stream_name(spec.version)
    task_root = unpacked_code(spec.code)
    read_fd, write_fd = os.pipe()
    started = time.monotonic()
    with tempfile.TemporaryFile() as output:
        env = _environment(spec, endpoint, request_id, stream)
        env["_EMULATOR_CONTROL_FD"] = str(write_fd)
        env["LAMBDA_TASK_ROOT"] = str(task_root)
        process = subprocess.Popen(  # noqa: S603 - this interpreter and the bundled bootstrap
            [sys.executable, "-I", "-u", "-B", str(BOOTSTRAP)],
            stdin=subprocess.PIPE,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=task_root,
            pass_fds=(write_fd,),
        )
        os.close(write_fd)
        try:
            stdin = cast("IO[bytes]", process.stdin)  # stdin=PIPE above
            stdin.write(event)
            stdin.close()
            message, timed_out = _await_outcome(process, _ControlChannel(read_fd), spec, request_id)
        finally:
            os.close(read_fd)
            if process.poll() is None:
                process.kill()
            process.wait()
        duration_ms = (time.monotonic() - started) * 1000
        output.seek(0)
        lines = output.read().decode("utf-8", "replace").splitlines()
    if timed_out:
        lines.append(f"{iso_now()} {request_id} Task timed out after {spec.timeout:.2f} seconds")
    framed = _framed_log(lines, request_id, spec, duration_ms)
    if "error" in message:
        payload, function_error = json.dumps(message["error"]).encode(), "Unhandled"
    else:
        payload, function_error = json.dumps(message.get("result")).encode(), None
    return InvocationResult(request_id, payload, function_error, framed, stream)


def iso_now() -> str:
    """The current UTC time as Lambda and SNS write it: `2024-01-02T03:04:05.678Z`."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _framed_log(
    lines: list[str], request_id: str, spec: FunctionSpec, duration_ms: float
) -> list[str]:
    report = (
        f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\t"
        f"Billed Duration: {math.ceil(duration_ms)} ms\tMemory Size: {spec.memory_size} MB\t"
        f"Max Memory Used: {min(spec.memory_size, 64)} MB"
    )
    return [
        f"START RequestId: {request_id} Version: {spec.version}",
        *lines,
        f"END RequestId: {request_id}",
        report,
    ]
