"""Many flags with the EventBridge trigger against the default "Event pattern size" quota.

The emulator refuses a PutRule whose event pattern is longer than 2,048 characters, as a
new account does (emulator/events/models.py). Forty alarms do not fit in one rule: the
module must split them over rules that each fit, and together still match every alarm.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.harness.clients import Aws
from tools.harness.emulator_process import EmulatorProcess
from tools.harness.terraform import Terraform
from tools.paths import ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

FOLDER = ROOT / "tests" / "terraform" / "many_alarms"
DEFAULT_QUOTA = 2048
ALARMS = 40


def test_forty_alarms_fit_the_default_event_pattern_quota(
    private_emulator: EmulatorProcess, tmp_path: Path
) -> None:
    terraform = Terraform(
        FOLDER,
        private_emulator.endpoint,
        data_dir=tmp_path / "data",
        state=tmp_path / "stack.tfstate",
    )
    terraform.init()
    try:
        terraform.apply()
        rule_arns = terraform.outputs()["event_rule_arns"]
        events = Aws(private_emulator.endpoint).events
        patterns = [
            events.describe_rule(Name=arn.rsplit("/", 1)[-1])["EventPattern"] for arn in rule_arns
        ]
        assert len(patterns) > 1
        assert max(len(pattern) for pattern in patterns) <= DEFAULT_QUOTA
        matched = [arn for pattern in patterns for arn in json.loads(pattern)["resources"]]
        assert len(matched) == len(set(matched)) == ALARMS
    finally:
        terraform.destroy()
