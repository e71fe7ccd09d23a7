"""A rollback reads an AWS.AppConfig.FeatureFlags profile's documents by the profile's type.

The type reference requires only ``version``: AppConfig accepts a document without
``values`` (and serves its flags as off). Read as freeform, a flag definition
``{"name": ...}`` would look like an enabled flag and the rollback would write freeform
fields into a feature flag document; read by the profile's type, it is refused whole.
"""

from __future__ import annotations

from tests.functional.results import result, without_state
from tests.functional.world import World


def test_a_feature_flags_document_without_values_fails_the_rollback_and_writes_nothing(
    ff_world: World,
):
    ff_world.deploy({"version": "1", "flags": {"checkout": {"name": "Checkout"}}})

    (outcome,) = ff_world.invoke({"action": "rollback", "flag": "checkout", "reason": "bad"})[
        "results"
    ]

    assert without_state(outcome) == result(
        "failed",
        flags=["checkout"],
        reason="bad",
        detail="feature flag document lacks flags/values objects",
    )
    assert len(ff_world.versions()) == 2  # the world's and the one deployed above
    assert len(ff_world.deployments()) == 2
