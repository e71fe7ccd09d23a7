"""`make demo` refuses to start, with a clear message, when a prerequisite is missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools.paths import ROOT


@pytest.mark.e2e
def test_demo_without_terraform_exits_non_zero_and_says_what_is_missing(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path), "TERRAFORM": "terraform"}

    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "demo.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert "error: terraform not found on PATH: install Terraform >= 1.7" in result.stderr
    assert "emulator" not in result.stdout
