"""Holds without AWS: the record a rollback leaves, cooldown, flap limit, stored form."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from flag_rollback import holds, restore_policy
from flag_rollback.errors import SettingsError
from flag_rollback.hold_settings import GuardMode, HoldSettings
from flag_rollback.holds import Actor, Hold, HoldState
from flag_rollback.restore_policy import RollbackFacts
from flag_rollback.settings import load_settings

POLICY = HoldSettings(
    parameter_path="/flag-rollback/holds/a/b/c",
    restore_strategy_id="AppConfig.AllAtOnce",
    restore_cooldown_s=300,
    flap_limit=3,
    flap_window_s=3600,
    guard_mode=GuardMode.REFUSE,
    rollback_function="fn",
    region="us-east-1",
)


def facts(now: str, *, changed: bool = True, alarm: str | None = "FeatureFlag-x-ErrorRate"):
    return RollbackFacts("x", now, "error rate", alarm, 5 if changed else None, changed)


def rollbacks_at(*times: str) -> Hold | None:
    hold: Hold | None = None
    for stamp in times:
        hold = restore_policy.record_rollback(hold, facts(stamp), POLICY)
        if stamp != times[-1]:
            hold = restore_policy.release(hold, stamp, "fixed", 6)
    return hold


def test_a_stamp_the_function_wrote_is_read_as_utc():
    assert restore_policy.parse_time("2026-11-29T03:00:00Z") == datetime(
        2026, 11, 29, 3, 0, 0, tzinfo=UTC
    )
    assert restore_policy.parse_time("2026-11-29 03:00") is None


def test_a_rollback_by_an_alarm_holds_the_flag_with_who_when_why_and_version():
    hold = restore_policy.record_rollback(None, facts("2026-11-29T03:00:00Z"), POLICY)
    assert hold.held
    assert (hold.held_by, hold.alarm, hold.reason) == (
        Actor.ALARM,
        "FeatureFlag-x-ErrorRate",
        "error rate",
    )
    assert (hold.held_at, hold.disabled_version, hold.sticky) == ("2026-11-29T03:00:00Z", 5, False)


def test_a_manual_rollback_is_held_by_the_operator():
    hold = restore_policy.record_rollback(None, facts("2026-11-29T03:00:00Z", alarm=None), POLICY)
    assert hold.held_by == Actor.OPERATOR


def test_a_retried_rollback_keeps_the_first_hold_and_is_not_counted_twice():
    first = restore_policy.record_rollback(None, facts("2026-11-29T03:00:00Z"), POLICY)
    again = restore_policy.record_rollback(
        first, facts("2026-11-29T03:01:00Z", changed=False), POLICY
    )
    assert again == first


def test_the_third_rollback_within_the_window_makes_the_hold_sticky():
    hold = rollbacks_at("2026-11-29T01:00:00Z", "2026-11-29T01:20:00Z", "2026-11-29T01:40:00Z")
    assert hold is not None
    assert hold.sticky
    assert len(hold.rollbacks) == 3
    note = restore_policy.flap_note(hold, POLICY)
    assert note is not None
    assert "3 times within 60 minutes" in note
    assert '"force": true' in note


def test_rollbacks_older_than_the_window_do_not_count():
    hold = rollbacks_at("2026-11-29T01:00:00Z", "2026-11-29T01:20:00Z", "2026-11-29T02:10:00Z")
    assert hold is not None
    assert not hold.sticky
    assert hold.rollbacks == ("2026-11-29T01:20:00Z", "2026-11-29T02:10:00Z")


def test_flap_limit_zero_turns_the_rule_off():
    policy = replace(POLICY, flap_limit=0)
    hold = None
    for stamp in ("2026-11-29T01:00:00Z", "2026-11-29T01:01:00Z", "2026-11-29T01:02:00Z"):
        hold = restore_policy.record_rollback(hold, facts(stamp), policy)
    assert hold is not None
    assert not hold.sticky


def test_a_restore_within_the_cooldown_is_refused_unless_forced():
    hold = restore_policy.record_rollback(None, facts("2026-11-29T03:00:00Z"), POLICY)
    why = restore_policy.restore_refusal(hold, "2026-11-29T03:02:00Z", POLICY, force=False)
    assert why is not None
    assert "120 s ago" in why
    assert "retry in 180 s" in why
    assert restore_policy.restore_refusal(hold, "2026-11-29T03:02:00Z", POLICY, force=True) is None
    assert restore_policy.restore_refusal(hold, "2026-11-29T03:05:00Z", POLICY, force=False) is None


def test_a_sticky_hold_refuses_every_restore_that_is_not_forced():
    hold = rollbacks_at("2026-11-29T01:00:00Z", "2026-11-29T01:20:00Z", "2026-11-29T01:40:00Z")
    late = "2026-11-29T09:00:00Z"
    why = restore_policy.restore_refusal(hold, late, POLICY, force=False)
    assert why == (
        "flag x was rolled back 3 times within 60 minutes (FLAP_LIMIT 3): it stays held "
        'until a restore with "force": true'
    )
    odd_window = replace(POLICY, flap_window_s=7259)  # whole minutes, rounded down
    assert "within 120 minutes" in str(
        restore_policy.restore_refusal(hold, late, odd_window, force=False)
    )
    assert restore_policy.restore_refusal(hold, late, POLICY, force=True) is None


def test_nothing_to_lift_means_nothing_to_refuse():
    assert restore_policy.restore_refusal(None, "2026-11-29T03:00:00Z", POLICY, force=False) is None


def test_release_lifts_the_hold_and_keeps_the_history():
    hold = restore_policy.record_rollback(None, facts("2026-11-29T03:00:00Z"), POLICY)
    released = restore_policy.release(hold, "2026-11-29T04:00:00Z", "fixed in 1.2.3", 9)
    assert released == Hold(
        "x",
        HoldState.RELEASED,
        Actor.ALARM,
        "2026-11-29T03:00:00Z",
        "error rate",
        alarm="FeatureFlag-x-ErrorRate",
        disabled_version=5,
        rollbacks=hold.rollbacks,
        sticky=False,
        released_at="2026-11-29T04:00:00Z",
        released_reason="fixed in 1.2.3",
        restored_version=9,
    )


def test_release_of_a_sticky_hold_is_no_longer_sticky():
    hold = rollbacks_at("2026-11-29T01:00:00Z", "2026-11-29T01:20:00Z", "2026-11-29T01:40:00Z")
    assert hold is not None
    assert hold.sticky
    released = restore_policy.release(hold, "2026-11-29T09:00:00Z", "forced", 12)
    assert (released.state, released.sticky, released.released_at) == (
        HoldState.RELEASED,
        False,
        "2026-11-29T09:00:00Z",
    )
    assert restore_policy.flap_note(released, POLICY) is None


def test_the_stored_form_round_trips_and_rejects_what_is_not_a_hold():
    hold = rollbacks_at("2026-11-29T01:00:00Z", "2026-11-29T01:20:00Z")
    assert hold is not None
    assert holds.from_json(holds.to_json(hold)) == hold
    for text in ("", "[]", '{"flag": "x"}', '{"flag": 1, "held_at": "t", "state": "held"}'):
        assert holds.from_json(text) is None
    assert holds.from_json(holds.to_json(hold).replace('"held"', '"maybe"')) is None


def test_a_long_reason_is_cut_so_the_parameter_stays_small():
    hold = Hold("x", HoldState.HELD, Actor.ALARM, "2026-11-29T01:00:00Z", "r" * 5000)
    assert len(holds.to_json(hold)) < 1000


def test_flag_names_an_ssm_name_cannot_hold_are_stored_under_a_digest():
    assert holds.parameter_name("/p", "new_checkout") == "/p/new_checkout"
    odd = holds.parameter_name("/p", "checkout v2 (eu)")
    assert odd.startswith("/p/sha256-")
    assert odd != holds.parameter_name("/p", "checkout v2 (us)")


def test_the_diff_shows_exactly_the_restored_value():
    diff = restore_policy.document_diff(
        b'{"flags": {"x": {"enabled": false}}}', b'{"flags": {"x": {"enabled": true}}}', 4
    )
    assert diff[0] == "--- deployed version 4"
    assert [line for line in diff if line.startswith(("-", "+"))][2:] == [
        '-      "enabled": false',
        '+      "enabled": true',
    ]


def test_the_diff_keeps_non_ascii_names_readable():
    before = '{"values": {"café": {"enabled": false}}}'.encode()
    after = '{"values": {"café": {"enabled": true}}}'.encode()
    assert restore_policy.document_diff(before, after, 7) == [
        "--- deployed version 7",
        "+++ after restore",
        "@@ -1,7 +1,7 @@",
        " {",
        '   "values": {',
        '     "café": {',
        '-      "enabled": false',
        '+      "enabled": true',
        "     }",
        "   }",
        " }",
    ]


def test_the_diff_of_content_that_is_not_json_is_its_text_with_bad_bytes_replaced():
    diff = restore_policy.document_diff(b"\xff not json\nsame", b"not json either\nsame", None)
    assert diff == [
        "--- deployed",
        "+++ after restore",
        "@@ -1,2 +1,2 @@",
        "-\ufffd not json",
        "+not json either",
        " same",
    ]


BASE = {
    "APPCONFIG_APPLICATION_ID": "abc1234",
    "APPCONFIG_ENVIRONMENT_ID": "env0001",
    "APPCONFIG_CONFIGURATION_PROFILE_ID": "prof001",
}


def test_hold_settings_default_to_a_path_per_target_and_the_rollback_strategy():
    settings = load_settings(BASE | {"APPCONFIG_DEPLOYMENT_STRATEGY_ID": "strat01"})
    assert settings.holds.parameter_path == "/flag-rollback/holds/abc1234/env0001/prof001"
    assert settings.holds.restore_strategy_id == "strat01"
    assert (settings.holds.restore_cooldown_s, settings.holds.flap_limit) == (0, 3)
    assert settings.holds.guard_mode == GuardMode.REFUSE


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("HOLDS_PARAMETER_PATH", "no-slash"),
        ("HOLDS_PARAMETER_PATH", "/aws/reserved"),
        ("HOLDS_PARAMETER_PATH", "/with space"),
        ("RESTORE_DEPLOYMENT_STRATEGY_ID", "Linear"),
        ("RESTORE_COOLDOWN_SECONDS", "-1"),
        ("RESTORE_COOLDOWN_SECONDS", "5m"),
        ("FLAP_LIMIT", "many"),
        ("FLAP_WINDOW_SECONDS", "10"),
        ("GUARD_MODE", "off"),
    ],
)
def test_bad_hold_settings_name_the_variable(variable, value):
    with pytest.raises(SettingsError) as error:
        load_settings(BASE | {variable: value})
    assert error.value.variable == variable


def test_a_rollback_exactly_one_window_after_an_earlier_one_still_counts_it():
    """The window is inclusive: a rollback flap_window_s seconds old is within it."""
    hold = rollbacks_at("2026-11-29T01:00:00Z", "2026-11-29T01:30:00Z", "2026-11-29T02:00:00Z")
    assert hold is not None
    assert hold.rollbacks == (
        "2026-11-29T01:00:00Z",
        "2026-11-29T01:30:00Z",
        "2026-11-29T02:00:00Z",
    )
    assert hold.sticky


def test_flap_limit_one_makes_the_first_rollback_sticky():
    policy = replace(POLICY, flap_limit=1)
    hold = restore_policy.record_rollback(None, facts("2026-11-29T03:00:00Z"), policy)
    assert (hold.sticky, hold.rollbacks) == (True, ("2026-11-29T03:00:00Z",))


def test_a_held_sticky_flag_rolled_back_again_stays_sticky():
    """Someone turned it on past the guard; the next rollback keeps the flap verdict even
    when the earlier rollbacks have left the window."""
    first = rollbacks_at("2026-11-29T01:00:00Z", "2026-11-29T01:10:00Z", "2026-11-29T01:20:00Z")
    assert first is not None
    assert first.sticky
    again = restore_policy.record_rollback(first, facts("2026-11-29T05:00:00Z"), POLICY)
    assert (again.held, again.sticky, again.rollbacks) == (True, True, ("2026-11-29T05:00:00Z",))


def test_a_rollback_that_finds_the_flag_off_keeps_the_version_that_disabled_it():
    """After a restore, a rollback that changes nothing (a person disabled the flag first)
    holds it again with the version the last real rollback wrote."""
    released = restore_policy.release(
        restore_policy.record_rollback(None, facts("2026-11-29T03:00:00Z"), POLICY),
        "2026-11-29T03:30:00Z",
        "fixed",
        6,
    )
    hold = restore_policy.record_rollback(
        released, facts("2026-11-29T04:00:00Z", changed=False), POLICY
    )
    assert (hold.held, hold.disabled_version, hold.held_at) == (True, 5, "2026-11-29T04:00:00Z")


def test_a_first_rollback_that_changed_nothing_names_no_version():
    hold = restore_policy.record_rollback(
        None, facts("2026-11-29T04:00:00Z", changed=False), POLICY
    )
    assert (hold.held, hold.disabled_version, hold.rollbacks) == (True, None, ())
