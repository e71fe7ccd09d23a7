"""The emulator's IAM evaluator: identity policies decided by IAM's rules, SAR-required types."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.iam import sar
from emulator.iam.evaluator import IncompleteRequestError, Reason, Request, evaluate
from emulator.iam.exceptions import access_denied
from emulator.iam.policy import PolicyError, parse_policy
from emulator.iam.resources import resources_for

ACCOUNT = "123456789012"
REGION = "us-east-1"
APP = f"arn:aws:appconfig:{REGION}:{ACCOUNT}:application/app1234"
ENV = f"{APP}/environment/env1234"
PROFILE = f"{APP}/configurationprofile/pro1234"
STRATEGY = f"arn:aws:appconfig:{REGION}:{ACCOUNT}:deploymentstrategy/str1234"
START = {
    "ApplicationId": "app1234",
    "EnvironmentId": "env1234",
    "ConfigurationProfileId": "pro1234",
    "DeploymentStrategyId": "str1234",
}
ROLE = f"arn:aws:sts::{ACCOUNT}:assumed-role/flag-rollback-role/flag-rollback"


def policy(*statements: dict[str, Any]) -> Any:
    return parse_policy({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str | list[str], resource: str | list[str], **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: str | list[str], resource: str | list[str], **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def start_deployment() -> Request:
    arns = resources_for("appconfig", "StartDeployment", START, REGION, ACCOUNT)
    return Request("appconfig:StartDeployment", tuple(arns))


def test_allowed_on_every_required_type() -> None:
    granted = policy(allow("appconfig:StartDeployment", [APP, ENV, PROFILE, STRATEGY]))
    assert evaluate(start_deployment(), [granted]).allowed


def test_no_policy_is_default_deny() -> None:
    decision = evaluate(start_deployment(), [])
    assert decision.reason is Reason.NO_ALLOW


def test_missing_application_arn_denies_start_deployment() -> None:
    """Today's module policy shape: environment, profile and strategy, but no application."""
    granted = policy(allow("appconfig:StartDeployment", [ENV, PROFILE, STRATEGY]))
    decision = evaluate(start_deployment(), [granted])
    assert (decision.reason, decision.resource) == (Reason.NO_ALLOW, APP)


def test_explicit_deny_wins_over_allow() -> None:
    granted = policy(
        allow("appconfig:*", "*"),
        deny("appconfig:StartDeployment", ENV, Sid="NoProduction"),
    )
    decision = evaluate(start_deployment(), [granted])
    assert (decision.reason, decision.resource, decision.statement) == (
        Reason.EXPLICIT_DENY,
        ENV,
        "NoProduction",
    )


def test_deny_in_another_policy_wins() -> None:
    granted = policy(allow("appconfig:StartDeployment", "*"))
    denied = policy(deny("appconfig:Start*", "*"))
    assert evaluate(start_deployment(), [granted, denied]).reason is Reason.EXPLICIT_DENY


def test_action_wildcards_and_case() -> None:
    for action in ("appconfig:*", "APPCONFIG:startdeploy*", "appconfig:Start?eployment", "*"):
        granted = policy(allow(action, "*"))
        assert evaluate(start_deployment(), [granted]).allowed, action


def test_action_wildcard_that_does_not_match() -> None:
    for action in ("appconfig:Stop*", "appconfig:StartDeployment?", "sns:*"):
        granted = policy(allow(action, "*"))
        assert not evaluate(start_deployment(), [granted]).allowed, action


def test_resource_star_in_account_and_region() -> None:
    wide = [
        "arn:aws:appconfig:*:*:application/app1234",
        "arn:aws:appconfig:*:*:application/app1234/*",
        "arn:aws:appconfig:us-east-?:*:deploymentstrategy/*",
    ]
    assert evaluate(start_deployment(), [policy(allow("appconfig:StartDeployment", wide))]).allowed


def test_resource_match_is_case_sensitive() -> None:
    upper = [APP.upper(), ENV, PROFILE, STRATEGY]
    decision = evaluate(start_deployment(), [policy(allow("appconfig:StartDeployment", upper))])
    assert (decision.reason, decision.resource) == (Reason.NO_ALLOW, APP)


def test_other_account_does_not_match() -> None:
    other = [arn.replace(ACCOUNT, "210987654321") for arn in (APP, ENV, PROFILE, STRATEGY)]
    decision = evaluate(start_deployment(), [policy(allow("appconfig:StartDeployment", other))])
    assert not decision.allowed


def test_not_action_and_not_resource() -> None:
    everything_but_sns = policy({"Effect": "Allow", "NotAction": "sns:*", "Resource": "*"})
    assert evaluate(start_deployment(), [everything_but_sns]).allowed
    not_app = policy({"Effect": "Allow", "Action": "appconfig:*", "NotResource": APP})
    assert evaluate(start_deployment(), [not_app]).resource == APP


def test_unknown_action_is_refused() -> None:
    with pytest.raises(sar.UnknownActionError):
        evaluate(Request("appconfig:StartDeploymnet", (APP,)), [policy(allow("*", "*"))])


def test_request_lacking_a_required_type_is_a_mapping_bug() -> None:
    with pytest.raises(IncompleteRequestError, match="application"):
        evaluate(Request("appconfig:StartDeployment", (ENV, PROFILE, STRATEGY)), [])


