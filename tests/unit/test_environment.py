"""One environment, several profiles: what the function sees of its own profile and of others.

AppConfig runs one deployment at a time per environment, whatever its profile, so another
profile's rollout blocks StartDeployment (holder) but is never this profile's base
(completed) nor a rollout this function may stop (in_progress).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flag_rollback.appconfig import STOP_MARGIN, Deployment, Environment

MINE = "flags"
OTHER = "payments"


def row(number: int, profile: str, version: int | None, state: str, label: str = "") -> Deployment:
    return Deployment(number, profile, version, state, label)


def env(*rows: Deployment) -> Environment:
    return Environment(MINE, tuple(rows))


def test_the_base_is_this_profiles_last_complete_deployment_not_a_newer_one_of_another():
    seen = env(
        row(5, OTHER, 9, "COMPLETE"), row(4, MINE, 2, "COMPLETE"), row(3, MINE, 1, "COMPLETE")
    )
    completed = seen.completed()
    assert completed is not None
    assert (completed.number, completed.version) == (4, 2)


def test_no_complete_deployment_of_this_profile_means_none_even_when_others_have_one():
    assert env(row(2, OTHER, 3, "COMPLETE"), row(1, MINE, 1, "ROLLED_BACK")).completed() is None


def test_another_profiles_rollout_blocks_the_environment_but_is_not_ours_to_stop():
    seen = env(row(6, OTHER, 4, "BAKING"), row(5, MINE, 2, "COMPLETE"))
    assert seen.in_progress() is None
    holder = seen.holder()
    assert holder is not None
    assert (holder.number, holder.profile_name) == (6, OTHER)


@pytest.mark.parametrize("state", ["DEPLOYING", "BAKING", "VALIDATING"])
def test_this_profiles_unfinished_rollout_is_in_progress_and_holds_the_environment(state: str):
    seen = env(row(7, MINE, 3, state), row(6, OTHER, 1, "COMPLETE"), row(5, MINE, 2, "COMPLETE"))
    current = seen.in_progress()
    assert current is not None
    assert current.number == 7
    assert seen.holder() == current


@pytest.mark.parametrize("profile", [MINE, OTHER])
def test_a_rollout_rolling_back_holds_the_environment_but_cannot_be_stopped(profile: str):
    seen = env(row(3, profile, 2, "ROLLING_BACK"), row(2, MINE, 1, "COMPLETE"))
    assert seen.in_progress() is None
    holder = seen.holder()
    assert holder is not None
    assert holder.state == "ROLLING_BACK"


@pytest.mark.parametrize("state", ["COMPLETE", "ROLLED_BACK", "REVERTED"])
def test_finished_deployments_hold_nothing(state: str):
    seen = env(row(3, OTHER, 2, state), row(2, MINE, 1, state))
    assert seen.holder() is None
    assert seen.in_progress() is None


def test_the_highest_version_counts_this_profile_only():
    seen = env(
        row(4, OTHER, 40, "COMPLETE"), row(3, MINE, 7, "ROLLED_BACK"), row(2, MINE, 5, "COMPLETE")
    )
    assert seen.highest_version() == 7
    assert env(row(1, OTHER, 3, "COMPLETE")).highest_version() == 0
    assert env().highest_version() == 0
    assert env(row(1, MINE, None, "COMPLETE")).highest_version() == 0


@pytest.mark.parametrize(
    ("label", "own"),
    [
        ("flag-rollback:20261123T100000Z:checkout", True),
        ("flag-restore:20261123T100000Z:checkout", True),
        ("", False),
        ("release 42", False),
        ("flag-rollback", False),
        ("my flag-rollback:x", False),
    ],
)
def test_own_deployments_are_recognised_by_their_label_prefix(label: str, own: bool):
    assert row(1, MINE, 1, "COMPLETE", label).own is own


def test_the_newest_deployment_number_counts_every_profile_and_is_0_when_none():
    assert env(row(9, OTHER, 1, "COMPLETE"), row(4, MINE, 2, "COMPLETE")).newest_number() == 9
    assert env().newest_number() == 0


def test_a_rollout_ends_soon_only_when_less_than_the_stop_margin_is_left():
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

    def ending(at: datetime | None) -> Deployment:
        return Deployment(1, MINE, 1, "BAKING", "", ends_at=at)

    assert ending(None).ends_soon(now) is False  # unknown end: never assumed to be near
    assert ending(now + STOP_MARGIN).ends_soon(now) is False
    assert ending(now + STOP_MARGIN * 0.999).ends_soon(now) is True
    assert ending(now).ends_soon(now) is True
