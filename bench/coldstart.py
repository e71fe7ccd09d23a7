"""Figure 2: cold start, a fresh interpreter to a handler ready for its first rollback.

"Ours": a new `python` process imports the handler from the unpacked zip, validates its
settings and constructs every client the function uses (AppConfig, CloudWatch, SNS: the
services figure 1 saw it call), then prints `ready`. "Floor": a new process that imports
boto3 and constructs one client. Both are timed from spawn to the `ready` line, alternated
so machine noise hits both alike; the median of each is reported and their ratio.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import FAKE_AWS_ENV, REGION, BenchError, Context, FigureResult, Row

RUNS = 20
QUICK_RUNS = 2
MAX_RATIO = 1.3
MAX_ZIP_BYTES = 30 * 1024
# The function's client factories (flag_rollback.clients), one per service it calls.
CLIENT_FACTORIES = ("appconfig", "cloudwatch", "sns")

OURS = """
import sys
sys.path.insert(0, sys.argv[1])
from flag_rollback import clients, handler, settings
settings.get_settings()
for name in sys.argv[2].split(","):
    getattr(clients, name)()
assert handler.handler
print("ready", flush=True)
"""

FLOOR = """
import boto3
boto3.client("appconfig")
print("ready", flush=True)
"""

FUNCTION_ENV = {
    "APPCONFIG_APPLICATION_ID": "abc1234",
    "APPCONFIG_ENVIRONMENT_ID": "env1234",
    "APPCONFIG_CONFIGURATION_PROFILE_ID": "prf1234",
    "NOTIFICATION_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:notifications",
}


def time_to_ready(script: str, args: list[str], env: dict[str, str]) -> float:
    """Seconds from spawning `python -c script` to its `ready` line."""
    started = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    ) as process:
        assert process.stdout is not None
        line = process.stdout.readline()
        elapsed = time.perf_counter() - started
        _, errors = process.communicate(timeout=60)
    if line.strip() != "ready" or process.returncode != 0:
        raise BenchError(f"cold-start child failed ({process.returncode}): {errors[-2000:]}")
    return elapsed


def measure(unpacked: Path, runs: int, *, warm_up: bool = True) -> dict[str, Any]:
    env = {**os.environ, **FAKE_AWS_ENV, **FUNCTION_ENV, "AWS_DEFAULT_REGION": REGION}
    env.pop("AWS_ENDPOINT_URL", None)
    ours_args = [str(unpacked), ",".join(CLIENT_FACTORIES)]
    if warm_up:  # the OS file cache, for both, untimed
        time_to_ready(FLOOR, [], env)
        time_to_ready(OURS, ours_args, env)
    ours: list[float] = []
    floor: list[float] = []
    for _ in range(runs):
        floor.append(time_to_ready(FLOOR, [], env))
        ours.append(time_to_ready(OURS, ours_args, env))
    ours_ms, floor_ms = statistics.median(ours) * 1000, statistics.median(floor) * 1000
    return {
        "runs_each": runs,
        "ours_median_ms": round(ours_ms, 1),
        "floor_median_ms": round(floor_ms, 1),
        "ratio": round(ours_ms / floor_ms, 3),
        "ours_ms": [round(value * 1000, 1) for value in ours],
        "floor_ms": [round(value * 1000, 1) for value in floor],
        "clients_constructed": list(CLIENT_FACTORIES),
    }


def run(ctx: Context) -> FigureResult:
    quick = ctx.options.quick
    data = measure(ctx.unpacked, QUICK_RUNS if quick else RUNS, warm_up=not quick)
    zip_bytes = ctx.options.zip_path.stat().st_size
    data["zip_bytes"] = zip_bytes
    data["zip_files"] = len(ctx.zip_entries)
    ratio_met = data["ratio"] <= MAX_RATIO
    extra_clients = len(CLIENT_FACTORIES) - 1
    rows = [
        Row(
            "2. cold start vs floor",
            f"{data['ours_median_ms']:.0f} ms vs {data['floor_median_ms']:.0f} ms "
            f"(`import boto3` + 1 client): ratio {data['ratio']:.2f}",
            f"<= {MAX_RATIO}",
            ratio_met,
            ""
            if ratio_met
            else f"the function builds {extra_clients} more clients than the floor "
            "(each loads its service model) plus its own modules",
        ),
        Row(
            "2. deployment package",
            f"{zip_bytes / 1024:.1f} KB, {len(ctx.zip_entries)} files",
            "< 30 KB",
            zip_bytes < MAX_ZIP_BYTES,
        ),
    ]
    return FigureResult("cold_start", "Cold start", data, rows)
