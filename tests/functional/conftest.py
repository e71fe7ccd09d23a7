"""Fixtures for the payload against the in-process emulator.

`world` / `ff_world` build a deployed flag document (freeform / AWS.AppConfig.FeatureFlags)
with a topic to read the notifications; `faults` injects faults into the function's clients.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from botocore.retries import standard
from flag_rollback import notify, service
from flag_rollback.handler import reset_container

from emulator import emulated_aws
from tests.events import FEATURE_FLAGS_DOC, FREEFORM_DOC
from tests.functional.faults import Faults
from tests.functional.world import REGION, World, build_world


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short backoffs so tests of waiting and retrying run in milliseconds."""
    monkeypatch.setattr(
        service,
        "TIMING",
        service.Timing(backoff_base_s=0.02, backoff_max_s=0.2, max_deploy_attempts=40),
    )


@pytest.fixture(autouse=True)
def fast_notification_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The notification's own retries keep their number; their pauses shrink to 10 ms."""
    monkeypatch.setattr(notify, "RETRY_DELAYS_S", (0.01,) * len(notify.RETRY_DELAYS_S))


@pytest.fixture
def instant_botocore_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore's retries keep their count and rules; only their sleeping is removed."""
    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0.0)


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[None]:
    """The in-process emulator; ``request.param`` (indirect parametrization with
    ``world.STALE_VERSION_ERRORS``) picks the error a stale LatestVersionNumber gets."""
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    reset_container()
    stale_version_error = getattr(request, "param", "ConflictException")
    with emulated_aws(stale_version_error=stale_version_error):
        yield
    reset_container()


@pytest.fixture
def world(emulator: None, monkeypatch: pytest.MonkeyPatch) -> World:
    """A freeform flag document (the original tutorial's format), deployed as version 1."""
    return build_world(monkeypatch, FREEFORM_DOC, content_type="application/json; charset=utf-8")


@pytest.fixture
def ff_world(emulator: None, monkeypatch: pytest.MonkeyPatch) -> World:
    """An AWS.AppConfig.FeatureFlags document, deployed as version 1."""
    return build_world(monkeypatch, FEATURE_FLAGS_DOC, profile_type="AWS.AppConfig.FeatureFlags")


@pytest.fixture
def faults(emulator: None) -> Faults:
    return Faults()
