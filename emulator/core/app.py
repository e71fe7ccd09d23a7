"""The emulator's WSGI application: moto's, with the `/_emulator/` control routes in front.

`EmulatorApp` is not a run mode; the run modes (`EmulatorThread`, `emulated_aws()` and
tools' `EmulatorProcess`) serve it or moto's mock.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from emulator.core import config

# Every route the emulator serves itself (not AWS APIs) lives under this one prefix.
CONTROL_PREFIX = "/_emulator/"
CONFIG_PATH = f"{CONTROL_PREFIX}config"
WAIT_IDLE_PATH = f"{CONTROL_PREFIX}wait-idle"

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
# A check that runs before moto sees an AWS request: None lets it through, a response refuses it.
Guard = Callable[[dict[str, Any], StartResponse], Iterable[bytes] | None]


def json_response(
    start_response: StartResponse, status: str, payload: dict[str, Any]
) -> list[bytes]:
    """Answer an `/_emulator/*` request with `payload` as JSON."""
    body = json.dumps(payload).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def request_body(environ: dict[str, Any]) -> bytes | None:
    """The request's body; None when it declares none (no or zero Content-Length)."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return environ["wsgi.input"].read(length) if length else None


def _serve_config(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    """`GET /_emulator/config` shows the settings, `POST` applies a JSON object of them."""
    method = environ.get("REQUEST_METHOD", "GET")
    if method == "GET":
        return json_response(start_response, "200 OK", config.current_settings())
    if method != "POST":
        return json_response(start_response, "405 Method Not Allowed", {"error": "use GET or POST"})
    body = request_body(environ) or b""
    try:
        settings = config.apply_settings(body)
    except config.ConfigError as error:
        return json_response(start_response, "400 Bad Request", {"error": str(error)})
    return json_response(start_response, "200 OK", settings)


class EmulatorApp:
    """Serve the `/_emulator/*` routes itself and hand every other request to moto."""

    # Path -> handler, shared by every instance; extensions add theirs with add_route().
    routes: ClassVar[dict[str, WSGIApp]] = {CONFIG_PATH: _serve_config}
    # Checks run in order on every AWS request (IAM authorization); extensions add_guard().
    guards: ClassVar[list[Guard]] = []

    def __init__(self, moto_app: WSGIApp) -> None:
        self._moto_app = moto_app

    @classmethod
    def add_route(cls, path: str, handler: WSGIApp) -> None:
        """Serve `path` (under CONTROL_PREFIX) with `handler` (a WSGI app) instead of moto."""
        if not path.startswith(CONTROL_PREFIX):
            raise ValueError(f"control routes live under {CONTROL_PREFIX}, not {path!r}")
        cls.routes[path] = handler

    @classmethod
    def add_guard(cls, guard: Guard) -> None:
        """Run ``guard`` on every AWS request before moto (once, however often it is added)."""
        if guard not in cls.guards:
            cls.guards.append(guard)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        route = self.routes.get(str(environ.get("PATH_INFO", "")))
        if route is not None:
            return route(environ, start_response)
        for guard in self.guards:
            refused = guard(environ, start_response)
            if refused is not None:
                return refused
        return self._moto_app(environ, start_response)
