"""LatestVersionNumber: a stale token is a lost race under either error AWS may answer.

No AWS text names the error a stale token gets; the model lists ConflictException and
BadRequestException for CreateHostedConfigurationVersion. The function re-reads the real
latest version after either, retries a bounded number of times, and reports a BadRequest
that persists once the token is right as a permanent error.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flag_rollback import clients

from emulator.core.config import set_deployment_time_factor
from tests.events import FREEFORM_DOC
from tests.functional.faults import Faults, error_response
from tests.functional.logs import decisions
from tests.functional.world import World

DRAFT = {"flags": {"checkout": {"enabled": True}}, "draft": True}


@pytest.fixture
def tokens(world: World) -> list[int]:
    """The LatestVersionNumber of every CreateHostedConfigurationVersion the function sends."""
    sent: list[int] = []

    def record(params: dict[str, Any], **_: object) -> None:
        sent.append(params["LatestVersionNumber"])

    clients.appconfig().meta.events.register(
        "before-parameter-build.appconfig.CreateHostedConfigurationVersion",
        record,
        unique_id="record-tokens",
    )
    return sent


def test_a_draft_newer_than_the_deployed_version_is_not_the_base(world: World, tokens: list[int]):
    draft = world.create_version(DRAFT)  # authored, never deployed here
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    assert tokens == [1, draft]  # the deployed version's number, then the real latest
    assert outcome["new_version"] == draft + 1
    deployed = world.deployed()
    assert "draft" not in deployed  # based on what is deployed, not on the draft
    assert deployed["flags"]["checkout"]["enabled"] is False
    assert deployed["flags"]["search"] == FREEFORM_DOC["flags"]["search"]


@pytest.mark.parametrize(
    ("status", "code"), [(409, "ConflictException"), (400, "BadRequestException")]
)
def test_a_lost_version_race_is_retried_under_either_error(
    world: World, tokens: list[int], status: int, code: str
):
    refuse = error_response(status, code)
    rival: list[int] = []

    def someone_writes_first(request: Any, **kwargs: Any) -> Any:
        if rival:
            return None
        rival.append(world.create_version(DRAFT))  # a concurrent writer wins the lock...
        return refuse(request, **kwargs)  # ...and the stale token is refused as `code`

    clients.appconfig().meta.events.register_first(
        "before-send.appconfig.CreateHostedConfigurationVersion",
        someone_writes_first,
        unique_id="rival",
    )
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    assert tokens == [1, rival[0]]
    assert world.deployed()["flags"]["checkout"]["enabled"] is False


def test_a_bad_request_that_persists_with_the_real_latest_is_permanent(
    world: World, faults: Faults, tokens: list[int]
):
    faults.inject("appconfig", "CreateHostedConfigurationVersion", "bad-request")
    calls = faults.count_calls()
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "failed"
    assert "is the latest" in outcome["detail"]
    assert tokens == [1]  # the re-read showed the token was right: no blind retry
    assert calls.count("ListHostedConfigurationVersions") == 1
    assert len(world.versions()) == 1
    assert json.loads(world.version(1)["Body"]) == FREEFORM_DOC
    assert len(world.deployments()) == 1


def test_a_bad_request_with_the_real_latest_is_logged_and_notified_as_rejected_by_aws(
    world: World, faults: Faults, capsys: pytest.CaptureFixture[str]
):
    """What an operator sees of that permanent error: the failed rollback's log line and the
    notification name it ``aws_rejected`` (no retry: the event is not replayed)."""
    faults.inject("appconfig", "CreateHostedConfigurationVersion", "bad-request")
    capsys.readouterr()
    world.alarm("checkout")
    message = (
        "CreateHostedConfigurationVersion refused although version 1 is the latest: "
        "LatestVersionNumber 1 refused (BadRequestException): injected BadRequestException"
    )
    (failed,) = decisions(capsys.readouterr().out, "rollback_failed")
    assert failed == {
        "level": "ERROR",
        "decision": "rollback_failed",
        "action": "rollback",
        "outcome": "failed",
        "flags": ["checkout"],
        "alarm": "FeatureFlag-checkout-ErrorRate",
        "reason": "Threshold Crossed: 1 datapoint [12.0] was greater than the threshold.",
        "dry_run": False,
        "detail": message,
        "error": "aws_rejected",
        "message": message,
    }
    (note,) = world.notifications()
    assert (
        note["Document"]["error_code"],
        note["Document"]["error_message"],
        note["Document"]["will_retry"],
    ) == ("aws_rejected", message, False)


def test_the_version_of_a_stopped_rollout_is_the_token(
    world: World, faults: Faults, tokens: list[int]
):
    """A person's rollout of version 2 is in progress: the rollback stops it and writes on
    top of version 2 (the highest version deployed here, so the latest) at the first try,
    without reading the version list."""
    version = world.create_version(
        {**FREEFORM_DOC, "flags": {**FREEFORM_DOC["flags"], "search": {"enabled": True}}}
    )
    set_deployment_time_factor(1.0)
    try:
        world.start(version)
    finally:
        set_deployment_time_factor(0.0)
    calls = faults.count_calls()

    (outcome,) = world.alarm("checkout")["results"]

    assert (outcome["outcome"], outcome["new_version"]) == ("rolled_back", 3)
    assert tokens == [version] == [2]
    assert "ListHostedConfigurationVersions" not in calls
