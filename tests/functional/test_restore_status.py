"""Restore (guarded by the alarm) and status."""

from __future__ import annotations

import json
import shlex

from flag_rollback import clients

from tests.events import FREEFORM_DOC
from tests.functional.world import World, alarm_name


def test_restore_brings_back_the_values_recorded_at_rollback(world: World):
    world.alarm("checkout")
    world.put_alarm("checkout", state="OK")
    (outcome,) = world.invoke({"action": "restore", "flag": "checkout", "reason": "fixed"})[
        "results"
    ]
    assert outcome["outcome"] == "restored"
    assert outcome["old_version"] == 2
    assert outcome["new_version"] == 3
    entry = world.deployed()["flags"]["checkout"]
    assert entry["enabled"] is True
    assert entry["rolloutPercentage"] == 40
    assert "valuesBeforeRollback" not in entry["metadata"]
    assert world.version(3)["VersionLabel"].startswith("flag-restore:")
    notes = [n["Document"] for n in world.notifications()]
    assert [n["outcome"] for n in notes] == ["rolled_back", "restored"]


def test_restore_is_refused_while_the_alarm_is_in_alarm(world: World):
    world.alarm("checkout")
    world.put_alarm("checkout", state="ALARM")
    (outcome,) = world.invoke({"action": "restore", "flag": "checkout"})["results"]
    assert outcome["outcome"] == "refused"
    assert alarm_name("checkout") in outcome["detail"]
    assert world.deployed()["flags"]["checkout"]["enabled"] is False
    assert len(world.versions()) == 2
    assert world.notifications()[-1]["Document"]["outcome"] == "refused"


def test_forced_restore_ignores_the_alarm(world: World):
    world.alarm("checkout")
    world.put_alarm("checkout", state="ALARM")
    (outcome,) = world.invoke({"action": "restore", "flag": "checkout", "force": True})["results"]
    assert outcome["outcome"] == "restored"
    assert world.deployed()["flags"]["checkout"]["enabled"] is True


def test_restore_of_an_enabled_flag_creates_nothing(world: World):
    (outcome,) = world.invoke({"action": "restore", "flag": "search"})["results"]
    assert outcome["outcome"] == "no_change"
    assert len(world.versions()) == 1


def test_restore_in_feature_flags_format(ff_world: World):
    ff_world.alarm("checkout")
    (outcome,) = ff_world.invoke({"action": "restore", "flag": "checkout"})["results"]
    assert outcome["outcome"] == "restored"
    assert ff_world.deployed()["values"]["checkout"] == {"enabled": True, "tier": "gold"}


def test_dry_run_restore_writes_nothing(world: World):
    world.alarm("checkout")
    world.configure(DRY_RUN="true")
    (outcome,) = world.invoke({"action": "restore", "flag": "checkout"})["results"]
    assert outcome["outcome"] == "dry_run"
    assert len(world.versions()) == 2


def test_status_reports_deployed_state_and_alarm_state(world: World):
    world.put_alarm("checkout", state="ALARM")
    world.alarm("checkout")
    (status,) = world.invoke({"action": "status", "flag": "checkout"})["results"]
    assert status["outcome"] == "status"
    assert status["state"]["enabled"] is False
    assert status["state"]["defined"] is True
    assert status["state"]["deployed_version"] == 2
    assert status["state"]["deployment_in_progress"] is None
    assert status["state"]["alarms"] == [{"name": alarm_name("checkout"), "state": "ALARM"}]
    (other,) = world.invoke({"action": "status", "flag": "nope"})["results"]
    assert other["state"]["defined"] is False
    assert other["state"]["alarms"] == []
    assert len(world.versions()) == 2  # status writes nothing


def test_status_sees_the_unchanged_document(world: World):
    (status,) = world.invoke({"action": "status", "flag": "cart"})["results"]
    assert status["state"]["enabled"] is FREEFORM_DOC["flags"]["cart"]["enabled"]


def test_status_shows_a_rollout_in_progress(world: World):
    from emulator.core.config import set_deployment_time_factor  # noqa: PLC0415

    version = world.create_version(FREEFORM_DOC)
    set_deployment_time_factor(0.01)
    number = world.start(version)
    set_deployment_time_factor(0.0)
    (status,) = world.invoke({"action": "status", "flag": "checkout"})["results"]
    assert status["state"]["deployed_version"] == 1
    assert status["state"]["deployment_in_progress"]["number"] == number
    assert status["state"]["deployment_in_progress"]["version"] == version


def test_status_of_a_broken_document_fails_without_a_notification(world: World):
    world.deploy(b"not json")
    (status,) = world.invoke({"action": "status", "flag": "checkout"})["results"]
    assert status["outcome"] == "failed"
    assert "not JSON" in status["detail"]
    assert world.notifications() == []


def test_rollback_email_gives_commands_that_restore_and_read_the_flag(world: World):
    world.configure(AWS_LAMBDA_FUNCTION_NAME="shop-flag-rollback", AWS_REGION="eu-west-1")
    published: list[dict] = []
    clients.sns().meta.events.register(
        "provide-client-params.sns.Publish", lambda params, **_: published.append(params)
    )
    world.alarm("checkout")
    (request,) = published  # SQS gets the JSON document; the email body is in the request
    text = json.loads(request["Message"])["email"]
    document = world.notifications()[0]["Document"]
    assert (document["function_name"], document["region"]) == ("shop-flag-rollback", "eu-west-1")
    commands = [line.strip() for line in text.splitlines() if line.startswith("  aws lambda")]
    restore, status = (shlex.split(command) for command in commands)
    for words in (restore, status):
        assert words[words.index("--function-name") + 1] == "shop-flag-rollback"
        assert words[words.index("--region") + 1] == "eu-west-1"
    assert "https://eu-west-1.console.aws.amazon.com/cloudwatch/home" in text
    assert f"/environments/{world.env_id}?region=eu-west-1" in text

    world.put_alarm("checkout", state="OK")
    (state,) = world.invoke(json.loads(status[status.index("--payload") + 1]))["results"]
    assert state["state"]["enabled"] is False
    (outcome,) = world.invoke(json.loads(restore[restore.index("--payload") + 1]))["results"]
    assert outcome["outcome"] == "restored"
    assert world.deployed()["flags"]["checkout"]["enabled"] is True
