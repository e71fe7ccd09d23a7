"""`examples/complete` with `trigger = "eventbridge"`: the alarm's state-change event on the
default bus, not SNS, invokes the function. Its own emulator and stack (applied once here).
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import apply_fixture_folder
from tools.harness.actions import set_alarm_state
from tools.harness.clients import Aws
from tools.harness.emulator_process import EmulatorProcess
from tools.harness.readers import (
    StackOutputs,
    deployed_document,
    flag_states,
    function_decisions,
    hosted_versions,
)

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]


def test_eventbridge_trigger_rolls_back_the_flag(
    request: pytest.FixtureRequest, private_emulator: EmulatorProcess
) -> None:
    applied = apply_fixture_folder(request, "complete_eventbridge")
    outputs = applied.outputs["example"]["value"]
    stack = StackOutputs.parse(outputs)
    aws = Aws(private_emulator.endpoint)
    assert len(outputs["event_rule_arns"]) == 2  # ALARM; ALARM or INSUFFICIENT_DATA
    subscribed = aws.sns.list_subscriptions_by_topic(TopicArn=outputs["alarm_topic_arn"])
    assert [item["Protocol"] for item in subscribed["Subscriptions"]] == []
    flag = sorted(stack.alarm_names)[0]

    set_alarm_state(aws, stack.alarm_names[flag], "ALARM", "e2e: eventbridge trigger")
    private_emulator.wait_idle(timeout=60)

    assert hosted_versions(aws, stack.target) == [1, 2]
    assert flag_states(deployed_document(aws, stack.target))[flag] is False
    decisions = [record["decision"] for record in function_decisions(aws, stack.function_log_group)]
    assert "rollback_rolled_back" in decisions

    # A quiet flag is not a broken flag; recommendations opted in (silence means failure).
    quiet = sorted(name for name in stack.alarm_names if name not in {flag, "recommendations"})[0]
    for name in (quiet, "recommendations"):  # new alarms start in INSUFFICIENT_DATA: leave it
        set_alarm_state(aws, stack.alarm_names[name], "OK", "e2e: data again")
        set_alarm_state(aws, stack.alarm_names[name], "INSUFFICIENT_DATA", "e2e: no data")
    private_emulator.wait_idle(timeout=60)
    served = flag_states(deployed_document(aws, stack.target))
    assert (served[quiet], served["recommendations"]) == (True, False)
    assert hosted_versions(aws, stack.target) == [1, 2, 3]
