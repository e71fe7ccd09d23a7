"""INSUFFICIENT_DATA on the applied examples/complete (issue 13.3), through the alarm topic.

A quiet flag is not a broken flag: an alarm with too little data rolls nothing back, except
for a flag that opted in (``recommendations`` in the example: silence means failure). The
EventBridge trigger is checked in test_eventbridge.py.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Stack
from tests.e2e.test_rollback import fire
from tools.harness.readers import drain_queue, flag_states, sns_payload

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

OPTED_IN = "recommendations"  # examples/complete: rollback_on_insufficient_data = true


def test_insufficient_data_rolls_back_only_the_flag_that_opted_in(scenario: Stack) -> None:
    quiet = sorted(name for name in scenario.outputs.alarm_names if name != OPTED_IN)[0]
    versions = scenario.versions()

    fire(scenario, quiet, "INSUFFICIENT_DATA")
    scenario.settle()
    assert scenario.versions() == versions  # a quiet flag is not a broken flag
    assert flag_states(scenario.deployed())[quiet] is True

    fire(scenario, OPTED_IN, "INSUFFICIENT_DATA")
    scenario.settle()
    assert scenario.versions() == [*versions, versions[-1] + 1]
    assert flag_states(scenario.deployed())[OPTED_IN] is False
    notes = [sns_payload(m) for m in drain_queue(scenario.aws, scenario.notifications_url)]
    assert [(note["outcome"], note["flags"]) for note in notes] == [("rolled_back", [OPTED_IN])]
