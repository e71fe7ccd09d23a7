"""Where the project's files are, defined once for tools, tests and the benchmarks."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The repository root (the root module's folder)."""

ZIP_PATH = ROOT / "modules" / "rollback-function" / "package" / "flag-rollback.zip"
"""The deployment package `make build` writes (tools/build_zip.py)."""

CACHE_DIR = ROOT / ".cache"
"""Generated, gitignored working files (Terraform CLI config, bench work folders)."""
