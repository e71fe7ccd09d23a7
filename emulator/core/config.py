"""Run-time settings of the emulator, shared by the in-process mock and the HTTP server.

- `deployment_time_factor`: how long an AppConfig deployment takes compared with its
  strategy. 0 (the default) completes every deployment at once so tests stay fast; 1.0 uses
  the strategy's real minutes; 0.001 turns a 10-minute strategy into 0.6 s. A deployment
  keeps the factor that was current when it started.
- `stale_version_error`: the error CreateHostedConfigurationVersion answers when
  `LatestVersionNumber` is not the latest version. No AWS text says which one AWS sends
  (the model lists both), so tests run under each: `ConflictException` (the default) or
  `BadRequestException` (*inferred*, see FIDELITY.md).
- `appconfig_quotas`: the per-account/per-application AppConfig resource quotas
  (the model's ServiceQuotaExceededException text: applications 100, deployment strategies
  20, configuration profiles 100 per application, environments 20 per application).
- ``iam_enforcement`` (default true): calls signed with a role session's credentials (a
  function's execution role) are authorised against the role's policies (emulator.iam).
  Only the emulator's own unit tests turn it off; e2e, demo and bench never do.
- ``account_concurrency_limit`` (default 1000): the account's Lambda concurrency quota
  (emulator.awslambda.concurrency).
- ``event_pattern_max_length``: the EventBridge event pattern size quota, 2,048 characters
  by default like every account, up to 4,096 for an account whose quota was raised.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Mapping
from typing import Any, Literal, cast, get_args

StaleVersionError = Literal["ConflictException", "BadRequestException"]
QuotaName = Literal[
    "applications", "deployment_strategies", "configuration_profiles", "environments"
]
DEFAULT_QUOTAS: dict[QuotaName, int] = {
    "applications": 100,
    "deployment_strategies": 20,
    "configuration_profiles": 100,
    "environments": 20,
}

_lock = threading.Lock()
_deployment_time_factor = 0.0
_stale_version_error: StaleVersionError = "ConflictException"
_quotas: dict[QuotaName, int] = dict(DEFAULT_QUOTAS)
_iam_enforcement = True
DEFAULT_ACCOUNT_CONCURRENCY_LIMIT = 1000
# Lambda keeps this much of the account's concurrency unreserved (L-DG/lambda-concurrency.html).
MINIMUM_UNRESERVED_CONCURRENCY = 10
_account_concurrency_limit = DEFAULT_ACCOUNT_CONCURRENCY_LIMIT
DEFAULT_EVENT_PATTERN_MAX_LENGTH = 2048
MAX_EVENT_PATTERN_LENGTH = 4096
_event_pattern_max_length = DEFAULT_EVENT_PATTERN_MAX_LENGTH


class ConfigError(ValueError):
    """A run-time setting was given a value the emulator cannot use."""


def validated_factor(value: object) -> float:
    """Return `value` as a factor, or raise ConfigError saying what is wrong with it."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"deployment_time_factor must be a number, got {value!r}")
    factor = float(value)
    if not math.isfinite(factor) or factor < 0:
        raise ConfigError(f"deployment_time_factor must be a finite number >= 0, got {value!r}")
    return factor


def validated_stale_version_error(value: object) -> StaleVersionError:
    """Return `value` as a stale-token error name, or raise ConfigError."""
    allowed = get_args(StaleVersionError)
    if value not in allowed:
        raise ConfigError(f"stale_version_error must be one of {list(allowed)}, got {value!r}")
    return cast(StaleVersionError, value)


def validated_quotas(value: object) -> dict[QuotaName, int]:
    """Return `value` (a partial mapping of quota name to a count >= 0) merged over the
    current quotas, or raise ConfigError."""
    if not isinstance(value, Mapping):
        raise ConfigError(f"appconfig_quotas must be an object, got {value!r}")
    known = get_args(QuotaName)
    merged = get_appconfig_quotas()
    for name, count in value.items():
        if name not in known:
            raise ConfigError(f"unknown AppConfig quota {name!r}; known: {list(known)}")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ConfigError(f"appconfig_quotas.{name} must be an integer >= 0, got {count!r}")
        merged[cast(QuotaName, name)] = count
    return merged


def set_deployment_time_factor(factor: float) -> float:
    """Set the factor for deployments started from now on; return the previous one."""
    global _deployment_time_factor  # noqa: PLW0603 - one process-wide setting, guarded by _lock
    validated = validated_factor(factor)
    with _lock:
        previous = _deployment_time_factor
        _deployment_time_factor = validated
    return previous


def get_deployment_time_factor() -> float:
    """Return the factor that a deployment started now would use."""
    with _lock:
        return _deployment_time_factor


def set_stale_version_error(name: str) -> StaleVersionError:
    """Select the error a stale LatestVersionNumber gets; return the previous one."""
    global _stale_version_error  # noqa: PLW0603 - one process-wide setting, guarded by _lock
    validated = validated_stale_version_error(name)
    with _lock:
        previous = _stale_version_error
        _stale_version_error = validated
    return previous


def get_stale_version_error() -> StaleVersionError:
    """Return the error a stale LatestVersionNumber gets now."""
    with _lock:
        return _stale_version_error


