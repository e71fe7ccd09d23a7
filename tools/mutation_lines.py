"""Which tests execute the statement a mutant changes: ``make mutation``'s test selection.

mutmut runs, for each mutant, every test that reaches the mutated *function*. A test that
never executes the changed *statement* runs the mutant exactly as it runs the original
code (everything it executes is the same), so it cannot kill it: skipping it changes no
verdict and saves its time. For a function most functional tests call (``service._deploy``,
``handler._run``), a mutant in a branch few tests take then costs a few tests instead of
the whole functional suite.

Two halves:

* **the map** (``record``): the suites are run once, unmutated, under coverage.py with one
  coverage context per test, and the lines of ``flag_rollback`` each test executed are
  written to a JSON file (``python -m pytest -p tools.mutation_lines`` with
  ``MUTATION_LINES_RECORD=<file>``; ``tools/mutation.py`` does it before ``mutmut run``);
* **the selection** (``tests_executing``): for a mutant, the changed lines are found by
  comparing its function with mutmut's copy of the original (``x_<name>__mutmut_orig``)
  in the mutated module; each is widened to the smallest statement of the original source
  holding it (coverage reports a statement by its first line; a changed default value
  widens to the whole function); the tests that executed any line of those statements
  are the selection.

The selection can only remove tests, never add a verdict: a mutant is killed only by a
test that failed. If the map is out of date or a test takes a branch only some runs take
(threads), the cost is a survivor too many, which the review of survivors then finds
(``--all-tests`` runs them without selection); the score is never raised by it. Whenever
the changed lines cannot be told, every test mutmut chose is run.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import json
import os
from collections.abc import Generator, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import coverage
import pytest

RECORD_VARIABLE = "MUTATION_LINES_RECORD"  # set: this pytest run writes the map there
MAP_VARIABLE = "MUTATION_LINES"  # set in mutant runs: the map to select tests by
PACKAGE = "flag_rollback"
SUITES = ("unit", "functional")  # the suites mutmut runs, beside tests/*.py helpers
Function = ast.FunctionDef | ast.AsyncFunctionDef


def fingerprint(source_root: Path, tests_root: Path) -> str:
    """A digest of the payload's and the suites' files (and the helpers beside them): the map
    is only good for these."""
    digest = hashlib.sha256()
    suites = [path for part in SUITES for path in (tests_root / part).rglob("*.py")]
    files = sorted([*source_root.glob(f"{PACKAGE}/*.py"), *tests_root.glob("*.py"), *suites])
    for path in files:
        digest.update(str(path.relative_to(path.anchor)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# ---------------------------------------------------------------- the selection


def _functions(tree: ast.Module) -> Iterator[tuple[str, Function]]:
    """(mutmut's mangled name, node) of every module function and method."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield f"x_{node.name}", node
        elif isinstance(node, ast.ClassDef):
            for inner in node.body:
                if isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef):
                    yield f"x\u01c1{node.name}\u01c1{inner.name}", inner


def _lines(source: list[str], node: Function) -> list[str]:
    """The function's source lines, its own name cut from its ``def`` line."""
    lines = source[node.lineno - 1 : node.end_lineno]
    return [lines[0].replace(f"def {node.name}(", "def (", 1), *lines[1:]]


