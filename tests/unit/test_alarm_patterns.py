"""ALARM_NAME_PATTERN as users write it: the ``flag`` group anywhere, other groups around it.

The flag is the named group ``flag``, never "the first group"; the DescribeAlarms prefix is
the literal text every matching name starts with, never more (a longer prefix would hide
alarms from the storm check) and never a regex fragment.
"""

from __future__ import annotations

import re

import pytest
from flag_rollback import flags
from flag_rollback.settings import load_settings

BASE_ENV = {
    "APPCONFIG_APPLICATION_ID": "abc1234",
    "APPCONFIG_ENVIRONMENT_ID": "def5678",
    "APPCONFIG_CONFIGURATION_PROFILE_ID": "ghi9012",
}


@pytest.mark.parametrize(
    ("pattern", "name", "flag"),
    [
        (r"^(?P<env>prod|dev)-(?P<flag>[a-z-]+)-errors$", "prod-new-cart-errors", "new-cart"),
        (r"^(prod|dev)-(?P<flag>[a-z]+)-errors$", "dev-cart-errors", "cart"),
        (r"^(?P<team>\w+)/(?P<service>\w+)/(?P<flag>\w+)$", "shop/api/checkout", "checkout"),
        (r"^(?P<flag>[a-z]+)-(?P<kind>latency|errors)$", "search-latency", "search"),
        (r"^alarm-(?:p\d)-(?P<flag>.+)$", "alarm-p1-cart", "cart"),
    ],
)
def test_the_flag_group_is_found_wherever_it_is(pattern: str, name: str, flag: str):
    assert flags.alarm_flag(re.compile(pattern), name) == flag


def test_a_pattern_from_the_environment_keeps_its_groups_in_order():
    env = BASE_ENV | {"ALARM_NAME_PATTERN": r"^(?P<env>prod|dev)-(?P<flag>[a-z]+)-(\d+)$"}
    pattern = load_settings(env).alarm_pattern
    assert flags.alarm_flag(pattern, "prod-cart-42") == "cart"
    assert flags.alarm_flag(pattern, "stage-cart-42") is None


def test_an_optional_flag_group_that_did_not_take_part_is_no_flag():
    pattern = re.compile(r"^(?P<kind>ff|x)-(?:(?P<flag>[a-z]+)|\d+)$")
    assert flags.alarm_flag(pattern, "ff-cart") == "cart"
    assert flags.alarm_flag(pattern, "ff-123") is None


def test_an_unanchored_pattern_matches_inside_the_name():
    pattern = re.compile(r"flag=(?P<flag>[a-z]+)")
    assert flags.alarm_flag(pattern, "team-a flag=cart p99") == "cart"


@pytest.mark.parametrize(
    ("pattern", "prefix"),
    [
        (r"^(?P<env>prod|dev)-(?P<flag>.+)$", ""),  # alternation: no common literal start
        (r"^XFlag-(?P<flag>.+)$", "XFlag-"),  # an X is a letter like any other
        (r"^ABC(?P<flag>.+)$", "ABC"),
        (r"^ab?(?P<flag>.+)", "a"),  # b is optional: only a is certain
        (r"^ab{0,2}(?P<flag>.+)", "a"),
        (r"^ab+(?P<flag>.+)", "ab"),  # b at least once
        (r"^a\.b-(?P<flag>.+)", "a"),  # an escape ends the literal start
        (r"^a[bc]-(?P<flag>.+)", "a"),
        (r"^a.b-(?P<flag>.+)", "a"),
        (r"^ab$|^(?P<flag>c)", ""),
        (r"^(?P<flag>.+)-ErrorRate$", ""),
    ],
)
def test_the_alarm_name_prefix_is_only_what_every_match_starts_with(pattern: str, prefix: str):
    assert flags.alarm_name_prefix(re.compile(pattern)) == prefix


def test_every_name_the_pattern_matches_starts_with_its_prefix():
    pattern = re.compile(r"^prod-ff_(?P<flag>[a-z]+)?-(errors)$")
    prefix = flags.alarm_name_prefix(pattern)
    assert prefix == "prod-ff_"
    for name in ("prod-ff_cart-errors", "prod-ff_-errors"):
        assert pattern.search(name)
        assert name.startswith(prefix)
