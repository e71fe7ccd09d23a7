"""What the log says about a person's rollout that a rollback stops, and a stop that fails.

The ``stopped_deployment`` line carries the state StopDeployment answered (ROLLING_BACK for
a rollout stopped mid-bake: test_decision_logs.py; empty when the answer has none, here); a
StopDeployment that keeps failing leaves the handler as a TransientError that names the call.
"""

from __future__ import annotations

from typing import Any

import pytest
from flag_rollback import clients
from flag_rollback.errors import TransientError

from emulator.core.config import set_deployment_time_factor
from tests.events import FREEFORM_DOC
from tests.functional.faults import Faults
from tests.functional.logs import decisions
from tests.functional.world import World

pytestmark = pytest.mark.usefixtures("fast_retries")

BAD = {**FREEFORM_DOC, "flags": {**FREEFORM_DOC["flags"], "search": {"enabled": True}}}


def person_rollout(world: World) -> tuple[int, int]:
    """A person's rollout of a new version of the flags, baking in real time."""
    version = world.create_version(BAD)
    set_deployment_time_factor(1.0)
    try:
        number = world.start(version)
    finally:
        set_deployment_time_factor(0.0)
    return number, version


@pytest.mark.usefixtures("instant_botocore_backoff")
def test_a_stop_that_keeps_failing_names_the_call(world: World, faults: Faults):
    number, _ = person_rollout(world)
    faults.inject("appconfig", "StopDeployment", "5xx")
    with pytest.raises(TransientError) as caught:
        world.alarm("checkout")
    assert (caught.value.code, caught.value.message) == (
        "aws_unavailable",
        "StopDeployment failed: InternalFailure: injected InternalFailure",
    )
    assert world.deployments()[0]["DeploymentNumber"] == number  # nothing deployed after it


def test_a_stop_answered_without_a_state_is_logged_with_an_empty_state(world: World, capsys):
    number, version = person_rollout(world)

    def drop_the_state(parsed: dict[str, Any], **_: object) -> None:
        parsed.pop("State", None)

    clients.appconfig().meta.events.register("after-call.appconfig.StopDeployment", drop_the_state)
    capsys.readouterr()
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    assert decisions(capsys.readouterr().out, "stopped_deployment") == [
        {
            "level": "INFO",
            "decision": "stopped_deployment",
            "deployment": number,
            "version": version,
            "state": "",
        }
    ]
