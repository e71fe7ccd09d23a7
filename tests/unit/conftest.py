"""Unit tests of the payload: pure functions over plain data, no AWS and no emulator.

Every test here runs with the function's clients pointed at an address that cannot
resolve, so a test that reaches for AWS by mistake fails instead of quietly needing it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flag_rollback.handler import reset_container

NOWHERE = "http://unit-tests-make-no-aws-calls.invalid"


@pytest.fixture(autouse=True)
def no_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AWS_ENDPOINT_URL", NOWHERE)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "unit")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "unit")
    reset_container()
    yield
    reset_container()
