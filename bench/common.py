"""What every figure shares: the function loaded from the built zip, the API-call counter,
the result rows of RESULTS.md and small statistics helpers.
"""

from __future__ import annotations

import importlib
import os
import statistics
import sys
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import botocore.session

from tools.harness.env import REGION
from tools.paths import ROOT, ZIP_PATH

BENCH_DIR = ROOT / "bench"
PACKAGE = "flag_rollback"
HANDLER_MODULE = "flag_rollback.handler"
FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
}

Handler = Callable[[object, object], Any]


class BenchError(RuntimeError):
    """The benchmark cannot run (missing zip, broken world): the message says what to do."""


@dataclass(frozen=True)
class Row:
    """One line of the RESULTS.md table."""

    figure: str
    value: str
    target: str = ""
    met: bool | None = None  # None: informative, no target
    note: str = ""
    baseline: bool = False  # the tutorial's design measured against our targets, not ours


@dataclass
class FigureResult:
    """What a figure measured: raw data for results.json, rows for the table, plot files."""

    key: str
    title: str
    data: dict[str, Any]
    rows: list[Row]
    plots: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    """How big a run is and where it writes."""

    quick: bool
    out: Path
    zip_path: Path = ZIP_PATH


def use_fake_aws_environment() -> None:
    """Fake credentials and the emulator's region, and no other AWS_* setting of the caller
    (no endpoint: the in-process mock serves; no profile, config file or other region)."""
    for name in [name for name in os.environ if name.startswith("AWS_")]:
        del os.environ[name]
    os.environ.update(FAKE_AWS_ENV)


def unpack_zip(zip_path: Path, dest: Path) -> list[str]:
    """Extract the deployment package into dest (as Lambda does into /var/task)."""
    if not zip_path.is_file():
        raise BenchError(f"{zip_path} does not exist: run `make build` first")
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(dest)
        return archive.namelist()


def load_function(unpacked: Path) -> ModuleType:
    """Import the handler module from the unpacked zip, never from lambda/ in the repo."""
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
        del sys.modules[name]
    sys.path.insert(0, str(unpacked))
    module = importlib.import_module(HANDLER_MODULE)
    origin = Path(module.__file__ or "").resolve()
    if not origin.is_relative_to(unpacked.resolve()):
        raise BenchError(f"{HANDLER_MODULE} was imported from {origin}, not from the zip")
    return module


class Calls(Counter[str]):
    """One tracked block's calls by operation, and `order`: every call in the order made."""

    def __init__(self, *args: Any, **kwargs: int) -> None:
        super().__init__(*args, **kwargs)
        self.order: list[str] = []


class CallCounter:
    """Counts AWS API operations at the client, by operation, through botocore's
    `before-call` event: every client created while the counter is installed gets the hook.

    Only calls made inside `tracking()` on the calling thread are counted, so the harness's
    own setup and polling never pollute a figure.
    """

    def __init__(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self.total: Counter[str] = Counter()
        self._original: Any = None

    def __enter__(self) -> CallCounter:
        original = botocore.session.Session.create_client
        hook = self._on_call

        def create_client(session: botocore.session.Session, *args: Any, **kwargs: Any) -> Any:
            client = original(session, *args, **kwargs)
            client.meta.events.register("before-call.*.*", hook)
            return client

        self._original = original
        botocore.session.Session.create_client = create_client  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        botocore.session.Session.create_client = self._original  # type: ignore[method-assign]

    def _on_call(self, model: Any, **_: Any) -> None:
        calls: Calls | None = getattr(self._local, "calls", None)
        if calls is None:
            return
        name = f"{model.service_model.service_id}:{model.name}"
        calls[name] += 1
        calls.order.append(name)
        with self._lock:
            self.total[name] += 1

    @contextmanager
    def tracking(self) -> Iterator[Calls]:
        """Count this thread's calls into a fresh Calls until the block ends."""
        calls = Calls()
        self._local.calls = calls
        try:
            yield calls
        finally:
            self._local.calls = None


def percentiles(values: list[float]) -> dict[str, float]:
    """p50/p95/p99, mean, min and max (inclusive method: exact for small samples)."""
    if len(values) < 2:
        only = values[0] if values else float("nan")
        return dict.fromkeys(("p50", "p95", "p99", "mean", "min", "max"), only)
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {
        "p50": cuts[49],
        "p95": cuts[94],
        "p99": cuts[98],
        "mean": statistics.fmean(values),
        "min": min(values),
        "max": max(values),
    }


def ms(seconds: float) -> float:
    """Seconds to milliseconds, rounded for reports."""
    return round(seconds * 1000, 2)


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    """Run call; return its result and the wall time in seconds."""
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def call_names(calls: Counter[str]) -> str:
    """'AppConfig:ListDeployments, SNS:Publish x2' in call order of first appearance."""
    return ", ".join(f"{name} x{count}" if count > 1 else name for name, count in calls.items())


class LambdaContext:
    """The part of Lambda's context object the handlers read."""

    def __init__(self, budget_s: float = 60.0) -> None:
        self._deadline = time.monotonic() + budget_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@dataclass
class Context:
    """What every figure gets: options, the function loaded from the zip, the counter."""

    options: Options
    function: ModuleType
    counter: CallCounter
    zip_entries: list[str]
    unpacked: Path
    results: dict[str, FigureResult] = field(default_factory=dict)  # figures run so far

    def invoke(self, event: object) -> dict[str, Any]:
        """Call the function's handler as Lambda would (60 s budget)."""
        result: dict[str, Any] = self.function.handler(event, LambdaContext())
        return result


def outcomes(result: dict[str, Any]) -> list[str]:
    """The outcome of every request in a handler's answer."""
    return [str(item.get("outcome")) for item in result.get("results", [])]


def count(number: int, noun: str) -> str:
    """'1 version', '3 versions' (nouns here take a plain -s)."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
