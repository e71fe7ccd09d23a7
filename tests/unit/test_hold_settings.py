"""The settings of held flags, the guard and the guarded restore: defaults, every variable,
the documented bounds exactly at and one past each, and refusals that name the variable."""

from __future__ import annotations

import pytest
from flag_rollback.errors import SettingsError
from flag_rollback.hold_settings import GuardMode, HoldSettings
from flag_rollback.settings import load_settings

BASE = {
    "APPCONFIG_APPLICATION_ID": "abc1234",
    "APPCONFIG_ENVIRONMENT_ID": "env0001",
    "APPCONFIG_CONFIGURATION_PROFILE_ID": "prof001",
}
PATH_PROBLEM = (
    "is not an SSM parameter path (/a/b/c: letters, digits, _ . -; not under /aws or /ssm)"
)


def hold_settings(**environ: str) -> HoldSettings:
    return load_settings(BASE | environ).holds


def refusal(**environ: str) -> str:
    with pytest.raises(SettingsError) as raised:
        load_settings(BASE | environ)
    (variable,) = environ
    assert raised.value.variable == variable
    return str(raised.value)


def test_the_defaults_are_a_path_per_target_the_rollback_strategy_and_the_documented_limits():
    padded = {name: f" {value} " for name, value in BASE.items()}
    assert load_settings(padded).holds == HoldSettings(
        parameter_path="/flag-rollback/holds/abc1234/env0001/prof001",
        restore_strategy_id="AppConfig.AllAtOnce",
        restore_cooldown_s=0,
        flap_limit=3,
        flap_window_s=86400,
        guard_mode=GuardMode.REFUSE,
        rollback_function=None,
        region=None,
    )


def test_every_variable_is_read():
    assert hold_settings(
        HOLDS_PARAMETER_PATH=" /team/holds/ ",
        RESTORE_DEPLOYMENT_STRATEGY_ID="strat02",
        RESTORE_COOLDOWN_SECONDS="300",
        FLAP_LIMIT="0",
        FLAP_WINDOW_SECONDS="3600",
        GUARD_MODE="Keep_Disabled",
        ROLLBACK_FUNCTION_NAME="shop-flag-rollback",
        AWS_LAMBDA_FUNCTION_NAME="shop-guard",
        AWS_REGION="eu-west-1",
        AWS_DEFAULT_REGION="us-east-1",
    ) == HoldSettings(
        parameter_path="/team/holds",
        restore_strategy_id="strat02",
        restore_cooldown_s=300,
        flap_limit=0,
        flap_window_s=3600,
        guard_mode=GuardMode.KEEP_DISABLED,
        rollback_function="shop-flag-rollback",
        region="eu-west-1",
    )


def test_a_restore_uses_the_rollbacks_strategy_unless_told_otherwise():
    settings = hold_settings(APPCONFIG_DEPLOYMENT_STRATEGY_ID="strat01")
    assert settings.restore_strategy_id == "strat01"
    blank = hold_settings(
        APPCONFIG_DEPLOYMENT_STRATEGY_ID="strat01", RESTORE_DEPLOYMENT_STRATEGY_ID=" "
    )
    assert blank.restore_strategy_id == "strat01"


def test_the_function_and_region_fall_back_to_what_lambda_sets():
    settings = hold_settings(
        ROLLBACK_FUNCTION_NAME=" ",
        AWS_LAMBDA_FUNCTION_NAME="shop-flag-rollback",
        AWS_REGION="",
        AWS_DEFAULT_REGION="us-east-1",
    )
    assert (settings.rollback_function, settings.region) == ("shop-flag-rollback", "us-east-1")


@pytest.mark.parametrize(
    ("variable", "value", "read"),
    [
        ("RESTORE_COOLDOWN_SECONDS", "0", 0),
        ("RESTORE_COOLDOWN_SECONDS", "604800", 604800),
        ("FLAP_WINDOW_SECONDS", "60", 60),
        ("FLAP_WINDOW_SECONDS", "604800", 604800),
        ("FLAP_LIMIT", "100", 100),
        ("FLAP_LIMIT", " ", 3),
    ],
)
def test_numbers_at_the_documented_bounds_are_accepted(variable, value, read):
    settings = hold_settings(**{variable: value})
    field = {
        "RESTORE_COOLDOWN_SECONDS": "restore_cooldown_s",
        "FLAP_WINDOW_SECONDS": "flap_window_s",
        "FLAP_LIMIT": "flap_limit",
    }[variable]
    assert getattr(settings, field) == read


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "RESTORE_COOLDOWN_SECONDS",
            "604801",
            "RESTORE_COOLDOWN_SECONDS: '604801' is not a whole number from 0 to 604800",
        ),
        (
            "RESTORE_COOLDOWN_SECONDS",
            "-1",
            "RESTORE_COOLDOWN_SECONDS: '-1' is not a whole number from 0 to 604800",
        ),
        (
            "FLAP_WINDOW_SECONDS",
            "59",
            "FLAP_WINDOW_SECONDS: '59' is not a whole number from 60 to 604800",
        ),
        (
            "FLAP_WINDOW_SECONDS",
            "604801",
            "FLAP_WINDOW_SECONDS: '604801' is not a whole number from 60 to 604800",
        ),
        ("FLAP_LIMIT", "101", "FLAP_LIMIT: '101' is not a whole number from 0 (off) to 100"),
        ("FLAP_LIMIT", "3.5", "FLAP_LIMIT: '3.5' is not a whole number from 0 (off) to 100"),
        # str.isdigit() takes superscripts, int() does not: refused, not a crash.
        ("FLAP_LIMIT", "\u00b2", "FLAP_LIMIT: '\u00b2' is not a whole number from 0 (off) to 100"),
        (
            "RESTORE_COOLDOWN_SECONDS",
            "6\u00b2",
            "RESTORE_COOLDOWN_SECONDS: '6\u00b2' is not a whole number from 0 to 604800",
        ),
        ("GUARD_MODE", "off", "GUARD_MODE: 'off' is not one of refuse, keep_disabled"),
        (
            "RESTORE_DEPLOYMENT_STRATEGY_ID",
            "Linear",
            "RESTORE_DEPLOYMENT_STRATEGY_ID: 'Linear' is neither a strategy ID nor a predefined "
            "AppConfig.* strategy",
        ),
    ],
)
def test_values_out_of_bounds_are_refused_with_the_bounds(variable, value, message):
    assert refusal(**{variable: value}) == message


def levels(count: int) -> str:
    return "".join(f"/l{index}" for index in range(count))


@pytest.mark.parametrize(
    "path",
    [levels(13), "/" + "a" * 699, "/team_1/holds.v2/prod-eu", "/team/aws/ssm", "/Team/BOX"],
)
def test_parameter_paths_within_the_documented_rules_are_accepted(path):
    assert hold_settings(HOLDS_PARAMETER_PATH=path).parameter_path == path


@pytest.mark.parametrize(
    "path",
    [
        levels(14),
        "/" + "a" * 700,
        "/aws/holds",
        "/AWS/holds",
        "/ssm/holds",
        "/Ssm/holds",
        "holds",
        "/with space",
        "//holds",
        "/",
    ],
)
def test_other_parameter_paths_are_refused_with_the_rules(path):
    assert refusal(HOLDS_PARAMETER_PATH=path) == (
        f"HOLDS_PARAMETER_PATH: {path.rstrip('/')!r} {PATH_PROBLEM}"
    )
