"""Figure 3: an alarm storm. N flags' alarms go to ALARM at once; each SNS event CloudWatch
published is delivered as its own concurrent invocation (one thread each, released together).

Deployments take real, small time (a 1-minute linear strategy at a time factor of 0.005:
0.3 s), so invocations really meet deployments in progress and each other's versions. A
failed invocation is retried like Lambda's asynchronous invocations (2 retries), after 1 s
and 2 s instead of Lambda's minutes. Measured: flags disabled in what the environment finally
serves (N of N), lost updates (a flag some version disabled that the final deployed version
enables again), versions and deployments created, wall time until the environment serves a
document with all N disabled. Three healthy flags ride along and must stay enabled.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.common import BenchError, Context, FigureResult, LambdaContext, Row, count, outcomes
from bench.world import World, disabled_flags, flag_names
from emulator import emulated_aws

SIZES = (10, 50, 100)
QUICK_SIZES = (6,)
HEALTHY = 3
TIME_FACTOR = 0.005
DEPLOY_MINUTES = 1
RETRY_DELAYS_S = (1.0, 2.0)
QUICK_RETRY_DELAYS_S = (0.2, 0.4)
POLL_S = 0.05
SETTLE_TIMEOUT_S = 60.0
IN_PROGRESS = frozenset({"DEPLOYING", "BAKING", "VALIDATING", "ROLLING_BACK"})
MAX_VERSIONS = 5  # "a small constant, far below N"


@dataclass(frozen=True)
class Design:
    """A rollback function to put through a scenario: how to invoke it, how to point it."""

    name: str
    invoke: Callable[[dict[str, Any]], Any]
    configure: Callable[[World], None]
    outcome: Callable[[Any], str]


def ours(ctx: Context) -> Design:
    """The product, loaded from the zip."""

    def outcome(result: Any) -> str:
        return ",".join(outcomes(result))

    return Design("flag-rollback", ctx.invoke, lambda world: world.configure(ctx.function), outcome)


def tutorial() -> Design:
    """The baseline of figure 6."""
    from bench import tutorial_design  # noqa: PLC0415 - only figure 6 and storms need it

    def invoke(event: dict[str, Any]) -> Any:
        return tutorial_design.handler(event, LambdaContext())

    def outcome(result: Any) -> str:
        return "rolled_back" if result.get("statusCode") == 200 else "failed"

    return Design("tutorial", invoke, lambda world: world.configure(tutorial_design), outcome)


@dataclass
class Delivery:
    """One event's fate, across Lambda's retries."""

    attempts: int = 0
    outcome: str = "failed"
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    calls: Counter[str] = field(default_factory=Counter)


def retry_delays(ctx: Context) -> tuple[float, ...]:
    """Lambda's 2 async retries, after seconds instead of minutes (shorter in quick runs)."""
    return QUICK_RETRY_DELAYS_S if ctx.options.quick else RETRY_DELAYS_S


def deliver(ctx: Context, design: Design, event: dict[str, Any]) -> Delivery:
    """Invoke once, and again after each retry delay while the invocation raises."""
    delivery = Delivery()
    started = time.perf_counter()
    with ctx.counter.tracking() as calls:
        for delay in (0.0, *retry_delays(ctx)):
            time.sleep(delay)
            delivery.attempts += 1
            try:
                result = design.invoke(event)
            except Exception as error:  # a raised error is what Lambda retries
                delivery.errors.append(f"{type(error).__name__}: {str(error)[:160]}")
                continue
            delivery.outcome = design.outcome(result)
            break
    delivery.seconds = time.perf_counter() - started
    delivery.calls = calls
    return delivery


class AllDisabledWatch(threading.Thread):
    """Polls what the environment serves until every wanted flag is disabled in it."""

    def __init__(self, world: World, wanted: set[str]) -> None:
        super().__init__(name="all-disabled-watch", daemon=True)
        self._world, self._wanted, self._t0 = world, wanted, 0.0
        self.reached_s: float | None = None
        self.stop = threading.Event()

    def start_at(self, started: float) -> None:
        """Start polling; `reached_s` counts from `started` (a perf_counter reading)."""
        self._t0 = started
        self.start()

    def run(self) -> None:
        while not self.stop.is_set():
            if self._wanted <= disabled_flags(self._world.deployed_document()):
                self.reached_s = time.perf_counter() - self._t0
                return
            self.stop.wait(POLL_S)


