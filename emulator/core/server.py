"""`EmulatorThread`: the emulator as an HTTP server in a background thread of this process."""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any

from moto.core.config import default_user_config
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import BaseWSGIServer, make_server

from emulator.core.app import EmulatorApp

HOST = "127.0.0.1"


class _QuietRequestHandler(MotoRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Tests start many servers: keep their output to failures."""


class EmulatorThread:
    """Run the emulator on 127.0.0.1 in a background thread of this process.

    >>> with EmulatorThread(port=0) as server:
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

    def start(self) -> EmulatorThread:
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

    def __enter__(self) -> EmulatorThread:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
