"""A multi-variant flag through the handler: the rollback turns off every variant, the
restore puts back exactly what was on (read back from the rollback's version description)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from flag_rollback import clients
from flag_rollback.variants import RECORD_MARKER

from tests.events import FEATURE_FLAGS_DOC
from tests.functional.faults import Faults
from tests.functional.results import result
from tests.functional.world import World


def multi_variant_document() -> dict[str, Any]:
    document = copy.deepcopy(FEATURE_FLAGS_DOC)
    document["values"]["checkout"] = {
        "enabled": True,
        "tier": "gold",
        "_createdAt": "2026-11-01T00:00:00Z",
        "_variants": [
            {
                "name": "staff",
                "enabled": True,
                "rule": '(eq $group "staff")',
                "attributeValues": {"tier": "red"},
            },
            {"name": "beta users", "enabled": False, "rule": "(split pct::10 by::$id)"},
            {"name": "default", "enabled": True, "attributeValues": {"tier": "green"}},
        ],
        "_updatedAt": "2026-11-20T00:00:00Z",
    }
    return document


@pytest.fixture
def mv_world(ff_world: World) -> World:
    ff_world.deploy(multi_variant_document())
    return ff_world


def test_rollback_turns_off_every_variant_and_records_them_in_the_description(mv_world: World):
    (outcome,) = mv_world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    value = mv_world.deployed()["values"]["checkout"]
    assert value["enabled"] is False
    assert [variant["enabled"] for variant in value["_variants"]] == [False, False, False]
    description = mv_world.version(outcome["new_version"])["Description"]
    record = description[description.index(RECORD_MARKER) + len(RECORD_MARKER) :]
    assert json.loads(record[: record.index("} ") + 1]) == {
        "checkout": {"base": True, "variants": ["staff", "default"]}
    }


def test_restore_puts_back_exactly_the_document_before_the_rollback(mv_world: World):
    before = mv_world.deployed()
    mv_world.alarm("checkout")
    mv_world.alarm("search")  # a later rollback of another flag, on top of the first
    (outcome,) = mv_world.invoke({"action": "restore", "flag": "checkout", "reason": "fixed"})[
        "results"
    ]
    assert outcome["outcome"] == "restored"
    after = mv_world.deployed()
    assert after["values"]["checkout"] == before["values"]["checkout"]
    assert after["values"]["search"] == {"enabled": False}  # still rolled back
    assert list(after["values"]["checkout"]) == list(before["values"]["checkout"])


def test_restore_without_a_record_is_refused_and_changes_nothing(mv_world: World):
    rolled = copy.deepcopy(multi_variant_document())
    rolled["values"]["checkout"]["enabled"] = False
    for variant in rolled["values"]["checkout"]["_variants"]:
        variant["enabled"] = False
    version = mv_world.deploy(rolled)  # disabled by a person: no record anywhere
    (outcome,) = mv_world.invoke({"action": "restore", "flag": "checkout", "reason": "r"})[
        "results"
    ]
    assert outcome["outcome"] == "failed"
    assert "no record" in outcome["detail"]
    assert mv_world.deployed_version() == version


# ------------------------------------------------ where the restore finds the rollback's record


def all_off() -> dict[str, Any]:
    """The multi-variant document with every part of checkout off (as a person might leave it)."""
    document = multi_variant_document()
    value = document["values"]["checkout"]
    value["enabled"] = False
    for variant in value["_variants"]:
        variant["enabled"] = False
    return document


def restore(world: World) -> dict[str, Any]:
    (outcome,) = world.invoke({"action": "restore", "flag": "checkout", "reason": "fixed"})[
        "results"
    ]
    return outcome


def test_restore_finds_the_record_among_many_pages_of_versions(mv_world: World):
    before = mv_world.deployed()
    for _ in range(55):  # older drafts: the record is not on the last page
        mv_world.create_version(all_off())
    mv_world.alarm("checkout")
    for _ in range(55):  # newer drafts: nor on the first (50 versions a page, newest first)
        mv_world.create_version(all_off())
    assert restore(mv_world)["outcome"] == "restored"
    assert mv_world.deployed()["values"]["checkout"] == before["values"]["checkout"]


def test_restore_uses_the_newest_rollback_s_record(mv_world: World):
    mv_world.alarm("checkout")  # the staff and default variants and the base value were on
    only_beta = all_off()
    only_beta["values"]["checkout"]["_variants"][1]["enabled"] = True
    mv_world.deploy(only_beta)  # a person turned on the beta variant alone
    (again,) = mv_world.alarm("checkout")["results"]
    assert again["outcome"] == "rolled_back"
    assert restore(mv_world)["outcome"] == "restored"
    assert mv_world.deployed()["values"]["checkout"] == only_beta["values"]["checkout"]


class _Body:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: object) -> Iterator[bytes]:
        yield self._body


def answer_listings(*pages: dict[str, Any]) -> list[int]:
    """AppConfig answers every ListHostedConfigurationVersions of the function with the next
    of these pages (the last one again once they run out); returns the count of answers."""
    answered: list[int] = []

    def answer(request: Any, **_: object) -> AWSResponse:
        page = pages[min(len(answered), len(pages) - 1)]
        answered.append(1)
        request.url = "https://fault.invalid/"
        headers = {"Content-Type": "application/json"}
        return AWSResponse(request.url, 200, headers, _Body(json.dumps(page).encode()))

    clients.appconfig().meta.events.register_first(
        "before-send.appconfig.ListHostedConfigurationVersions", answer
    )
    return answered


def rollback_summary(number: int | None, at: str, record: dict[str, Any]) -> dict[str, Any]:
    """A rollback version as ListHostedConfigurationVersions lists it."""
    summary = {
        "VersionLabel": f"flag-rollback:{at}",
        "Description": f"flag-rollback rollback at {at}: disabled checkout. "
        f"{RECORD_MARKER}{json.dumps({'checkout': record})} Reason: r",
    }
    return summary | ({"VersionNumber": number} if number is not None else {})


NO_RECORD = (
    "flag 'checkout' has variants and there is no record of which were on before the "
    "rollback: enable them in a new version of the configuration"
)


def failed_restore(detail: str) -> dict[str, Any]:
    """The result of a restore that changed nothing."""
    return result(
        "failed", action="restore", flags=["checkout"], reason="fixed", detail=detail, state={}
    )


def test_a_failed_listing_of_versions_fails_the_restore_and_names_the_call(
    mv_world: World, faults: Faults
):
    mv_world.alarm("checkout")
    rolled_back = mv_world.deployed_version()
    faults.inject("appconfig", "ListHostedConfigurationVersions", "bad-request")
    assert restore(mv_world) == failed_restore(
        "ListHostedConfigurationVersions failed: BadRequestException: injected BadRequestException"
    )
    assert mv_world.deployed_version() == rolled_back


def test_a_listing_without_items_is_no_record(mv_world: World):
    version = mv_world.deploy(all_off())
    answer_listings({})
    assert restore(mv_world) == failed_restore(NO_RECORD)
    assert mv_world.deployed_version() == version


def test_a_listed_version_without_a_number_counts_as_the_oldest(mv_world: World):
    mv_world.deploy(all_off())
    answer_listings(
        {
            "Items": [
                rollback_summary(None, "20261129T050000Z", {"base": True, "variants": ["staff"]}),
                rollback_summary(1, "20261129T040000Z", {"base": False, "variants": ["default"]}),
            ]
        }
    )
    assert restore(mv_world)["outcome"] == "restored"
    value = mv_world.deployed()["values"]["checkout"]
    assert value["enabled"] is False
    assert [variant["enabled"] for variant in value["_variants"]] == [False, False, True]


def test_a_listing_that_never_ends_is_read_for_at_most_100_pages(mv_world: World):
    """5000 versions (50 a page): a NextToken that never runs out cannot hold a restore."""
    version = mv_world.deploy(all_off())
    answered = answer_listings({"Items": [], "NextToken": "more"})
    assert restore(mv_world) == failed_restore(NO_RECORD)
    assert len(answered) == 100
    assert mv_world.deployed_version() == version
