"""The process environment of a local run: AWS settings for the emulator, Terraform's binary
and CLI configuration, and what is missing before anything can start.

`make` exports TF_CLI_CONFIG_FILE; a run started another way (pytest, the bench) gets the
same configuration from `configure_terraform`, written on first use by
tools/terraform_rc.py (which finds the provider mirror).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from tools.harness import StackError
from tools.paths import CACHE_DIR, ROOT, ZIP_PATH
from tools.terraform_rc import find_mirror, render

REGION = "us-east-1"
CLI_CONFIG = CACHE_DIR / "terraform.rc"


def aws_environment(endpoint: str) -> dict[str, str]:
    """Variables that point boto3 and the Terraform provider at the emulator."""
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def without_aws(env: Mapping[str, str]) -> dict[str, str]:
    """The environment minus AWS settings (a real profile or endpoint must never leak in)."""
    return {key: value for key, value in env.items() if not key.startswith("AWS_")}


def terraform_environment(endpoint: str) -> dict[str, str]:
    """The process environment for a Terraform run against the emulator at ``endpoint``."""
    env = {**without_aws(os.environ), **aws_environment(endpoint)}
    env.setdefault("TF_IN_AUTOMATION", "1")
    return env


def terraform_binary() -> str:
    """The terraform executable (``$TERRAFORM``, default ``terraform``) found on PATH."""
    found = shutil.which(os.environ.get("TERRAFORM", "terraform"))
    if not found:
        raise StackError("terraform not found on PATH: install Terraform >= 1.7")
    return found


def configure_terraform() -> Path:
    """Ensure the project's Terraform CLI configuration exists and is exported; return its path."""
    wanted = os.environ.get("TF_CLI_CONFIG_FILE")
    if wanted and Path(wanted).is_file() and Path(wanted).resolve() == CLI_CONFIG:
        return CLI_CONFIG
    if not CLI_CONFIG.is_file():
        cache_dir = CLI_CONFIG.parent / "terraform-plugins"
        cache_dir.mkdir(parents=True, exist_ok=True)
        CLI_CONFIG.write_text(render(find_mirror(), cache_dir))
    os.environ["TF_CLI_CONFIG_FILE"] = str(CLI_CONFIG)
    os.environ.setdefault("TF_IN_AUTOMATION", "1")
    return CLI_CONFIG


def missing_prerequisites() -> list[str]:
    """Say what the local stack needs and does not find; an empty list means ready."""
    missing = []
    try:
        terraform_binary()
    except StackError as error:
        missing.append(str(error))
    if not ZIP_PATH.is_file():
        missing.append(f"{ZIP_PATH.relative_to(ROOT)} not found: run `make build`")
    return missing
