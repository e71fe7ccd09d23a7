"""What the on-call engineer copies from a notification: commands and console links.

Pure functions. The function's name and region come from the Lambda runtime
(``AWS_LAMBDA_FUNCTION_NAME``, ``AWS_REGION``), so the commands run as they are.
"""

from __future__ import annotations

import json
import shlex
from urllib.parse import quote

UNKNOWN_FUNCTION = "<function-name>"


def invoke_command(function_name: str | None, region: str | None, payload: dict[str, str]) -> str:
    """An AWS CLI v2 command that invokes the function with ``payload`` and prints the answer."""
    parts = ["aws", "lambda", "invoke", "--function-name", function_name or UNKNOWN_FUNCTION]
    if region:
        parts += ["--region", region]
    parts += [
        "--cli-binary-format",
        "raw-in-base64-out",
        "--payload",
        json.dumps(payload, ensure_ascii=False),
        "/dev/stdout",
    ]
    return " ".join(shlex.quote(part) for part in parts)


def restore_command(function_name: str | None, region: str | None, flag: str) -> str:
    """Re-enable one flag once the cause is fixed (refused while its alarm is in ALARM)."""
    payload = {"action": "restore", "flag": flag, "reason": "describe the fix"}
    return invoke_command(function_name, region, payload)


def status_command(function_name: str | None, region: str | None, flag: str) -> str:
    """Read one flag's deployed state, any rollout in progress and its alarms' states."""
    return invoke_command(function_name, region, {"action": "status", "flag": flag})


def _console(region: str) -> str:
    if region.startswith("cn-"):
        return f"https://{region}.console.amazonaws.cn"
    if region.startswith("us-gov-"):
        return f"https://{region}.console.amazonaws-us-gov.com"
    return f"https://{region}.console.aws.amazon.com"


def alarm_link(region: str, alarm: str) -> str:
    """The CloudWatch console page of one alarm."""
    name = quote(alarm, safe="")
    return f"{_console(region)}/cloudwatch/home?region={region}#alarmsV2:alarm/{name}"


def environment_link(region: str, application_id: str, environment_id: str) -> str:
    """The AppConfig console page of the environment (its deployments)."""
    return (
        f"{_console(region)}/systems-manager/appconfig/applications/{application_id}"
        f"/environments/{environment_id}?region={region}"
    )


def next_steps(
    *,
    function_name: str | None,
    region: str | None,
    flags: tuple[str, ...],
    alarms: tuple[str, ...],
    application_id: str,
    environment_id: str,
    rolled_back: bool,
) -> list[str]:
    """The lines of the "what now" part of a notification."""
    lines: list[str] = []
    for flag in flags:
        if rolled_back:
            lines += [
                "",
                f"To restore {flag} once the cause is fixed:",
                f"  {restore_command(function_name, region, flag)}",
            ]
        lines += [
            "",
            f"To see the state of {flag}:",
            f"  {status_command(function_name, region, flag)}",
        ]
    if region:
        lines += ["", "Console:"]
        lines += [f"  Alarm {alarm}: {alarm_link(region, alarm)}" for alarm in alarms]
        lines.append(
            f"  AppConfig environment: {environment_link(region, application_id, environment_id)}"
        )
    return lines
