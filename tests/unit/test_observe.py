"""Metrics survive Lambda's log-level filtering at every application log level.

Lambda Developer Guide, "Log-level filtering": with the JSON log format, a line written to
stdout that is a JSON object is filtered by its "level" key; an invalid or missing level
counts as INFO, and so does a line without a valid RFC 3339 timestamp. Lambda sends the
lines at the configured level and the less detailed ones (TRACE < DEBUG < INFO < WARN <
ERROR < FATAL). ``lambda_keeps`` applies exactly that rule to what the function prints.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flag_rollback import observe
from flag_rollback.settings import Settings, load_settings
from flag_rollback.vocabulary import LEVELS

BASE = {
    "APPCONFIG_APPLICATION_ID": "abc1234",
    "APPCONFIG_ENVIRONMENT_ID": "env0001",
    "APPCONFIG_CONFIGURATION_PROFILE_ID": "prof001",
    "AWS_LAMBDA_FUNCTION_NAME": "flag-rollback",
}
AT_INFO = BASE | {"AWS_LAMBDA_LOG_LEVEL": "INFO"}
TIMESTAMP_KEYS = ("timestamp",)  # the key Lambda's own Python JSON logs use


def _rfc3339(value: object) -> bool:
    if not isinstance(value, str) or "T" not in value:
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def effective_level(line: str) -> str:
    """The level Lambda gives a line of application output."""
    try:
        record = json.loads(line)
    except ValueError:
        return "INFO"
    if not isinstance(record, dict):
        return "INFO"
    if not any(_rfc3339(record.get(key)) for key in TIMESTAMP_KEYS):
        return "INFO"
    level = str(record.get("level", "")).upper()
    return level if level in LEVELS else "INFO"


def lambda_keeps(line: str, configured: str) -> bool:
    return LEVELS.index(effective_level(line)) >= LEVELS.index(configured)


def emit_every_metric(settings: Settings) -> None:
    observe.rollback_metrics(settings, "checkout", 12.5)
    observe.failure_metric(settings, "checkout")
    observe.notification_failed_metric(settings)


@pytest.mark.parametrize("configured", LEVELS)
@pytest.mark.parametrize("told", [True, False], ids=["level-known", "level-unknown"])
def test_every_metric_line_survives_the_filter(
    configured: str, told: bool, capsys: pytest.CaptureFixture[str]
):
    environ = BASE | ({"AWS_LAMBDA_LOG_LEVEL": configured} if told else {})
    emit_every_metric(load_settings(environ))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert all('"_aws"' in line for line in lines)
    kept = [line for line in lines if lambda_keeps(line, configured)]
    assert kept == lines
    names = {metric["Name"] for line in kept for metric in json.loads(line)["_aws"][
        "CloudWatchMetrics"][0]["Metrics"]}  # fmt: skip
    assert names == {"AutomatedRollback", "RollbackDurationMs", "RollbackFailed",
                     "NotificationFailed"}  # fmt: skip


@pytest.mark.parametrize(("configured", "level"), [("TRACE", "INFO"), ("DEBUG", "INFO"),
                         ("INFO", "INFO"), ("WARN", "WARN"), ("ERROR", "ERROR"),
                         ("FATAL", "FATAL")])  # fmt: skip
def test_metric_lines_say_info_unless_the_filter_needs_more(configured: str, level: str):
    assert observe.metric_level(configured) == level  # type: ignore[arg-type]
    assert observe.metric_level(None) == "FATAL"


def test_the_filter_model_drops_what_lambda_drops():
    bare_emf = json.dumps({"_aws": {}, "AutomatedRollback": 1})  # how metric lines used to be
    assert not lambda_keeps(bare_emf, "WARN")
    untimed = json.dumps({"level": "ERROR", "time": "2026-11-23T10:00:00Z"})
    assert not lambda_keeps(untimed, "WARN")  # a level without a timestamp counts as INFO
    assert lambda_keeps(untimed, "INFO")
    assert not lambda_keeps("plain text", "WARN")


def test_decision_lines_carry_their_level_and_a_timestamp(capsys: pytest.CaptureFixture[str]):
    observe.log("notification_failed", level="ERROR", outcome="rolled_back")
    observe.log("storm", flags=["a"])
    failed, storm = capsys.readouterr().out.splitlines()
    assert effective_level(failed) == "ERROR"
    assert lambda_keeps(failed, "ERROR")
    assert not lambda_keeps(storm, "WARN")


def test_a_strange_lambda_log_level_is_treated_as_unknown():
    assert load_settings(BASE | {"AWS_LAMBDA_LOG_LEVEL": "loud"}).log_level is None
    assert load_settings(BASE | {"AWS_LAMBDA_LOG_LEVEL": "warn"}).log_level == "WARN"


def test_notification_failures_outside_lambda_are_counted_for_an_unknown_function(
    capsys: pytest.CaptureFixture[str],
):
    outside = {key: value for key, value in BASE.items() if key != "AWS_LAMBDA_FUNCTION_NAME"}
    observe.notification_failed_metric(load_settings(outside | {"AWS_LAMBDA_LOG_LEVEL": "INFO"}))
    (line,) = capsys.readouterr().out.splitlines()
    assert emf_record(line) == emf("FunctionName", "unknown", {"NotificationFailed": (1, "Count")})


def emf_record(line: str) -> dict[str, object]:
    """An EMF line without its two clock readings (checked to be there)."""
    record = json.loads(line)
    assert _rfc3339(record.pop("timestamp"))
    assert isinstance(record["_aws"].pop("Timestamp"), int)
    return dict(record)


def emf(dimension: str, value: str, metrics: dict[str, tuple[float, str]]) -> dict[str, object]:
    """The record CloudWatch reads: one dimension set, each metric's unit, the values."""
    return {
        "level": "INFO",
        "_aws": {
            "CloudWatchMetrics": [
                {
                    "Namespace": "FeatureFlags",
                    "Dimensions": [[dimension]],
                    "Metrics": [
                        {"Name": name, "Unit": unit} for name, (_, unit) in metrics.items()
                    ],
                }
            ]
        },
        dimension: value,
        **{name: number for name, (number, _) in metrics.items()},
    }


