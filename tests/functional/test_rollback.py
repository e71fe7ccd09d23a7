"""Rollbacks against the emulator: events, formats, base, write, storm, idempotence, dry run."""

from __future__ import annotations

import json

from tests.events import FREEFORM_DOC, alarm_message, eventbridge_event, sns_event
from tests.functional.world import World, alarm_name


def test_sns_alarm_rolls_back_the_flag_and_deploys_it(world: World):
    result = world.alarm("checkout")
    (outcome,) = result["results"]
    assert outcome["outcome"] == "rolled_back"
    assert outcome["flags"] == ["checkout"]
    assert outcome["old_version"] == 1
    assert outcome["new_version"] == 2
    deployed = world.deployed()
    entry = deployed["flags"]["checkout"]
    assert entry["enabled"] is False
    assert entry["rolloutPercentage"] == 0
    assert entry["metadata"]["valuesBeforeRollback"] == {"enabled": True, "rolloutPercentage": 40}
    assert alarm_name("checkout") in entry["metadata"]["rollbackReason"]
    assert deployed["version"] == 2
    assert deployed["flags"]["search"] == FREEFORM_DOC["flags"]["search"]
    assert world.deployed_version() == 2
    assert world.version(2)["ContentType"] == "application/json; charset=utf-8"


def test_version_description_and_label_name_the_flag_the_alarm_and_the_time(world: World):
    world.alarm("checkout")
    version = world.version(2)
    assert version["VersionLabel"].startswith("flag-rollback:")
    assert "checkout" in version["VersionLabel"]
    assert alarm_name("checkout") in version["Description"]
    assert "checkout" in version["Description"]
    assert "2026" in version["Description"] or "20" in version["VersionLabel"]


def test_feature_flags_format_is_rolled_back_in_values(ff_world: World):
    (outcome,) = ff_world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    deployed = ff_world.deployed()
    assert deployed["values"]["checkout"] == {"enabled": False, "tier": "gold"}
    assert deployed["values"]["search"] == {"enabled": True}
    assert deployed["version"] == "1"
    assert ff_world.version(2)["ContentType"] == "application/json"


def test_eventbridge_event_rolls_back(world: World):
    (outcome,) = world.invoke(eventbridge_event(alarm_name("search"), "ALARM"))["results"]
    assert outcome["outcome"] == "rolled_back"
    assert world.deployed()["flags"]["search"]["enabled"] is False


def test_multi_record_sns_event_makes_one_version_for_every_alarm(world: World):
    event = sns_event(
        alarm_message(alarm_name("checkout"), "ALARM"),
        alarm_message(alarm_name("search"), "OK", old="ALARM"),
        alarm_message(alarm_name("cart"), "ALARM"),
    )
    results = world.invoke(event)["results"]
    outcomes = sorted(r["outcome"] for r in results)
    assert outcomes == ["ignored", "rolled_back"]
    rolled = next(r for r in results if r["outcome"] == "rolled_back")
    assert sorted(rolled["flags"]) == ["cart", "checkout"]
    deployed = world.deployed()
    assert deployed["flags"]["checkout"]["enabled"] is False
    assert deployed["flags"]["cart"]["enabled"] is False
    assert deployed["flags"]["search"]["enabled"] is True
    assert len(world.versions()) == 2  # one new version for both flags
    assert len(world.deployments()) == 2


def test_ok_and_insufficient_data_change_nothing(world: World):
    for state in ("OK", "INSUFFICIENT_DATA"):
        (outcome,) = world.alarm("checkout", state=state)["results"]
        assert outcome["outcome"] == "ignored"
    assert len(world.versions()) == 1
    assert len(world.deployments()) == 1
    assert world.notifications() == []


def test_base_is_the_deployed_version_never_a_newer_draft(world: World):
    draft = json.loads(json.dumps(FREEFORM_DOC))
    draft["flags"]["search"]["enabled"] = False
    draft["flags"]["unreviewed"] = {"enabled": True}
    assert world.create_version(draft) == 2  # authored, never deployed
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    assert outcome["old_version"] == 1
    assert outcome["new_version"] == 3  # the lock moved past the draft
    deployed = world.deployed()
    assert "unreviewed" not in deployed["flags"]
    assert deployed["flags"]["search"]["enabled"] is True
    assert deployed["flags"]["checkout"]["enabled"] is False


