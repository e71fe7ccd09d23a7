"""Figure 7: what the deployment guard adds to a deployment, from the built zip.

One flag is rolled back (so it is held); then the guard's handler, imported from the zip
like the rollback's, answers AppConfig's PRE_START_DEPLOYMENT payload for deployments that
leave the held flag off (allowed) and that turn it back on (refused), alternately. Reported:
p50/p95 of the handler's wall time per answer, and the AWS calls each answer makes (counted
at the client). This is the guard's own work; in AWS the synchronous Lambda invocation by
AppConfig comes on top (the emulator runs each invocation in a new process, so its end-to-end
time would measure the emulator, not the guard).
"""

from __future__ import annotations

import base64
import importlib
import json
from collections import Counter
from typing import Any

from bench.common import (
    BenchError,
    Context,
    FigureResult,
    LambdaContext,
    Row,
    call_names,
    ms,
    outcomes,
    percentiles,
    timed,
)
from bench.world import World, feature_flags_document, flag_names
from emulator import emulated_aws

ROUNDS = 100
QUICK_ROUNDS = 10
FLAGS = 10
MAX_CALLS_ALLOWED = 1  # GetParametersByPath
MAX_CALLS_REFUSED = 2  # GetParametersByPath, SNS Publish


def payload(world: World, document: dict[str, Any], number: int) -> dict[str, Any]:
    """AppConfig's PRE_START_DEPLOYMENT payload (User Guide, payload request reference)."""
    return {
        "InvocationId": f"b{number:06d}"[:7],
        "Parameters": {},
        "Type": "PreStartDeployment",
        "Application": {"Id": world.app_id, "Name": "bench"},
        "Environment": {"Id": world.env_id, "Name": "production"},
        "ConfigurationProfile": {"Id": world.profile_id, "Name": "flags"},
        "DeploymentNumber": number,
        "ContentType": "application/json",
        "ContentVersion": str(number),
        "Content": base64.b64encode(json.dumps(document).encode()).decode(),
        "Description": "bench",
    }


def measure(ctx: Context, rounds: int) -> dict[str, Any]:
    guard = importlib.import_module("flag_rollback.guard_handler")
    with emulated_aws():
        world = World.create(flag_names(FLAGS))
        world.configure(ctx.function)
        held = world.flags[0]
        if outcomes(ctx.invoke(world.fire([held])[0])) != ["rolled_back"]:
            raise BenchError("the rollback that puts the flag on hold did not happen")
        documents = {
            "allowed": feature_flags_document(world.flags, disabled=[held]),
            "refused": feature_flags_document(world.flags),
        }
        walls: dict[str, list[float]] = {"allowed": [], "refused": []}
        calls: dict[str, list[Counter[str]]] = {"allowed": [], "refused": []}
        for index in range(rounds * 2):
            kind = "allowed" if index % 2 == 0 else "refused"
            event = payload(world, documents[kind], index + 2)
            with ctx.counter.tracking() as counted:
                answer, wall = timed(lambda event=event: guard.handler(event, LambdaContext()))
            if ("Error" in answer) != (kind == "refused"):
                raise BenchError(f"round {index}: the guard answered {answer} to a {kind} change")
            walls[kind].append(wall)
            calls[kind].append(counted)
    return {
        "rounds": rounds,
        "handler_ms": {
            kind: {key: ms(value) for key, value in percentiles(values).items()}
            for kind, values in walls.items()
        },
        "calls": {kind: dict(counters[-1]) for kind, counters in calls.items()},
        "calls_max": {
            kind: max(sum(c.values()) for c in counters) for kind, counters in calls.items()
        },
    }


def run(ctx: Context) -> FigureResult:
    data = measure(ctx, QUICK_ROUNDS if ctx.options.quick else ROUNDS)
    allowed, refused = data["handler_ms"]["allowed"], data["handler_ms"]["refused"]
    worst = data["calls_max"]
    ok = worst["allowed"] <= MAX_CALLS_ALLOWED and worst["refused"] <= MAX_CALLS_REFUSED
    rows = [
        Row(
            "7. deployment guard: added handler time per deployment",
            f"allowed p50 {allowed['p50']:.1f} ms, p95 {allowed['p95']:.1f} ms; refused p50 "
            f"{refused['p50']:.1f} ms, p95 {refused['p95']:.1f} ms ({data['rounds']} each)",
            note="in-process emulator; AppConfig's synchronous Lambda invocation comes on top",
        ),
        Row(
            "7. deployment guard: AWS API calls per answer",
            f"allowed {call_names(Counter(data['calls']['allowed']))}; "
            f"refused {call_names(Counter(data['calls']['refused']))}",
            f"<= {MAX_CALLS_ALLOWED} / <= {MAX_CALLS_REFUSED}",
            ok,
            "" if ok else f"worst: {worst}",
        ),
    ]
    return FigureResult("deployment_guard", "Deployment guard", data, rows)
