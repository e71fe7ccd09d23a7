"""Mutation testing of the Lambda payload with mutmut: stage, run, score, list the survivors.

mutmut names each mutated module after its path (stripping a leading ``src/`` only) and
switches mutants on by that name, so ``lambda/flag_rollback/flags.py`` would be
``lambda.flag_rollback.flags``, a name the tests (which import ``flag_rollback.flags``)
never use. The run therefore happens in a staging folder, ``.cache/mutation``, whose links
show mutmut the repository as it expects it:

    pyproject.toml -> ../../pyproject.toml   ([tool.mutmut] and the pytest settings)
    src            -> ../../lambda           (so the package is src/flag_rollback)
    tests/         unit/, functional/ and tests/*.py helpers (links; mutmut copies tests/)
    emulator, tools -> ../../<same>          (copied by [tool.mutmut] also_copy)

The score is killed / (every mutant mutmut tried): a mutant no test reaches counts as a
survivor; a timeout counts as killed (the tests noticed). The survivors, with their diffs,
go to .cache/mutation/survivors.md; lambda/MUTATION.md is the reviewed account of them.

Usage: ``python tools/mutation.py [--max-children N] [--min-score P] [--keep] [PATTERN...]``
(PATTERN: mutant names or globs, e.g. ``'flag_rollback.flags.*'``, to run a subset).

``python -m tools.mutation --check TEST [--check TEST ...] NAME...`` answers, without a
mutmut run, whether the given test files (any path inside a ``tests/`` folder) kill each
named mutant of the last run: it runs them, with the checkout's current test helpers, in a
tree of its own beside the staged mutants, with each mutant switched on
(``MUTANT_UNDER_TEST``), as mutmut does. Use it while writing a test
for a survivor; it works while a run is going on, as does ``--survivors [GLOB...]``
(the survivors recorded so far, with their diffs).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from fnmatch import fnmatch
from pathlib import Path

from tools import mutation_lines
from tools.paths import CACHE_DIR, ROOT

STAGE = CACHE_DIR / "mutation"
PACKAGE = Path("src") / "flag_rollback"
TEST_DIRS = mutation_lines.SUITES
# Staging name -> repository path it links to.
LINKED = {"pyproject.toml": "pyproject.toml", "src": "lambda", "emulator": "emulator"}
LINKED |= {"tools": "tools"}
# mutmut's exit codes per mutant (mutmut.stats.status_by_exit_code), grouped for the score.
KILLED = {1: "killed", 3: "killed", 36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout"}
KILLED |= {255: "timeout", 37: "caught by type check"}
SKIPPED = {34: "skipped"}
STATS = STAGE / "mutants" / "mutmut-stats.json"  # mutmut's tests per function, durations
STATS_FINGERPRINT = STAGE / "stats-fingerprint"  # the payload and suites STATS was made for


def _link(path: Path, target: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    path.symlink_to(target)


def stage(*, keep: bool) -> None:
    """Lay out the staging folder; without ``keep``, forget every earlier result."""
    if not keep and STAGE.exists():
        shutil.rmtree(STAGE)
    for copied in ("tests", "emulator", "tools"):  # copied by mutmut over old copies: start afresh
        if (STAGE / "mutants" / copied).is_dir():
            shutil.rmtree(STAGE / "mutants" / copied)
    (STAGE / "tests").mkdir(parents=True, exist_ok=True)
    for name, target in LINKED.items():
        _link(STAGE / name, ROOT / target)
    # The two suites, and the shared helpers beside them (conftest.py, events.py, ...).
    helpers = [p.name for p in (ROOT / "tests").glob("*.py") if not p.name.startswith("test_")]
    for part in [*TEST_DIRS, *helpers]:
        if (ROOT / "tests" / part).exists():
            _link(STAGE / "tests" / part, ROOT / "tests" / part)


def forget_stale_test_stats(fingerprint: str) -> bool:
    """Delete mutmut's map of the functions each test reaches when the payload or the suites
    changed since it was collected; True when it was deleted.

    On a resumed run mutmut collects that map again only for tests it has not seen, so a
    test that reaches a function only since a change (a helper its code calls now) stays
    unmapped to it, and the helper's mutants run without that test and survive (it happened
    to ``text.whole_number``, taken out of ``hold_settings``). Without the map mutmut
    collects it whole (one run of the suites); the verdicts it keeps are not touched.
    """
    recorded = STATS_FINGERPRINT.read_text() if STATS_FINGERPRINT.exists() else None
    STATS_FINGERPRINT.write_text(fingerprint)
    if recorded == fingerprint or not STATS.exists():
        return False
    STATS.unlink()
    return True


def run_mutmut(max_children: int, patterns: list[str], lines: Path | None) -> int:
    """``mutmut run`` in the staging folder; its exit code."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    # pytest's unraisable-exception plugin collects garbage five times at the end of every
    # session: seconds per mutant in mutmut's 1 GB forks. A mutant is killed by a failing
    # test; the plugin only turns garbage-time exceptions into warnings. (An environment
    # variable, not [tool.mutmut]: mutmut would take a changed pytest setting as a reason
    # to forget every result of a run that is resumed with --keep.)
    env["PYTEST_ADDOPTS"] = "-p no:unraisableexception"
    if lines is not None:  # tools/mutation_order.py runs only the tests executing the change
        env[mutation_lines.MAP_VARIABLE] = str(lines)
    command = [sys.executable, "-m", "mutmut", "run", "--max-children", str(max_children)]
    return subprocess.run([*command, *patterns], cwd=STAGE, env=env, check=False).returncode


