"""The holds store as the function and the guard read it: one parameter per flag directly
under the path; a record that is not a hold is skipped and logged, the others still count."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from flag_rollback import clients
from flag_rollback.errors import TransientError
from flag_rollback.guard_handler import handler as guard_handler

from tests.events import FREEFORM_DOC
from tests.functional.faults import read_timeout
from tests.functional.world import World, shared_client


def deployment_payload(world: World, doc: dict[str, Any]) -> dict[str, Any]:
    """A PreStartDeployment extension payload of this world's profile."""
    return {
        "Type": "PreStartDeployment",
        "Application": {"Id": world.app_id},
        "Environment": {"Id": world.env_id},
        "ConfigurationProfile": {"Id": world.profile_id},
        "Content": base64.b64encode(json.dumps(doc).encode()).decode(),
        "DeploymentNumber": 9,
    }


def path(world: World) -> str:
    return f"/flag-rollback/holds/{world.app_id}/{world.env_id}/{world.profile_id}"


def held(world: World) -> list[str]:
    (result,) = world.invoke({"action": "holds"})["results"]
    return list(result["flags"])


def put(name: str, value: str) -> None:
    shared_client("ssm").put_parameter(Name=name, Value=value, Type="String", Overwrite=True)


def hold_record(flag: str) -> str:
    return json.dumps(
        {
            "flag": flag,
            "state": "held",
            "held_by": "operator",
            "held_at": "2026-11-29T03:00:00Z",
            "reason": "held elsewhere",
        }
    )


def test_a_record_that_is_not_a_hold_is_logged_and_the_holds_after_it_still_count(
    world: World, capsys: pytest.CaptureFixture[str]
):
    broken = f"{path(world)}/aaa-broken"
    put(broken, "not a hold")  # first by name and by age
    world.alarm("checkout")
    capsys.readouterr()
    assert held(world) == ["checkout"]
    unreadable = [
        {key: value for key, value in record.items() if key not in {"time", "timestamp"}}
        for record in map(json.loads, capsys.readouterr().out.splitlines())
        if record["decision"] == "hold_unreadable"
    ]
    assert unreadable == [{"level": "ERROR", "decision": "hold_unreadable", "parameter": broken}]


def test_holds_kept_below_the_path_belong_to_another_target_and_are_not_read(world: World):
    """A second stack whose HOLDS_PARAMETER_PATH is below this one's keeps its own holds."""
    put(f"{path(world)}/staging/checkout", hold_record("checkout"))
    put(f"{path(world)}/staging/search", hold_record("search"))
    world.alarm("cart")
    assert held(world) == ["cart"]
    doc = json.loads(json.dumps(FREEFORM_DOC))  # checkout and search on
    doc["flags"]["cart"]["enabled"] = False
    assert guard_handler(deployment_payload(world, doc), None) == {}


def test_a_page_without_a_parameter_list_reads_as_no_holds(world: World):
    """An empty page may leave out its (empty) Parameters list."""

    def drop_list(parsed: dict[str, Any], **_: object) -> None:
        parsed.pop("Parameters", None)

    clients.ssm().meta.events.register("after-call.ssm.GetParametersByPath", drop_list)
    assert held(world) == []
    doc = json.loads(json.dumps(FREEFORM_DOC))
    assert guard_handler(deployment_payload(world, doc), None) == {}


def test_a_hold_is_one_standard_string_parameter_per_flag_that_says_what_it_is(world: World):
    sent: list[dict[str, Any]] = []

    def capture(params: dict[str, Any], **_: object) -> None:
        sent.append(dict(params))

    clients.ssm().meta.events.register("provide-client-params.ssm.PutParameter", capture)
    world.alarm("checkout")
    world.put_alarm("checkout", state="OK")
    (restored,) = world.invoke({"action": "restore", "flag": "checkout"})["results"]
    name = f"{path(world)}/checkout"
    assert [{key: value for key, value in params.items() if key != "Value"} for params in sent] == [
        {
            "Name": name,
            "Description": f"{verb} by flag-rollback: feature flag checkout",
            "Type": "String",
            "Tier": "Standard",
            "Overwrite": True,
        }
        for verb in ("Held", "Released", "Released")
    ]
    records = [json.loads(params["Value"]) for params in sent]
    assert [(record["state"], record["restored_version"]) for record in records] == [
        ("held", None),
        ("released", None),  # lifted before the restore writes its version
        ("released", restored["new_version"]),
    ]
    stored = shared_client("ssm").get_parameter(Name=name)["Parameter"]["Value"]
    assert stored == sent[-1]["Value"]


def test_a_record_of_another_flag_under_a_flags_name_is_logged_and_not_its_hold(
    world: World, capsys: pytest.CaptureFixture[str]
):
    name = f"{path(world)}/checkout"
    put(name, hold_record("search"))
    capsys.readouterr()
    (status,) = world.invoke({"action": "status", "flag": "checkout"})["results"]
    assert status["state"]["hold"] is None
    unreadable = [
        {key: value for key, value in record.items() if key not in {"time", "timestamp"}}
        for record in map(json.loads, capsys.readouterr().out.splitlines())
        if record["decision"] == "hold_unreadable"
    ]
    assert unreadable == [{"level": "ERROR", "decision": "hold_unreadable", "parameter": name}]


@pytest.mark.parametrize("operation", ["GetParameter", "PutParameter"])
def test_a_hold_the_store_cannot_read_or_write_fails_the_rollback_naming_the_call(
    world: World, operation: str
):
    clients.ssm().meta.events.register_first(f"before-send.ssm.{operation}", read_timeout)
    endpoint = clients.ssm().meta.endpoint_url
    with pytest.raises(TransientError) as raised:
        world.alarm("checkout")
    assert (raised.value.code, raised.value.message) == (
        "aws_unavailable",
        f'{operation} failed: Read timeout on endpoint URL: "{endpoint}/"',
    )
