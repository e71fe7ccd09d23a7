"""The project's AWS emulator in a child process (``EmulatorProcess``)."""

from __future__ import annotations

import collections
import json
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Mapping

from tools.harness import StackError
from tools.harness.env import without_aws
from tools.paths import ROOT


class EmulatorProcess:
    """The project's AWS emulator (``python -m emulator``) in a child process.

    A child process, not a thread: Lambda functions, Terraform and the tests all reach
    it over HTTP, and its moto state stays apart from any in-process moto mock of
    other test suites. It runs in its own process group so that a Ctrl-C in the
    terminal leaves it up until Terraform has destroyed the stack.
    """

    READY = re.compile(r"emulator listening on (?P<endpoint>http://\S+)")

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.endpoint = ""
        self._ready = threading.Event()
        self._output: collections.deque[str] = collections.deque(maxlen=200)
        self._drain = threading.Thread(target=self._drain_output, daemon=True)
        self._drain.start()

    @classmethod
    def start(cls, *, timeout: float = 30.0) -> EmulatorProcess:
        """Start the emulator on a free loopback port and wait until it listens."""
        process = subprocess.Popen(
            [sys.executable, "-m", "emulator", "--port", "0", "--quiet"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            env={**without_aws(os.environ), "PYTHONPATH": str(ROOT)},
        )
        emulator = cls(process)
        if not emulator._ready.wait(timeout) or not emulator.endpoint:
            emulator.stop()
            raise StackError(
                f"the emulator did not start within {timeout:.0f} s; its output:\n"
                f"{emulator.output()}"
            )
        return emulator

    def _drain_output(self) -> None:
        if self.process.stdout is None:
            return
        for line in self.process.stdout:
            self._output.append(line.rstrip("\n"))
            if not self._ready.is_set() and (match := self.READY.search(line)):
                self.endpoint = match["endpoint"]
                self._ready.set()
        self._ready.set()  # exited: wake start() so it reports the output

    def output(self) -> str:
        """The last lines the emulator printed (for error messages)."""
        return "\n".join(self._output)

    def post(self, path: str, body: Mapping[str, object], *, timeout: float = 60.0) -> object:
        """POST JSON to one of the emulator's own ``/_emulator/...`` endpoints."""
        request = urllib.request.Request(  # noqa: S310 - loopback URL built here
            f"{self.endpoint}{path}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                payload = response.read()
        except urllib.error.HTTPError as error:
            raise StackError(f"POST {path} failed: {error.code} {error.read()!r}") from None
        return json.loads(payload) if payload else None

    def wait_idle(self, *, timeout: float = 30.0) -> None:
        """Block until no Lambda invocation, retry or deployment is in flight."""
        self.post("/_emulator/wait-idle", {"timeout": timeout}, timeout=timeout + 5)

    def stop(self, *, timeout: float = 10.0) -> None:
        """Stop the emulator (SIGINT, then SIGKILL if it does not exit in time)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._drain.join(timeout=1)

    def __enter__(self) -> EmulatorProcess:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
