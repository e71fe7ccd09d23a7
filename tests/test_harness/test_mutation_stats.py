"""tools/mutation.py: mutmut's map of tests to functions is collected afresh after a change."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import mutation


@pytest.fixture
def stats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "mutants" / "mutmut-stats.json"
    path.parent.mkdir()
    monkeypatch.setattr(mutation, "STATS", path)
    monkeypatch.setattr(mutation, "STATS_FINGERPRINT", tmp_path / "stats-fingerprint")
    return path


def test_the_map_is_kept_while_the_payload_and_suites_are_unchanged(stats: Path) -> None:
    assert mutation.forget_stale_test_stats("aaaa") is False  # the first run: no map yet
    stats.write_text("{}")

    assert mutation.forget_stale_test_stats("aaaa") is False
    assert stats.exists()


def test_the_map_is_deleted_once_after_a_change(stats: Path) -> None:
    mutation.forget_stale_test_stats("aaaa")
    stats.write_text("{}")

    assert mutation.forget_stale_test_stats("bbbb") is True
    assert not stats.exists()
    stats.write_text("{}")  # mutmut collected it again for "bbbb"
    assert mutation.forget_stale_test_stats("bbbb") is False
    assert stats.exists()


def test_a_map_of_unknown_age_is_deleted(stats: Path) -> None:
    stats.write_text("{}")  # left by a run before the fingerprint was recorded

    assert mutation.forget_stale_test_stats("aaaa") is True
    assert not stats.exists()
