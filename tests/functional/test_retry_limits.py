"""Retry limits, exactly at the bound: one try short of it still succeeds, at it gives up.

A lost version race re-reads and writes again at most Timing.max_cycles times; a refused
StartDeployment is retried at most Timing.max_deploy_attempts times. Giving up is a
TransientError (Lambda retries the event), and nothing half-done is left deployed.
"""

from __future__ import annotations

import pytest
from flag_rollback import service
from flag_rollback.errors import TransientError

from tests.functional.faults import Faults
from tests.functional.world import World

WRITE = "CreateHostedConfigurationVersion"
DEPLOY = "StartDeployment"


def test_version_conflicts_on_all_cycles_but_the_last_still_roll_back(
    world: World, faults: Faults, fast_retries: None
):
    cycles = service.TIMING.max_cycles
    calls = faults.count_calls()
    faults.inject("appconfig", WRITE, "conflict", times=cycles - 1)
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    assert calls.count(WRITE) == cycles
    assert world.deployed()["flags"]["checkout"]["enabled"] is False


def test_version_conflicts_on_every_cycle_give_up_after_exactly_max_cycles(
    world: World, faults: Faults, fast_retries: None
):
    cycles = service.TIMING.max_cycles
    calls = faults.count_calls()
    faults.inject("appconfig", WRITE, "conflict", times=cycles)
    with pytest.raises(TransientError) as caught:
        world.alarm("checkout")
    assert caught.value.code == "lost_race"
    assert calls.count(WRITE) == cycles
    assert len(world.versions()) == 1
    assert world.deployed_version() == 1


def test_a_busy_start_deployment_is_retried_up_to_the_attempt_limit(
    world: World, faults: Faults, fast_retries: None
):
    attempts = service.TIMING.max_deploy_attempts
    calls = faults.count_calls()
    faults.inject("appconfig", DEPLOY, "conflict", times=attempts - 1)
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    assert calls.count(DEPLOY) == attempts
    assert world.deployed()["flags"]["checkout"]["enabled"] is False


def test_a_start_deployment_busy_on_every_attempt_is_transient(
    world: World, faults: Faults, fast_retries: None
):
    attempts = service.TIMING.max_deploy_attempts
    calls = faults.count_calls()
    faults.inject("appconfig", DEPLOY, "conflict", times=attempts)
    with pytest.raises(TransientError) as caught:
        world.alarm("checkout")
    assert caught.value.code == "environment_busy"
    assert calls.count(DEPLOY) == attempts
    assert world.deployed_version() == 1
