"""What a rollback that an AWS call failed reports: the result, the log record and the
notification name the call that failed and AWS's answer, so an operator knows where to look."""

from __future__ import annotations

import pytest
from botocore.awsrequest import AWSResponse
from flag_rollback import clients
from flag_rollback.errors import TransientError

from tests.functional.faults import Faults
from tests.functional.logs import decisions
from tests.functional.results import result
from tests.functional.world import World

REASON = "Threshold Crossed: 1 datapoint [12.0] was greater than the threshold."


def test_a_deployment_aws_refuses_is_reported_naming_start_deployment(
    world: World, faults: Faults, capsys: pytest.CaptureFixture[str]
):
    faults.inject("appconfig", "StartDeployment", "bad-request")
    detail = "StartDeployment failed: BadRequestException: injected BadRequestException"

    assert world.alarm("checkout") == {
        "results": [
            result(
                "failed",
                flags=["checkout"],
                alarm="FeatureFlag-checkout-ErrorRate",
                reason=REASON,
                detail=detail,
                state={},
            )
        ]
    }
    (record,) = decisions(capsys.readouterr().out, "rollback_failed")
    assert {key: record[key] for key in ("error", "message", "detail")} == {
        "error": "aws_rejected",
        "message": detail,
        "detail": detail,
    }
    (note,) = world.notifications()
    assert (note["Document"]["error_code"], note["Document"]["error_message"]) == (
        "aws_rejected",
        detail,
    )
    assert world.deployed_version() == 1


@pytest.mark.usefixtures("fast_retries", "instant_botocore_backoff")
@pytest.mark.parametrize("operation", ["CreateHostedConfigurationVersion", "StartDeployment"])
def test_a_write_that_keeps_failing_is_raised_naming_the_call(
    world: World, faults: Faults, operation: str
):
    faults.inject("appconfig", operation, "5xx")
    with pytest.raises(TransientError) as raised:
        world.alarm("checkout")
    assert (raised.value.code, raised.value.message) == (
        "aws_unavailable",
        f"{operation} failed: InternalFailure: injected InternalFailure",
    )
    (note,) = world.notifications()
    assert note["Document"]["error_message"] == raised.value.message
    assert note["Document"]["will_retry"] is True


def test_a_version_aws_refuses_under_the_right_token_is_reported_with_aws_s_message(
    world: World, faults: Faults
):
    faults.inject("appconfig", "CreateHostedConfigurationVersion", "bad-request")
    (outcome,) = world.alarm("checkout")["results"]
    assert (outcome["outcome"], outcome["detail"]) == (
        "failed",
        "CreateHostedConfigurationVersion refused although version 1 is the latest: "
        "LatestVersionNumber 1 refused (BadRequestException): injected BadRequestException",
    )
    (note,) = world.notifications()
    assert note["Document"]["error_message"] == outcome["detail"]


def test_a_refusal_without_a_message_is_reported_with_an_empty_one(world: World):
    """An error answer may carry a code and no message: nothing stands in for the message."""

    def refuse(**_: object) -> tuple[AWSResponse, dict[str, object]]:
        answer = AWSResponse("https://appconfig.invalid/", 400, {}, None)
        return answer, {"Error": {"Code": "BadRequestException"}, "ResponseMetadata": {}}

    clients.appconfig().meta.events.register_first(
        "before-call.appconfig.CreateHostedConfigurationVersion", refuse
    )
    (outcome,) = world.alarm("checkout")["results"]
    assert (outcome["outcome"], outcome["detail"]) == (
        "failed",
        "CreateHostedConfigurationVersion refused although version 1 is the latest: "
        "LatestVersionNumber 1 refused (BadRequestException): ",
    )
