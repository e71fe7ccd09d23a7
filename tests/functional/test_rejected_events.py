"""An event that cannot be parsed: the result names where it came from and the mode."""

from __future__ import annotations

import pytest

from tests.functional.results import result
from tests.functional.world import World


@pytest.mark.parametrize(
    ("event", "source", "reason"),
    [
        (
            {"hello": "world"},
            "unknown",
            "event is neither SNS, EventBridge nor a direct invocation",
        ),
        ({"action": "explode"}, "direct", "action must be one of rollback, restore, status, holds"),
        ({"Records": [{"EventSource": "aws:sns"}]}, "sns", "record has no Sns.Message string"),
        (
            {"source": "aws.cloudwatch", "detail-type": "Scheduled Event"},
            "eventbridge",
            "event is not a CloudWatch Alarm State Change",
        ),
    ],
)
@pytest.mark.parametrize("dry_run", [False, True])
def test_a_rejected_event_names_its_source_and_the_mode(
    world: World, event: dict[str, object], source: str, reason: str, dry_run: bool
):
    world.configure(DRY_RUN="true" if dry_run else "false")

    (rejected,) = world.invoke(event)["results"]

    assert rejected == result(
        "rejected", action="event", reason=reason, dry_run=dry_run, detail=source, state={}
    )
    (note,) = world.notifications()
    assert (note["Document"]["outcome"], note["Document"]["dry_run"]) == ("rejected", dry_run)
