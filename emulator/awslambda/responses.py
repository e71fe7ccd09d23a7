"""The Lambda extension's control route: `POST /_emulator/wait-idle`."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from emulator.awslambda.async_invoke import pending, wait_idle
from emulator.core.app import json_response, request_body


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
        raise ValueError(  # noqa: TRY004 - the route answers 400 for every bad body
            f"{usage}; got timeout {timeout!r}"
        )
    if not math.isfinite(timeout) or timeout < 0:
        raise ValueError(f"{usage}; got timeout {timeout!r}")
    return float(timeout)


def wait_idle_response(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
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