def test_in_progress_rollout_of_this_profile_is_stopped_first(world: World):
    from emulator.core.config import set_deployment_time_factor  # noqa: PLC0415

    risky = json.loads(json.dumps(FREEFORM_DOC))
    risky["flags"]["legacy"]["enabled"] = True
    version = world.create_version(risky)
    set_deployment_time_factor(0.01)  # the rollout bakes for 6 s
    number = world.start(version)
    set_deployment_time_factor(0.0)
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    assert outcome["old_version"] == 1  # based on the last COMPLETE deployment
    states = {d["DeploymentNumber"]: d["State"] for d in world.deployments()}
    assert states[number] == "ROLLED_BACK"
    deployed = world.deployed()
    assert deployed["flags"]["legacy"]["enabled"] is False
    assert deployed["flags"]["checkout"]["enabled"] is False


def test_storm_disables_every_flag_whose_alarm_is_in_alarm_in_one_version(world: World):
    world.put_alarm("checkout")
    world.put_alarm("search")
    world.put_alarm("cart", state="OK")
    world.put_alarm("unknown-flag")  # in ALARM but not in the configuration: left alone
    (outcome,) = world.alarm("checkout")["results"]
    assert sorted(outcome["flags"]) == ["checkout", "search"]
    deployed = world.deployed()
    assert deployed["flags"]["search"]["enabled"] is False
    assert deployed["flags"]["cart"]["enabled"] is True
    assert len(world.versions()) == 2
    (second,) = world.alarm("search")["results"]
    assert second["outcome"] == "no_change"
    assert len(world.versions()) == 2


def test_duplicate_delivery_creates_no_version_and_no_deployment(world: World):
    world.alarm("checkout")
    world.notifications()
    for _ in range(3):
        (outcome,) = world.alarm("checkout")["results"]
        assert outcome["outcome"] == "no_change"
        assert outcome["unchanged"] == ["checkout"]
    assert len(world.versions()) == 2
    assert len(world.deployments()) == 2
    assert world.notifications() == []  # duplicates stay quiet


def test_flag_already_disabled_in_the_deployed_config_creates_nothing(world: World):
    (outcome,) = world.invoke({"action": "rollback", "flag": "legacy"})["results"]
    assert outcome["outcome"] == "no_change"
    assert len(world.versions()) == 1


def test_dry_run_computes_logs_and_notifies_but_writes_nothing(world: World, capsys):
    world.configure(DRY_RUN="true")
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "dry_run"
    assert outcome["dry_run"] is True
    assert outcome["flags"] == ["checkout"]
    assert len(world.versions()) == 1
    assert len(world.deployments()) == 1
    (note,) = world.notifications()
    assert note["Document"]["outcome"] == "dry_run"
    assert note["Document"]["dry_run"] is True
    assert "DRY RUN" in note["Subject"]
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert any(line.get("decision") == "rollback_dry_run" for line in lines)


def test_dry_run_does_not_stop_a_rollout(world: World):
    from emulator.core.config import set_deployment_time_factor  # noqa: PLC0415

    world.configure(DRY_RUN="true")
    version = world.create_version(FREEFORM_DOC)
    set_deployment_time_factor(0.01)
    number = world.start(version)
    set_deployment_time_factor(0.0)
    world.alarm("checkout")
    states = {d["DeploymentNumber"]: d["State"] for d in world.deployments()}
    assert states[number] in {"DEPLOYING", "BAKING"}


