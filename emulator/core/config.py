"""Run-time settings of the emulator, shared by the in-process mock and the HTTP server.

The only setting today is the deployment time factor: how long an AppConfig deployment
takes compared with its strategy. 0 (the default) completes every deployment at once so
tests stay fast; 1.0 uses the strategy's real minutes; 0.001 turns a 10-minute strategy
into 0.6 s. A deployment keeps the factor that was current when it started.
"""

from __future__ import annotations

import json
import math
import threading
from typing import Any

_lock = threading.Lock()
_deployment_time_factor = 0.0


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


def current_settings() -> dict[str, Any]:
    """Return every run-time setting, as `GET /_emulator/config` shows it."""
    return {"deployment_time_factor": get_deployment_time_factor()}


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
    unknown = sorted(set(settings) - {"deployment_time_factor"})
    if unknown:
        raise ConfigError(f"unknown setting(s) {unknown}; known: ['deployment_time_factor']")
    if "deployment_time_factor" in settings:
        set_deployment_time_factor(validated_factor(settings["deployment_time_factor"]))
    return current_settings()
