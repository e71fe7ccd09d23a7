"""Run-time settings of the emulator, shared by the in-process mock and the HTTP server.

- ``deployment_time_factor``: how long an AppConfig deployment takes compared with its
  strategy. 0 (the default) completes every deployment at once so tests stay fast; 1.0 uses
  the strategy's real minutes; 0.001 turns a 10-minute strategy into 0.6 s. A deployment
  keeps the factor that was current when it started.
- ``iam_enforcement`` (default true): calls signed with a role session's credentials (a
  function's execution role) are authorised against the role's policies (emulator.iam).
  Only the emulator's own unit tests turn it off; e2e, demo and bench never do.
- ``account_concurrency_limit`` (default 1000): the account's Lambda concurrency quota
  (emulator.awslambda.concurrency).
"""

from __future__ import annotations

import json
import math
import threading
from typing import Any

_lock = threading.Lock()
_deployment_time_factor = 0.0
_iam_enforcement = True
DEFAULT_ACCOUNT_CONCURRENCY_LIMIT = 1000
# Lambda keeps this much of the account's concurrency unreserved (L-DG/lambda-concurrency.html).
MINIMUM_UNRESERVED_CONCURRENCY = 10
_account_concurrency_limit = DEFAULT_ACCOUNT_CONCURRENCY_LIMIT
KNOWN_SETTINGS = ("account_concurrency_limit", "deployment_time_factor", "iam_enforcement")


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


def validated_limit(value: object) -> int:
    """An account concurrency limit: an integer that leaves the unreserved minimum."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"account_concurrency_limit must be an integer, got {value!r}")
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


def current_settings() -> dict[str, Any]:
    """Return every run-time setting, as `GET /_emulator/config` shows it."""
    return {
        "account_concurrency_limit": account_concurrency_limit(),
        "deployment_time_factor": get_deployment_time_factor(),
        "iam_enforcement": iam_enforcement(),
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
    unknown = sorted(set(settings) - set(KNOWN_SETTINGS))
    if unknown:
        raise ConfigError(f"unknown setting(s) {unknown}; known: {list(KNOWN_SETTINGS)}")
    factor = settings.get("deployment_time_factor")
    factor = None if factor is None else validated_factor(factor)
    switch = settings.get("iam_enforcement")
    switch = None if switch is None else validated_switch(switch)
    limit = settings.get("account_concurrency_limit")
    limit = None if limit is None else validated_limit(limit)
    if factor is not None:
        set_deployment_time_factor(factor)
    if switch is not None:
        set_iam_enforcement(switch)
    if limit is not None:
        set_account_concurrency_limit(limit)
    return current_settings()
