"""Figure 1: one rollback, from the built zip, against the in-process emulator.

Each round re-deploys a document with every flag enabled (not timed, not counted), puts one
flag's alarm in ALARM, hands the SNS event CloudWatch published to the handler (timed and
counted at the client) and puts the alarm back to OK. The first round runs in a fresh
container (it also looks the configuration profile up); the others are warm.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from bench.common import (
    BenchError,
    Context,
    FigureResult,
    Row,
    call_names,
    ms,
    outcomes,
    percentiles,
    timed,
)
from bench.world import World, disabled_flags, feature_flags_document, flag_names
from emulator import emulated_aws

ROUNDS = 200
QUICK_ROUNDS = 12
FLAGS = 10
# 7 to disable the flag and tell people, then 2 to hold it (SSM GetParameter, PutParameter).
MAX_CALLS = 9


def rollback_rounds(
    ctx: Context, world: World, rounds: int
) -> tuple[list[float], list[Counter[str]]]:
    """Run `rounds` single-flag rollbacks; return their wall times and calls."""
    walls: list[float] = []
    calls: list[Counter[str]] = []
    for index in range(rounds):
        flag = world.flags[index % len(world.flags)]
        if index:
            world.deploy_instantly(feature_flags_document(world.flags))
        (event,) = world.fire([flag])
        with ctx.counter.tracking() as counted:
            result, wall = timed(lambda event=event: ctx.invoke(event))
        if outcomes(result) != ["rolled_back"]:
            raise BenchError(f"round {index}: expected one rolled_back, got {result}")
        world.calm([flag])
        walls.append(wall)
        calls.append(counted)
    if disabled_flags(world.deployed_document()) != {flag}:
        raise BenchError("the last rollback is not what the environment serves")
    return walls, calls


def measure(ctx: Context, rounds: int) -> dict[str, Any]:
    with emulated_aws():
        world = World.create(flag_names(FLAGS))
        world.configure(ctx.function)
        walls, calls = rollback_rounds(ctx, world, rounds)
    cold, warm = calls[0], calls[1:]
    warm_totals = Counter(sum(c.values()) for c in warm)
    typical_warm = max(warm, key=lambda c: warm_totals[sum(c.values())]) if warm else cold
    return {
        "rounds": rounds,
        "flags_in_document": FLAGS,
        "handler_ms": {key: ms(value) for key, value in percentiles(walls).items()},
        "handler_ms_warm": {key: ms(value) for key, value in percentiles(walls[1:]).items()},
        "calls_cold_container": sum(cold.values()),
        "calls_cold_container_by_operation": dict(cold),
        "calls_warm": sum(typical_warm.values()),
        "calls_warm_by_operation": dict(typical_warm),
        "calls_warm_distribution": {str(k): v for k, v in sorted(warm_totals.items())},
        "calls_max": max(sum(c.values()) for c in calls),
    }


def warm_difference(data: dict[str, Any]) -> str:
    """' (no GetConfigurationProfile)': what a warm container no longer calls."""
    skipped = sorted(
        set(data["calls_cold_container_by_operation"]) - set(data["calls_warm_by_operation"])
    )
    names = ", ".join(name.split(":", 1)[1] for name in skipped)
    return f" (no {names})" if names else ""


def run(ctx: Context) -> FigureResult:
    data = measure(ctx, QUICK_ROUNDS if ctx.options.quick else ROUNDS)
    handler = data["handler_ms"]
    worst = data["calls_max"]
    rows = [
        Row(
            "1. single rollback: handler wall time",
            f"p50 {handler['p50']:.1f} ms, p95 {handler['p95']:.1f} ms, "
            f"p99 {handler['p99']:.1f} ms ({data['rounds']} rollbacks)",
            note="in-process emulator: AWS's own latency is not in it",
        ),
        Row(
            "1. single rollback: AWS API calls",
            f"{data['calls_cold_container']} in a new container "
            f"({call_names(Counter(data['calls_cold_container_by_operation']))}); "
            f"{data['calls_warm']} warm{warm_difference(data)}",
            f"<= {MAX_CALLS}",
            worst <= MAX_CALLS,
            "" if worst <= MAX_CALLS else f"worst round made {worst} calls",
        ),
    ]
    return FigureResult("single_rollback", "Single rollback", data, rows)