def line_map(fingerprint: str) -> Path:
    """The map of which test executes which payload line (tools/mutation_lines.py), recorded
    again when the payload or the suites changed since it was (about 3 minutes)."""
    out = STAGE / "lines.json"
    try:
        if json.loads(out.read_text()).get("fingerprint") == fingerprint:
            return out
    except (OSError, ValueError):
        pass
    print("recording which tests execute which payload lines (coverage, one run of the suites)")
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env |= {
        mutation_lines.RECORD_VARIABLE: str(out),
        "MUTATION_LINES_SOURCE": str(ROOT / "lambda"),
        "MUTATION_LINES_FINGERPRINT": fingerprint,
    }
    tests = [f"tests/{part}" for part in TEST_DIRS]
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:xdist"]
    command += ["-p", "tools.mutation_lines", *tests]
    ran = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if ran.returncode != 0:
        raise SystemExit(f"the suites fail unmutated; fix them first:\n{ran.stdout[-3000:]}")
    return out


def statuses() -> dict[str, int | None]:
    """Every mutant's exit code, from the .meta files mutmut writes next to each mutated file."""
    found: dict[str, int | None] = {}
    for meta in sorted((STAGE / "mutants" / PACKAGE).glob("*.py.meta")):
        found |= json.loads(meta.read_text())["exit_code_by_key"]
    return found


def diff(name: str) -> str:
    """The mutant's diff, as ``mutmut show`` prints it."""
    shown = subprocess.run(
        [sys.executable, "-m", "mutmut", "show", name],
        cwd=STAGE,
        capture_output=True,
        text=True,
        check=False,
    )
    return shown.stdout.strip()


def report(codes: dict[str, int | None], seconds: float) -> float:
    """Print the score and write the survivors (with diffs); return the score in percent."""
    tried = {name: code for name, code in codes.items() if code is not None and code not in SKIPPED}
    killed = [name for name, code in tried.items() if code in KILLED]
    survivors = sorted(name for name in tried if name not in killed)
    counts = Counter(KILLED.get(code, str(code)) for code in tried.values() if code is not None)
    score = 100.0 * len(killed) / len(tried) if tried else 0.0
    print(f"mutation score: {len(killed)} killed / {len(tried)} mutants = {score:.1f} %")
    print(f"  by exit code: {dict(sorted(counts.items()))}; not run: {len(codes) - len(tried)}")
    print(f"  duration: {seconds:.0f} s ({seconds / 60:.1f} min)")
    lines = [
        f"# Surviving mutants ({len(survivors)} of {len(tried)}; score {score:.1f} %)",
        "",
        "Exit code 0: the tests passed with the mutant in place; 33 or 5: no test reaches it.",
        "",
    ]
    for name in survivors:
        lines += [f"## {name} (exit {codes[name]})", "", "```diff", diff(name), "```", ""]
    out = STAGE / "survivors.md"
    out.write_text("\n".join(lines))
    print(f"  survivors: {len(survivors)}, listed with diffs in {out.relative_to(ROOT)}")
    for name in survivors:
        print(f"    {name}")
    timeouts = sorted(name for name, code in tried.items() if KILLED.get(code) == "timeout")
    if timeouts:  # counted killed, but under load a slow machine times out what no test notices
        print(f"  timeouts: {len(timeouts)}, counted killed; on a loaded machine, run them again")
        print("  by name (MUTANTS=...) on an idle one: a timeout there is the tests noticing")
        for name in timeouts:
            print(f"    {name}")
    return score


