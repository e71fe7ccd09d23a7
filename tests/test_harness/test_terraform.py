"""The Terraform runner's process handling: exit codes, output and the timeout.

A small shell script stands in for the terraform binary (``Terraform(binary=...)``): what is
tested is how the runner starts, reads, times out and judges a child process, not Terraform.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from tools.harness.terraform import Terraform, TerraformError


def fake_terraform(tmp_path: Path, body: str) -> Terraform:
    script = tmp_path / "terraform"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return Terraform(tmp_path, "http://127.0.0.1:1", binary=str(script))


def test_run_returns_code_and_output_and_passes_the_endpoint(tmp_path: Path) -> None:
    terraform = fake_terraform(tmp_path, 'echo "args: $*"; echo "endpoint: $AWS_ENDPOINT_URL"')

    code, output = terraform.run("plan", "-input=false")

    assert code == 0
    assert output.splitlines() == [
        "args: plan -input=false -no-color",
        "endpoint: http://127.0.0.1:1",
    ]


def test_a_code_outside_ok_codes_raises_with_code_and_output(tmp_path: Path) -> None:
    terraform = fake_terraform(tmp_path, 'echo "Refreshing"; echo "Error: boom" >&2; exit 3')

    with pytest.raises(TerraformError) as raised:
        terraform.run("plan")

    assert raised.value.code == 3
    assert "Refreshing" in raised.value.output
    assert str(raised.value).endswith("Error: boom")
    assert terraform.run("plan", ok_codes=(3,))[0] == 3


def test_a_command_past_its_timeout_is_killed(tmp_path: Path) -> None:
    terraform = fake_terraform(tmp_path, 'echo "started"; exec sleep 30')

    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired) as raised:
        terraform.run("plan", timeout=0.5)

    assert time.monotonic() - started < 10
    assert raised.value.output == "started"


def test_a_command_within_its_timeout_finishes(tmp_path: Path) -> None:
    terraform = fake_terraform(tmp_path, 'echo "done"')

    assert terraform.run("init", timeout=30) == (0, "done")
