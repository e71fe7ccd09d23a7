"""Held flags through the applied example: a rollback holds the flag, the deployment guard
(an AppConfig extension running the guard function) refuses every change that turns it back
on, Terraform's included, until a restore lifts the hold; restores are guarded.

Everything goes through the APIs a person, CloudWatch or Terraform would use: SetAlarmState,
lambda Invoke, CreateHostedConfigurationVersion / StartDeployment, and `terraform apply` of
a changed flags document (tests/terraform/flags_change).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import FIXTURE_FOLDERS, Stack
from tests.e2e.test_rollback import enabled_flags, fire
from tools.harness.readers import (
    deployments,
    flag_states,
    receive,
    sns_payload,
    stored_document,
)
from tools.harness.terraform import Terraform

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]


def direct(stack: Stack, payload: dict[str, Any]) -> dict[str, Any]:
    """Invoke the rollback function as an operator would; return its one result."""
    response = stack.aws.lambda_.invoke(
        FunctionName=stack.outputs.function_name, Payload=json.dumps(payload).encode()
    )
    body = response["Payload"].read()
    assert "FunctionError" not in response, body
    (result,) = json.loads(body)["results"]
    return result


def restore(stack: Stack, flag: str, *, force: bool = False) -> dict[str, Any]:
    result = direct(
        stack, {"action": "restore", "flag": flag, "reason": "e2e: fixed", "force": force}
    )
    stack.settle()
    return result


def rolled_back(stack: Stack, flag: str) -> None:
    """The flag's alarm fires and the rollback has deployed."""
    fire(stack, flag)
    stack.settle()
    assert flag_states(stack.deployed())[flag] is False


def flags_change(stack: Stack, tmp_path: Path) -> tuple[Terraform, list[str]]:
    """A Terraform root that writes and deploys a flags document, and its -var arguments."""
    workdir = tmp_path / "flags_change"
    shutil.copytree(FIXTURE_FOLDERS / "flags_change", workdir)
    terraform = Terraform(workdir, stack.emulator.endpoint)
    terraform.init()
    target = stack.outputs.target
    variables = [
        f"-var=application_id={target.application_id}",
        f"-var=environment_id={target.environment_id}",
        f"-var=configuration_profile_id={target.profile_id}",
        # The hosted document (AppConfig Data serves a feature-flag profile's values only).
        f"-var=document={json.dumps(stack.stored_baseline)}",
    ]
    return terraform, variables


def test_an_alarm_rollback_puts_the_flag_on_hold(scenario: Stack) -> None:
    flag = enabled_flags(scenario)[0]
    rolled_back(scenario, flag)

    hold = direct(scenario, {"action": "status", "flag": flag})["state"]["hold"]
    assert hold["state"] == "held"
    assert hold["held_by"] == "alarm"
    assert hold["alarm"] == scenario.outputs.alarm_names[flag]
    assert hold["disabled_version"] == scenario.versions()[-1]
    listed = direct(scenario, {"action": "holds"})
    assert listed["flags"] == [flag]
    (note,) = receive(scenario.aws, scenario.notifications_url, 1)
    assert f"On hold: {flag}" in sns_payload(note)["hold_note"]


def test_terraform_cannot_turn_a_held_flag_back_on_until_it_is_restored(
    scenario: Stack, tmp_path: Path
) -> None:
    flag = enabled_flags(scenario)[0]
    rolled_back(scenario, flag)
    versions = scenario.versions()
    terraform, variables = flags_change(scenario, tmp_path)

    code, output = terraform.run(
        "apply", "-auto-approve", "-input=false", *variables, ok_codes=(0, 1)
    )

    assert code == 1, output
    print(output[output.find("Error:") :])  # what a person sees (README shows it)
    assert "BadRequestException" in output
    assert f"Feature flag '{flag}' is on hold since" in output
    assert f"alarm {scenario.outputs.alarm_names[flag]}" in output
    assert f"--function-name {scenario.outputs.function_name}" in output
    assert scenario.versions() == versions
    assert flag_states(scenario.deployed())[flag] is False

    fire(scenario, flag, "OK")
    assert restore(scenario, flag)["outcome"] == "restored"
    terraform.run("apply", "-auto-approve", "-input=false", *variables)
    scenario.settle()
    assert flag_states(scenario.deployed()) == flag_states(scenario.baseline)
    assert direct(scenario, {"action": "holds"})["flags"] == []


def test_redeploying_an_old_version_with_the_flag_on_is_refused(scenario: Stack) -> None:
    flag = enabled_flags(scenario)[0]
    first = deployments(scenario.aws, scenario.outputs.target)[0]
    rolled_back(scenario, flag)
    target = scenario.outputs.target

    with pytest.raises(ClientError) as refused:
        scenario.aws.appconfig.start_deployment(
            ApplicationId=target.application_id,
            EnvironmentId=target.environment_id,
            ConfigurationProfileId=target.profile_id,
            ConfigurationVersion=first["ConfigurationVersion"],
            DeploymentStrategyId="AppConfig.AllAtOnce",
        )

    assert refused.value.response["Error"]["Code"] == "BadRequestException"
    assert f"'{flag}'" in refused.value.response["Error"]["Message"]
    scenario.settle()
    assert flag_states(scenario.deployed())[flag] is False


def test_a_version_with_the_held_flag_off_passes_the_guard(scenario: Stack) -> None:
    flag = enabled_flags(scenario)[0]
    rolled_back(scenario, flag)
    target = scenario.outputs.target
    # The hosted document as the rollback wrote it (the served values map has no definitions).
    document = stored_document(scenario.aws, target)
    assert document is not None
    other = next(name for name in document["flags"] if name != flag)
    document["flags"][other]["description"] = "e2e: an unrelated change"

    created = scenario.aws.appconfig.create_hosted_configuration_version(
        ApplicationId=target.application_id,
        ConfigurationProfileId=target.profile_id,
        Content=json.dumps(document).encode(),
        ContentType="application/json",
    )

    assert created["VersionNumber"] == scenario.versions()[-1]
    # Written as a person would (not deployed): removed, so the stack can be destroyed later.
    scenario.aws.appconfig.delete_hosted_configuration_version(
        ApplicationId=target.application_id,
        ConfigurationProfileId=target.profile_id,
        VersionNumber=created["VersionNumber"],
    )


def test_a_restore_while_the_alarm_fires_is_refused_and_the_hold_stays(scenario: Stack) -> None:
    flag = enabled_flags(scenario)[0]
    rolled_back(scenario, flag)

    result = restore(scenario, flag)

    assert result["outcome"] == "refused"
    hold = direct(scenario, {"action": "status", "flag": flag})["state"]["hold"]
    assert hold["state"] == "held"


def test_a_flapping_flag_ends_held_until_a_forced_restore(scenario: Stack) -> None:
    flag = enabled_flags(scenario)[0]
    for _ in range(2):
        rolled_back(scenario, flag)
        fire(scenario, flag, "OK")
        assert restore(scenario, flag)["outcome"] == "restored"
    receive(scenario.aws, scenario.notifications_url, 4)

    rolled_back(scenario, flag)
    (note,) = receive(scenario.aws, scenario.notifications_url, 1)
    assert "stays held until someone restores it" in sns_payload(note)["hold_note"]
    fire(scenario, flag, "OK")

    refused = restore(scenario, flag)
    assert refused["outcome"] == "refused"
    assert "stays held" in refused["detail"]
    assert flag_states(scenario.deployed())[flag] is False
    assert restore(scenario, flag, force=True)["outcome"] == "restored"
    assert flag_states(scenario.deployed())[flag] is True
