"""Point every Terraform run started by the tests at the project's CLI configuration.

`make` exports TF_CLI_CONFIG_FILE; running pytest directly gets the same configuration
here, written on first use by tools/terraform_rc.py (which finds the provider mirror).
"""

from __future__ import annotations

import os
from pathlib import Path

from tools.stack import terraform_binary
from tools.terraform_rc import find_mirror, render

__all__ = ["CLI_CONFIG", "configure_terraform", "terraform_binary"]

ROOT = Path(__file__).resolve().parent.parent
CLI_CONFIG = ROOT / ".cache" / "terraform.rc"


def configure_terraform() -> Path:
    """Ensure the CLI configuration exists and is exported; return its path."""
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
