"""The emulator as an HTTP server: moto's WSGI application plus the `/_emulator/*` routes."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, ClassVar

from moto.core.config import default_user_config
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import BaseWSGIServer, make_server

from emulator.core import config

HOST = "127.0.0.1"

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


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
    routes: ClassVar[dict[str, WSGIApp]] = {config.CONFIG_PATH: _serve_config}

    def __init__(self, moto_app: WSGIApp) -> None:
        self._moto_app = moto_app

    @classmethod
    def add_route(cls, path: str, handler: WSGIApp) -> None:
        """Serve `path` with `handler` (a WSGI application) instead of moto."""
        cls.routes[path] = handler

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        handler = self.routes.get(environ.get("PATH_INFO"), self._moto_app)
        return handler(environ, start_response)


class _QuietRequestHandler(MotoRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Tests start many servers: keep their output to failures."""


class EmulatorServer:
    """Run the emulator on 127.0.0.1 in a background thread of this process.

    >>> with EmulatorServer(port=0) as server:
    ...     boto3.client("appconfig", endpoint_url=server.endpoint)
    """

    def __init__(self, port: int = 0, *, log_requests: bool = False) -> None:
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, got {port}")
        self._requested_port = port
        self._log_requests = log_requests
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._saved_lambda_config: Any = None

    @property
    def port(self) -> int:
        """The port actually bound (useful with port=0)."""
        if self._server is None:
            raise RuntimeError("the emulator server is not running: call start() first")
        return int(self._server.server_address[1])

    @property
    def endpoint(self) -> str:
        """The URL to give boto3 (`endpoint_url`) or AWS_ENDPOINT_URL."""
        return f"http://{HOST}:{self.port}"

    def start(self) -> EmulatorServer:
        """Bind the port and serve in a daemon thread; return self."""
        if self._server is not None:
            raise RuntimeError("the emulator server is already running")
        from emulator import install  # noqa: PLC0415 - the package imports this module

        install()
        handler = MotoRequestHandler if self._log_requests else _QuietRequestHandler
        app = EmulatorApp(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(HOST, self._requested_port, app, True, request_handler=handler)
        self._saved_lambda_config = default_user_config.get("lambda")
        default_user_config["lambda"] = {"use_docker": False}
        self._thread = threading.Thread(
            target=self._server.serve_forever, name=f"emulator:{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close the socket and join the thread. Safe to call twice."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.shutdown()
        server.server_close()
        thread.join()
        default_user_config["lambda"] = self._saved_lambda_config
        self._server = None
        self._thread = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
