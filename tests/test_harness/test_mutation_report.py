"""tools/mutation.py: the score, the survivors with their diffs, and the timeouts named."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import mutation


def test_the_report_scores_lists_survivors_and_names_timeouts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(mutation, "STAGE", tmp_path / "stage")
    monkeypatch.setattr(mutation, "ROOT", tmp_path)
    monkeypatch.setattr(mutation, "diff", lambda name: f"- {name} before\n+ {name} after")
    (tmp_path / "stage").mkdir()
    codes: dict[str, int | None] = {"m.lived": 0, "m.failed": 1, "m.slow": -24}
    codes |= {"m.typed": 37, "m.unreached": 5, "m.waiting": None, "m.skipped": 34}

    score = mutation.report(codes, 90.0)

    assert score == 60.0  # failed, slow, typed of five tried
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "mutation score: 3 killed / 5 mutants = 60.0 %"
    counts = "{'0': 1, '5': 1, 'caught by type check': 1, 'killed': 1, 'timeout': 1}"
    assert out[1] == f"  by exit code: {counts}; not run: 2"
    assert "  survivors: 2, listed with diffs in stage/survivors.md" in out
    assert out[out.index("  survivors: 2, listed with diffs in stage/survivors.md") + 1 :] == [
        "    m.lived",
        "    m.unreached",
        "  timeouts: 1, counted killed; on a loaded machine, run them again",
        "  by name (MUTANTS=...) on an idle one: a timeout there is the tests noticing",
        "    m.slow",
    ]
    listed = (tmp_path / "stage" / "survivors.md").read_text()
    assert "## m.lived (exit 0)" in listed
    assert "+ m.unreached after" in listed
    assert "m.slow" not in listed
