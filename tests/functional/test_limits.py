"""What the function writes stays within AWS's documented limits, whatever the input holds.

Hosted version Description and VersionLabel travel as HTTP headers (ASCII only, at most
1024 and 64 characters); SNS takes UTF-8, so the notification keeps the original text.
"""

from __future__ import annotations

from tests.events import FREEFORM_DOC, alarm_message, sns_event
from tests.functional.world import World


def deployment_descriptions(world: World) -> list[str]:
    return [
        world.appconfig.get_deployment(
            ApplicationId=world.app_id, EnvironmentId=world.env_id, DeploymentNumber=number
        ).get("Description", "")
        for number in (d["DeploymentNumber"] for d in world.deployments())
    ]


def test_restore_whose_reason_is_not_ascii_writes_ascii_headers(world: World):
    world.alarm("checkout")
    world.put_alarm("checkout", state="OK")
    (outcome,) = world.invoke({"action": "restore", "flag": "checkout", "reason": "café ☕"})[
        "results"
    ]
    assert outcome["outcome"] == "restored"
    version = world.version(3)
    assert version["Description"].isascii()
    assert version["Description"].endswith("Reason: cafe ?")
    assert version["VersionLabel"].isascii()
    assert all(description.isascii() for description in deployment_descriptions(world))
    notes = [n["Document"] for n in world.notifications()]
    assert notes[-1]["reason"] == "café ☕"  # SNS carries UTF-8: people read what was written


def test_long_non_ascii_alarm_and_reason_fit_the_header_limits(world: World):
    flag = "überflag-" + "x" * 200
    world.deploy({**FREEFORM_DOC, "flags": {flag: {"enabled": True}}})
    name = f"FeatureFlag-{flag}-ErrorRate"
    message = alarm_message(name, "ALARM") | {"NewStateReason": "Fehlerquote über Grenze " * 40}
    (outcome,) = world.invoke(sns_event(message))["results"]
    assert outcome["outcome"] == "rolled_back"
    version = world.version(outcome["new_version"])
    description, label = version["Description"], version["VersionLabel"]
    assert len(description) == 1024
    assert description.isascii()
    assert description.endswith("...")
    assert "after alarm FeatureFlag-uberflag-xxx" in description
    assert len(label) == 64
    assert label.isascii()
    assert label.startswith("flag-rollback:")
    assert label.endswith("...")
    assert world.deployed()["flags"][flag]["enabled"] is False