def _check_tree(tests: list[str]) -> tuple[Path, list[str]]:
    """A tree for ``--check``: the staged mutants with the tests of the given files' checkout.

    ``.cache/mutation/check-<pid>/`` (removed afterwards) links ``src`` to the staged
    (mutated) package, and holds a fresh copy of the checkout's ``tests/`` (unit,
    functional and the helpers beside them),
    so a new test may use helpers newer than those a running ``mutmut run`` copied, and
    that run's own copy is left alone. Returns the tree and the test paths inside it.
    """
    sources = [Path(test).resolve() for test in tests]
    roots = set()
    inside = []
    for source in sources:
        if "tests" not in source.parts:
            raise SystemExit(f"{source}: not under a tests/ folder")
        at = len(source.parts) - 1 - source.parts[::-1].index("tests")
        roots.add(Path(*source.parts[:at]))
        inside.append(str(Path(*source.parts[at:])))
    if len(roots) != 1:
        raise SystemExit("--check: give test files of one checkout")
    (checkout,) = roots
    tree = STAGE / f"check-{os.getpid()}"  # one per run: checks may go on side by side
    (tree / "tests").mkdir(parents=True)
    _link(tree / "src", STAGE / "mutants" / "src")
    for name, target in LINKED.items():
        if name != "src":
            _link(tree / name, ROOT / target)
    for part in (checkout / "tests").iterdir():
        if part.name in TEST_DIRS:
            shutil.copytree(part, tree / "tests" / part.name, ignore=_NOT_SOURCE)
        elif part.suffix == ".py" and not part.name.startswith("test_"):
            shutil.copyfile(part, tree / "tests" / part.name)
    return tree, inside


_NOT_SOURCE = shutil.ignore_patterns("__pycache__", "*.pyc")


def check(tests: list[str], names: list[str]) -> int:
    """Run ``tests`` against each named mutant of the staged tree; 0 when every one is killed."""
    if not (STAGE / "mutants" / PACKAGE).is_dir():
        print("no staged mutants: run make mutation first", file=sys.stderr)
        return 2
    tree, paths = _check_tree(tests)
    try:
        return _check_in(tree, paths, names)
    finally:
        shutil.rmtree(tree, ignore_errors=True)


def _check_in(tree: Path, paths: list[str], names: list[str]) -> int:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env["PYTHONPATH"] = os.pathsep.join(["src", "."])
    command = [sys.executable, "-m", "pytest", "-p", "no:xdist", "-x", "-q", "--no-header"]
    lived = []
    for name in names:
        env["MUTANT_UNDER_TEST"] = name
        ran = subprocess.run(
            [*command, *paths], cwd=tree, env=env, capture_output=True, check=False
        )
        # pytest: 1 = a test failed (killed), 0 = all passed; anything else is no verdict.
        verdicts = {1: "killed", 0: "SURVIVED"}
        print(f"{verdicts.get(ran.returncode, f'ERROR (pytest exit {ran.returncode})')}: {name}")
        if ran.returncode not in verdicts:
            print(ran.stdout.decode(errors="replace")[-2000:], file=sys.stderr)
        if ran.returncode != 1:
            lived.append(name)
    return 1 if lived else 0


def survivors(patterns: list[str]) -> int:
    """Print the survivors recorded so far (also during a run) matching the globs, with diffs."""
    codes = statuses()
    lived = [n for n, c in codes.items() if c is not None and c not in KILLED | SKIPPED]
    chosen = sorted(n for n in lived if not patterns or any(fnmatch(n, p) for p in patterns))
    for name in chosen:
        print(f"## {name} (exit {codes[name]})\n\n```diff\n{diff(name)}\n```\n")
    print(f"{len(chosen)} survivors; {sum(c is None for c in codes.values())} mutants not run yet")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-children", type=int, default=2, help="parallel mutant runs")
    parser.add_argument("--min-score", type=float, default=0.0, help="fail below this %%")
    parser.add_argument("--keep", action="store_true", help="reuse earlier results (mutants/)")
    parser.add_argument("--check", action="append", metavar="TEST", help="see the module doc")
    parser.add_argument("--survivors", action="store_true", help="list survivors so far, diffs")
    parser.add_argument(
        "--all-tests",
        action="store_true",
        help="run every test reaching a mutated function, not only those executing the change",
    )
    parser.add_argument("patterns", nargs="*", help="mutant names or globs (default: all)")
    args = parser.parse_args()
    if args.survivors:
        return survivors(args.patterns)
    if args.check:
        return check(args.check, args.patterns)
    stage(keep=args.keep)
    started = time.monotonic()
    fingerprint = mutation_lines.fingerprint(ROOT / "lambda", ROOT / "tests")
    if forget_stale_test_stats(fingerprint):
        print("the payload or the suites changed: mutmut maps the tests to functions afresh")
    lines = None if args.all_tests else line_map(fingerprint)
    code = run_mutmut(args.max_children, args.patterns, lines)
    seconds = time.monotonic() - started
    if code != 0:
        print(f"mutmut run failed (exit {code})", file=sys.stderr)
        return code
    score = report(statuses(), seconds)
    if score < args.min_score:
        print(f"mutation score {score:.1f} % is below {args.min_score} %", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
