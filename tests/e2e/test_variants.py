"""One multi-variant flag through the applied examples/complete (issue 13.1).

An operator deploys a version in which a watched flag has variants (as the AppConfig
console writes them); its alarm fires: the function turns the flag off in every variant
and in its base value, applications read it disabled, and a restore by invoking the
function puts back exactly the document the operator deployed.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.e2e.conftest import BASELINE_LABEL, Stack
from tests.e2e.test_rollback import enabled_flags, fire, restore
from tools.harness.readers import deployments, flag_states, stored_document, wait_deployed

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]


def deploy(stack: Stack, document: dict[str, Any]) -> None:
    """Deploy a document as an operator would (the function is not involved), with the
    strategy of the profile's newest deployment."""
    target = stack.outputs.target
    newest = max(
        (
            d
            for d in deployments(stack.aws, target)
            if d["ConfigurationProfileId"] == target.profile_id
        ),
        key=lambda d: d["DeploymentNumber"],
    )
    version = stack.aws.appconfig.create_hosted_configuration_version(
        ApplicationId=target.application_id,
        ConfigurationProfileId=target.profile_id,
        Content=json.dumps(document).encode(),
        ContentType="application/json",
        LatestVersionNumber=stack.versions()[-1],
        VersionLabel=BASELINE_LABEL,  # the suite's own set-up (the destroy test deletes these)
    )["VersionNumber"]
    stack.aws.appconfig.start_deployment(
        ApplicationId=target.application_id,
        EnvironmentId=target.environment_id,
        ConfigurationProfileId=target.profile_id,
        ConfigurationVersion=str(version),
        DeploymentStrategyId=newest["DeploymentStrategyId"],
        Description="e2e: a multi-variant flag",
    )
    wait_deployed(stack.aws, target, after=newest["DeploymentNumber"])
    stack.settle()


def test_a_multi_variant_flag_is_rolled_back_in_every_variant_and_restored_exactly(
    scenario: Stack,
) -> None:
    if "values" not in scenario.stored_baseline:
        pytest.skip("the example deploys a freeform profile: variants are a FeatureFlags feature")
    flag = enabled_flags(scenario)[0]
    document = copy.deepcopy(scenario.stored_baseline)
    document["values"][flag] = {
        "enabled": True,
        "_variants": [
            {"name": "staff", "enabled": True, "rule": '(eq $group "staff")'},
            {"name": "beta", "enabled": False, "rule": "(split pct::10 by::$userId)"},
            {"name": "default", "enabled": True},
        ],
    }
    deploy(scenario, document)
    before = stored_document(scenario.aws, scenario.outputs.target)
    assert before is not None
    assert flag_states(scenario.deployed())[flag] is True

    fire(scenario, flag)
    scenario.settle()

    rolled = stored_document(scenario.aws, scenario.outputs.target)
    assert rolled is not None
    value = rolled["values"][flag]
    assert value["enabled"] is False
    assert [variant["enabled"] for variant in value["_variants"]] == [False, False, False]
    assert flag_states(scenario.deployed())[flag] is False  # as applications read it

    fire(scenario, flag, "OK")
    result = restore(scenario, flag)
    scenario.settle()

    assert (result["outcome"], result["flags"]) == ("restored", [flag])
    assert stored_document(scenario.aws, scenario.outputs.target) == before
    assert flag_states(scenario.deployed())[flag] is True