def test_action_without_resource_types_needs_star() -> None:
    request = Request("sts:GetCallerIdentity", ("*",))
    scoped = policy(allow("sts:GetCallerIdentity", f"arn:aws:iam::{ACCOUNT}:*"))
    assert not evaluate(request, [scoped]).allowed
    assert evaluate(request, [policy(allow("sts:GetCallerIdentity", "*"))]).allowed
    with pytest.raises(IncompleteRequestError):
        evaluate(Request("sts:GetCallerIdentity", (APP,)), [])


def test_conditions_known_and_unknown_operators() -> None:
    context = {"aws:SourceAccount": [ACCOUNT]}
    arns = tuple(resources_for("appconfig", "StartDeployment", START, REGION, ACCOUNT))
    request = Request("appconfig:StartDeployment", arns, context)
    matching = {"StringEquals": {"aws:sourceaccount": ACCOUNT}}
    other = {"StringEquals": {"aws:SourceAccount": "210987654321"}}
    unknown = {"NumericLessThanEquals": {"aws:MultiFactorAuthAge": "3600"}}
    assert evaluate(request, [policy(allow("*", "*", Condition=matching))]).allowed
    assert not evaluate(request, [policy(allow("*", "*", Condition=other))]).allowed
    # deny-safe: an operator not modelled never grants and always denies
    assert not evaluate(request, [policy(allow("*", "*", Condition=unknown))]).allowed
    both = [policy(allow("*", "*"), deny("*", "*", Condition=unknown))]
    assert evaluate(request, both).reason is Reason.EXPLICIT_DENY


def test_malformed_policies_are_rejected() -> None:
    with pytest.raises(PolicyError):
        policy({"Effect": "Permit", "Action": "*", "Resource": "*"})
    with pytest.raises(PolicyError):
        policy({"Effect": "Allow", "Action": "*", "NotAction": "sns:*", "Resource": "*"})
    with pytest.raises(PolicyError):
        policy({"Effect": "Allow", "Action": "*"})


def test_access_denied_message_names_action_and_resource() -> None:
    granted = policy(allow("appconfig:StartDeployment", [ENV, PROFILE, STRATEGY]))
    error = access_denied(evaluate(start_deployment(), [granted]), ROLE)
    assert (error.code, error.status) == ("AccessDeniedException", 403)
    assert error.message == (
        f"User: {ROLE} is not authorized to perform: appconfig:StartDeployment on resource: "
        f"{APP} because no identity-based policy allows the appconfig:StartDeployment action"
    )


def test_access_denied_shapes_per_protocol() -> None:
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:notes"
    sns = access_denied(evaluate(Request("sns:Publish", (topic,)), []), ROLE)
    assert (sns.code, sns.status) == ("AuthorizationError", 403)
    alarms = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:*"
    explicit = [policy(deny("cloudwatch:*", "*"))]
    cloudwatch = access_denied(
        evaluate(Request("cloudwatch:DescribeAlarms", (alarms,)), explicit), ROLE
    )
    assert cloudwatch.code == "AccessDenied"
    assert cloudwatch.message.endswith("with an explicit deny in an identity-based policy")
    star = access_denied(evaluate(Request("sts:GetCallerIdentity", ("*",)), []), ROLE)
    assert "on resource" not in star.message


def test_stop_deployment_needs_the_environment_arn_too() -> None:
    """The old StopInProgressDeployment statement granted only deployment/*."""
    params = {**START, "DeploymentNumber": 4}
    arns = resources_for("appconfig", "StopDeployment", params, REGION, ACCOUNT)
    request = Request("appconfig:StopDeployment", tuple(arns))
    old = policy(allow("appconfig:StopDeployment", [APP, f"{ENV}/deployment/*"]))
    decision = evaluate(request, [old])
    assert (decision.reason, decision.resource) == (Reason.NO_ALLOW, ENV)
    fixed = policy(allow("appconfig:StopDeployment", [APP, ENV, f"{ENV}/deployment/*"]))
    assert evaluate(request, [fixed]).allowed


def test_ssm_parameters_in_a_hierarchy_are_authorised_by_path() -> None:
    """The held flags' parameters: <path>/<flag> by the path's wildcard, and the path itself
    for GetParametersByPath; another path is denied."""
    path = "/flag-rollback/holds/app1234/env1234/prf1234"
    arn = f"arn:aws:ssm:us-east-1:123456789012:parameter{path}"
    policies = [
        policy(
            allow(["ssm:GetParameter", "ssm:PutParameter"], f"{arn}/*"),
            allow("ssm:GetParametersByPath", arn),
        )
    ]

    def decide(operation: str, params: dict[str, str]) -> bool:
        arns = resources_for("ssm", operation, params, "us-east-1", "123456789012")
        return evaluate(Request(f"ssm:{operation}", tuple(arns)), policies).allowed

    assert decide("GetParameter", {"Name": f"{path}/new_checkout"})
    assert decide("PutParameter", {"Name": f"{path}/new_checkout"})
    assert decide("GetParametersByPath", {"Path": path})
    assert not decide("GetParameter", {"Name": "/flag-rollback/holds/other/env1234/prf1234/x"})
    assert not decide("GetParametersByPath", {"Path": "/flag-rollback/holds"})
