"""The Python runtime of the emulated Lambda: runs ONE invocation in its own process.

Started by `emulator.awslambda.runner` as `python -I -u -B bootstrap.py` with
the function's unpacked code in LAMBDA_TASK_ROOT and its handler string in _HANDLER. It
imports nothing from the project (the function must not see the emulator's modules).

Protocol: the event arrives as JSON on stdin; the handler's stdout and stderr are the
function's log; JSON lines on the file descriptor named by _EMULATOR_CONTROL_FD tell the
parent `{"phase": "ready"}` once the module is imported (init is timed apart from the
handler, as in Lambda), then exactly one of `{"result": <value>}` or `{"error": {...}}`
in the error shape Lambda returns.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any, cast


class LambdaContext:
    """The attributes and method of the Python runtime's context object."""

    def __init__(self, deadline: float) -> None:
        self._deadline = deadline
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = os.environ["AWS_LAMBDA_FUNCTION_VERSION"]
        self.invoked_function_arn = os.environ["_EMULATOR_INVOKED_ARN"]
        self.memory_limit_in_mb = os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]
        self.aws_request_id = os.environ["_EMULATOR_REQUEST_ID"]
        self.log_group_name = os.environ["AWS_LAMBDA_LOG_GROUP_NAME"]
        self.log_stream_name = os.environ["AWS_LAMBDA_LOG_STREAM_NAME"]
        self.identity = None
        self.client_context = None

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _send(control: Any, message: dict[str, Any]) -> None:
    control.write(json.dumps(message) + "\n")
    control.flush()


def _error(error_type: str, message: str, stack: list[str] | None = None) -> dict[str, Any]:
    return {"errorMessage": message, "errorType": error_type, "stackTrace": stack or []}


def _exception_error(error: BaseException, skip_frames: int) -> dict[str, Any]:
    frames = traceback.extract_tb(error.__traceback__)[skip_frames:]
    task_root = os.environ["LAMBDA_TASK_ROOT"]
    stack = [line.replace(task_root, "/var/task") for line in traceback.format_list(frames)]
    return _error(type(error).__name__, str(error), stack)


def _load_handler(handler: str) -> Callable[[Any, Any], Any] | dict[str, Any]:
    """Import the handler the way the Python runtime does; an error dict on failure."""
    module_path, _, function_name = handler.rpartition(".")
    if not module_path or not function_name:
        return _error(
            "Runtime.MalformedHandlerName",
            f"Bad handler '{handler}': not enough values to unpack (expected 2, got 1)",
        )
    try:
        module = importlib.import_module(module_path.replace("/", "."))
    except ImportError as error:
        return _error(
            "Runtime.ImportModuleError", f"Unable to import module '{module_path}': {error}"
        )
    except Exception as error:  # noqa: BLE001 - any init error is the function's, as in Lambda
        return _exception_error(error, skip_frames=1)
    function = getattr(module, function_name, None)
    if not callable(function):
        return _error(
            "Runtime.HandlerNotFound",
            f"Handler '{function_name}' missing on module '{module_path}'",
        )
    return cast("Callable[[Any, Any], Any]", function)


def _log_uncaught(error_body: dict[str, Any]) -> None:
    print(f"[ERROR] {error_body['errorType']}: {error_body['errorMessage']}", file=sys.stderr)
    for line in error_body["stackTrace"]:
        print(line.rstrip("\n"), file=sys.stderr)


def main() -> int:
    control = os.fdopen(int(os.environ["_EMULATOR_CONTROL_FD"]), "w", encoding="utf-8")
    task_root = os.environ["LAMBDA_TASK_ROOT"]
    sys.path.insert(0, task_root)
    os.chdir(task_root)
    event = json.loads(sys.stdin.buffer.read() or b"{}")
    loaded = _load_handler(os.environ["_HANDLER"])
    if isinstance(loaded, dict):
        _log_uncaught(loaded)
        _send(control, {"error": loaded})
        return 0
    _send(control, {"phase": "ready"})
    context = LambdaContext(time.monotonic() + float(os.environ["AWS_LAMBDA_FUNCTION_TIMEOUT"]))
    try:
        result = loaded(event, context)
    except Exception as error:  # noqa: BLE001 - any handler error is reported, as in Lambda
        body = _exception_error(error, skip_frames=1)
        _log_uncaught(body)
        _send(control, {"error": body})
        return 0
    try:
        _send(control, {"result": result})
    except (TypeError, ValueError) as error:
        body = _error("Runtime.MarshalError", f"Unable to marshal response: {error}")
        _log_uncaught(body)
        _send(control, {"error": body})
    return 0


if __name__ == "__main__":
    sys.exit(main())
