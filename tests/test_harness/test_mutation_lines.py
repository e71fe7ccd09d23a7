"""tools/mutation_lines.py: a mutant runs only the tests that execute the statement it changes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pytest

from tools import mutation_lines
from tools.paths import ROOT

ORIGINAL = textwrap.dedent(
    '''\
    """A module."""


    def pick(value: int, limit: int = 3) -> str:
        """Say which side of the limit."""
        if value > limit:
            return "over"
        total = (
            value
            + limit
        )
        return f"under by {total}"


    class Box:
        def size(self) -> int:
            return 1
    '''
)


def copy_of(name: str, body: str) -> str:
    """A function of ORIGINAL as mutmut writes its copies: the same text, another name."""
    return body.replace("def pick(", f"def {name}(", 1).replace("def size(", f"def {name}(", 1)


PICK = ORIGINAL[ORIGINAL.index("def pick(") : ORIGINAL.index("class Box")]


def mutated_module(mutant: str) -> str:
    """mutmut's mutated module: the original function's copy and one mutant of it."""
    return copy_of("x_pick__mutmut_orig", PICK) + "\n\n" + copy_of("x_pick__mutmut_1", mutant)


def lines_for(mutant: str) -> set[int] | None:
    changed = mutation_lines.changed_offsets(mutated_module(mutant), "x_pick", "1")
    assert changed is not None
    return mutation_lines.statement_lines(ORIGINAL, "x_pick", *changed)


def line_of(text: str) -> int:
    return ORIGINAL.splitlines().index(text) + 1


def test_a_changed_condition_selects_its_whole_if_statement() -> None:
    mutant = PICK.replace("if value > limit:", "if value >= limit:")
    assert lines_for(mutant) == {line_of("    if value > limit:"), line_of('        return "over"')}


def test_a_change_inside_a_statement_of_several_lines_selects_all_its_lines() -> None:
    mutant = PICK.replace("+ limit", "- limit")
    start = line_of("    total = (")
    assert lines_for(mutant) == set(range(start, start + 4))


def test_a_removed_line_selects_the_statement_it_was_in() -> None:
    mutant = PICK.replace('    return f"under by {total}"\n', "")
    assert lines_for(mutant) == {line_of('    return f"under by {total}"')}


def test_a_changed_default_value_selects_the_whole_function() -> None:
    mutant = PICK.replace("limit: int = 3", "limit: int = 4")
    start = line_of("def pick(value: int, limit: int = 3) -> str:")
    assert lines_for(mutant) == set(range(start, line_of('    return f"under by {total}"') + 1))


def test_a_copy_that_is_not_the_original_text_selects_nothing() -> None:
    changed = mutation_lines.changed_offsets(
        mutated_module(PICK.replace("> limit", ">= limit")), "x_pick", "1"
    )
    assert changed is not None
    other_original = ORIGINAL.replace('    """Say which side of the limit."""\n', "")
    assert mutation_lines.statement_lines(other_original, "x_pick", *changed) is None


def test_a_mutant_missing_from_the_module_selects_nothing() -> None:
    assert mutation_lines.changed_offsets(mutated_module(PICK), "x_pick", "2") is None


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """An original package, its mutated copy (a method's mutant) and a map of three tests."""
    source = tmp_path / "lambda"
    (source / "flag_rollback").mkdir(parents=True)
    (source / "flag_rollback" / "mod.py").write_text(ORIGINAL)
    mutated = tmp_path / "mutants" / "src"
    (mutated / "flag_rollback").mkdir(parents=True)
    size = "    def size(self) -> int:\n        return 1\n"
    body = copy_of("x\u01c1Box\u01c1size__mutmut_orig", size)
    body += copy_of("x\u01c1Box\u01c1size__mutmut_1", size.replace("return 1", "return 2"))
    body += mutated_module(PICK.replace("if value > limit:", "if value < limit:"))
    (mutated / "flag_rollback" / "mod.py").write_text("class Box:\n" + body)
    recorded = {
        "source_root": str(source),
        "fingerprint": "",
        "tests": ["t::over", "t::under", "t::box"],
        "files": {
            "flag_rollback/mod.py": {
                str(line_of("    if value > limit:")): [0, 1],
                str(line_of('        return "over"')): [0],
                str(line_of('    return f"under by {total}"')): [1],
                str(line_of("        return 1")): [2],
            }
        },
    }
    (tmp_path / "lines.json").write_text(json.dumps(recorded))
    return tmp_path / "lines.json", mutated


def test_the_tests_executing_a_functions_or_a_methods_change_are_chosen(
    layout: tuple[Path, Path],
) -> None:
    map_path, mutated = layout
    pick = mutation_lines.tests_executing("flag_rollback.mod.x_pick__mutmut_1", map_path, mutated)
    size = "flag_rollback.mod.x\u01c1Box\u01c1size__mutmut_1"
    assert pick == {"t::over", "t::under"}
    assert mutation_lines.tests_executing(size, map_path, mutated) == {"t::box"}


@pytest.mark.parametrize(
    "mutant",
    ["flag_rollback.mod.x_pick__mutmut_9", "flag_rollback.gone.x_pick__mutmut_1", "stats", ""],
)
def test_a_mutant_the_map_cannot_place_runs_every_test(
    layout: tuple[Path, Path], mutant: str
) -> None:
    map_path, mutated = layout
    assert mutation_lines.tests_executing(mutant, map_path, mutated) is None


@dataclass
class _Item:
    nodeid: str


@dataclass
class _Hook:
    deselected: list[str] = field(default_factory=list)

    def pytest_deselected(self, items: list[_Item]) -> None:
        self.deselected += [item.nodeid for item in items]


@dataclass
class _Config:
    hook: _Hook = field(default_factory=_Hook)


def test_select_deselects_the_tests_that_never_execute_the_change(
    layout: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    map_path, mutated = layout
    monkeypatch.chdir(mutated.parent)
    monkeypatch.setenv("MUTANT_UNDER_TEST", "flag_rollback.mod.x\u01c1Box\u01c1size__mutmut_1")
    monkeypatch.setenv(mutation_lines.MAP_VARIABLE, str(map_path))
    items = [_Item("t::over"), _Item("t::box"), _Item("t::new")]
    config = _Config()

    mutation_lines.select(cast("list[Any]", items), cast("Any", config))

    assert [item.nodeid for item in items] == ["t::box"]
    assert config.hook.deselected == ["t::over", "t::new"]


def test_the_map_records_the_lines_each_test_executes(tmp_path: Path) -> None:
    """A real pytest run under the plugin: each test is its own coverage context."""
    (tmp_path / "lambda" / "flag_rollback").mkdir(parents=True)
    (tmp_path / "lambda" / "flag_rollback" / "mod.py").write_text(ORIGINAL)
    (tmp_path / "test_mod.py").write_text(
        "from flag_rollback.mod import pick\n\n"
        "def test_over():\n    assert pick(5) == 'over'\n\n"
        "def test_under():\n    assert pick(1) == 'under by 4'\n"
    )
    out = tmp_path / "lines.json"
    env = os.environ | {
        mutation_lines.RECORD_VARIABLE: str(out),
        "MUTATION_LINES_SOURCE": str(tmp_path / "lambda"),
        "PYTHONPATH": os.pathsep.join([str(tmp_path / "lambda"), str(ROOT)]),
    }
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:xdist"]
    command += ["-p", "tools.mutation_lines", "-c", os.devnull, "--rootdir", str(tmp_path)]
    ran = subprocess.run([*command, "test_mod.py"], cwd=tmp_path, env=env, check=False)
    assert ran.returncode == 0

    recorded = json.loads(out.read_text())
    by_line = {
        int(line): sorted(recorded["tests"][index] for index in indexes)
        for line, indexes in recorded["files"]["flag_rollback/mod.py"].items()
    }
    both = ["test_mod.py::test_over", "test_mod.py::test_under"]
    assert recorded["source_root"] == str((tmp_path / "lambda").resolve())
    assert by_line[line_of("    if value > limit:")] == both
    assert by_line[line_of('        return "over"')] == ["test_mod.py::test_over"]
    assert by_line[line_of('    return f"under by {total}"')] == ["test_mod.py::test_under"]
    assert line_of("        return 1") not in by_line  # Box.size: no test calls it
