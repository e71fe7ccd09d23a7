"""tools/mutation_order.py: a mutant's tests run fastest first, by mutmut's measured durations."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest

from tools import mutation_order


@dataclass
class _Item:
    nodeid: str


def _sorted(ids: list[str]) -> list[str]:
    items = [_Item(nodeid) for nodeid in ids]
    mutation_order.pytest_collection_modifyitems(cast("Any", None), cast("list[Any]", items))
    return [item.nodeid for item in items]


@pytest.fixture
def in_mutants(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(mutation_order, "_LOADED", {})
    return tmp_path


def test_tests_run_fastest_first_and_unmeasured_ones_last(in_mutants: Path) -> None:
    durations = {"t::slow": 5.0, "t::fast": 0.01, "t::middle": 0.5}
    stats = {"duration_by_test": durations, "tests_by_mangled_function_name": {}}
    (in_mutants / "mutmut-stats.json").write_text(json.dumps(stats))

    order = _sorted(["t::slow", "t::new", "t::middle", "t::fast"])

    assert order == ["t::fast", "t::middle", "t::slow", "t::new"]


def test_the_order_is_left_alone_before_mutmut_has_measured(in_mutants: Path) -> None:
    assert _sorted(["t::b", "t::a", "t::c"]) == ["t::b", "t::a", "t::c"]
    (in_mutants / "mutmut-stats.json").write_text("{not json")
    assert _sorted(["t::b", "t::a"]) == ["t::b", "t::a"]
