"""Logs and metrics as data: one JSON line per decision, metrics as EMF lines.

CloudWatch Logs turns the Embedded Metric Format lines into metrics, so the function
makes no PutMetricData call (no extra latency, no extra permission).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from datetime import UTC, datetime

from flag_rollback.vocabulary import Decision, Level, ResultDecision

ROLLBACK_METRIC = "AutomatedRollback"
FAILED_METRIC = "RollbackFailed"
DURATION_METRIC = "RollbackDurationMs"
FLAG_DIMENSION = "FeatureFlagName"
UNKNOWN_FLAG = "unknown"

_write_lock = threading.Lock()


def utc_now() -> str:
    """The current time, ISO 8601 in UTC with seconds (what the documents record)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _write(record: dict[str, object]) -> None:
    line = json.dumps(record, default=str, ensure_ascii=False, separators=(",", ":"))
    with _write_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def log(decision: Decision | ResultDecision, *, level: Level = "INFO", **fields: object) -> None:
    """One JSON line with stable keys: level, time, decision, then the fields."""
    _write({"level": level, "time": utc_now(), "decision": decision, **fields})


def emit_metrics(namespace: str, flag: str, values: dict[str, tuple[float, str]]) -> None:
    """One EMF line: each name -> (value, unit), with the FeatureFlagName dimension."""
    _write(
        {
            "_aws": {
                "Timestamp": int(time.time() * 1000),
                "CloudWatchMetrics": [
                    {
                        "Namespace": namespace,
                        "Dimensions": [[FLAG_DIMENSION]],
                        "Metrics": [
                            {"Name": name, "Unit": unit} for name, (_, unit) in values.items()
                        ],
                    }
                ],
            },
            FLAG_DIMENSION: flag,
            **{name: value for name, (value, _) in values.items()},
        }
    )


def rollback_metrics(namespace: str, flag: str, duration_ms: float) -> None:
    """A flag was rolled back: AutomatedRollback=1 and how long it took."""
    emit_metrics(
        namespace,
        flag,
        {ROLLBACK_METRIC: (1, "Count"), DURATION_METRIC: (round(duration_ms, 1), "Milliseconds")},
    )


def failure_metric(namespace: str, flag: str | None) -> None:
    """A rollback (or an event meant to cause one) failed."""
    emit_metrics(namespace, flag or UNKNOWN_FLAG, {FAILED_METRIC: (1, "Count")})
