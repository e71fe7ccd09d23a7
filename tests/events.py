"""Events exactly as AWS delivers them (shapes from the SNS, CloudWatch and EventBridge docs)."""

from __future__ import annotations

import json
from typing import Any

ACCOUNT = "123456789012"
REGION = "us-east-1"

# The flag documents a test world starts from: one per format.
FREEFORM_DOC: dict[str, Any] = {
    "version": 1,
    "lastUpdated": "2026-11-01T00:00:00Z",
    "flags": {
        "checkout": {"enabled": True, "rolloutPercentage": 40, "description": "new checkout"},
        "search": {"enabled": True, "rolloutPercentage": 100},
        "cart": {"enabled": True, "rolloutPercentage": 10},
        "legacy": {"enabled": False, "rolloutPercentage": 0},
    },
    "owner": "team-shop",
}
FEATURE_FLAGS_DOC: dict[str, Any] = {
    "flags": {
        "checkout": {
            "name": "Checkout",
            "attributes": {"tier": {"constraints": {"type": "string"}}},
        },
        "search": {"name": "Search"},
        "cart": {"name": "Cart"},
        "legacy": {"name": "Legacy"},
    },
    "values": {
        "checkout": {"enabled": True, "tier": "gold"},
        "search": {"enabled": True},
        "cart": {"enabled": True},
        "legacy": {"enabled": False},
    },
    "version": "1",
}


def alarm_message(name: str, state: str, old: str = "OK") -> dict[str, Any]:
    """The JSON CloudWatch publishes to an alarm action's SNS topic."""
    return {
        "AlarmName": name,
        "AlarmDescription": None,
        "AWSAccountId": ACCOUNT,
        "AlarmConfigurationUpdatedTimestamp": "2026-11-23T09:00:00.000+0000",
        "NewStateValue": state,
        "NewStateReason": "Threshold Crossed: 1 datapoint [12.0] was greater than the threshold.",
        "StateChangeTime": "2026-11-23T10:00:00.000+0000",
        "Region": "US East (N. Virginia)",
        "AlarmArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{name}",
        "OldStateValue": old,
        "OKActions": [],
        "AlarmActions": [f"arn:aws:sns:{REGION}:{ACCOUNT}:flag-alarms"],
        "InsufficientDataActions": [],
        "Trigger": {"MetricName": "ErrorRate", "Namespace": "FeatureFlags"},
    }


def sns_event(*messages: dict[str, Any]) -> dict[str, Any]:
    """An SNS -> Lambda event with one record per message."""
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:flag-alarms:sub-{index}",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": f"msg-{index}",
                    "TopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:flag-alarms",
                    "Subject": f'ALARM: "{message.get("AlarmName")}"',
                    "Message": json.dumps(message),
                    "Timestamp": "2026-11-23T10:00:01.000Z",
                    "MessageAttributes": {},
                },
            }
            for index, message in enumerate(messages)
        ]
    }


def eventbridge_event(name: str, state: str, old: str = "OK") -> dict[str, Any]:
    """An EventBridge "CloudWatch Alarm State Change" event."""
    return {
        "version": "0",
        "id": "c4c1c1c9-6542-e61b-6ef0-8c4d36933a92",
        "detail-type": "CloudWatch Alarm State Change",
        "source": "aws.cloudwatch",
        "account": ACCOUNT,
        "time": "2026-11-23T10:00:00Z",
        "region": REGION,
        "resources": [f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{name}"],
        "detail": {
            "alarmName": name,
            "state": {
                "value": state,
                "reason": "Threshold Crossed",
                "timestamp": "2026-11-23T10:00:00.000+0000",
            },
            "previousState": {"value": old, "timestamp": "2026-11-23T09:00:00.000+0000"},
            "configuration": {"metrics": []},
        },
    }
