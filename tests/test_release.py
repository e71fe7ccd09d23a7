"""Registry conventions: one version (pyproject.toml), a changelog that names it, the licence.

The version lives only in pyproject.toml; CHANGELOG.md (Keep a Changelog) must have a
release entry for it as its newest release, so a version bump cannot land without its
notes. LICENSE must be the Apache License 2.0 that pyproject.toml declares.
"""

from __future__ import annotations

import re
import tomllib

from tools.paths import ROOT

RELEASE = re.compile(r"^## \[(?P<version>\d+\.\d+\.\d+)\] - (?P<date>\d{4}-\d{2}-\d{2})$", re.M)


def project() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        table: dict[str, object] = tomllib.load(handle)["project"]
    return table


def test_newest_changelog_release_is_the_project_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text()
    releases = [match["version"] for match in RELEASE.finditer(changelog)]
    assert releases, "CHANGELOG.md has no release entry (## [X.Y.Z] - YYYY-MM-DD)"
    assert releases[0] == project()["version"], (
        f"pyproject.toml says {project()['version']}, the newest CHANGELOG.md entry {releases[0]}"
    )
    assert changelog.index("## [Unreleased]") < changelog.index(f"## [{releases[0]}]")


def test_license_is_the_apache_license_pyproject_declares() -> None:
    assert project()["license"] == {"text": "Apache-2.0"}
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License\n                           Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text
