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


def test_foreign_rollout_defaults_to_preempt_and_accepts_wait():
    assert load_settings(BASE).foreign_rollout == "preempt"
    assert load_settings(BASE | {"FOREIGN_ROLLOUT": "WAIT"}).foreign_rollout == "wait"


def test_an_unknown_foreign_rollout_is_refused_by_name():
    with pytest.raises(SettingsError) as raised:
        load_settings(BASE | {"FOREIGN_ROLLOUT": "stop"})
    assert raised.value.variable == "FOREIGN_ROLLOUT"
    assert "preempt, wait" in str(raised.value)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("APPCONFIG_APPLICATION_ID", " ", "APPCONFIG_APPLICATION_ID: is required and not set"),
        (
            "APPCONFIG_ENVIRONMENT_ID",
            "Env-1",
            "APPCONFIG_ENVIRONMENT_ID: 'Env-1' is not an AppConfig ID"
            " (4-7 lowercase letters/digits)",
        ),
        (
            "APPCONFIG_DEPLOYMENT_STRATEGY_ID",
            "AllAtOnce",
            "APPCONFIG_DEPLOYMENT_STRATEGY_ID: 'AllAtOnce' is neither a strategy ID nor a"
            " predefined AppConfig.* strategy",
        ),
        (
            "NOTIFICATION_TOPIC_ARN",
            "arn:aws:sqs:us-east-1:123456789012:q",
            "NOTIFICATION_TOPIC_ARN: 'arn:aws:sqs:us-east-1:123456789012:q'"
            " is not an SNS topic ARN",
        ),
        (
            "ALARM_NAME_PATTERN",
            "^FF-(?P<flag>.+$",
            "ALARM_NAME_PATTERN: '^FF-(?P<flag>.+$' is not a regular expression:"
            " missing ), unterminated subpattern at position 4",
        ),
        (
            "ALARM_NAME_PATTERN",
            "^FF-(.+)$",
            "ALARM_NAME_PATTERN: '^FF-(.+)$' has no named group (?P<flag>...)",
        ),
        ("DRY_RUN", "Yes", "DRY_RUN: 'yes' is not 'true' or 'false'"),
        (
            "METRICS_NAMESPACE",
            ":Flags",
            "METRICS_NAMESPACE: ':Flags' is not a CloudWatch namespace (1-255 ASCII, no AWS/)",
        ),
        (
            "INSUFFICIENT_DATA_ROLLBACK_FLAGS",
            "[a]",
            "INSUFFICIENT_DATA_ROLLBACK_FLAGS: '[a]' is not JSON:"
            " Expecting value: line 1 column 2 (char 1)",
        ),
        (
            "INSUFFICIENT_DATA_ROLLBACK_FLAGS",
            '"a"',
            """INSUFFICIENT_DATA_ROLLBACK_FLAGS: '"a"' is not a JSON array of flag names""",
        ),
        ("FOREIGN_ROLLOUT", "Stop", "FOREIGN_ROLLOUT: 'stop' is not one of preempt, wait"),
    ],
)
def test_a_bad_value_is_refused_with_a_message_saying_what_is_expected(variable, value, message):
    with pytest.raises(SettingsError) as raised:
        load_settings(BASE | {variable: value})
    assert (raised.value.variable, str(raised.value)) == (variable, message)


@pytest.mark.parametrize(
    ("value", "level"),
    [("debug", "DEBUG"), ("WARN", "WARN"), (" error ", "ERROR"), ("verbose", None), ("", None)],
)
def test_lambda_log_level_is_read_in_any_case_and_unknown_values_are_ignored(value, level):
    assert load_settings(BASE | {"AWS_LAMBDA_LOG_LEVEL": value}).log_level == level


def test_without_lambda_log_level_the_level_is_unknown():
    assert load_settings(BASE).log_level is None


def test_the_function_name_and_region_come_from_the_lambda_runtime():
    runtime = {"AWS_LAMBDA_FUNCTION_NAME": "shop-flag-rollback", "AWS_REGION": "eu-west-1"}
    settings = load_settings(BASE | runtime | {"AWS_DEFAULT_REGION": "us-east-1"})
    assert (settings.function_name, settings.region) == ("shop-flag-rollback", "eu-west-1")
    settings = load_settings(BASE | {"AWS_DEFAULT_REGION": "us-east-1"})
    assert (settings.function_name, settings.region) == (None, "us-east-1")
    assert load_settings(BASE).region is None


def test_holds_are_kept_under_the_target_path_and_restores_use_the_rollback_strategy():
    holds = load_settings(BASE | {"APPCONFIG_DEPLOYMENT_STRATEGY_ID": "strat01"}).holds
    assert holds.parameter_path == "/flag-rollback/holds/abc1234/env0001/prof001"
    assert holds.restore_strategy_id == "strat01"
