"""The on-call part of a notification: commands that run as they are, console links."""

from __future__ import annotations

import json
import shlex

from flag_rollback import notify, oncall
from flag_rollback.notify import Notification


def note(**changes) -> Notification:
    fields = {
        "action": "rollback",
        "outcome": "rolled_back",
        "flags": ("checkout",),
        "alarm": "FeatureFlag-checkout-ErrorRate",
        "reason": "Threshold Crossed",
        "old_version": 3,
        "new_version": 4,
        "deployment_number": 2,
        "dry_run": False,
        "occurred_at": "2026-11-23T10:00:00Z",
        "application_id": "abc1234",
        "environment_id": "env0001",
        "configuration_profile_id": "prof001",
        "function_name": "shop-flag-rollback",
        "region": "eu-west-1",
    }
    return Notification(**(fields | changes))


def payload_of(command: str) -> dict[str, str]:
    words = shlex.split(command)
    return json.loads(words[words.index("--payload") + 1])


def test_restore_command_names_the_real_function_and_region():
    words = shlex.split(oncall.restore_command("shop-flag-rollback", "eu-west-1", "checkout"))
    assert words[:3] == ["aws", "lambda", "invoke"]
    assert words[words.index("--function-name") + 1] == "shop-flag-rollback"
    assert words[words.index("--region") + 1] == "eu-west-1"
    assert words[words.index("--cli-binary-format") + 1] == "raw-in-base64-out"
    assert words[-1] == "/dev/stdout"


def test_a_flag_name_with_quotes_survives_the_shell():
    flag = 'it\'s "odd" $(rm -rf)'
    command = oncall.status_command("fn", "us-east-1", flag)
    assert payload_of(command) == {"action": "status", "flag": flag}


def test_console_links_point_at_the_alarm_and_the_environment():
    assert oncall.alarm_link("eu-west-1", "FeatureFlag-a b/c-ErrorRate") == (
        "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1"
        "#alarmsV2:alarm/FeatureFlag-a%20b%2Fc-ErrorRate"
    )
    assert oncall.environment_link("cn-north-1", "abc1234", "env0001") == (
        "https://cn-north-1.console.amazonaws.cn/systems-manager/appconfig/applications/"
        "abc1234/environments/env0001?region=cn-north-1"
    )


def test_rollback_email_gives_restore_and_status_commands_and_links():
    text = notify.email_text(note(flags=("checkout", "search")))
    for flag in ("checkout", "search"):
        assert oncall.restore_command("shop-flag-rollback", "eu-west-1", flag) in text
        assert oncall.status_command("shop-flag-rollback", "eu-west-1", flag) in text
    assert oncall.alarm_link("eu-west-1", "FeatureFlag-checkout-ErrorRate") in text
    assert oncall.environment_link("eu-west-1", "abc1234", "env0001") in text


def test_other_outcomes_give_the_status_command_but_no_restore():
    text = notify.email_text(note(outcome="failed", error_code="aws", error_message="m"))
    assert oncall.status_command("shop-flag-rollback", "eu-west-1", "checkout") in text
    assert '"action": "restore"' not in text


def test_without_the_runtime_environment_the_command_has_a_placeholder_and_no_links():
    text = notify.email_text(note(function_name=None, region=None))
    assert "--function-name '<function-name>'" in text
    assert "--region" not in text
    assert "console" not in text
