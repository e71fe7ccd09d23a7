"""The function's boto3 clients: made once per container, with timeouts and bounded retries.

Creating a client sends nothing, so no AWS (and no emulator) is needed.
"""

from __future__ import annotations

import pytest
from flag_rollback import clients


@pytest.fixture
def region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    clients.reset_clients()


def test_clients_are_created_once_with_timeouts_and_bounded_retries(region: None):
    first = clients.appconfig()
    assert clients.appconfig() is first
    config = first.meta.config
    assert (config.connect_timeout, config.read_timeout) == (3, 10)
    assert config.retries == {"total_max_attempts": 3, "mode": "standard"}
    clients.reset_clients()
    assert clients.appconfig() is not first
