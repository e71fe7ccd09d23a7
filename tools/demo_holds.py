"""The demo's second act: the rolled-back flag is held, the guard refuses to turn it back on,
a restore is refused within the cooldown, a forced restore lifts the hold, the change passes.

Every step uses the API a person would (CreateHostedConfigurationVersion as `terraform apply`
does, lambda Invoke for the restore) and prints what came back.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any, Protocol

from botocore.exceptions import ClientError

from tools.harness import StackError
from tools.harness.actions import set_alarm_state
from tools.harness.clients import Aws
from tools.harness.emulator_process import EmulatorProcess
from tools.harness.readers import StackOutputs, deployed_document, flag_states, wait_deployed


class Printer(Protocol):
    """What the demo's printer offers (tools/demo.py)."""

    def step(self, text: str) -> None: ...

    def line(self, text: str = "") -> None: ...


def _invoke(aws: Aws, function: str, payload: dict[str, Any]) -> dict[str, Any]:
    response = aws.lambda_.invoke(FunctionName=function, Payload=json.dumps(payload).encode())
    (result,) = json.loads(response["Payload"].read())["results"]
    return dict(result)


def _turn_on(aws: Aws, stack: StackOutputs, flag: str) -> dict[str, Any]:
    """Write the deployed document with the flag enabled, as a stale Terraform document would."""
    document = deployed_document(aws, stack.target)
    if isinstance(document.get("values"), dict):
        document["values"].setdefault(flag, {})["enabled"] = True
    else:
        document["flags"][flag]["enabled"] = True
    target = stack.target
    return dict(
        aws.appconfig.create_hosted_configuration_version(
            ApplicationId=target.application_id,
            ConfigurationProfileId=target.profile_id,
            Content=json.dumps(document).encode(),
            ContentType="application/json",
        )
    )


def _wrapped(printer: Printer, text: str) -> None:
    for line in textwrap.wrap(text, width=96, break_long_words=False, break_on_hyphens=False):
        printer.line(f"  {line}")


def held_flag_act(
    printer: Printer, aws: Aws, emulator: EmulatorProcess, stack: StackOutputs, flag: str
) -> None:
    """Show the hold, the guard's refusal, the guarded restore and the change passing."""
    printer.step(f"status of {flag!r}: the rollback put it on hold")
    hold = _invoke(aws, stack.function_name, {"action": "status", "flag": flag})["state"]["hold"]
    printer.line(f"  held by {hold['held_by']} at {hold['held_at']}: {hold['reason']}")

    printer.step(f"a new version with {flag!r} enabled (what a stale `terraform apply` writes)")
    try:
        created = _turn_on(aws, stack, flag)
    except ClientError as error:
        printer.line(f"refused: {error.response['Error']['Code']}")
        _wrapped(printer, error.response["Error"]["Message"])
    else:
        raise StackError(f"the guard let version {created['VersionNumber']} turn {flag} on")

    printer.step("the alarm clears; restore at once: refused within the cooldown")
    set_alarm_state(aws, stack.alarm_names[flag], "OK", "demo: error rate back to normal")
    refused = _invoke(aws, stack.function_name, {"action": "restore", "flag": flag})
    printer.line(f"outcome: {refused['outcome']}")
    _wrapped(printer, str(refused["detail"]))

    printer.step('restore with "force": true: lifts the hold, deploys with the restore strategy')
    restored = _invoke(
        aws,
        stack.function_name,
        {"action": "restore", "flag": flag, "reason": "demo: fixed", "force": True},
    )
    emulator.wait_idle(timeout=60)
    deployment = wait_deployed(aws, stack.target, timeout=60)
    printer.line(
        f"outcome: {restored['outcome']}, version {restored['new_version']}, deployment "
        f"#{deployment['DeploymentNumber']} (strategy {deployment['DeploymentStrategyId']}: "
        f"{deployment['DeploymentDurationInMinutes']} min, "
        f"{deployment['FinalBakeTimeInMinutes']} min bake)"
    )
    printer.line(f"flag {flag!r} now: {flag_states(deployed_document(aws, stack.target))[flag]}")

    printer.step("the same change again: the guard lets it through")
    created = _turn_on(aws, stack, flag)
    printer.line(f"created version {created['VersionNumber']}")
