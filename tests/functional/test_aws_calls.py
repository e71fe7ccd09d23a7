"""How many AWS calls a single-flag rollback makes (the README documents this sequence)."""

from __future__ import annotations

from tests.functional.faults import Faults
from tests.functional.world import World

COLD = [
    "DescribeAlarms",
    "GetConfigurationProfile",
    "ListDeployments",
    "GetHostedConfigurationVersion",
    "CreateHostedConfigurationVersion",
    "StartDeployment",
    "Publish",
]


def test_single_flag_rollback_makes_seven_calls_cold_and_six_warm(world: World, faults: Faults):
    calls = faults.count_calls()
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    assert calls == COLD
    calls.clear()
    (outcome,) = world.alarm("search")["results"]
    assert outcome["outcome"] == "rolled_back"
    assert calls == [name for name in COLD if name != "GetConfigurationProfile"]


def test_duplicate_delivery_is_three_reads_and_no_write(world: World, faults: Faults):
    world.alarm("checkout")
    calls = faults.count_calls()
    world.alarm("checkout")
    assert calls == ["DescribeAlarms", "ListDeployments", "GetHostedConfigurationVersion"]


def test_a_draft_newer_than_the_deployed_version_costs_three_more_calls(
    world: World, faults: Faults
):
    world.create_version({"flags": {}})
    calls = faults.count_calls()
    world.alarm("checkout")
    assert calls == [
        *COLD[:5],
        "ListHostedConfigurationVersions",  # the lock said someone wrote: learn the latest
        "CreateHostedConfigurationVersion",  # a person's draft: retried at once, no re-plan
        "StartDeployment",
        "Publish",
    ]
