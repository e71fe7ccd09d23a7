"""Restarting another profile's rollout once the rollback has deployed (foreign.restart).

GetDeployment and StartDeployment are answered by a fake AppConfig on a clock the test
drives: the restart's polls, pauses, requests, log lines and result are what is asserted.
"""

from __future__ import annotations

import json
import random
import time
from typing import Any, cast

import pytest
from flag_rollback import appconfig, foreign
from flag_rollback.appconfig import DeploymentDetail, EnvironmentBusyError
from flag_rollback.foreign import StoppedRollout
from flag_rollback.settings import Settings

SETTINGS = cast("Settings", object())  # only handed on to the fake AppConfig
ROLLBACK = 5  # the rollback's deployment, which the restart waits for
RESTARTED = 12  # the number StartDeployment gives the restart
STOPPED = StoppedRollout(
    deployment_number=7,
    profile_id="web0001",
    profile_name="web-config",
    version="12",
    strategy_id="lin6000",
    state="DEPLOYING",
    description="theme rollout",
)
SAME_ROLLOUT = {"version": "12", "profile_id": "web0001", "strategy_id": "lin6000"}
GUARD = 200  # polls or pauses: a restart that never gives up fails the test instead


class FakeAppConfig:
    """The rollback deployment is busy for ``busy_polls`` GetDeployment calls; the first
    ``busy_starts`` StartDeployment calls find another deployment holding the environment."""

    def __init__(
        self, monkeypatch: pytest.MonkeyPatch, *, busy_polls: int = 0, busy_starts: int = 0
    ) -> None:
        self.now = 1000.0
        self.busy_polls = busy_polls
        self.busy_starts = busy_starts
        self.polls: list[int] = []
        self.starts: list[dict[str, Any]] = []
        self.pauses: list[float] = []
        monkeypatch.setattr(time, "monotonic", lambda: self.now)
        monkeypatch.setattr(time, "sleep", self.sleep)
        monkeypatch.setattr(appconfig, "get_deployment", self.get_deployment)
        monkeypatch.setattr(appconfig, "start_deployment", self.start_deployment)

    def sleep(self, seconds: float) -> None:
        assert len(self.pauses) < GUARD, "the restart never gave up"
        self.pauses.append(seconds)
        self.now += seconds

    def get_deployment(self, settings: Settings, number: int) -> DeploymentDetail:
        assert len(self.polls) < GUARD, "the restart never gave up"
        self.polls.append(number)
        state = "BAKING" if len(self.polls) <= self.busy_polls else "COMPLETE"
        return DeploymentDetail(number, state, "prof001", "flags", "3", "AppConfig.AllAtOnce", "")

    def start_deployment(self, settings: Settings, **request: Any) -> int:
        self.starts.append(request)
        if len(self.starts) <= self.busy_starts:
            raise EnvironmentBusyError("environment_busy", "another deployment is in progress")
        return RESTARTED


def records(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """The decision lines logged, without their clock fields."""
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return [{k: v for k, v in line.items() if k not in {"time", "timestamp"}} for line in lines]


def assert_backoff(pauses: list[float]) -> None:
    """Each pause is its step, jittered down to no less than half: the steps double from
    the first poll interval up to the longest one."""
    step = foreign._POLL_BASE_S
    for pause in pauses:
        assert step / 2 <= pause <= step
        step = min(foreign._POLL_MAX_S, step * 2)


def test_the_restart_waits_for_the_rollback_then_starts_the_same_rollout_again(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeAppConfig(monkeypatch, busy_polls=12)

    result = foreign.restart(SETTINGS, STOPPED, after=ROLLBACK, deadline=fake.now + 3600)

    assert result == StoppedRollout(**{**STOPPED.__dict__, "restarted_as": RESTARTED})
    assert fake.polls == [ROLLBACK] * 13  # until it was no longer busy
    assert len(fake.pauses) == 12
    assert_backoff(fake.pauses)
    assert fake.starts == [
        {
            **SAME_ROLLOUT,
            "description": "Restarted by flag-rollback after its rollback deployment 5: "
            "theme rollout",
        }
    ]
    assert records(capsys) == [
        {"level": "INFO", "decision": "restarted_rollout", "deployment": 7, "restarted_as": 12}
    ]


def test_a_restart_that_finds_the_environment_held_tries_again_with_backoff(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = FakeAppConfig(monkeypatch, busy_starts=10)

    result = foreign.restart(SETTINGS, STOPPED, after=ROLLBACK, deadline=fake.now + 3600)

    assert result.restarted_as == RESTARTED
    assert result.restart_error is None
    assert len(fake.starts) == 11
    assert all(request == fake.starts[0] for request in fake.starts)
    assert len(fake.pauses) == 10
    assert_backoff(fake.pauses)


def test_after_a_failed_rollback_the_rollout_is_restarted_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No rollback deployment to wait for (``after=None``): the description says so."""
    fake = FakeAppConfig(monkeypatch)
    stopped = StoppedRollout(**{**STOPPED.__dict__, "description": ""})

    result = foreign.restart(SETTINGS, stopped, after=None, deadline=fake.now + 3600)

    assert result.restarted_as == RESTARTED
    assert fake.polls == []
    assert fake.pauses == []
    note = "Restarted by flag-rollback after its rollback deployment -"
    assert fake.starts == [{**SAME_ROLLOUT, "description": note}]


@pytest.mark.parametrize(
    ("busy", "why"),
    [
        ({"busy_polls": GUARD}, "rollback deployment 5 was still in progress"),
        ({"busy_starts": GUARD}, "another deployment held the environment"),
    ],
)
def test_a_restart_gives_up_before_the_invocation_ends_and_says_why(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    busy: dict[str, int],
    why: str,
) -> None:
    fake = FakeAppConfig(monkeypatch, **busy)
    deadline = fake.now + 20.0

    result = foreign.restart(SETTINGS, STOPPED, after=ROLLBACK, deadline=deadline)

    assert result == StoppedRollout(**{**STOPPED.__dict__, "restart_error": why})
    assert fake.now <= deadline  # no pause outlasted the invocation
    assert fake.pauses  # it did wait while there was time
    assert_backoff(fake.pauses)
    assert records(capsys) == [
        {"level": "ERROR", "decision": "restart_failed", "deployment": 7, "why": why}
    ]


def test_a_pause_that_ends_exactly_at_the_deadline_is_still_taken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(random, "uniform", lambda low, high: high)  # no jitter: a full step
    fake = FakeAppConfig(monkeypatch, busy_polls=1)

    result = foreign.restart(
        SETTINGS, STOPPED, after=ROLLBACK, deadline=fake.now + foreign._POLL_BASE_S
    )

    assert result.restarted_as == RESTARTED
    assert fake.pauses == [foreign._POLL_BASE_S]
