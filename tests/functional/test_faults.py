"""Faults injected into each AWS call of a rollback, at the botocore layer.

Transient faults (throttling, 5xx, timeouts, conflicts) that outlast botocore's retries
leave the handler as a TransientError (Lambda retries, the failure destination keeps the
event), with nothing half-deployed; the retry then rolls back exactly once.
"""

from __future__ import annotations

import json

import pytest
from flag_rollback.errors import TransientError

from emulator.core.config import set_deployment_time_factor
from tests.functional.faults import Faults
from tests.functional.world import World

CALLS = [
    ("cloudwatch", "DescribeAlarms"),
    ("appconfig", "GetConfigurationProfile"),
    ("appconfig", "ListDeployments"),
    ("appconfig", "GetHostedConfigurationVersion"),
    ("appconfig", "CreateHostedConfigurationVersion"),
    ("appconfig", "StartDeployment"),
]
KINDS = ["throttling", "5xx", "timeout", "conflict"]
# A connection that cannot be made, and 5xx answers whose body is not the protocol's.
UNREADABLE_KINDS = ["connect-timeout", "5xx-text", "5xx-binary"]
SETUP_KINDS = ["not-found", "access-denied"]  # the setup is broken until someone fixes it


pytestmark = pytest.mark.usefixtures("instant_botocore_backoff")


@pytest.mark.usefixtures("fast_retries")
@pytest.mark.parametrize("call", CALLS, ids=[op for _, op in CALLS])
@pytest.mark.parametrize("kind", KINDS + SETUP_KINDS + UNREADABLE_KINDS)
def test_persistent_fault_raises_changes_nothing_and_the_retry_rolls_back_once(
    world: World, faults: Faults, call: tuple[str, str], kind: str, capsys
):
    service_name, operation = call
    faults.inject(service_name, operation, kind)
    with pytest.raises(TransientError):
        world.alarm("checkout")
    assert world.deployed_version() == 1
    assert world.deployed()["flags"]["checkout"]["enabled"] is True
    (note,) = world.notifications()
    assert note["Document"]["outcome"] == "failed"
    assert note["Document"]["will_retry"] is True
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert any(
        line.get("RollbackFailed") == 1 and line["FeatureFlagName"] == "checkout" for line in lines
    )

    faults.clear(service_name, operation)
    (outcome,) = world.alarm("checkout")["results"]  # Lambda's retry of the same event
    assert outcome["outcome"] == "rolled_back"
    assert world.deployed()["flags"]["checkout"]["enabled"] is False
    assert len(world.deployments()) == 2  # the initial one and exactly one rollback
    (outcome,) = world.alarm("checkout")["results"]  # and a late duplicate does nothing
    assert outcome["outcome"] == "no_change"
    assert len(world.deployments()) == 2


@pytest.mark.parametrize(
    ("service_name", "operation", "kind"),
    [
        (service, op, ["throttling", "5xx", "timeout"][i % 3])
        for i, (service, op) in enumerate(CALLS)
    ],
    ids=[op for _, op in CALLS],
)
def test_brief_fault_is_absorbed_by_botocore_retries(
    world: World, faults: Faults, service_name: str, operation: str, kind: str
):
    faults.inject(service_name, operation, kind, times=2)  # 3 attempts in all
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    assert world.deployed()["flags"]["checkout"]["enabled"] is False
    assert len(world.deployments()) == 2


@pytest.mark.parametrize("operation", ["CreateHostedConfigurationVersion", "StartDeployment"])
def test_one_conflict_is_handled_by_re_reading(world: World, faults: Faults, operation: str):
    faults.inject("appconfig", operation, "conflict", times=1)
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    assert world.deployed()["flags"]["checkout"]["enabled"] is False
    assert len(world.deployments()) == 2


@pytest.mark.parametrize("kind", KINDS)
def test_failed_notification_does_not_fail_the_rollback(
    world: World, faults: Faults, kind: str, capsys
):
    faults.inject("sns", "Publish", kind)
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    assert world.deployed()["flags"]["checkout"]["enabled"] is False
    assert world.notifications() == []
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert any(line.get("decision") == "notification_failed" for line in lines)


def test_lost_response_of_start_deployment_never_deploys_twice(world: World, faults: Faults):
    set_deployment_time_factor(0.001)  # the deployment bakes 0.6 s: the retry meets it
    faults.inject("appconfig", "StartDeployment", "lost-response", times=1)
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    assert outcome["deployment_number"] == 2
    assert len(world.deployments()) == 2
    assert world.deployed()["flags"]["checkout"]["enabled"] is False


def test_lost_response_of_create_version_writes_again_under_the_lock(world: World, faults: Faults):
    faults.inject("appconfig", "CreateHostedConfigurationVersion", "lost-response", times=1)
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    assert outcome["new_version"] == 3  # version 2 was written, its answer lost
    assert len(world.deployments()) == 2
    assert world.deployed()["flags"]["checkout"]["enabled"] is False


def test_request_aws_rejects_is_permanent(world: World, faults: Faults):
    faults.inject("appconfig", "StartDeployment", "bad-request")
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "failed"
    assert world.notifications()[0]["Document"]["error_code"] == "aws_rejected"
    assert world.deployed_version() == 1


@pytest.mark.usefixtures("fast_retries")
@pytest.mark.parametrize("kind", SETUP_KINDS)
def test_broken_setup_is_raised_as_such_so_the_event_is_kept(world: World, faults: Faults, kind):
    faults.inject("appconfig", "ListDeployments", kind)
    with pytest.raises(TransientError) as raised:
        world.alarm("checkout")
    assert raised.value.code == "setup_broken"
    (note,) = world.notifications()
    assert (note["Document"]["error_code"], note["Document"]["will_retry"]) == (
        "setup_broken",
        True,
    )