def test_metrics_are_emf_lines_and_decisions_are_json_lines(world: World, capsys):
    world.alarm("checkout")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    (emf,) = [line for line in lines if "_aws" in line]
    (directive,) = emf["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "FeatureFlags"
    assert directive["Dimensions"] == [["FeatureFlagName"]]
    assert {m["Name"]: m["Unit"] for m in directive["Metrics"]} == {
        "AutomatedRollback": "Count",
        "RollbackDurationMs": "Milliseconds",
    }
    assert emf["FeatureFlagName"] == "checkout"
    assert emf["AutomatedRollback"] == 1
    assert emf["RollbackDurationMs"] > 0
    (decision,) = [line for line in lines if line.get("decision") == "rollback_rolled_back"]
    assert decision["alarm"] == alarm_name("checkout")
    assert (decision["old_version"], decision["new_version"]) == (1, 2)


def test_metrics_namespace_is_configurable(world: World, capsys):
    world.configure(METRICS_NAMESPACE="Shop/Flags")
    world.alarm("checkout")
    emf = next(
        json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line
    )
    assert emf["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Shop/Flags"


def test_notification_has_subject_document_and_filter_attributes(world: World):
    world.alarm("checkout")
    (note,) = world.notifications()
    assert note["Subject"] == "[flag-rollback] Rolled back checkout"
    document = note["Document"]
    assert document["schema_version"] == 1
    assert document["action"] == "rollback"
    assert document["flags"] == ["checkout"]
    assert document["alarm"] == alarm_name("checkout")
    assert (document["old_version"], document["new_version"]) == (1, 2)
    assert document["deployment_number"] == 2
    assert document["configuration_profile_id"] == world.profile_id
    attributes = note["MessageAttributes"]
    assert attributes["action"]["Value"] == "rollback"
    assert attributes["outcome"]["Value"] == "rolled_back"
    assert attributes["flag"]["Value"] == "checkout"


def test_custom_alarm_name_pattern(world: World):
    world.configure(ALARM_NAME_PATTERN=r"^prod-(?P<flag>[a-z]+)-errors$")
    (outcome,) = world.invoke(sns_event(alarm_message("prod-cart-errors", "ALARM")))["results"]
    assert outcome["outcome"] == "rolled_back"
    assert outcome["flags"] == ["cart"]


def test_key_order_and_unknown_fields_survive_a_rollback(world: World):
    world.alarm("search")
    deployed = world.deployed()
    assert list(deployed) == list(FREEFORM_DOC)
    assert list(deployed["flags"]) == list(FREEFORM_DOC["flags"])
    assert deployed["owner"] == "team-shop"
    assert deployed["flags"]["checkout"] == FREEFORM_DOC["flags"]["checkout"]


def test_insufficient_data_rolls_back_only_the_flags_that_opted_in(world: World):
    world.configure(INSUFFICIENT_DATA_ROLLBACK_FLAGS='["checkout"]')
    (quiet,) = world.alarm("search", state="INSUFFICIENT_DATA")["results"]
    assert quiet["outcome"] == "ignored"
    (ok,) = world.alarm("checkout", state="OK")["results"]
    assert ok["outcome"] == "ignored"
    assert len(world.versions()) == 1
    (outcome,) = world.invoke(eventbridge_event(alarm_name("checkout"), "INSUFFICIENT_DATA"))[
        "results"
    ]
    assert outcome["outcome"] == "rolled_back"
    assert outcome["flags"] == ["checkout"]
    deployed = world.deployed()
    assert deployed["flags"]["checkout"]["enabled"] is False
    assert deployed["flags"]["search"]["enabled"] is True
    (note,) = world.notifications()
    assert note["Document"]["outcome"] == "rolled_back"


def test_the_reason_recorded_in_the_document_is_the_alarms_and_its_reason_or_the_operators(
    world: World,
):
    """``metadata.rollbackReason``: ``<alarm>: <state reason>`` for an alarm, the operator's
    reason alone for a direct request (no alarm to name)."""
    world.alarm("checkout")
    world.invoke({"action": "rollback", "flag": "search", "reason": "slow results"})
    flags = world.deployed()["flags"]
    assert flags["checkout"]["metadata"]["rollbackReason"] == (
        f"{alarm_name('checkout')}: Threshold Crossed: 1 datapoint [12.0] was greater than "
        "the threshold."
    )
    assert flags["search"]["metadata"]["rollbackReason"] == "slow results"
