"""pytest plugin for ``make mutation``: run only a mutant's tests that execute the changed
statement (tools/mutation_lines.py), fastest first.

mutmut runs every test that reaches the mutated function with ``-x``, in the order pytest
collects them. A killed mutant costs the time of the tests before the first that fails, so
the fast ones go first; the per-test durations are the ones mutmut measured in its stats run
(``mutants/mutmut-stats.json``, present from then on; absent during that run, when the
order is left alone). The functional fixtures are function-scoped, so reordering across
modules sets nothing up twice.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tools import mutation_lines

STATS = Path("mutmut-stats.json")  # the runs happen in mutants/


_LOADED: dict[str, float] = {}


def _durations() -> dict[str, float]:
    """The measured durations, read once the stats file exists (then kept for every fork)."""
    if _LOADED:
        return _LOADED
    try:
        loaded = json.loads(STATS.read_text())
    except (OSError, ValueError):
        return {}
    durations = loaded.get("duration_by_test", {}) if isinstance(loaded, dict) else {}
    _LOADED.update({str(k): float(v) for k, v in durations.items() if isinstance(v, int | float)})
    return _LOADED


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep the tests that execute the mutated statement; sort them by their measured
    duration, unknown ones last."""
    mutation_lines.select(items, config)
    durations = _durations()
    if durations:
        items.sort(key=lambda item: durations.get(item.nodeid, math.inf))
