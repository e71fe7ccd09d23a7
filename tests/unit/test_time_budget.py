"""Time budgets in the right unit: Lambda gives milliseconds, the function plans in seconds.

The work must end SAFETY_MARGIN_S before Lambda's own timeout; waits between retries grow
exponentially with jitter, are capped, and are never started when they would outlast it.
"""

from __future__ import annotations

import pytest
from flag_rollback import handler, service
from flag_rollback.errors import TransientError

NOW = 1_000.0  # monotonic seconds


class Context:
    """The part of Lambda's context object the function reads."""

    def __init__(self, remaining_ms: int) -> None:
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """time.monotonic() stands at NOW; sleeps are recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(handler.time, "monotonic", lambda: NOW)
    monkeypatch.setattr(service.time, "monotonic", lambda: NOW)
    monkeypatch.setattr(service.time, "sleep", slept.append)
    return slept


@pytest.mark.parametrize(
    ("remaining_ms", "deadline"),
    [
        (10_000, NOW + 7.0),  # 10 s left, 3 s kept for the report: 7 s of work
        (900_000, NOW + 897.0),  # Lambda's longest timeout
        (3_001, NOW + 0.001),
        (3_000, NOW),  # exactly the margin: no time for work, never a deadline in the past
        (1_000, NOW),
    ],
)
def test_deadline_is_the_remaining_milliseconds_in_seconds_minus_the_margin(
    frozen_clock: list[float], remaining_ms: int, deadline: float
):
    clock = handler._clock(Context(remaining_ms))
    assert clock.started == NOW
    assert clock.deadline == pytest.approx(deadline, abs=1e-9)


def test_without_a_lambda_context_the_default_budget_applies(frozen_clock: list[float]):
    clock = handler._clock(None)
    assert clock.deadline == NOW + handler.DEFAULT_BUDGET_S - handler.SAFETY_MARGIN_S
    assert clock.deadline == NOW + 57.0


def test_backoff_doubles_from_the_base_with_jitter_and_is_capped(frozen_clock: list[float]):
    timing = service.Timing()
    for attempt in range(8):
        service.backoff(attempt, deadline=NOW + 3600)
    expected = [min(timing.backoff_max_s, timing.backoff_base_s * 2**n) for n in range(8)]
    assert expected == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0, 8.0]
    for delay, ceiling in zip(frozen_clock, expected, strict=True):
        assert ceiling / 2 <= delay <= ceiling  # full jitter down to half the step


def test_backoff_that_would_outlast_the_deadline_raises_instead_of_sleeping(
    frozen_clock: list[float],
):
    with pytest.raises(TransientError) as caught:
        service.backoff(0, deadline=NOW + 0.2)  # the first wait is at least 0.25 s
    assert caught.value.code == "deadline"
    assert frozen_clock == []


def test_backoff_ending_exactly_at_the_deadline_still_sleeps(
    frozen_clock: list[float], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(service.random, "uniform", lambda low, high: high)  # no jitter
    service.backoff(1, deadline=NOW + 1.0)  # the second wait is 1.0 s: it ends on the dot
    assert frozen_clock == [1.0]
    with pytest.raises(TransientError) as caught:
        service.backoff(1, deadline=NOW + 0.999)
    assert caught.value.message == "the environment stayed busy until the time ran out"


def test_backoff_that_ends_within_the_deadline_sleeps(frozen_clock: list[float]):
    service.backoff(0, deadline=NOW + 0.5)  # the first wait is at most 0.5 s
    assert len(frozen_clock) == 1
    assert 0.25 <= frozen_clock[0] <= 0.5
