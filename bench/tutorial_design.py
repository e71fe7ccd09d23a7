"""THE BASELINE of figure 6: the original tutorial's rollback function, written in Python.

This is not the product. It is the design the product replaces, kept only so the bench can
count and time it side by side with ours in the same run. The tutorial's function was a
Node.js Lambda subscribed to the alarm topic; per invocation it:

1. created its AWS clients inside the handler (AppConfig, SNS, CloudWatch);
2. read the newest hosted configuration version (ListHostedConfigurationVersions, then
   GetHostedConfigurationVersion): the newest *written* version, not the *deployed* one;
3. flipped the alarm's flag to disabled;
4. created a hosted configuration version WITHOUT LatestVersionNumber (no optimistic lock);
5. started a deployment of it;
6. published a notification to SNS;
7. called PutMetricData (one metric).

It has no storm check (an invocation disables only its own flag), no idempotency (every
delivery writes and deploys a version) and no handling of a deployment in progress (a
ConflictException fails the invocation; Lambda's async retries deliver it again).

"Done correctly" means every call is valid and the document is changed the way ours changes
it (`values.<flag>.enabled = false`), so the comparison is about the design, not about bugs.
Python note: the clients are constructed per invocation, as the tutorial did, from a session
made once per container (the Node SDK bundles its models; a new boto3 session per invocation
would re-read every service model and charge the baseline for Python, not for its design).
"""

from __future__ import annotations

import json
import os
import re
import threading
from typing import Any

import boto3

FLAG_FROM_ALARM = re.compile(r"^FeatureFlag-(?P<flag>.+)-ErrorRate$")
METRICS_NAMESPACE = "FeatureFlags"

_sessions: list[boto3.session.Session] = []  # one per container, made on first use
_session_lock = threading.Lock()  # botocore sessions are not safe to share across threads


def _client(service: str) -> Any:
    with _session_lock:
        if not _sessions:
            _sessions.append(boto3.session.Session())
        return _sessions[0].client(service)


def reset_container() -> None:
    """Forget the session, as a new container would (the bench builds a new world)."""
    with _session_lock:
        _sessions.clear()


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    """Disable the flag named by the alarm in the SNS event's first record."""
    appconfig, sns, cloudwatch = _client("appconfig"), _client("sns"), _client("cloudwatch")
    message = json.loads(event["Records"][0]["Sns"]["Message"])
    match = FLAG_FROM_ALARM.match(message["AlarmName"])
    if match is None:
        return {"statusCode": 400, "error": f"not a flag alarm: {message['AlarmName']}"}
    flag = match.group("flag")
    app_id = os.environ["APPCONFIG_APPLICATION_ID"]
    profile_id = os.environ["APPCONFIG_CONFIGURATION_PROFILE_ID"]

    newest = appconfig.list_hosted_configuration_versions(
        ApplicationId=app_id, ConfigurationProfileId=profile_id, MaxResults=1
    )["Items"][0]["VersionNumber"]
    current = appconfig.get_hosted_configuration_version(
        ApplicationId=app_id, ConfigurationProfileId=profile_id, VersionNumber=newest
    )
    document = json.loads(current["Content"].read())
    document["values"][flag]["enabled"] = False
    created = appconfig.create_hosted_configuration_version(
        ApplicationId=app_id,
        ConfigurationProfileId=profile_id,
        Content=json.dumps(document).encode(),
        ContentType=current["ContentType"],
        Description=f"Automated rollback of {flag}",
    )
    deployment = appconfig.start_deployment(
        ApplicationId=app_id,
        EnvironmentId=os.environ["APPCONFIG_ENVIRONMENT_ID"],
        DeploymentStrategyId=os.environ["APPCONFIG_DEPLOYMENT_STRATEGY_ID"],
        ConfigurationProfileId=profile_id,
        ConfigurationVersion=str(created["VersionNumber"]),
    )
    sns.publish(
        TopicArn=os.environ["NOTIFICATION_TOPIC_ARN"],
        Subject=f"Feature flag {flag} rolled back",
        Message=f"Alarm {message['AlarmName']} fired; flag {flag} disabled "
        f"(version {created['VersionNumber']}, deployment {deployment['DeploymentNumber']}).",
    )
    cloudwatch.put_metric_data(
        Namespace=METRICS_NAMESPACE,
        MetricData=[
            {
                "MetricName": "AutomatedRollback",
                "Dimensions": [{"Name": "FeatureFlagName", "Value": flag}],
                "Value": 1,
                "Unit": "Count",
            }
        ],
    )
    return {
        "statusCode": 200,
        "flag": flag,
        "version": created["VersionNumber"],
        "deployment": deployment["DeploymentNumber"],
    }
