"""Every example's applied function role allows every call the function can make.

Each call is decided by the emulator's IAM evaluator on every resource type the Service
Authorization Reference marks required (issue 10, part 1): AppConfig authorises its calls
on the application as well as on the environment, profile, strategy or deployment.
examples/minimal is checked inside tests/e2e/test_minimal.py, on the stack it applies.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Stack, apply_fixture_folder
from tests.e2e.function_policy import (
    FUNCTION_CALLS,
    calls_of,
    denied_calls,
    every_function,
    payload_calls,
)
from tools.harness.clients import Aws
from tools.harness.emulator_process import EmulatorProcess


def test_every_payload_call_is_listed() -> None:
    """The check below covers the calls the payload really makes, no more, no fewer."""
    assert payload_calls() == set(FUNCTION_CALLS)


@pytest.mark.e2e
@pytest.mark.terraform
def test_complete_example_role_allows_every_call(stack: Stack) -> None:
    # the complete example encrypts its topic and queue: the key calls are checked too
    services = {call.service for call in calls_of(stack.aws, stack.outputs.function_name)}
    assert services == {"appconfig", "cloudwatch", "sns", "kms", "sqs", "logs", "ssm"}
    denied = denied_calls(stack.aws, stack.outputs.function_name)
    assert not denied, "\n".join(denied)


@pytest.mark.e2e
@pytest.mark.terraform
def test_complete_example_guard_role_allows_every_guard_call(stack: Stack) -> None:
    guard = f"{stack.outputs.function_name}-guard"
    denied = denied_calls(stack.aws, guard)
    assert not denied, "\n".join(denied)


@pytest.mark.e2e
@pytest.mark.terraform
def test_multi_environment_example_roles_allow_every_call(
    request: pytest.FixtureRequest, private_emulator: EmulatorProcess
) -> None:
    apply_fixture_folder(request, "multi_environment")
    aws = Aws(private_emulator.endpoint)
    functions = every_function(aws)
    assert len(functions) == 2  # staging and production
    denied = [message for name in functions for message in denied_calls(aws, name)]
    assert not denied, "\n".join(denied)