def test_a_rollback_is_counted_with_its_duration_to_a_tenth_of_a_millisecond(
    capsys: pytest.CaptureFixture[str],
):
    """CloudWatch units are case-sensitive names ("Count", "Milliseconds")."""
    observe.rollback_metrics(load_settings(AT_INFO), "checkout", 1234.5678)
    (line,) = capsys.readouterr().out.splitlines()
    assert emf_record(line) == emf(
        "FeatureFlagName",
        "checkout",
        {"AutomatedRollback": (1, "Count"), "RollbackDurationMs": (1234.6, "Milliseconds")},
    )


@pytest.mark.parametrize(("flag", "dimension"), [("checkout", "checkout"), (None, "unknown")])
def test_a_failure_is_counted_for_its_flag_or_an_unknown_one(
    capsys: pytest.CaptureFixture[str], flag: str | None, dimension: str
):
    observe.failure_metric(load_settings(AT_INFO), flag)
    (line,) = capsys.readouterr().out.splitlines()
    assert emf_record(line) == emf("FeatureFlagName", dimension, {"RollbackFailed": (1, "Count")})


# lambda/README.md, "Metrics and logs": `time` is UTC to the second, `timestamp` RFC 3339
# in UTC to the millisecond; an EMF line's `_aws.Timestamp` is epoch milliseconds.
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def _epoch_ms(text: str) -> int:
    return round(datetime.fromisoformat(text).timestamp() * 1000)


def test_a_decision_line_is_compact_json_in_the_documented_key_order(
    capsys: pytest.CaptureFixture[str],
):
    """The line as CloudWatch stores it: one compact JSON object, its text as written (a
    flag named in another script stays readable), the clock fields in their own forms."""
    before = time.time()
    observe.log("storm", flags=["café", "検索"], alarms=["checkout-errors"])
    after = time.time()
    (line,) = capsys.readouterr().out.splitlines()
    record = json.loads(line)
    assert TIME.fullmatch(record["time"])
    assert TIMESTAMP.fullmatch(record["timestamp"])
    # Both clock fields read the moment of writing (to the second, to the millisecond).
    assert int(before) * 1000 <= _epoch_ms(record["time"]) <= after * 1000
    assert int(before * 1000) <= _epoch_ms(record["timestamp"]) <= after * 1000
    assert line == (
        f'{{"level":"INFO","time":"{record["time"]}","timestamp":"{record["timestamp"]}",'
        '"decision":"storm","flags":["café","検索"],"alarms":["checkout-errors"]}'
    )


def test_a_field_json_cannot_hold_is_written_as_its_text(capsys: pytest.CaptureFixture[str]):
    """A log line never fails the invocation: any value is written, as text if need be."""
    at = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    observe.log("lifecycle", level="WARN", when=at, kept={1})
    (line,) = capsys.readouterr().out.splitlines()
    record = json.loads(line)
    assert (record["level"], record["decision"]) == ("WARN", "lifecycle")
    assert (record["when"], record["kept"]) == ("2026-11-23 10:00:00+00:00", "{1}")


def test_a_metric_line_is_stamped_with_the_moment_it_is_written(
    capsys: pytest.CaptureFixture[str],
):
    """CloudWatch files an EMF metric under `_aws.Timestamp` (epoch milliseconds); the
    `timestamp` Lambda's filter reads names the same millisecond."""
    before = time.time()
    observe.failure_metric(load_settings(AT_INFO), "checkout")
    after = time.time()
    (line,) = capsys.readouterr().out.splitlines()
    record = json.loads(line)
    stamp = record["_aws"]["Timestamp"]
    assert int(before * 1000) <= stamp <= int(after * 1000)
    assert TIMESTAMP.fullmatch(record["timestamp"])
    assert abs(_epoch_ms(record["timestamp"]) - stamp) <= 1


@pytest.fixture
def local_time_five_hours_behind_utc() -> Iterator[None]:
    """A machine whose local time is not UTC (Lambda's is; a laptop running the demo may not be)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "EST+05"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.mark.usefixtures("local_time_five_hours_behind_utc")
def test_the_time_of_a_decision_is_utc_whatever_the_local_time(
    capsys: pytest.CaptureFixture[str],
):
    before = time.time()
    observe.log("storm", flags=["checkout"])
    after = time.time()
    record = json.loads(capsys.readouterr().out)
    assert int(before) * 1000 <= _epoch_ms(record["time"]) <= after * 1000
    assert int(before * 1000) <= _epoch_ms(record["timestamp"]) <= after * 1000
