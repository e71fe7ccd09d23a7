"""The module runs on AWS provider 5 (from the floor) and 6: what can be checked here.

Only provider 5.100.0 is installable offline, so provider 6 is checked on paper:
- every versions.tf states the same floor and no upper bound;
- no argument, block or attribute the module uses is marked deprecated in the installed
  provider's schema (5.100.0 carries the deprecations announced for 6.0);
- none is in DEPRECATED_IN_6, the 6.x deprecations of the provider's CHANGELOG and
  version 6 upgrade guide that concern what the module uses (5.100.0 cannot flag them).
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hcl2
import pytest

from tools.harness.env import terraform_binary
from tools.paths import ROOT

FLOOR = ">= 5.76.0"
MODULE_FOLDERS = [
    ROOT,
    *sorted((ROOT / "modules").iterdir()),
    *sorted((ROOT / "examples").iterdir()),
]
TERRAFORM_FILES = sorted(
    path for folder in MODULE_FOLDERS for path in folder.glob("*.tf") if path.is_file()
)

# (resource or data source, attribute): deprecated by a 6.x release, so valid on 5.100.0.
DEPRECATED_IN_6 = {
    (
        "data.aws_region",
        "name",
    ): "6.0.0, use region (absent from 5.x) - hashicorp/terraform-provider-aws#42131",
    (
        "data.aws_region",
        "id",
    ): "6.47.0, use region (absent from 5.x) - hashicorp/terraform-provider-aws#48036",
}

REFERENCE = re.compile(
    r"\b(?P<kind>data\.)?(?P<type>aws_[a-z0-9_]+)\.[a-z0-9_]+(?:\[[^\]]*\])?\.(?P<attr>[a-z0-9_]+)"
)


def test_every_versions_tf_has_the_floor_and_no_upper_bound() -> None:
    folders = [folder for folder in MODULE_FOLDERS if (folder / "versions.tf").is_file()]
    assert len(folders) == len(MODULE_FOLDERS), "every module and example has a versions.tf"
    for folder in folders:
        with (folder / "versions.tf").open() as handle:
            terraform = hcl2.load(handle)["terraform"][0]
        aws = terraform["required_providers"][0]["aws"]
        assert aws["version"].strip('"') == FLOOR, folder
        assert "<" not in aws["version"], folder
        assert "~>" not in aws["version"], folder


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The installed AWS provider's schema (`terraform providers schema -json`)."""
    folder = tmp_path_factory.mktemp("schema")
    (folder / "main.tf").write_text(
        'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n'
    )
    terraform = terraform_binary()
    subprocess.run(
        [terraform, "init", "-input=false", "-backend=false"],
        cwd=folder,
        check=True,
        capture_output=True,
    )
    dumped = subprocess.run(
        [terraform, "providers", "schema", "-json"],
        cwd=folder,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    schemas: dict[str, Any] = json.loads(dumped)["provider_schemas"]
    return schemas["registry.terraform.io/hashicorp/aws"]


def deprecated_names(block: dict[str, Any]) -> set[str]:
    """Names of the block's deprecated attributes and nested blocks (this level only)."""
    names = {name for name, item in block.get("attributes", {}).items() if item.get("deprecated")}
    names |= {
        name
        for name, item in block.get("block_types", {}).items()
        if item["block"].get("deprecated")
    }
    return names


def used_blocks() -> Iterator[tuple[Path, str, str, dict[str, Any]]]:
    """(file, "resource" or "data", type, body) of every resource and data block."""
    for path in TERRAFORM_FILES:
        with path.open() as handle:
            parsed = hcl2.load(handle)
        for kind in ("resource", "data"):
            for block in parsed.get(kind, []):
                for type_name, named in block.items():
                    for body in named.values():
                        yield path, kind, type_name.strip('"'), body


def deprecated_uses(body: dict[str, Any], block: dict[str, Any], where: str) -> list[str]:
    found = [f"{where}.{name}" for name in body if name in deprecated_names(block)]
    for name, nested in block.get("block_types", {}).items():
        for item in body.get(name, []) if isinstance(body.get(name), list) else []:
            if isinstance(item, dict):
                found += deprecated_uses(item, nested["block"], f"{where}.{name}")
    return found


@pytest.mark.terraform
def test_no_argument_or_block_is_deprecated(schema: dict[str, Any]) -> None:
    found = []
    checked = 0
    for path, kind, type_name, body in used_blocks():
        schemas = schema["resource_schemas" if kind == "resource" else "data_source_schemas"]
        block = schemas[type_name]["block"]
        assert not block.get("deprecated"), f"{kind} {type_name} is deprecated"
        found += deprecated_uses(body, block, f"{path.relative_to(ROOT)}: {type_name}")
        checked += 1
    assert checked >= 25, "the parser found the module's resources"
    assert not found


@pytest.mark.terraform
def test_no_referenced_attribute_is_deprecated(schema: dict[str, Any]) -> None:
    found = []
    references = 0
    for path in TERRAFORM_FILES:
        for match in REFERENCE.finditer(path.read_text()):
            kind = "data" if match["kind"] else "resource"
            schemas = schema["resource_schemas" if kind == "resource" else "data_source_schemas"]
            if match["type"] not in schemas:
                continue
            references += 1
            key = (f"{'data.' if match['kind'] else ''}{match['type']}", match["attr"])
            attributes = schemas[match["type"]]["block"].get("attributes", {})
            if attributes.get(match["attr"], {}).get("deprecated") or key in DEPRECATED_IN_6:
                found.append(f"{path.relative_to(ROOT)}: {match[0]} ({DEPRECATED_IN_6.get(key)})")
    assert references >= 20, "the scanner found the module's references"
    assert not found
