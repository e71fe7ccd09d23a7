"""Settings: read once, validated, errors that name the variable."""

from __future__ import annotations

import pytest
from flag_rollback.errors import SettingsError
from flag_rollback.settings import (
    DEFAULT_ALARM_NAME_PATTERN,
    get_settings,
    load_settings,
    reset_settings,
)

BASE = {
    "APPCONFIG_APPLICATION_ID": "abc1234",
    "APPCONFIG_ENVIRONMENT_ID": "env0001",
    "APPCONFIG_CONFIGURATION_PROFILE_ID": "prof001",
}


def test_defaults_apply_when_only_required_variables_are_set():
    settings = load_settings(BASE)
    assert settings.application_id == "abc1234"
    assert settings.strategy_id == "AppConfig.AllAtOnce"
    assert settings.topic_arn is None
    assert settings.alarm_pattern.pattern == DEFAULT_ALARM_NAME_PATTERN
    assert settings.dry_run is False
    assert settings.metrics_namespace == "FeatureFlags"


def test_every_optional_variable_is_read():
    settings = load_settings(
        BASE
        | {
            "APPCONFIG_DEPLOYMENT_STRATEGY_ID": "strat01",
            "NOTIFICATION_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:flag-alerts",
            "ALARM_NAME_PATTERN": r"^ff-(?P<flag>[a-z]+)$",
            "DRY_RUN": "TRUE",
            "METRICS_NAMESPACE": "Team/Flags",
        }
    )
    assert settings.strategy_id == "strat01"
    assert settings.topic_arn == "arn:aws:sns:us-east-1:123456789012:flag-alerts"
    assert settings.alarm_pattern.match("ff-checkout")
    assert settings.dry_run is True
    assert settings.metrics_namespace == "Team/Flags"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("APPCONFIG_APPLICATION_ID", ""),
        ("APPCONFIG_APPLICATION_ID", "Not An Id"),
        ("APPCONFIG_ENVIRONMENT_ID", "x"),
        ("APPCONFIG_CONFIGURATION_PROFILE_ID", "toolongid"),
        ("APPCONFIG_DEPLOYMENT_STRATEGY_ID", "AllAtOnce"),
        ("NOTIFICATION_TOPIC_ARN", "arn:aws:sqs:us-east-1:123456789012:queue"),
        ("ALARM_NAME_PATTERN", "^FeatureFlag-(.+)$"),
        ("ALARM_NAME_PATTERN", "^FeatureFlag-(?P<flag>.+$"),
        ("DRY_RUN", "yes"),
        ("METRICS_NAMESPACE", "AWS/Lambda"),
        ("METRICS_NAMESPACE", "bad\nname"),
    ],
)
def test_bad_value_names_the_variable(variable, value):
    with pytest.raises(SettingsError) as caught:
        load_settings(BASE | {variable: value})
    assert caught.value.variable == variable
    assert str(caught.value).startswith(f"{variable}:")


def test_settings_are_frozen():
    settings = load_settings(BASE)
    with pytest.raises(AttributeError):
        settings.dry_run = True  # type: ignore[misc]


def test_settings_are_read_once_per_container(monkeypatch):
    for name, value in BASE.items():
        monkeypatch.setenv(name, value)
    reset_settings()
    first = get_settings()
    monkeypatch.setenv("APPCONFIG_APPLICATION_ID", "zzz9999")
    assert get_settings() is first  # the environment of a container never changes
    reset_settings()
    assert get_settings().application_id == "zzz9999"
    reset_settings()


def test_insufficient_data_flags_default_to_none_and_are_read_as_a_json_array():
    assert load_settings(BASE).insufficient_data_flags == frozenset()
    settings = load_settings(BASE | {"INSUFFICIENT_DATA_ROLLBACK_FLAGS": '["a", "b,c"]'})
    assert settings.insufficient_data_flags == {"a", "b,c"}


@pytest.mark.parametrize("value", ["a,b", '{"a": true}', '["a", ""]', "[1]"])
def test_insufficient_data_flags_that_are_not_a_list_of_names_are_refused(value):
    with pytest.raises(SettingsError) as raised:
        load_settings(BASE | {"INSUFFICIENT_DATA_ROLLBACK_FLAGS": value})
    assert raised.value.variable == "INSUFFICIENT_DATA_ROLLBACK_FLAGS"
