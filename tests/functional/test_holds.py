"""Held flags against the emulator: a rollback holds, status and holds show it, a restore
lifts it (cooldown, flap limit, strategy, dry-run diff), and the guard handler reads it."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from flag_rollback import clients
from flag_rollback.errors import TransientError
from flag_rollback.guard_handler import handler as guard_handler

from tests.events import FREEFORM_DOC
from tests.functional.faults import read_timeout
from tests.functional.world import World, alarm_name, shared_client

PATH_PREFIX = "/flag-rollback/holds"


def parameter(world: World, flag: str) -> dict[str, Any]:
    name = f"{PATH_PREFIX}/{world.app_id}/{world.env_id}/{world.profile_id}/{flag}"
    value = shared_client("ssm").get_parameter(Name=name)["Parameter"]["Value"]
    return json.loads(value)


def direct(world: World, action: str, flag: str = "", **extra: object) -> dict[str, Any]:
    (result,) = world.invoke({"action": action, "flag": flag, **extra})["results"]
    return result


def calm(world: World, flag: str) -> None:
    world.put_alarm(flag, state="OK")


def test_an_alarm_rollback_puts_the_flag_on_hold_in_parameter_store(world: World):
    (result,) = world.alarm("checkout")["results"]
    hold = parameter(world, "checkout")
    assert hold["state"] == "held"
    assert hold["held_by"] == "alarm"
    assert hold["alarm"] == alarm_name("checkout")
    assert hold["disabled_version"] == result["new_version"] == 2
    assert "Threshold Crossed" in hold["reason"]
    note = world.notifications()[-1]["Document"]["hold_note"]
    assert "On hold: checkout" in note


def test_a_storm_reads_each_hold_a_bounded_number_of_times(world: World):
    """The invocation that disables a storm holds every flag; the storm's other events
    (one per alarm) read only their own flag's hold: linear, not N^2, in Parameter Store."""
    storm = ["checkout", "search", "cart"]
    for flag in storm:
        world.put_alarm(flag)
    reads: list[str] = []

    def count(params: dict[str, Any], **_: object) -> None:
        reads.append(str(params["Name"]))

    world.alarm("checkout")  # disables all three, holds all three
    clients.ssm().meta.events.register("provide-client-params.ssm.GetParameter", count)
    for flag in storm[1:]:
        (result,) = world.alarm(flag)["results"]
        assert result["outcome"] == "no_change"
    assert sorted(name.rsplit("/", 1)[-1] for name in reads) == ["cart", "search"]
    assert all(parameter(world, flag)["state"] == "held" for flag in storm)


def test_status_shows_the_hold_and_holds_lists_every_held_flag(world: World):
    world.alarm("checkout")
    direct(world, "rollback", "cart", reason="bad cart")
    status = direct(world, "status", "checkout")
    assert status["state"]["hold"]["state"] == "held"
    assert status["state"]["hold"]["disabled_version"] == 2
    listed = direct(world, "holds")
    assert (listed["action"], listed["outcome"]) == ("holds", "holds")
    assert listed["flags"] == ["cart", "checkout"]
    by_flag = {hold["flag"]: hold for hold in listed["state"]["holds"]}
    assert by_flag["cart"]["held_by"] == "operator"
    assert by_flag["cart"]["reason"] == "bad cart"


def test_status_of_a_flag_never_held_says_so(world: World):
    assert direct(world, "status", "search")["state"]["hold"] is None


def test_a_restore_lifts_the_hold_and_records_the_restored_version(world: World):
    world.alarm("checkout")
    calm(world, "checkout")
    result = direct(world, "restore", "checkout", reason="fixed in 1.2.3")
    assert result["outcome"] == "restored"
    hold = parameter(world, "checkout")
    assert hold["state"] == "released"
    assert hold["restored_version"] == result["new_version"]
    assert hold["released_reason"] == "fixed in 1.2.3"
    assert direct(world, "holds")["flags"] == []


def test_a_restore_within_the_cooldown_is_refused_and_changes_nothing(world: World):
    world.configure(RESTORE_COOLDOWN_SECONDS="600")
    world.alarm("checkout")
    calm(world, "checkout")
    result = direct(world, "restore", "checkout")
    assert result["outcome"] == "refused"
    assert "cooldown of 600 s" in result["detail"]
    assert parameter(world, "checkout")["state"] == "held"
    assert len(world.versions()) == 2
    assert "cooldown" in world.notifications()[-1]["Document"]["hold_note"]
    forced = direct(world, "restore", "checkout", force=True)
    assert forced["outcome"] == "restored"


def test_a_flapping_flag_stays_held_until_a_forced_restore(world: World):
    world.configure(FLAP_LIMIT="2")
    world.alarm("checkout")
    calm(world, "checkout")
    assert direct(world, "restore", "checkout")["outcome"] == "restored"
    world.alarm("checkout")
    note = world.notifications()[-1]["Document"]
    assert note["outcome"] == "rolled_back"
    assert "stays held until someone restores it" in note["hold_note"]
    calm(world, "checkout")
    refused = direct(world, "restore", "checkout")
    assert refused["outcome"] == "refused"
    assert "stays held" in refused["detail"]
    assert parameter(world, "checkout")["sticky"] is True
    assert direct(world, "restore", "checkout", force=True)["outcome"] == "restored"
    assert parameter(world, "checkout")["state"] == "released"