def set_appconfig_quotas(
    quotas: Mapping[str, int] | Mapping[QuotaName, int],
) -> dict[QuotaName, int]:
    """Change some AppConfig quotas (the others keep their value); return the previous ones."""
    global _quotas  # noqa: PLW0603 - one process-wide setting, guarded by _lock
    validated = validated_quotas(quotas)
    with _lock:
        previous = _quotas
        _quotas = validated
    return dict(previous)


def get_appconfig_quotas() -> dict[QuotaName, int]:
    """Return the AppConfig quotas in force."""
    with _lock:
        return dict(_quotas)


def validated_switch(value: object) -> bool:
    """``iam_enforcement`` must be a JSON boolean."""
    if not isinstance(value, bool):
        raise ConfigError(f"iam_enforcement must be true or false, got {value!r}")
    return value


def set_iam_enforcement(enabled: bool) -> bool:
    """Turn authorization of role-signed calls on or off; return the previous setting."""
    global _iam_enforcement
    validated = validated_switch(enabled)
    with _lock:
        previous, _iam_enforcement = _iam_enforcement, validated
    return previous


def iam_enforcement() -> bool:
    """Whether calls signed with role credentials are authorised (default True)."""
    with _lock:
        return _iam_enforcement


def _integer(name: str, value: object) -> int:
    """``value`` as a JSON integer (a boolean is not one), or ConfigError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{name} must be an integer, got {value!r}")
    return value


def validated_limit(value: object) -> int:
    """An account concurrency limit: an integer that leaves the unreserved minimum."""
    value = _integer("account_concurrency_limit", value)
    if value < MINIMUM_UNRESERVED_CONCURRENCY:
        raise ConfigError(
            f"account_concurrency_limit must be >= {MINIMUM_UNRESERVED_CONCURRENCY}, got {value}"
        )
    return value


def set_account_concurrency_limit(limit: int) -> int:
    """Set the account's Lambda concurrency quota; return the previous one."""
    global _account_concurrency_limit
    validated = validated_limit(limit)
    with _lock:
        previous, _account_concurrency_limit = _account_concurrency_limit, validated
    return previous


def account_concurrency_limit() -> int:
    """The account's Lambda concurrency quota."""
    with _lock:
        return _account_concurrency_limit


def validated_pattern_length(value: object) -> int:
    """Return `value` as an event pattern size quota, or raise ConfigError."""
    value = _integer("event_pattern_max_length", value)
    if not 1 <= value <= MAX_EVENT_PATTERN_LENGTH:
        raise ConfigError(
            f"event_pattern_max_length must be 1-{MAX_EVENT_PATTERN_LENGTH} (EventPattern's "
            f"maximum in the service model), got {value!r}"
        )
    return value


def set_event_pattern_max_length(length: int) -> int:
    """Set the EventBridge event pattern size quota; return the previous one."""
    global _event_pattern_max_length  # noqa: PLW0603 - one process-wide setting, guarded by _lock
    validated = validated_pattern_length(length)
    with _lock:
        previous = _event_pattern_max_length
        _event_pattern_max_length = validated
    return previous


def get_event_pattern_max_length() -> int:
    """The EventBridge event pattern size quota PutRule enforces, in characters."""
    with _lock:
        return _event_pattern_max_length


def current_settings() -> dict[str, Any]:
    """Return every run-time setting, as `GET /_emulator/config` shows it."""
    return {
        "deployment_time_factor": get_deployment_time_factor(),
        "stale_version_error": get_stale_version_error(),
        "appconfig_quotas": get_appconfig_quotas(),
        "account_concurrency_limit": account_concurrency_limit(),
        "iam_enforcement": iam_enforcement(),
        "event_pattern_max_length": get_event_pattern_max_length(),
    }


_VALIDATORS: dict[str, Callable[[object], Any]] = {
    "deployment_time_factor": validated_factor,
    "stale_version_error": validated_stale_version_error,
    "appconfig_quotas": validated_quotas,
    "account_concurrency_limit": validated_limit,
    "iam_enforcement": validated_switch,
    "event_pattern_max_length": validated_pattern_length,
}


def apply_settings(body: bytes) -> dict[str, Any]:
    """Apply a JSON object of settings (the body of `POST /_emulator/config`).

    Every value is validated before any is applied, so a bad request changes nothing.
    """
    try:
        settings = json.loads(body or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(f"the body must be a JSON object: {error}") from error
    if not isinstance(settings, dict):
        raise ConfigError('the body must be a JSON object such as {"deployment_time_factor": 0}')
    unknown = sorted(set(settings) - set(_VALIDATORS))
    if unknown:
        raise ConfigError(f"unknown setting(s) {unknown}; known: {sorted(_VALIDATORS)}")
    validated = {name: _VALIDATORS[name](value) for name, value in settings.items()}
    if "deployment_time_factor" in validated:
        set_deployment_time_factor(validated["deployment_time_factor"])
    if "stale_version_error" in validated:
        set_stale_version_error(validated["stale_version_error"])
    if "appconfig_quotas" in validated:
        set_appconfig_quotas(validated["appconfig_quotas"])
    if "account_concurrency_limit" in validated:
        set_account_concurrency_limit(validated["account_concurrency_limit"])
    if "iam_enforcement" in validated:
        set_iam_enforcement(validated["iam_enforcement"])
    if "event_pattern_max_length" in validated:
        set_event_pattern_max_length(validated["event_pattern_max_length"])
    return current_settings()