def changed_offsets(
    mutated_module: str, mangled: str, number: str
) -> tuple[set[int], list[str]] | None:
    """Offsets (from the ``def`` line) of the original function's lines the mutant changes,
    and mutmut's copy of the original function (its name cut).

    Lines a mutant inserts count as changing the original lines around them. None when
    mutmut's copies of the function are not both in the module.
    """
    source = mutated_module.splitlines()
    nodes = {}
    for node in ast.walk(ast.parse(mutated_module)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            nodes[node.name] = node
    original = nodes.get(f"{mangled}__mutmut_orig")
    mutant = nodes.get(f"{mangled}__mutmut_{number}")
    if original is None or mutant is None:
        return None
    before, after = _lines(source, original), _lines(source, mutant)
    offsets: set[int] = set()
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag in {"replace", "delete"}:
            offsets.update(range(i1, i2))
        elif tag == "insert":
            offsets.update({max(i1 - 1, 0), min(i1, len(before) - 1)})
    return offsets, before


def statement_lines(
    original_module: str, mangled: str, offsets: set[int], copy: list[str]
) -> set[int] | None:
    """The original file's lines of the smallest statements holding the changed lines.

    None when the function is not in the original module, or its text is not mutmut's
    copy of it (``copy``; then the offsets would point elsewhere).
    """
    tree = ast.parse(original_module)
    found = dict(_functions(tree)).get(mangled)
    if found is None or _lines(original_module.splitlines(), found) != copy:
        return None
    start = found.lineno
    wanted = {start + offset for offset in offsets}
    statements = [node for node in ast.walk(found) if isinstance(node, ast.stmt)]
    lines: set[int] = set()
    for line in wanted:
        holding = [
            node for node in statements if node.lineno <= line <= (node.end_lineno or node.lineno)
        ]
        smallest = min(holding, key=lambda node: (node.end_lineno or 0) - node.lineno)
        if smallest is found or line < _body_start(found):
            smallest = found  # the signature, a default value, a decorator: every call
        lines.update(range(smallest.lineno, (smallest.end_lineno or smallest.lineno) + 1))
    return lines


def _body_start(function: Function) -> int:
    return function.body[0].lineno


@cache
def _map(path: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(Path(path).read_text())
    return loaded


def tests_executing(mutant: str, map_path: Path, mutated_root: Path) -> set[str] | None:
    """The tests that executed a statement the mutant changes; None: do not select.

    ``mutant`` is mutmut's name (``flag_rollback.<module>.<mangled>__mutmut_<n>``),
    ``mutated_root`` the folder holding the mutated package (mutmut's ``mutants/src``).
    """
    module, _, function = mutant.rpartition(".")
    mangled, marker, number = function.rpartition("__mutmut_")
    if not marker or not module.startswith(f"{PACKAGE}."):
        return None
    try:
        recorded = _map(str(map_path))
    except (OSError, ValueError):
        return None
    relative = module.replace(".", "/") + ".py"
    mutated = mutated_root / relative
    original = Path(recorded["source_root"]) / relative
    try:
        changed = changed_offsets(mutated.read_text(), mangled, number)
        if changed is None:
            return None
        lines = statement_lines(original.read_text(), mangled, *changed)
    except (OSError, SyntaxError):
        return None
    if lines is None:
        return None
    by_line: dict[str, list[int]] = recorded["files"].get(relative, {})
    tests: list[list[int]] = [by_line.get(str(line), []) for line in lines]
    names: list[str] = recorded["tests"]
    return {names[index] for indexes in tests for index in indexes}


def select(items: list[pytest.Item], config: pytest.Config) -> None:
    """Deselect the tests that never execute the statement the mutant under test changes."""
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    map_path = os.environ.get(MAP_VARIABLE)
    if "__mutmut_" not in mutant or not map_path:
        return
    chosen = tests_executing(mutant, Path(map_path), Path("src"))
    if chosen is None:
        return
    dropped = [item for item in items if item.nodeid not in chosen]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item.nodeid in chosen]


# ---------------------------------------------------------------- the map


class Recorder:
    """A pytest plugin: one coverage context per test, the map written at the end."""

    def __init__(self, out: Path, source_root: Path) -> None:
        self.out = out
        self.source_root = source_root
        self.cov = coverage.Coverage(
            data_file=None, source=[str(source_root / PACKAGE)], branch=False
        )
        self.cov.start()

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, object, object]:
        self.cov.switch_context(item.nodeid)
        try:
            return (yield)
        finally:
            self.cov.switch_context("")

    def pytest_unconfigure(self) -> None:
        self.cov.stop()
        data = self.cov.get_data()
        tests: dict[str, int] = {}
        files: dict[str, dict[str, list[int]]] = {}
        for measured in sorted(data.measured_files()):
            relative = Path(measured).resolve().relative_to(self.source_root.resolve())
            by_line: dict[str, list[int]] = {}
            for line, contexts in sorted(data.contexts_by_lineno(measured).items()):
                indexes = [tests.setdefault(name, len(tests)) for name in contexts if name]
                if indexes:
                    by_line[str(line)] = sorted(indexes)
            files[relative.as_posix()] = by_line
        self.out.write_text(
            json.dumps(
                {
                    "source_root": str(self.source_root.resolve()),
                    "fingerprint": os.environ.get("MUTATION_LINES_FINGERPRINT", ""),
                    "tests": list(tests),
                    "files": files,
                }
            )
        )


def pytest_configure(config: pytest.Config) -> None:
    out = os.environ.get(RECORD_VARIABLE)
    if out:
        source_root = Path(os.environ.get("MUTATION_LINES_SOURCE", "lambda"))
        config.pluginmanager.register(Recorder(Path(out), source_root), "mutation-lines")
