"""The stack's life: Terraform agrees with what it applied, a broken setup keeps the alarm's
event for a person, and `terraform destroy` leaves nothing behind.

The last three scenarios break and then remove the shared stack: conftest.py runs them
after every other end-to-end scenario (and so after the real rollbacks of
test_rollback.py), in this order; the destroy scenario rolls a flag back once more itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import BASELINE_LABEL, Stack
from tools.harness.actions import set_alarm_state
from tools.harness.env import REGION
from tools.harness.readers import deployments, drain_queue, leftovers, receive, sns_payload

# A loopback port nothing listens on: connections are refused at once.
UNREACHABLE = "http://127.0.0.1:9"


def failure_targets(stack: Stack) -> int:
    """How many of the function's failure targets (dead-letter queue, on-failure
    destination) are the stack's dead-letter queue: each gets its own copy of a failed event."""
    name = stack.outputs.function_name
    dead_letter = stack.aws.lambda_.get_function_configuration(FunctionName=name)
    invoke_config = stack.aws.lambda_.get_function_event_invoke_config(FunctionName=name)
    targets = [
        dead_letter.get("DeadLetterConfig", {}).get("TargetArn"),
        invoke_config.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination"),
    ]
    count = targets.count(stack.outputs.dead_letter_queue_arn)
    assert count, f"the dead-letter queue is no failure target of the function: {targets}"
    return count


def assert_event_kept(stack: Stack, alarm: str) -> None:
    """The alarm's event waits in the dead-letter queue (each failure target's copy)."""
    kept = receive(stack.aws, stack.dead_letter_url, failure_targets(stack))
    for message in kept:
        body = json.loads(message["Body"])
        # The dead-letter queue gets the event itself, an on-failure destination a record
        # of the invocation with the event as requestPayload.
        event = body.get("requestPayload", body)
        alarm_message = json.loads(event["Records"][0]["Sns"]["Message"])
        assert (alarm_message["AlarmName"], alarm_message["NewStateValue"]) == (alarm, "ALARM")


def retried_failure_notes(stack: Stack, flag: str) -> list[dict[str, object]]:
    """The failure notifications of every attempt: each says the event will be retried."""
    notes = [sns_payload(message) for message in drain_queue(stack.aws, stack.notifications_url)]
    assert notes, "no failure notification"
    assert {(note["outcome"], tuple(note["flags"]), note["will_retry"]) for note in notes} == {
        ("failed", (flag,), True)
    }
    return notes


@contextmanager
def function_environment(stack: Stack, **extra: str) -> Iterator[None]:
    """Add environment variables to the deployed function for the duration (fault injection)."""
    lambda_ = stack.aws.lambda_
    name = stack.outputs.function_name
    original = lambda_.get_function_configuration(FunctionName=name)["Environment"]["Variables"]
    lambda_.update_function_configuration(
        FunctionName=name, Environment={"Variables": {**original, **extra}}
    )
    try:
        yield
    finally:
        lambda_.update_function_configuration(
            FunctionName=name, Environment={"Variables": original}
        )


pytestmark = [pytest.mark.e2e, pytest.mark.terraform]


def test_plan_after_apply_shows_no_changes(stack: Stack) -> None:
    pending = stack.terraform.changes_pending()

    assert pending is None, f"terraform plan wants changes:\n{pending}"


@pytest.mark.breaks_stack
def test_appconfig_outage_keeps_the_event_on_failure_and_notifies(scenario: Stack) -> None:
    """AppConfig unreachable: Lambda retries, then the failure destination keeps the event."""
    assert scenario.dead_letter_url, "examples/complete should configure a dead-letter queue"
    flag, alarm = sorted(scenario.outputs.alarm_names.items())[0]
    versions = scenario.versions()
    with function_environment(scenario, AWS_ENDPOINT_URL_APPCONFIG=UNREACHABLE):
        set_alarm_state(scenario.aws, alarm, "ALARM", "e2e: AppConfig unreachable")
        scenario.settle()

    assert_event_kept(scenario, alarm)
    notes = retried_failure_notes(scenario, flag)
    assert {note["error_code"] for note in notes} == {"aws_unavailable"}
    assert scenario.versions() == versions


