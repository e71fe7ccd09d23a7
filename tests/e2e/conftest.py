"""The end-to-end world: the emulator, and `examples/complete` applied against it by Terraform.

One emulator and one applied stack per test run, shared by every scenario: the provider
takes about 26 s to create an SQS queue, so an apply per test would take minutes. Each
scenario starts from the flags Terraform deployed (`scenario`). The few one-off stacks
(examples/minimal, the EventBridge trigger) get an emulator of their own
(`private_emulator`), so no name is shared.

The emulator runs as a child process (`python -m emulator`, see
tools/harness/emulator_process.py), not as an in-process `EmulatorThread`: its moto state
then stays apart from the moto mocks that other suites of the same pytest run start and
reset in this process.

pytest-terraform applies the fixture folders under tests/terraform/. Two things are set
explicitly here rather than through its `@terraform(...)` decorator:
- replay: its README says recorded resources are replayed unless asked otherwise, its
  code takes the default from `--tf-replay`; `replay=False` makes every run really
  apply against the emulator (`tf_resources.json`, gitignored, is only an output);
- when: the decorator needs pytest's config at import time, which a conftest named on
  the command line (`pytest tests/e2e`) does not have yet, and cannot depend on the
  emulator fixture; built inside a fixture it has both.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from py.path import local
from pytest_terraform import tf
from pytest_terraform.options import teardown

from tools.harness.actions import subscribe_queue
from tools.harness.clients import Aws
from tools.harness.emulator_process import EmulatorProcess
from tools.harness.env import aws_environment, missing_prerequisites
from tools.harness.readers import (
    StackOutputs,
    deployed_document,
    drain_queue,
    hosted_versions,
    latest_deployment,
    queue_url,
    stored_document,
    wait_deployed,
)
from tools.harness.terraform import Terraform
from tools.paths import ROOT

# Thin root modules that call the real examples as modules, so that the examples' own
# code is what gets applied.
FIXTURE_FOLDERS = ROOT / "tests" / "terraform"


# The label of the versions the test set-up writes (restore_baseline): neither Terraform's
# nor the function's, so the destroy scenario deletes them itself.
BASELINE_LABEL = "e2e-baseline"

# Scenarios that break the shared stack, then the one that destroys it, run last.
LAST = ("breaks_stack", "destroys_stack")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "breaks_stack: damages the shared stack; runs late")
    config.addinivalue_line("markers", "destroys_stack: destroys the shared stack; runs last")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Move the scenarios marked in LAST to the end of the end-to-end block, in LAST order.

    Only positions held by this package's tests are reordered, so the package stays
    contiguous and its stack is applied once.
    """
    here = Path(__file__).resolve().parent
    positions = [index for index, item in enumerate(items) if here in item.path.parents]

    def rank(item: pytest.Item) -> int:
        marks = [LAST.index(name) for name in LAST if item.get_closest_marker(name)]
        return 1 + max(marks) if marks else 0

    ordered = sorted((items[index] for index in positions), key=rank)
    for index, item in zip(positions, ordered, strict=True):
        # Under pytest-xdist (--dist loadgroup) the whole block runs on one worker, in order.
        item.add_marker(pytest.mark.xdist_group("e2e"))
        items[index] = item


