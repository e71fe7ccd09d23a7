"""A local AWS for tests, the demo and the bench: moto 5.2.5 plus what this product needs.

Laid out like moto: one subpackage per service the emulator extends (`appconfig`, `iam`,
`appconfigdata`, `cloudwatch`, `awslambda`), each file one role (`models.py` state and
rules, `responses.py` HTTP in/out, `urls.py`, `exceptions.py`), and `core/` for what they
share. moto is extended, never forked: each module listed in EXTENSIONS registers its
routes, backends or patches in an `install()` function that runs once per process. What
each behaviour follows at AWS is listed in FIDELITY.md.

Three run modes, one name each:

    from emulator import EmulatorThread, emulated_aws

    with emulated_aws():                  # in-process mock, like moto's mock_aws
        ...
    with EmulatorThread(port=0) as srv:   # HTTP on 127.0.0.1 in a background thread
        ...
    # EmulatorProcess (tools/): `python -m emulator --port N` in a child process

`EmulatorApp` (emulator.core.app) is the WSGI application the HTTP modes serve, not a run
mode. Control endpoints (not AWS APIs) all live under `/_emulator/`.
"""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Callable
from contextlib import ContextDecorator
from types import TracebackType
from typing import Any, TypeVar, overload

from moto import mock_aws
from moto.core.models import MockAWS

from emulator.core import config
from emulator.core.server import EmulatorThread

# The project's extensions of moto, installed in this order. One line per module; each
# module defines `install() -> None`.
EXTENSIONS: tuple[str, ...] = (
    "emulator.appconfig.models",
    "emulator.appconfigdata.urls",
    "emulator.core.terraform_fixes",
    "emulator.cloudwatch.models",
    "emulator.cloudwatch.responses",
    "emulator.awslambda.models",
    "emulator.sns.models",
    "emulator.iam.enforcement",
    "emulator.events.models",
)

DEFAULT_REGION = "us-east-1"
ASYNC_DRAIN_TIMEOUT_S = 30.0

_installed: set[str] = set()
_install_lock = threading.Lock()

F = TypeVar("F", bound=Callable[..., Any])


def install() -> None:
    """Install every extension in EXTENSIONS that this process has not installed yet."""
    with _install_lock:
        for name in EXTENSIONS:
            if name in _installed:
                continue
            importlib.import_module(name).install()
            _installed.add(name)


class _EmulatedAWS(ContextDecorator):
    """moto's `mock_aws` (Lambda without Docker) with the project's extensions active."""

    def __init__(
        self,
        *,
        deployment_time_factor: float = 0.0,
        stale_version_error: config.StaleVersionError = "ConflictException",
    ) -> None:
        self._factor = config.validated_factor(deployment_time_factor)
        self._stale_error = config.validated_stale_version_error(stale_version_error)
        self._mock: MockAWS | None = None
        self._previous_factor = 0.0
        self._previous_stale_error: config.StaleVersionError = "ConflictException"
        self._region_was_set = True

    def __enter__(self) -> _EmulatedAWS:
        install()
        self._previous_factor = config.set_deployment_time_factor(self._factor)
        self._previous_stale_error = config.set_stale_version_error(self._stale_error)
        self._region_was_set = "AWS_DEFAULT_REGION" in os.environ
        os.environ.setdefault("AWS_DEFAULT_REGION", DEFAULT_REGION)
        self._mock = mock_aws(config={"lambda": {"use_docker": False}})
        self._mock.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._mock is not None:
            # Let asynchronous invocations (SNS/EventBridge -> Lambda) finish before the
            # state they write to is wiped; work still running after this is only logged.
            from emulator.awslambda import async_invoke  # noqa: PLC0415 - installed by then

            async_invoke.wait_idle(ASYNC_DRAIN_TIMEOUT_S)
            self._mock.stop()
            self._mock = None
        if not self._region_was_set:
            os.environ.pop("AWS_DEFAULT_REGION", None)
        config.set_deployment_time_factor(self._previous_factor)
        config.set_stale_version_error(self._previous_stale_error)


@overload
def emulated_aws(func: F, /) -> F: ...
@overload
def emulated_aws(
    *,
    deployment_time_factor: float = 0.0,
    stale_version_error: config.StaleVersionError = "ConflictException",
) -> _EmulatedAWS: ...
def emulated_aws(
    func: F | None = None,
    /,
    *,
    deployment_time_factor: float = 0.0,
    stale_version_error: config.StaleVersionError = "ConflictException",
) -> F | _EmulatedAWS:
    """Activate the emulator in-process: `with emulated_aws():`, `@emulated_aws` or
    `@emulated_aws(deployment_time_factor=0.001)`.

    Every AWS call made through boto3 inside is served from memory; the state is reset when
    it starts and when it ends. `deployment_time_factor` scales AppConfig deployment times
    (0 = complete at once, 1.0 = the strategy's real minutes); `stale_version_error` is the
    error a stale LatestVersionNumber gets (see emulator.core.config).
    """
    if func is not None:
        return _EmulatedAWS()(func)
    return _EmulatedAWS(
        deployment_time_factor=deployment_time_factor, stale_version_error=stale_version_error
    )


__all__ = ["EXTENSIONS", "EmulatorThread", "emulated_aws", "install"]
