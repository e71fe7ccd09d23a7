"""Configuration from environment variables, read and validated once per container."""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from flag_rollback.errors import SettingsError
from flag_rollback.hold_settings import HoldSettings, load_hold_settings
from flag_rollback.vocabulary import LEVELS, Level

DEFAULT_STRATEGY_ID = "AppConfig.AllAtOnce"
DEFAULT_ALARM_NAME_PATTERN = r"^FeatureFlag-(?P<flag>.+)-ErrorRate$"
DEFAULT_METRICS_NAMESPACE = "FeatureFlags"

# The identifier formats of the AppConfig and SNS API references: a typo fails here,
# at the first event, with the variable's name, instead of as a 400 from AWS.
_ID = re.compile(r"^[a-z0-9]{4,7}$")
_STRATEGY_ID = re.compile(r"^([a-z0-9]{4,7}|AppConfig\.[A-Za-z0-9]{9,40})$")
_TOPIC_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$")
_NAMESPACE = re.compile(r"^[\x21-\x7e](?:[\x20-\x7e]{0,254})$")
_BOOLEANS = {"true": True, "false": False}


@dataclass(frozen=True)
class Settings:
    """Everything the function is told by its environment."""

    application_id: str
    environment_id: str
    profile_id: str
    strategy_id: str
    topic_arn: str | None
    alarm_pattern: re.Pattern[str]
    dry_run: bool
    metrics_namespace: str
    holds: HoldSettings
    # Flags whose alarm going to INSUFFICIENT_DATA rolls them back (silence means failure).
    insufficient_data_flags: frozenset[str] = frozenset()
    # Set by the Lambda runtime, not by the module (None outside Lambda):
    function_name: str | None = None  # AWS_LAMBDA_FUNCTION_NAME
    region: str | None = None  # AWS_REGION
    log_level: Level | None = None  # AWS_LAMBDA_LOG_LEVEL: the application log level filter


def _get(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name, "").strip()
    return value or None


def _required_id(environ: Mapping[str, str], name: str) -> str:
    value = _get(environ, name)
    if value is None:
        raise SettingsError(name, "is required and not set")
    if not _ID.match(value):
        raise SettingsError(
            name, f"{value!r} is not an AppConfig ID (4-7 lowercase letters/digits)"
        )
    return value


def _strategy(environ: Mapping[str, str]) -> str:
    value = _get(environ, "APPCONFIG_DEPLOYMENT_STRATEGY_ID") or DEFAULT_STRATEGY_ID
    if not _STRATEGY_ID.match(value):
        raise SettingsError(
            "APPCONFIG_DEPLOYMENT_STRATEGY_ID",
            f"{value!r} is neither a strategy ID nor a predefined AppConfig.* strategy",
        )
    return value


def _topic(environ: Mapping[str, str]) -> str | None:
    value = _get(environ, "NOTIFICATION_TOPIC_ARN")
    if value is not None and not _TOPIC_ARN.match(value):
        raise SettingsError("NOTIFICATION_TOPIC_ARN", f"{value!r} is not an SNS topic ARN")
    return value


def _pattern(environ: Mapping[str, str]) -> re.Pattern[str]:
    value = _get(environ, "ALARM_NAME_PATTERN") or DEFAULT_ALARM_NAME_PATTERN
    try:
        pattern = re.compile(value)
    except re.error as error:
        raise SettingsError(
            "ALARM_NAME_PATTERN", f"{value!r} is not a regular expression: {error}"
        ) from error
    if "flag" not in pattern.groupindex:
        raise SettingsError("ALARM_NAME_PATTERN", f"{value!r} has no named group (?P<flag>...)")
    return pattern


def _dry_run(environ: Mapping[str, str]) -> bool:
    value = (_get(environ, "DRY_RUN") or "false").lower()
    if value not in _BOOLEANS:
        raise SettingsError("DRY_RUN", f"{value!r} is not 'true' or 'false'")
    return _BOOLEANS[value]


def _namespace(environ: Mapping[str, str]) -> str:
    value = _get(environ, "METRICS_NAMESPACE") or DEFAULT_METRICS_NAMESPACE
    if not _NAMESPACE.match(value) or value.startswith(":") or value.startswith("AWS/"):
        raise SettingsError(
            "METRICS_NAMESPACE", f"{value!r} is not a CloudWatch namespace (1-255 ASCII, no AWS/)"
        )
    return value


def _insufficient_data_flags(environ: Mapping[str, str]) -> frozenset[str]:
    """INSUFFICIENT_DATA_ROLLBACK_FLAGS: a JSON array of flag names (default: none).

    A quiet flag is not a broken flag, so by default only ALARM rolls back; a flag named
    here is rolled back when its alarm has too little data too (silence means failure).
    """
    name = "INSUFFICIENT_DATA_ROLLBACK_FLAGS"
    value = _get(environ, name)
    if value is None:
        return frozenset()
    try:
        names = json.loads(value)
    except ValueError as error:
        raise SettingsError(name, f"{value!r} is not JSON: {error}") from error
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
        raise SettingsError(name, f"{value!r} is not a JSON array of flag names")
    return frozenset(names)


def _log_level(environ: Mapping[str, str]) -> Level | None:
    """Lambda's application log level (advanced logging controls); None when unknown.

    Lambda sets it, so an unexpected value is not the user's mistake: it is treated as
    unknown, never as a reason to fail.
    """
    value = (_get(environ, "AWS_LAMBDA_LOG_LEVEL") or "").upper()
    return next((level for level in LEVELS if level == value), None)


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Validate the environment into Settings; SettingsError names the first bad variable."""
    return Settings(
        application_id=_required_id(environ, "APPCONFIG_APPLICATION_ID"),
        environment_id=_required_id(environ, "APPCONFIG_ENVIRONMENT_ID"),
        profile_id=_required_id(environ, "APPCONFIG_CONFIGURATION_PROFILE_ID"),
        strategy_id=_strategy(environ),
        topic_arn=_topic(environ),
        alarm_pattern=_pattern(environ),
        dry_run=_dry_run(environ),
        metrics_namespace=_namespace(environ),
        insufficient_data_flags=_insufficient_data_flags(environ),
        function_name=_get(environ, "AWS_LAMBDA_FUNCTION_NAME"),
        region=_get(environ, "AWS_REGION") or _get(environ, "AWS_DEFAULT_REGION"),
        log_level=_log_level(environ),
        # Evaluated last: the IDs and the strategy above are valid by now.
        holds=load_hold_settings(environ, _strategy(environ), _STRATEGY_ID),
    )


_cached: Settings | None = None
_lock = threading.Lock()


def get_settings() -> Settings:
    """The container's settings, validated on first use (environment variables never change)."""
    global _cached  # noqa: PLW0603 - one validated object per container is the point
    with _lock:
        if _cached is None:
            _cached = load_settings(os.environ)
        return _cached


def reset_settings() -> None:
    """Forget the cached settings (tests change the environment between cases)."""
    global _cached  # noqa: PLW0603
    with _lock:
        _cached = None
