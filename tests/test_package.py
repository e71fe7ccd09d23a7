"""The function package committed with the module is exactly what `make build` makes of lambda/.

A module imported by `git::...?ref=` deploys the committed zip, so a payload change that
lands without its rebuilt package would ship the old code. These tests build lambda/ into a
temporary folder and compare bytes with the committed zip and its .sha256.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from tools.build_zip import build, checksum_path
from tools.paths import ROOT

PACKAGE = ROOT / "modules" / "rollback-function" / "package" / "flag-rollback.zip"
SOURCE = ROOT / "lambda" / "flag_rollback"
REBUILD = "run `make build` and commit modules/rollback-function/package/"


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A zip built from lambda/ now, in a temporary folder."""
    output = tmp_path_factory.mktemp("build") / PACKAGE.name
    build(SOURCE, output)
    return output


def test_committed_zip_equals_a_fresh_build(fresh: Path) -> None:
    assert PACKAGE.is_file(), f"{PACKAGE.relative_to(ROOT)} is missing: {REBUILD}"
    if PACKAGE.read_bytes() != fresh.read_bytes():
        with zipfile.ZipFile(PACKAGE) as old, zipfile.ZipFile(fresh) as new:
            old_entries = {info.filename: info.CRC for info in old.infolist()}
            new_entries = {info.filename: info.CRC for info in new.infolist()}
        changed = sorted(
            name
            for name in old_entries.keys() | new_entries.keys()
            if old_entries.get(name) != new_entries.get(name)
        )
        pytest.fail(f"the committed package is stale ({', '.join(changed) or 'bytes'}): {REBUILD}")


def test_committed_checksum_equals_a_fresh_build(fresh: Path) -> None:
    committed = checksum_path(PACKAGE)
    assert committed.is_file(), f"{committed.relative_to(ROOT)} is missing: {REBUILD}"
    assert committed.read_text() == checksum_path(fresh).read_text(), REBUILD


def test_checksum_file_is_in_sha256sum_format() -> None:
    digest, name = checksum_path(PACKAGE).read_text().rstrip("\n").split("  ")
    assert name == PACKAGE.name
    assert digest == hashlib.sha256(PACKAGE.read_bytes()).hexdigest()