@pytest.mark.breaks_stack
def test_deleted_profile_keeps_the_event_notifies_and_changes_nothing(scenario: Stack) -> None:
    """A broken setup: the alarm is still real, so its event waits for the fix and a replay.

    The function is pointed at a profile that was deleted (the stack's own profile stays:
    the destroy scenario after this one needs it with the function's versions in it). Its
    role is first allowed to read that profile, as an operator who moved the function to it
    would do: without that IAM answers AccessDenied before AppConfig can say "not found".
    """
    target = scenario.outputs.target
    flag, alarm = sorted(scenario.outputs.alarm_names.items())[0]
    deployment_count = len(deployments(scenario.aws, target))
    appconfig = scenario.aws.appconfig
    created = appconfig.create_configuration_profile(
        ApplicationId=target.application_id, Name="e2e-deleted", LocationUri="hosted"
    )
    gone = created["Id"]
    app_arn = f"arn:aws:appconfig:{REGION}:123456789012:application/{target.application_id}"
    role = scenario.aws.lambda_.get_function_configuration(
        FunctionName=scenario.outputs.function_name
    )["Role"].rsplit("/", 1)[-1]
    scenario.aws.iam.put_role_policy(
        RoleName=role,
        PolicyName="e2e-moved-profile",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "appconfig:*",
                        "Resource": [app_arn, f"{app_arn}/configurationprofile/{gone}*"],
                    }
                ],
            }
        ),
    )
    appconfig.delete_configuration_profile(
        ApplicationId=target.application_id, ConfigurationProfileId=gone
    )

    try:
        with function_environment(scenario, APPCONFIG_CONFIGURATION_PROFILE_ID=gone):
            set_alarm_state(scenario.aws, alarm, "ALARM", "e2e: profile deleted")
            scenario.settle()
    finally:
        scenario.aws.iam.delete_role_policy(RoleName=role, PolicyName="e2e-moved-profile")

    assert_event_kept(scenario, alarm)
    for note in retried_failure_notes(scenario, flag):
        assert (note["alarm"], note["error_code"]) == (alarm, "setup_broken")
        assert "ResourceNotFoundException" in str(note["error_message"])
    assert len(deployments(scenario.aws, target)) == deployment_count


def version_labels(stack: Stack) -> dict[int, str]:
    """The label of every hosted version of the stack's profile ('' for none)."""
    return {number: label for number, (label, _) in versions_written(stack).items()}


def versions_written(stack: Stack) -> dict[int, tuple[str, str]]:
    """Label and description of every hosted version of the stack's profile."""
    target = stack.outputs.target
    items = stack.aws.appconfig.list_hosted_configuration_versions(
        ApplicationId=target.application_id, ConfigurationProfileId=target.profile_id
    )["Items"]
    return {
        int(item["VersionNumber"]): (
            str(item.get("VersionLabel", "")),
            str(item.get("Description", "")),
        )
        for item in items
    }


# Versions this suite wrote itself, not the stack: the set-up's baselines, and the one the
# holds scenario's team root (tests/terraform/flags_change) applied with its description.
SUITE_DESCRIPTIONS = ("Flags, changed by Terraform.",)


@pytest.mark.destroys_stack
def test_destroy_after_real_rollbacks_leaves_nothing_behind(scenario: Stack) -> None:
    """AppConfig refuses to delete a profile that still has hosted versions, and Terraform
    knows only its own: the module's destroy-time cleanup deletes the function's."""
    target = scenario.outputs.target
    _, alarm = sorted(scenario.outputs.alarm_names.items())[0]
    set_alarm_state(scenario.aws, alarm, "ALARM", "e2e: a real rollback before destroy")
    scenario.settle()
    labels = version_labels(scenario)
    assert any(label.startswith("flag-rollback:") for label in labels.values()), labels
    with pytest.raises(ClientError) as refused:
        scenario.aws.appconfig.delete_configuration_profile(
            ApplicationId=target.application_id, ConfigurationProfileId=target.profile_id
        )
    assert refused.value.response["Error"]["Code"] == "BadRequestException"
    for number, (label, description) in versions_written(scenario).items():
        if label == BASELINE_LABEL or description in SUITE_DESCRIPTIONS:
            scenario.aws.appconfig.delete_hosted_configuration_version(
                ApplicationId=target.application_id,
                ConfigurationProfileId=target.profile_id,
                VersionNumber=number,
            )
    scenario.aws.sqs.delete_queue(QueueUrl=scenario.notifications_url)

    scenario.terraform.destroy()

    assert leftovers(scenario.aws) == {}