@contextmanager
def exported(variables: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the duration, then restore the previous values."""
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="package")
def emulator() -> Iterator[EmulatorProcess]:
    """The emulator, with the AWS environment exported for pytest-terraform's Terraform runs."""
    missing = missing_prerequisites()
    if missing:
        pytest.fail("; ".join(missing), pytrace=False)
    with EmulatorProcess.start() as running, exported(aws_environment(running.endpoint)):
        yield running


@pytest.fixture
def private_emulator() -> Iterator[EmulatorProcess]:
    """An emulator of the test's own (no names shared with the package's stack), exported."""
    with EmulatorProcess.start() as running, exported(aws_environment(running.endpoint)):
        yield running


@dataclass
class Stack:
    """The applied `examples/complete` and the handles the scenarios drive it with."""

    aws: Aws
    emulator: EmulatorProcess
    outputs: StackOutputs
    terraform: Terraform
    notifications_url: str
    dead_letter_url: str | None
    baseline: dict[str, Any]  # the flags as the application receives them (AppConfig Data)
    stored_baseline: dict[str, Any]  # the hosted document Terraform deployed

    def settle(self) -> None:
        """Wait until every invocation, retry and deployment the last action caused is done."""
        self.emulator.wait_idle(timeout=60)

    def versions(self) -> list[int]:
        return hosted_versions(self.aws, self.outputs.target)

    def deployed(self) -> dict[str, Any]:
        return deployed_document(self.aws, self.outputs.target)


def example_outputs(state_outputs: Mapping[str, Any]) -> dict[str, Any]:
    """The example's outputs, which the fixture module passes through as one object."""
    return dict(state_outputs["example"]["value"])


def apply_fixture_folder(request: pytest.FixtureRequest, folder: str) -> tf.TerraformTestApi:
    """Apply tests/terraform/<folder> with pytest-terraform; it destroys it at teardown."""
    fixture = tf.TerraformFixture(
        tf_bin=tf.LazyTfBin,
        plugin_cache=tf.LazyPluginCacheDir,
        scope=request.scope,
        tf_root_module=folder,
        test_dir=local(FIXTURE_FOLDERS),
        replay=False,
        teardown=teardown.ON,
        pytest_config=request.config,
    )
    return fixture(request, request.getfixturevalue("tmpdir_factory"), "master")


@pytest.fixture(scope="package")
def stack(request: pytest.FixtureRequest, emulator: EmulatorProcess) -> Stack:
    """`examples/complete` applied; a queue of the test subscribed to its notification topic."""
    complete = apply_fixture_folder(request, "complete")
    aws = Aws(emulator.endpoint)
    outputs = StackOutputs.parse(example_outputs(complete.outputs))
    runner = complete.terraform
    work_dir = Path(runner.work_dir)
    return Stack(
        aws=aws,
        emulator=emulator,
        outputs=outputs,
        terraform=Terraform(
            Path(runner.module_dir),
            emulator.endpoint,
            data_dir=work_dir,
            state=Path(runner.state_path),
        ),
        notifications_url=subscribe_queue(aws, outputs.notification_topic_arn, "e2e-notes"),
        dead_letter_url=(
            queue_url(aws, outputs.dead_letter_queue_arn) if outputs.dead_letter_queue_arn else None
        ),
        baseline=deployed_document(aws, outputs.target),
        stored_baseline=stored_document(aws, outputs.target) or {},
    )


@pytest.fixture
def scenario(stack: Stack) -> Stack:
    """The shared stack, back to the flags Terraform deployed, with alarms OK and queues empty."""
    stack.settle()
    for alarm in stack.outputs.alarm_names.values():
        stack.aws.cloudwatch.set_alarm_state(
            AlarmName=alarm, StateValue="OK", StateReason="e2e: reset between scenarios"
        )
    stack.settle()
    clear_holds(stack)
    if stack.deployed() != stack.baseline:
        restore_baseline(stack)
    drain_queue(stack.aws, stack.notifications_url)
    if stack.dead_letter_url:
        drain_queue(stack.aws, stack.dead_letter_url)
    return stack


def clear_holds(stack: Stack) -> None:
    """Forget every held flag (test set-up): each scenario starts with no hold and no flap
    history, and the deployment guard lets the baseline back in."""
    target = stack.outputs.target
    path = (
        f"/flag-rollback/holds/{target.application_id}/{target.environment_id}/{target.profile_id}"
    )
    pages = stack.aws.ssm.get_paginator("get_parameters_by_path").paginate(Path=path)
    for page in pages:
        names = [item["Name"] for item in page["Parameters"]]
        if names:
            stack.aws.ssm.delete_parameters(Names=names)


def restore_baseline(stack: Stack) -> None:
    """Deploy the flags Terraform deployed (test set-up; the function is not involved)."""
    target = stack.outputs.target
    appconfig = stack.aws.appconfig
    latest = stack.versions()[-1]
    version = appconfig.create_hosted_configuration_version(
        ApplicationId=target.application_id,
        ConfigurationProfileId=target.profile_id,
        Content=json.dumps(stack.stored_baseline).encode(),
        ContentType="application/json",
        LatestVersionNumber=latest,
        VersionLabel=BASELINE_LABEL,
    )
    newest = latest_deployment(stack.aws, target)
    assert newest is not None
    strategy = newest["DeploymentStrategyId"]
    appconfig.start_deployment(
        ApplicationId=target.application_id,
        EnvironmentId=target.environment_id,
        ConfigurationProfileId=target.profile_id,
        ConfigurationVersion=str(version["VersionNumber"]),
        DeploymentStrategyId=strategy,
        Description="e2e: back to the baseline flags",
    )
    wait_deployed(stack.aws, target)
    assert stack.deployed() == stack.baseline
