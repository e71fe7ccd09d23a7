"""Alarms drive the stack Terraform built: CloudWatch -> SNS -> the function -> AppConfig -> people.

Every scenario acts only through AWS APIs a real operator or CloudWatch would use
(SetAlarmState, lambda Invoke) and checks the outcome where an application reads it
(appconfigdata), where AppConfig records it (versions, deployments) and where a person
gets it (an SQS queue subscribed to the notification topic).
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.conftest import Stack
from tools.harness.actions import set_alarm_state
from tools.harness.env import REGION
from tools.harness.readers import (
    deployments,
    drain_queue,
    flag_states,
    function_decisions,
    now_ms,
    receive,
    sns_payload,
)

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]


def enabled_flags(stack: Stack) -> list[str]:
    flags = sorted(name for name, on in flag_states(stack.baseline).items() if on)
    watched = [name for name in flags if name in stack.outputs.alarm_names]
    assert watched, "the example deploys no enabled flag that has an alarm"
    return watched


def fire(stack: Stack, flag: str, state: str = "ALARM") -> None:
    set_alarm_state(stack.aws, stack.outputs.alarm_names[flag], state, f"e2e: {state} for {flag}")


def test_alarm_disables_its_flag_in_a_new_deployed_version(scenario: Stack) -> None:
    flag = enabled_flags(scenario)[0]
    versions_before = scenario.versions()

    fire(scenario, flag)
    scenario.settle()

    assert scenario.versions() == [*versions_before, versions_before[-1] + 1]
    latest = deployments(scenario.aws, scenario.outputs.target)[-1]
    assert latest["State"] == "COMPLETE"
    assert latest["ConfigurationVersion"] == str(versions_before[-1] + 1)
    deployed = flag_states(scenario.deployed())
    assert deployed[flag] is False
    others = {name: on for name, on in flag_states(scenario.baseline).items() if name != flag}
    assert {name: deployed[name] for name in others} == others


def test_rollback_notifies_people_with_the_documented_message(scenario: Stack) -> None:
    flag = enabled_flags(scenario)[0]
    old_version = scenario.versions()[-1]

    fire(scenario, flag)
    scenario.settle()

    (message,) = receive(scenario.aws, scenario.notifications_url, 1)
    envelope = json.loads(message["Body"])
    assert envelope["TopicArn"] == scenario.outputs.notification_topic_arn
    assert envelope["MessageAttributes"]["outcome"]["Value"] == "rolled_back"
    target = scenario.outputs.target
    latest = deployments(scenario.aws, target)[-1]
    payload = sns_payload(message)
    assert payload == {
        "schema_version": 1,
        "source": "flag-rollback",
        "action": "rollback",
        "outcome": "rolled_back",
        "flags": [flag],
        "alarm": scenario.outputs.alarm_names[flag],
        "reason": payload["reason"],
        "old_version": old_version,
        "new_version": old_version + 1,
        "deployment_number": latest["DeploymentNumber"],
        "dry_run": False,
        "occurred_at": payload["occurred_at"],
        "application_id": target.application_id,
        "environment_id": target.environment_id,
        "configuration_profile_id": target.profile_id,
        "error_code": None,
        "error_message": None,
        "will_retry": False,
        "truncated": False,
        "function_name": scenario.outputs.function_name,
        "region": REGION,
        "hold_note": f"On hold: {flag}. Deployments that turn a held flag back on are refused "
        "until it is restored.",
    }
    assert f"e2e: ALARM for {flag}" in payload["reason"]


def test_the_same_alarm_again_creates_no_version(scenario: Stack) -> None:
    flag = enabled_flags(scenario)[0]
    fire(scenario, flag)
    scenario.settle()
    receive(scenario.aws, scenario.notifications_url, 1)
    versions = scenario.versions()
    deployment_count = len(deployments(scenario.aws, scenario.outputs.target))

    since = now_ms()

    fire(scenario, flag, "OK")
    fire(scenario, flag)
    scenario.settle()

    assert scenario.versions() == versions
    assert len(deployments(scenario.aws, scenario.outputs.target)) == deployment_count
    assert flag_states(scenario.deployed())[flag] is False
    decisions = function_decisions(
        scenario.aws, scenario.outputs.function_log_group, since_ms=since
    )
    assert "rollback_no_change" in [record["decision"] for record in decisions]
    assert drain_queue(scenario.aws, scenario.notifications_url) == []


def test_ok_state_changes_nothing(scenario: Stack) -> None:
    flag = enabled_flags(scenario)[0]
    versions = scenario.versions()

    fire(scenario, flag, "ALARM")
    fire(scenario, flag, "OK")
    scenario.settle()
    rolled_back = scenario.versions()
    fire(scenario, flag, "INSUFFICIENT_DATA")
    fire(scenario, flag, "OK")
    scenario.settle()

    assert rolled_back == [*versions, versions[-1] + 1]
    assert scenario.versions() == rolled_back
    notes = [
        sns_payload(message) for message in drain_queue(scenario.aws, scenario.notifications_url)
    ]
    assert [note["outcome"] for note in notes] == ["rolled_back"]


def test_three_alarms_at_once_disable_every_flag(scenario: Stack) -> None:
    flags = enabled_flags(scenario)[:3]
    assert len(flags) == 3, "examples/complete should watch at least three enabled flags"

    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(lambda flag: fire(scenario, flag), flags))
    scenario.settle()

    deployed = flag_states(scenario.deployed())
    assert {flag: deployed[flag] for flag in flags} == dict.fromkeys(flags, False)
    others = {name: on for name, on in flag_states(scenario.baseline).items() if name not in flags}
    assert {name: deployed[name] for name in others} == others
    latest = deployments(scenario.aws, scenario.outputs.target)[-1]
    assert latest["State"] == "COMPLETE"
    assert latest["ConfigurationVersion"] == str(scenario.versions()[-1])
    notes = [
        sns_payload(message) for message in drain_queue(scenario.aws, scenario.notifications_url)
    ]
    rolled_back = [
        flag for note in notes if note["outcome"] == "rolled_back" for flag in note["flags"]
    ]
    assert sorted(rolled_back) == sorted(flags)


def restore(stack: Stack, flag: str) -> dict[str, object]:
    """Invoke the function as an operator would (RequestResponse); return its one result."""
    response = stack.aws.lambda_.invoke(
        FunctionName=stack.outputs.function_name,
        Payload=json.dumps({"action": "restore", "flag": flag, "reason": "e2e: fixed"}).encode(),
    )
    payload = response["Payload"].read()
    assert "FunctionError" not in response, payload
    (result,) = json.loads(payload)["results"]
    return result


def test_restore_by_invoking_the_function_brings_the_flag_back(scenario: Stack) -> None:
    flag = enabled_flags(scenario)[0]
    fire(scenario, flag)
    scenario.settle()
    assert flag_states(scenario.deployed())[flag] is False
    fire(scenario, flag, "OK")

    result = restore(scenario, flag)
    scenario.settle()

    assert (result["action"], result["outcome"], result["flags"]) == ("restore", "restored", [flag])
    assert flag_states(scenario.deployed()) == flag_states(scenario.baseline)


def test_restore_is_refused_while_the_alarm_is_still_firing(scenario: Stack) -> None:
    flag = enabled_flags(scenario)[0]
    fire(scenario, flag)
    scenario.settle()
    versions = scenario.versions()

    result = restore(scenario, flag)
    scenario.settle()

    assert (result["action"], result["outcome"], result["flags"]) == ("restore", "refused", [flag])
    assert scenario.versions() == versions
    assert flag_states(scenario.deployed())[flag] is False