def storm_deliveries(
    ctx: Context,
    design: Design,
    events: list[dict[str, Any]],
    watch: AllDisabledWatch | None = None,
) -> tuple[list[Delivery], float]:
    """Release one thread per event together (and start `watch`, if any, at the same moment);
    return the deliveries and the wall time until every handler returned."""
    deliveries: list[Delivery | None] = [None] * len(events)
    gate = threading.Barrier(len(events) + 1)

    def work(index: int) -> None:
        gate.wait()
        deliveries[index] = deliver(ctx, design, events[index])

    threads = [
        threading.Thread(target=work, args=(index,), name=f"invoke-{index}")
        for index in range(len(events))
    ]
    for thread in threads:
        thread.start()
    gate.wait()
    started = time.perf_counter()
    if watch is not None:
        watch.start_at(started)
    for thread in threads:
        thread.join()
    handlers_s = time.perf_counter() - started
    return [d for d in deliveries if d is not None], handlers_s


def settle(world: World) -> None:
    """Wait until no deployment is in progress in the environment."""
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while time.monotonic() < deadline:
        deployments = world.deployments()
        if not deployments or deployments[0]["State"] not in IN_PROGRESS:
            return
        time.sleep(POLL_S)
    raise BenchError("a deployment was still in progress a minute after the storm")


def run_storm(ctx: Context, design: Design, size: int) -> dict[str, Any]:
    """One storm of `size` alarms against a fresh world; every figure of it."""
    with emulated_aws(deployment_time_factor=TIME_FACTOR):
        world = World.create(flag_names(size + HEALTHY), deployment_minutes=DEPLOY_MINUTES)
        design.configure(world)
        alarmed = world.flags[:size]
        events = world.fire(alarmed)
        versions_before = max(world.hosted_versions())
        deployments_before = len(world.deployments())
        watch = AllDisabledWatch(world, set(alarmed))
        deliveries, handlers_s = storm_deliveries(ctx, design, events, watch)
        settle(world)
        watch.join(timeout=5)
        watch.stop.set()
        new_versions = [v for v in world.hosted_versions() if v > versions_before]
        written: set[str] = set()
        for version in new_versions:
            written |= disabled_flags(world.version_document(version))
        final = disabled_flags(world.deployed_document())
        every_deployment = world.deployments()  # newest first
        deployments = every_deployment[: len(every_deployment) - deployments_before]
    calls: Counter[str] = Counter()
    for delivery in deliveries:
        calls.update(delivery.calls)
    return {
        "design": design.name,
        "alarms": size,
        "flags_disabled": len(final & set(alarmed)),
        "lost_updates": len((written & set(alarmed)) - final),
        "healthy_flags_disabled": len(final - set(alarmed)),
        "versions_created": len(new_versions),
        "deployments_created": len(deployments),
        "deployment_states": dict(Counter(item["State"] for item in deployments)),
        "seconds_to_all_disabled": None if watch.reached_s is None else round(watch.reached_s, 3),
        "seconds_until_handlers_returned": round(handlers_s, 3),
        "invocations": sum(d.attempts for d in deliveries),
        "invocations_failed": sum(len(d.errors) for d in deliveries),
        "deliveries_failed_after_retries": sum(d.outcome == "failed" for d in deliveries),
        "outcomes": dict(Counter(d.outcome for d in deliveries)),
        "errors": sorted({e.split(":")[0] for d in deliveries for e in d.errors}),
        "api_calls": sum(calls.values()),
        "api_calls_max_per_delivery": max(sum(d.calls.values()) for d in deliveries),
        "api_calls_by_operation": dict(calls),
    }


def storm_row(data: dict[str, Any], label: str) -> Row:
    size = data["alarms"]
    reached = data["seconds_to_all_disabled"]
    problems = []
    if data["flags_disabled"] != size:
        problems.append(f"{count(size - data['flags_disabled'], 'flag')} left enabled")
    if data["lost_updates"]:
        problems.append(count(data["lost_updates"], "lost update"))
    if data["versions_created"] > MAX_VERSIONS:
        problems.append(count(data["versions_created"], "version"))
    if data["healthy_flags_disabled"]:
        problems.append(f"{count(data['healthy_flags_disabled'], 'healthy flag')} disabled")
    return Row(
        f"{label} N={size}",
        f"{data['flags_disabled']} of {size} disabled, {data['lost_updates']} lost, "
        f"{count(data['versions_created'], 'version')} / "
        f"{count(data['deployments_created'], 'deployment')}, "
        + (f"all disabled after {reached:.2f} s" if reached is not None else "never all disabled")
        + f"; {data['api_calls']} API calls, "
        + count(data["invocations_failed"], "failed invocation"),
        f"N of N, 0 lost, <= {MAX_VERSIONS} versions",
        not problems,
        "; ".join(problems),
    )


def run(ctx: Context) -> FigureResult:
    design = ours(ctx)
    sizes = QUICK_SIZES if ctx.options.quick else SIZES
    storms = [run_storm(ctx, design, size) for size in sizes]
    rows = [storm_row(data, "3. alarm storm") for data in storms]
    return FigureResult(
        "alarm_storm",
        "Alarm storm",
        {"time_factor": TIME_FACTOR, "deployment_minutes": DEPLOY_MINUTES, "storms": storms},
        rows,
    )
