"""Figure 4: the same alarm delivered 10 times (SNS delivers at least once; Lambda retries).

The one SNS event CloudWatch published for one flag's alarm is handed to the function 10
times, once one after the other and once all together (10 threads). Deployments take the
same small real time as in the storm (0.3 s), so later copies meet the first one's
deployment in progress. Must create exactly 1 hosted version (and 1 deployment).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from bench.common import Context, FigureResult, Row, count
from bench.storm import (
    DEPLOY_MINUTES,
    TIME_FACTOR,
    Delivery,
    Design,
    deliver,
    ours,
    settle,
    storm_deliveries,
)
from bench.world import World, disabled_flags, flag_names
from emulator import emulated_aws

COPIES = 10
MAX_VERSIONS = 1


def run_duplicates(ctx: Context, design: Design, *, concurrent: bool) -> dict[str, Any]:
    """Deliver one alarm event COPIES times; count what was written and deployed."""
    with emulated_aws(deployment_time_factor=TIME_FACTOR):
        world = World.create(flag_names(3), deployment_minutes=DEPLOY_MINUTES)
        design.configure(world)
        flag = world.flags[0]
        (event,) = world.fire([flag])
        versions_before = max(world.hosted_versions())
        deployments_before = len(world.deployments())
        deliveries: list[Delivery]
        if concurrent:
            deliveries, _ = storm_deliveries(ctx, design, [event] * COPIES)
        else:
            deliveries = [deliver(ctx, design, event) for _ in range(COPIES)]
        settle(world)
        versions = len([v for v in world.hosted_versions() if v > versions_before])
        deployments = len(world.deployments()) - deployments_before
        served = disabled_flags(world.deployed_document())
    return {
        "design": design.name,
        "copies": COPIES,
        "concurrent": concurrent,
        "versions_created": versions,
        "deployments_created": deployments,
        "flag_disabled": flag in served,
        "other_flags_disabled": len(served - {flag}),
        "outcomes": dict(Counter(d.outcome for d in deliveries)),
        "invocations_failed": sum(len(d.errors) for d in deliveries),
        "api_calls": sum(sum(d.calls.values()) for d in deliveries),
    }


def duplicate_row(data: dict[str, Any], label: str) -> Row:
    mode = "at once" if data["concurrent"] else "one after another"
    met = data["versions_created"] <= MAX_VERSIONS and data["flag_disabled"]
    return Row(
        f"{label} ({mode})",
        f"{count(data['versions_created'], 'version')}, "
        f"{count(data['deployments_created'], 'deployment')} "
        f"from {data['copies']} copies; flag disabled: {data['flag_disabled']}",
        f"{MAX_VERSIONS} version",
        met,
        "" if met else "every copy wrote its own version (no idempotency)",
    )


def run(ctx: Context) -> FigureResult:
    design = ours(ctx)
    runs = [run_duplicates(ctx, design, concurrent=mode) for mode in (False, True)]
    rows = [duplicate_row(data, "4. duplicates") for data in runs]
    return FigureResult("duplicates", "Duplicate deliveries", {"runs": runs}, rows)
