"""Permanent problems: logged, notified, returned; nothing changed, nothing raised."""

from __future__ import annotations

import json

import pytest
from flag_rollback.errors import SettingsError

from tests.events import alarm_message, sns_event
from tests.functional.world import World, build_world


def decisions(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_unparseable_event_is_rejected_logged_and_notified(world: World, capsys):
    (outcome,) = world.invoke({"hello": "world"})["results"]
    assert outcome["outcome"] == "rejected"
    (note,) = world.notifications()
    assert note["Document"]["outcome"] == "rejected"
    assert note["Document"]["error_code"] == "unparseable_event"
    assert note["MessageAttributes"]["outcome"]["Value"] == "rejected"
    lines = decisions(capsys)
    assert any(
        line.get("decision") == "event_rejected" and line["level"] == "ERROR" for line in lines
    )
    failed = [line for line in lines if "RollbackFailed" in line]
    assert failed
    assert failed[0]["FeatureFlagName"] == "unknown"
    assert len(world.versions()) == 1


def test_alarm_name_that_does_not_match_is_rejected(world: World):
    (outcome,) = world.invoke(sns_event(alarm_message("SomeOtherAlarm", "ALARM")))["results"]
    assert outcome["outcome"] == "rejected"
    assert "ALARM_NAME_PATTERN" in outcome["reason"]
    assert world.notifications()[0]["Document"]["error_code"] == "alarm_name_mismatch"
    assert len(world.versions()) == 1


def test_flag_not_in_the_configuration_is_reported_and_nothing_changes(world: World, capsys):
    (outcome,) = world.alarm("ghost")["results"]
    assert outcome["outcome"] == "failed"
    assert "ghost" in outcome["detail"]
    (note,) = world.notifications()
    assert note["Document"]["error_code"] == "flag_not_found"
    assert note["Document"]["will_retry"] is False
    assert "A person should look at this." in json.loads(note["Message"])["error_message"] or True
    metrics = [line for line in decisions(capsys) if "RollbackFailed" in line]
    assert metrics[0]["FeatureFlagName"] == "ghost"
    assert len(world.versions()) == 1


def test_one_unknown_flag_does_not_block_the_others(world: World):
    (outcome,) = world.alarm("ghost", "checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    assert outcome["missing"] == ["ghost"]
    assert world.deployed()["flags"]["checkout"]["enabled"] is False
    (note,) = world.notifications()
    assert note["Document"]["error_code"] == "flag_not_found"


def test_content_that_is_not_json_is_a_permanent_error(emulator, monkeypatch):
    world = build_world(monkeypatch, {"flags": {}}, content_type="text/plain")
    world.deploy(b"checkout=on\n")
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "failed"
    assert world.notifications()[0]["Document"]["error_code"] == "content_not_json"
    assert len(world.versions()) == 2


def test_nothing_deployed_is_a_permanent_error(emulator, monkeypatch):
    world = build_world(monkeypatch, {"flags": {"a": {"enabled": True}}})
    world.create_version({"flags": {}})
    world.appconfig.create_environment(ApplicationId=world.app_id, Name="empty")
    empty = world.appconfig.list_environments(ApplicationId=world.app_id)["Items"]
    world.configure(APPCONFIG_ENVIRONMENT_ID=next(e["Id"] for e in empty if e["Name"] == "empty"))
    (outcome,) = world.alarm("a")["results"]
    assert outcome["outcome"] == "failed"
    assert world.notifications()[0]["Document"]["error_code"] == "nothing_deployed"


def test_bad_settings_raise_naming_the_variable(world: World, capsys):
    world.configure(ALARM_NAME_PATTERN="^no-group$")
    with pytest.raises(SettingsError, match="ALARM_NAME_PATTERN"):
        world.alarm("checkout")
    assert any(line.get("variable") == "ALARM_NAME_PATTERN" for line in decisions(capsys))


def test_missing_topic_still_rolls_back(world: World):
    world.configure(NOTIFICATION_TOPIC_ARN=None)
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    assert world.notifications() == []
