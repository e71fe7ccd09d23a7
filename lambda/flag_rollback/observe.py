"""Logs and metrics as data: one JSON line per decision, metrics as EMF lines.

CloudWatch Logs turns the Embedded Metric Format lines into metrics, so the function
makes no PutMetricData call (no extra latency, no extra permission).

Every line carries what Lambda's log-level filtering reads (Lambda Developer Guide,
"Log-level filtering"): a ``level`` and an RFC 3339 ``timestamp``. A JSON line without a
valid level, or without a valid timestamp, counts as INFO, and Lambda drops it when the
application log level is WARN or higher: the metric lines therefore carry a level no
filter drops (see ``metric_level``).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from datetime import UTC, datetime

from flag_rollback.settings import Settings
from flag_rollback.vocabulary import LEVELS, Decision, Level, ResultDecision

ROLLBACK_METRIC = "AutomatedRollback"
FAILED_METRIC = "RollbackFailed"
DURATION_METRIC = "RollbackDurationMs"
NOTIFICATION_FAILED_METRIC = "NotificationFailed"
FLAG_DIMENSION = "FeatureFlagName"
FUNCTION_DIMENSION = "FunctionName"
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


def _timestamp(now: float) -> str:
    """RFC 3339 in UTC with milliseconds, the form Lambda's log-level filtering reads."""
    return datetime.fromtimestamp(now, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def log(decision: Decision | ResultDecision, *, level: Level = "INFO", **fields: object) -> None:
    """One JSON line with stable keys: level, time, timestamp, decision, then the fields."""
    now = time.time()
    _write(
        {
            "level": level,
            "time": utc_now(),
            "timestamp": _timestamp(now),
            "decision": decision,
            **fields,
        }
    )


def metric_level(configured: Level | None) -> Level:
    """The level of a metric line: at least INFO and never below the application log level.

    Lambda sets AWS_LAMBDA_LOG_LEVEL to the application log level; when it is unknown the
    line says FATAL, the one level no filter drops.
    """
    if configured is None:
        return "FATAL"
    return max(configured, "INFO", key=LEVELS.index)


def emit_metrics(
    settings: Settings, dimensions: dict[str, str], values: dict[str, tuple[float, str]]
) -> None:
    """One EMF line: each name -> (value, unit), with one dimension set (the given names)."""
    now = time.time()
    _write(
        {
            "level": metric_level(settings.log_level),
            "timestamp": _timestamp(now),
            "_aws": {
                "Timestamp": int(now * 1000),
                "CloudWatchMetrics": [
                    {
                        "Namespace": settings.metrics_namespace,
                        "Dimensions": [list(dimensions)],
                        "Metrics": [
                            {"Name": name, "Unit": unit} for name, (_, unit) in values.items()
                        ],
                    }
                ],
            },
            **dimensions,
            **{name: value for name, (value, _) in values.items()},
        }
    )


def rollback_metrics(settings: Settings, flag: str, duration_ms: float) -> None:
    """A flag was rolled back: AutomatedRollback=1 and how long it took."""
    emit_metrics(
        settings,
        {FLAG_DIMENSION: flag},
        {ROLLBACK_METRIC: (1, "Count"), DURATION_METRIC: (round(duration_ms, 1), "Milliseconds")},
    )


def failure_metric(settings: Settings, flag: str | None) -> None:
    """A rollback (or an event meant to cause one) failed."""
    emit_metrics(settings, {FLAG_DIMENSION: flag or UNKNOWN_FLAG}, {FAILED_METRIC: (1, "Count")})


def notification_failed_metric(settings: Settings) -> None:
    """A notification could not be published (after its retries): NotificationFailed=1.

    Its dimension is the function, so the function's own alarm watches exactly its
    failures even when several stacks share the metrics namespace.
    """
    emit_metrics(
        settings,
        {FUNCTION_DIMENSION: settings.function_name or "unknown"},
        {NOTIFICATION_FAILED_METRIC: (1, "Count")},
    )
