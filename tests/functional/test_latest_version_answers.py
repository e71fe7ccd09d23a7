"""appconfig.latest_version on every shape of ListHostedConfigurationVersions answer.

After AppConfig refuses a stale LatestVersionNumber, the function lists the profile's
versions to learn the newest one's number and label (its label says whether another
invocation of this function wrote it). The listing is read here with answers set by the
test: a single version, a page without ``Items``, a version without a number, a listing
whose ``NextToken`` never ends. None of them may crash the function or invent a version.
"""

from __future__ import annotations

from typing import Any

import pytest
from flag_rollback import appconfig, clients
from flag_rollback.appconfig import LatestVersion
from flag_rollback.settings import get_settings

from tests.functional.faults import json_answer
from tests.functional.world import World

OPERATION = "ListHostedConfigurationVersions"


def answered(*pages: dict[str, Any]) -> list[dict[str, Any]]:
    """Answer the function's listings with these pages in turn (the last one for ever after);
    the requests it sends, in order."""
    sent: list[dict[str, Any]] = []
    hooks = [json_answer(page) for page in pages]

    def hook(request: Any, **kwargs: object) -> Any:
        return hooks[min(len(sent) - 1, len(hooks) - 1)](request, **kwargs)

    events = clients.appconfig().meta.events
    events.register(
        f"provide-client-params.appconfig.{OPERATION}",
        lambda params, **_: sent.append(dict(params)),
    )
    events.register_first(f"before-send.appconfig.{OPERATION}", hook)
    return sent


def item(number: int, label: str | None = None) -> dict[str, Any]:
    version: dict[str, Any] = {
        "ApplicationId": "a",
        "ConfigurationProfileId": "p",
        "VersionNumber": number,
        "ContentType": "application/json",
    }
    return version | ({"VersionLabel": label} if label is not None else {})


def test_a_profile_with_one_version_gives_that_version_and_its_label(world: World) -> None:
    answered({"Items": [item(1, "flag-rollback:20261129T000000Z-checkout")]})

    latest = appconfig.latest_version(get_settings())

    assert latest == LatestVersion(1, "flag-rollback:20261129T000000Z-checkout")
    assert latest.own


@pytest.mark.parametrize(
    "pages",
    [
        [{"Items": [item(3, "mine"), item(7, "flag-restore:x"), item(5)]}],
        [{"Items": [item(2)], "NextToken": "t"}, {"Items": [item(9, "flag-rollback:y")]}],
        [{"Items": [item(9, "flag-rollback:y")], "NextToken": "t"}, {"Items": [item(2, "z")]}],
    ],
    ids=["one page in any order", "newest on the last page", "newest on the first page"],
)
def test_the_highest_number_and_its_label_are_taken_across_pages(
    world: World, pages: list[dict[str, Any]]
) -> None:
    sent = answered(*pages)

    latest = appconfig.latest_version(get_settings())

    expected = max((i for p in pages for i in p["Items"]), key=lambda i: i["VersionNumber"])
    assert latest == LatestVersion(expected["VersionNumber"], expected.get("VersionLabel", ""))
    assert [request.get("NextToken") for request in sent] == [None, "t"][: len(pages)]


def test_a_page_without_items_holds_no_version(world: World) -> None:
    """AWS sends an empty list; an answer without the key must not crash the listing."""
    answered({"NextToken": "t"}, {"Items": [item(4, "flag-rollback:z")]})

    assert appconfig.latest_version(get_settings()) == LatestVersion(4, "flag-rollback:z")


def test_an_empty_listing_gives_no_version(world: World) -> None:
    answered({})

    latest = appconfig.latest_version(get_settings())

    assert latest == LatestVersion(0, "")
    assert not latest.own


def test_a_version_without_a_number_is_not_taken_for_the_latest(world: World) -> None:
    unnumbered = item(0, "flag-rollback:unnumbered")
    del unnumbered["VersionNumber"]
    answered({"Items": [unnumbered]})

    latest = appconfig.latest_version(get_settings())

    assert latest == LatestVersion(0, "")
    assert not latest.own


def test_a_listing_that_never_ends_is_read_to_the_page_bound(world: World) -> None:
    sent = answered({"Items": [item(2, "x")], "NextToken": "more"})

    assert appconfig.latest_version(get_settings()) == LatestVersion(2, "x")
    assert len(sent) == appconfig.MAX_PAGES * 10
    assert "NextToken" not in sent[0]
    assert all(request["NextToken"] == "more" for request in sent[1:])
