"""EventBridge PutRule and the "Event pattern size" quota: 2,048 characters by default,
raised through the emulator's run-time settings. Every test runs in-process and over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
import requests
from botocore.exceptions import ClientError

from emulator import EmulatorThread
from emulator.core.config import (
    ConfigError,
    get_event_pattern_max_length,
    set_event_pattern_max_length,
)
from tests.test_emulator.conftest import ClientFactory


def pattern_of_length(length: int) -> str:
    """A valid CloudWatch alarm event pattern exactly `length` characters long."""
    head = '{"source":["aws.cloudwatch"],"detail":{"alarmName":["'
    tail = '"]}}'
    pattern = head + "a" * (length - len(head) - len(tail)) + tail
    assert len(pattern) == length
    json.loads(pattern)
    return pattern


@pytest.fixture
def quota() -> Iterator[Callable[[int], int]]:
    """Set the event pattern size quota for the rest of the test (restored afterwards)."""
    previous = get_event_pattern_max_length()
    yield set_event_pattern_max_length
    set_event_pattern_max_length(previous)


def _put(aws: ClientFactory, name: str, length: int) -> dict[str, object]:
    response: dict[str, object] = aws("events").put_rule(
        Name=name, EventPattern=pattern_of_length(length)
    )
    return response


def test_a_pattern_of_2048_characters_is_accepted_and_2049_refused(aws: ClientFactory) -> None:
    assert get_event_pattern_max_length() == 2048
    assert "RuleArn" in _put(aws, "at-quota", 2048)
    with pytest.raises(ClientError) as excinfo:
        _put(aws, "over-quota", 2049)
    error = excinfo.value.response["Error"]
    assert error["Code"] == "InvalidEventPatternException"
    assert "2049" in error["Message"]
    assert "2048" in error["Message"]
    names = [rule["Name"] for rule in aws("events").list_rules()["Rules"]]
    assert "over-quota" not in names


def test_an_oversized_update_keeps_the_rule_as_it_was(aws: ClientFactory) -> None:
    _put(aws, "kept", 100)
    with pytest.raises(ClientError):
        _put(aws, "kept", 3000)
    rule = aws("events").describe_rule(Name="kept")
    assert rule["EventPattern"] == pattern_of_length(100)


def test_a_raised_quota_admits_longer_patterns(
    aws: ClientFactory, quota: Callable[[int], int]
) -> None:
    quota(4096)
    assert "RuleArn" in _put(aws, "raised", 4096)


def test_the_quota_is_settable_over_http(
    emulator_server: EmulatorThread, quota: Callable[[int], int]
) -> None:
    url = f"{emulator_server.endpoint}/_emulator/config"
    response = requests.post(url, data=json.dumps({"event_pattern_max_length": 3000}), timeout=5)
    assert (response.status_code, response.json()["event_pattern_max_length"]) == (200, 3000)
    assert get_event_pattern_max_length() == 3000


@pytest.mark.parametrize("bad", [0, 4097, 2048.5, "2048", True])
def test_a_quota_outside_the_service_model_is_refused(bad: object) -> None:
    before = get_event_pattern_max_length()
    with pytest.raises(ConfigError, match="event_pattern_max_length"):
        set_event_pattern_max_length(bad)  # type: ignore[arg-type]
    assert get_event_pattern_max_length() == before
