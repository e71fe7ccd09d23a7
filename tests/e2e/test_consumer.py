"""The module as another team imports it: a `git::` source at a commit, no build step.

Each test clones this repository's HEAD with `git clone --no-local` into a temporary folder
(a clean checkout: only committed files, no build output, no .terraform/), writes a scratch
root module outside the repository whose `module` block reads that clone by
`git::file:///<clone>?ref=<commit>`, and runs `terraform init`, `apply` and `destroy` there
against an emulator of its own. Nobody runs `make build` in the clone: the function deploys
the package committed with the module.

The tests import HEAD, so uncommitted changes of the working tree are not what they test:
commit first, then run them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tools.harness.actions import set_alarm_state
from tools.harness.clients import Aws
from tools.harness.emulator_process import EmulatorProcess
from tools.harness.readers import FlagTarget, deployed_document, flag_states, leftovers, wait_for
from tools.harness.terraform import Terraform
from tools.paths import ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

FLAG = "new_checkout"
OTHER_FLAG = "dark_mode"

PROVIDER = """\
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

# Credentials and the endpoint come from the environment (the emulator).
provider "aws" {
  region = "us-east-1"
}
"""


def git(*args: str, cwd: Path = ROOT) -> str:
    git_binary = shutil.which("git")
    if git_binary is None:
        pytest.fail("git not found on PATH: the consumer tests import the module by git")
    completed = subprocess.run(
        [git_binary, *args], cwd=cwd, capture_output=True, text=True, check=True
    )
    return completed.stdout.strip()


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A clean clone of this repository's HEAD, outside the repository; (path, commit)."""
    commit = git("rev-parse", "HEAD")
    path = tmp_path_factory.mktemp("consumer") / "terraform-aws-feature-flag-rollback"
    git("clone", "--quiet", "--no-local", str(ROOT), str(path))
    assert git("rev-parse", "HEAD", cwd=path) == commit
    package = path / "modules" / "rollback-function" / "package" / "flag-rollback.zip"
    assert package.is_file(), "HEAD has no committed function package: run `make build`, commit"
    return path, commit


def apply(terraform: Terraform) -> None:
    """One `apply -auto-approve` (no saved plan: one provider start less than plan + apply)."""
    terraform.run("apply", "-input=false", "-auto-approve")


def scratch_root(folder: Path, source: str, module_body: str) -> Path:
    """Write a root module calling `source` into `folder`; return the folder."""
    folder.mkdir()
    (folder / "main.tf").write_text(
        f'{PROVIDER}\nmodule "imported" {{\n  source = "{source}"\n\n{module_body}}}\n\n'
        'output "imported" {\n  value = module.imported\n}\n'
    )
    return folder


def test_root_module_from_git_rolls_back_a_flag(
    clone: tuple[Path, str], private_emulator: EmulatorProcess, tmp_path: Path
) -> None:
    path, commit = clone
    document = {
        "version": "1",
        "flags": {name: {"name": name} for name in (FLAG, OTHER_FLAG)},
        "values": {name: {"enabled": True} for name in (FLAG, OTHER_FLAG)},
    }
    # No notification subscriptions and no function alarms: the fewest resources (the
    # dead-letter queue is the one SQS queue, and takes the provider ~26 s).
    body = f"""\
  name_prefix = "consumer"
  flags       = {{ {FLAG} = {{}}, {OTHER_FLAG} = {{}} }}

  appconfig_initial_configuration        = jsonencode({json.dumps(document)})
  appconfig_deploy_initial_configuration = true
  create_function_alarms                 = false
"""
    folder = scratch_root(tmp_path / "root", f"git::file://{path}?ref={commit}", body)
    terraform = Terraform(folder, private_emulator.endpoint)
    aws = Aws(private_emulator.endpoint)
    terraform.init()
    try:
        apply(terraform)
        outputs = terraform.outputs()["imported"]
        assert outputs["function_name"] == "consumer"
        target = FlagTarget(
            outputs["appconfig_application_id"],
            outputs["appconfig_environment_id"],
            outputs["appconfig_configuration_profile_id"],
        )
        assert flag_states(deployed_document(aws, target)) == {FLAG: True, OTHER_FLAG: True}

        set_alarm_state(aws, outputs["alarm_names"][FLAG], "ALARM", "consumer test")
        wait_for(
            lambda: not flag_states(deployed_document(aws, target))[FLAG],
            what=f"{FLAG} disabled in the deployed configuration",
            timeout=60,
        )
        private_emulator.wait_idle(timeout=60)
        assert flag_states(deployed_document(aws, target)) == {FLAG: False, OTHER_FLAG: True}
    finally:
        terraform.destroy()
    assert leftovers(aws) == {}


def test_flag_alarms_submodule_alone_from_git(
    clone: tuple[Path, str], private_emulator: EmulatorProcess, tmp_path: Path
) -> None:
    path, commit = clone
    body = f"""\
  flags         = {{ {FLAG} = {{ threshold = 2 }} }}
  alarm_actions = ["arn:aws:sns:us-east-1:123456789012:team-alarms"]
"""
    source = f"git::file://{path}//modules/flag-alarms?ref={commit}"
    folder = scratch_root(tmp_path / "alarms", source, body)
    terraform = Terraform(folder, private_emulator.endpoint)
    cloudwatch = Aws(private_emulator.endpoint).cloudwatch
    terraform.init()
    try:
        apply(terraform)
        names = terraform.outputs()["imported"]["alarm_names"]
        alarms = cloudwatch.describe_alarms(AlarmNames=[names[FLAG]])["MetricAlarms"]
        assert [alarm["AlarmName"] for alarm in alarms] == [f"FeatureFlag-{FLAG}-ErrorRate"]
        assert alarms[0]["AlarmActions"] == ["arn:aws:sns:us-east-1:123456789012:team-alarms"]
    finally:
        terraform.destroy()
    assert cloudwatch.describe_alarms()["MetricAlarms"] == []