def test_a_restore_deploys_with_the_restore_strategy(world: World):
    strategy = world.appconfig.create_deployment_strategy(
        Name="restore",
        DeploymentDurationInMinutes=5,
        FinalBakeTimeInMinutes=5,
        GrowthFactor=20,
        GrowthType="LINEAR",
        ReplicateTo="NONE",
    )["Id"]
    world.configure(RESTORE_DEPLOYMENT_STRATEGY_ID=strategy)
    world.alarm("checkout")
    calm(world, "checkout")
    result = direct(world, "restore", "checkout")
    deployment = world.appconfig.get_deployment(
        ApplicationId=world.app_id,
        EnvironmentId=world.env_id,
        DeploymentNumber=result["deployment_number"],
    )
    assert deployment["DeploymentStrategyId"] == strategy
    rollback = world.deployments()[1]
    assert rollback["DeploymentNumber"] < result["deployment_number"]


def test_a_dry_run_restore_shows_the_diff_and_keeps_the_hold(world: World):
    world.alarm("checkout")
    calm(world, "checkout")
    world.configure(DRY_RUN="true")
    result = direct(world, "restore", "checkout")
    assert result["outcome"] == "dry_run"
    changed = [line for line in result["state"]["diff"] if line.startswith(("+ ", "- ", "+", "-"))]
    assert '-      "enabled": false,' in changed
    assert '+      "enabled": true,' in changed
    assert '+      "rolloutPercentage": 40' in changed
    assert parameter(world, "checkout")["state"] == "held"


def test_a_failed_restore_puts_the_hold_back(world: World, faults):
    world.alarm("checkout")
    calm(world, "checkout")
    faults.inject("appconfig", "CreateHostedConfigurationVersion", "bad-request")
    result = direct(world, "restore", "checkout")
    assert result["outcome"] == "failed"
    assert parameter(world, "checkout")["state"] == "held"


def test_a_hold_that_cannot_be_written_fails_the_rollback_for_a_retry(world: World):
    clients.ssm().meta.events.register_first("before-send.ssm.PutParameter", read_timeout)
    with pytest.raises(TransientError, match="PutParameter"):
        world.alarm("checkout")
    clients.reset_clients()
    (retried,) = world.alarm("checkout")["results"]
    assert retried["outcome"] == "no_change"
    assert parameter(world, "checkout")["state"] == "held"


def test_dry_run_rollbacks_hold_nothing(world: World):
    world.configure(DRY_RUN="true")
    world.alarm("checkout")
    assert direct(world, "holds")["flags"] == []


def extension_payload(world: World, document: dict[str, Any], kind: str) -> dict[str, Any]:
    event: dict[str, Any] = {
        "InvocationId": "inv0001",
        "Type": kind,
        "Application": {"Id": world.app_id, "Name": "shop"},
        "ConfigurationProfile": {"Id": world.profile_id, "Name": "flags"},
        "ContentType": "application/json",
        "Content": base64.b64encode(json.dumps(document).encode()).decode(),
        "Description": "",
    }
    if kind == "PreStartDeployment":
        event |= {"Environment": {"Id": world.env_id, "Name": "prod"}, "DeploymentNumber": 9}
    return event


@pytest.mark.parametrize("kind", ["PreCreateHostedConfigurationVersion", "PreStartDeployment"])
def test_the_guard_refuses_to_turn_a_held_flag_back_on_until_it_is_restored(world, kind):
    world.configure(ROLLBACK_FUNCTION_NAME="shop-flag-rollback", AWS_REGION="us-east-1")
    world.alarm("checkout")
    answer = guard_handler(extension_payload(world, FREEFORM_DOC, kind), None)
    assert answer["Error"] == "BadRequestError"
    assert "'checkout'" in answer["Message"]
    assert "--function-name shop-flag-rollback --region us-east-1" in answer["Message"]
    assert world.notifications()[-1]["Document"]["outcome"] == "refused_deployment"
    calm(world, "checkout")
    direct(world, "restore", "checkout")
    assert guard_handler(extension_payload(world, FREEFORM_DOC, kind), None) == {}


def test_the_guard_in_keep_disabled_mode_answers_with_the_flag_off(world: World):
    world.configure(GUARD_MODE="keep_disabled")
    world.alarm("checkout")
    answer = guard_handler(extension_payload(world, FREEFORM_DOC, "PreStartDeployment"), None)
    written = json.loads(base64.b64decode(answer["Content"]))
    assert written["flags"]["checkout"]["enabled"] is False
    assert written["flags"]["search"]["enabled"] is True
    assert world.notifications()[-1]["Document"]["outcome"] == "kept_disabled"


def test_the_guard_allows_when_its_store_is_unreachable(world: World):
    world.alarm("checkout")
    clients.ssm().meta.events.register_first("before-send.ssm.GetParametersByPath", read_timeout)
    answer = guard_handler(extension_payload(world, FREEFORM_DOC, "PreStartDeployment"), None)
    assert answer == {}


def test_the_guard_allows_a_malformed_payload(world: World):
    assert guard_handler({"Type": "PreStartDeployment"}, None) == {}
    assert guard_handler(["not", "a", "payload"], None) == {}


def waits(output: str) -> int:
    return sum('"decision":"waiting_for_own_version"' in line for line in output.splitlines())


def test_a_persons_draft_is_never_waited_for(
    world: World, fast_retries: None, capsys: pytest.CaptureFixture[str]
):
    world.create_version(json.loads(json.dumps(FREEFORM_DOC)), label="v2.0-draft")
    (result,) = world.alarm("checkout")["results"]
    assert result["outcome"] == "rolled_back"
    assert waits(capsys.readouterr().out) == 0
