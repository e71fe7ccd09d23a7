"""The settings of held flags, the guard and the guarded restore (part of Settings).

Read from the same environment as the rest, validated once, errors that name the variable.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from flag_rollback.errors import SettingsError
from flag_rollback.text import whole_number

DEFAULT_FLAP_LIMIT = 3
DEFAULT_FLAP_WINDOW_S = 86400
MAX_SECONDS = 7 * 86400
# SSM parameter names: letters, digits, _ . - and /; a hierarchy at most 15 levels deep,
# the whole name at most 1011 characters (SSM API reference, PutParameter "Name"). The
# flag's own level is added below the path, so the path keeps room for it.
_PATH = re.compile(r"^(/[a-zA-Z0-9_.-]+){1,13}$")
MAX_PATH_LENGTH = 700


class GuardMode(StrEnum):
    """What the deployment guard does with a change that would turn a held flag back on."""

    REFUSE = "refuse"
    KEEP_DISABLED = "keep_disabled"


@dataclass(frozen=True)
class HoldSettings:
    """Where holds live, how restores deploy, and the anti-flap limits."""

    parameter_path: str
    restore_strategy_id: str
    restore_cooldown_s: int
    flap_limit: int
    flap_window_s: int
    guard_mode: GuardMode
    rollback_function: str | None
    region: str | None


def default_path(application_id: str, environment_id: str, profile_id: str) -> str:
    """The parameter path of one target's holds (the module passes the same value)."""
    return f"/flag-rollback/holds/{application_id}/{environment_id}/{profile_id}"


def _get(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name, "").strip()
    return value or None


def _seconds(environ: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    raw = _get(environ, name)
    if raw is None:
        return default
    value = whole_number(raw)
    if value is None or not minimum <= value <= MAX_SECONDS:
        raise SettingsError(name, f"{raw!r} is not a whole number from {minimum} to {MAX_SECONDS}")
    return value


def _path(environ: Mapping[str, str], default: str) -> str:
    value = (_get(environ, "HOLDS_PARAMETER_PATH") or default).rstrip("/")
    if (
        not _PATH.match(value)
        or len(value) > MAX_PATH_LENGTH
        or value.lower().startswith(("/aws", "/ssm"))
    ):
        raise SettingsError(
            "HOLDS_PARAMETER_PATH",
            f"{value!r} is not an SSM parameter path (/a/b/c: letters, digits, _ . -; "
            "not under /aws or /ssm)",
        )
    return value


def _flap_limit(environ: Mapping[str, str]) -> int:
    raw = _get(environ, "FLAP_LIMIT")
    if raw is None:
        return DEFAULT_FLAP_LIMIT
    value = whole_number(raw)
    if value is None or value > 100:
        raise SettingsError("FLAP_LIMIT", f"{raw!r} is not a whole number from 0 (off) to 100")
    return value


def _guard_mode(environ: Mapping[str, str]) -> GuardMode:
    raw = (_get(environ, "GUARD_MODE") or GuardMode.REFUSE).lower()
    try:
        return GuardMode(raw)
    except ValueError:
        choices = ", ".join(mode.value for mode in GuardMode)
        raise SettingsError("GUARD_MODE", f"{raw!r} is not one of {choices}") from None


def load_hold_settings(
    environ: Mapping[str, str], strategy_id: str, strategy_pattern: re.Pattern[str]
) -> HoldSettings:
    """HoldSettings from an environment whose AppConfig IDs were validated already.

    strategy_id is the rollback's strategy: a restore uses it too unless told otherwise.
    """
    ids = (
        environ["APPCONFIG_APPLICATION_ID"].strip(),
        environ["APPCONFIG_ENVIRONMENT_ID"].strip(),
        environ["APPCONFIG_CONFIGURATION_PROFILE_ID"].strip(),
    )
    restore_strategy = _get(environ, "RESTORE_DEPLOYMENT_STRATEGY_ID") or strategy_id
    if not strategy_pattern.match(restore_strategy):
        raise SettingsError(
            "RESTORE_DEPLOYMENT_STRATEGY_ID",
            f"{restore_strategy!r} is neither a strategy ID nor a predefined AppConfig.* strategy",
        )
    return HoldSettings(
        parameter_path=_path(environ, default_path(*ids)),
        restore_strategy_id=restore_strategy,
        restore_cooldown_s=_seconds(environ, "RESTORE_COOLDOWN_SECONDS", 0, 0),
        flap_limit=_flap_limit(environ),
        flap_window_s=_seconds(environ, "FLAP_WINDOW_SECONDS", DEFAULT_FLAP_WINDOW_S, 60),
        guard_mode=_guard_mode(environ),
        rollback_function=_get(environ, "ROLLBACK_FUNCTION_NAME")
        or _get(environ, "AWS_LAMBDA_FUNCTION_NAME"),
        region=_get(environ, "AWS_REGION") or _get(environ, "AWS_DEFAULT_REGION"),
    )
