"""results.json and RESULTS.md from the figures of one run."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.common import FigureResult, Row

TUTORIAL_ASSUMPTIONS = """\
## Assumptions about the tutorial's design (figure 6)

The baseline is `bench/tutorial_design.py`, the original tutorial's Node.js function written
in Python with every call valid ("done correctly"). Assumed from the tutorial:

- it reads the **newest hosted configuration version** (ListHostedConfigurationVersions +
  GetHostedConfigurationVersion), not what is deployed;
- it flips only the alarm's own flag (`values.<flag>.enabled = false`), with **no storm check**
  and **no idempotency**: every delivery writes and deploys a version;
- it writes the version **without `LatestVersionNumber`** (no optimistic lock), starts a
  deployment with the same strategy as ours, publishes one SNS message and calls
  **PutMetricData** (ours emits EMF log lines instead: no call);
- it creates its clients **inside the handler** on every invocation (from a session made once
  per container, so Python's model loading is not charged to it on every call);
- a failed invocation (a ConflictException from StartDeployment while another deployment is in
  progress) is retried like an asynchronous Lambda invocation: 2 retries, here after 1 s and
  2 s instead of Lambda's minutes. Both designs get the same retries.
"""

CAVEATS = """\
## How to read these numbers

- Everything runs against the project's in-process AWS emulator (moto plus the project's
  extensions): wall times are the function's own work plus the emulator's, without AWS's
  network latency (each real AWS call adds roughly 10-50 ms). Compare designs by the ratios,
  measured in the same run.
- API calls are counted at the client, by operation, through botocore's `before-call` event;
  Lambda would make exactly these requests (retries by botocore are not separate operations).
- Storms run every invocation in one process (threads) that starts as a new container: the
  invocations share its clients and cached profile, where Lambda would give each concurrent
  invocation a container of its own; they all meet in AppConfig either way. This is the
  module's default (no reserved concurrency); a reservation of 1 would queue them instead,
  which is easier than what is measured here.
- In a storm all N invocations and the emulator share one process and the machine's 2 cores,
  so "seconds to all disabled" grows with N mostly from CPU contention; on AWS every
  invocation has its own CPU.
- The machine is shared (2 cores): absolute times are noisy; counts are exact.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def verdict(row: Row) -> str:
    if row.met is None:
        return row.note or "-"
    if row.met:
        return "yes" + (f" ({row.note})" if row.note else "")
    if row.baseline:
        return f"no (baseline): {row.note}"
    return f"**no**: {row.note}"


def table(results: list[FigureResult]) -> str:
    lines = ["| figure | value | target | met? / why not |", "| --- | --- | --- | --- |"]
    for result in results:
        for row in result.rows:
            cells = (row.figure, row.value, row.target or "-", verdict(row))
            lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return "\n".join(lines)


def summary(results: list[FigureResult]) -> str:
    """One sentence: which targets this run missed, or that it met all."""
    missed = [
        row.figure
        for result in results
        for row in result.rows
        if row.met is False and not row.baseline
    ]
    if not missed:
        return "Every target is met."
    return "Targets missed (why: last column): " + "; ".join(missed) + "."


def markdown(results: list[FigureResult], meta: dict[str, Any]) -> str:
    plots = [name for result in results for name in result.plots]
    parts = [
        "# Benchmark results",
        "",
        f"Written by `python -m bench{' --quick' if meta['quick'] else ''}` "
        f"at {meta['finished_at']} on Python {meta['python']} with {meta['cpus']} CPUs, "
        f"in {meta['total_seconds']:.0f} s. What each figure means: README.md, section "
        "Benchmarks. Raw numbers: `results.json`.",
        "",
        summary(results),
        "",
        table(results),
        "",
    ]
    parts += [f"![{name}]({name})" for name in plots]
    parts += ["", TUTORIAL_ASSUMPTIONS, CAVEATS]
    return "\n".join(parts).rstrip() + "\n"


def write(results: list[FigureResult], meta: dict[str, Any], out: Path) -> None:
    payload = {
        "meta": meta,
        "figures": {
            result.key: {
                "title": result.title,
                "data": result.data,
                "rows": [asdict(row) for row in result.rows],
                "plots": result.plots,
            }
            for result in results
        },
    }
    (out / "results.json").write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n")
    (out / "RESULTS.md").write_text(markdown(results, meta))
