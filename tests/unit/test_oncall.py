"""The on-call part of a notification: commands that run as they are, console links."""

from __future__ import annotations

import json
import shlex

from flag_rollback import notify, oncall
from flag_rollback.notify import Notification

from tests.unit.test_notify import note as notify_note


def note(**changes) -> Notification:
    """test_notify's notification, from a named function in a known region."""
    where = {"function_name": "shop-flag-rollback", "region": "eu-west-1"}
    return notify_note(**(where | changes))


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


def test_a_rollback_email_ends_with_the_exact_commands_and_links_to_copy():
    text = notify.email_text(note(alarm="FeatureFlag-checkout-ErrorRate"))
    what_now = text[text.index("\n\nTo restore") :]
    assert what_now == (
        "\n\n"
        "To restore checkout once the cause is fixed:\n"
        "  aws lambda invoke --function-name shop-flag-rollback --region eu-west-1"
        " --cli-binary-format raw-in-base64-out"
        """ --payload '{"action": "restore", "flag": "checkout", "reason": "describe the fix"}'"""
        " /dev/stdout\n"
        "\n"
        "To see the state of checkout:\n"
        "  aws lambda invoke --function-name shop-flag-rollback --region eu-west-1"
        " --cli-binary-format raw-in-base64-out"
        """ --payload '{"action": "status", "flag": "checkout"}' /dev/stdout\n"""
        "\n"
        "Console:\n"
        "  Alarm FeatureFlag-checkout-ErrorRate: https://eu-west-1.console.aws.amazon.com"
        "/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/FeatureFlag-checkout-ErrorRate\n"
        "  AppConfig environment: https://eu-west-1.console.aws.amazon.com/systems-manager"
        "/appconfig/applications/abc1234/environments/env0001?region=eu-west-1\n"
    )


def test_the_restore_command_asks_the_function_for_a_restore_of_that_flag():
    command = oncall.restore_command("fn", "us-east-1", "checkout")
    assert payload_of(command) == {
        "action": "restore",
        "flag": "checkout",
        "reason": "describe the fix",
    }


def test_the_status_command_without_function_name_or_region_has_a_placeholder_only():
    assert oncall.status_command(None, None, "checkout") == (
        "aws lambda invoke --function-name '<function-name>' --cli-binary-format"
        """ raw-in-base64-out --payload '{"action": "status", "flag": "checkout"}' /dev/stdout"""
    )


def test_a_flag_name_outside_ascii_is_written_as_it_is_in_the_payload():
    command = oncall.status_command("fn", "us-east-1", "caf\u00e9")
    assert """'{"action": "status", "flag": "caf\u00e9"}'""" in command


def test_govcloud_and_china_regions_link_to_their_own_consoles():
    assert oncall.environment_link("us-gov-west-1", "abc1234", "env0001") == (
        "https://us-gov-west-1.console.amazonaws-us-gov.com/systems-manager/appconfig/"
        "applications/abc1234/environments/env0001?region=us-gov-west-1"
    )
    assert oncall.alarm_link("cn-north-1", "a") == (
        "https://cn-north-1.console.amazonaws.cn/cloudwatch/home?region=cn-north-1#alarmsV2:alarm/a"
    )
    assert oncall.alarm_link("us-east-1", "a") == (
        "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/a"
    )
