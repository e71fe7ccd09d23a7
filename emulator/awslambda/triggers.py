"""Where AWS runs a function for another service: SNS subscriptions with protocol `lambda`
and EventBridge rule targets (Lambda functions and SQS queues), with the event each sends."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from moto.events.models import Rule
from moto.sns.models import Subscription

from emulator.awslambda.async_invoke import invoke_async_arn, send_to_sqs
from emulator.awslambda.runner import iso_now


def _sns_event(
    subscription: Subscription, message: str, message_id: str, subject: str | None, attributes: Any
) -> dict[str, Any]:
    region = subscription.topic.arn.split(":")[3]
    host = f"https://sns.{region}.amazonaws.com"
    unsubscribe = f"{host}/?Action=Unsubscribe&SubscriptionArn={subscription.arn}"
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": subscription.arn,
                "Sns": {
                    "Type": "Notification",
                    "MessageId": message_id,
                    "TopicArn": subscription.topic.arn,
                    "Subject": subject,
                    "Message": message,
                    "Timestamp": iso_now(),
                    "SignatureVersion": "1",
                    "Signature": "EXAMPLE",
                    "SigningCertUrl": f"{host}/SimpleNotificationService-emulator.pem",
                    "UnsubscribeUrl": unsubscribe,
                    "MessageAttributes": dict(attributes or {}),
                },
            }
        ]
    }


_original_publish: Callable[..., None] = Subscription.publish


def _subscription_publish(  # noqa: PLR0917 - moto's Subscription.publish signature
    self: Subscription,
    message: str,
    message_id: str,
    subject: str | None = None,
    message_attributes: dict[str, Any] | None = None,
    group_id: str | None = None,
    deduplication_id: str | None = None,
    message_structure: str | None = None,
) -> None:
    if self.protocol != "lambda":
        _original_publish(
            self,
            message,
            message_id,
            subject=subject,
            message_attributes=message_attributes,
            group_id=group_id,
            deduplication_id=deduplication_id,
            message_structure=message_structure,
        )
        return
    matcher = self._filter_policy_matcher
    if matcher is not None and not matcher.matches(message_attributes, message):
        return
    if message_structure == "json":
        message = self._parse_message_structure(message, self.protocol)
    event = _sns_event(self, message, message_id, subject, message_attributes)
    invoke_async_arn(self.account_id, self.endpoint, json.dumps(event).encode())


def eventbridge_event(event: Mapping[str, Any]) -> dict[str, Any]:
    """The event as EventBridge hands it to a target: ISO time, no internal fields."""
    delivered = {key: value for key, value in event.items() if key != "ingestion-time"}
    when = delivered.get("time")
    if isinstance(when, int | float):
        delivered["time"] = datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    elif isinstance(when, datetime):
        delivered["time"] = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return delivered


_original_send_to_targets: Callable[..., None] = Rule.send_to_targets


def _target_service(target: Mapping[str, Any]) -> str:
    parts = str(target.get("Arn", "")).split(":")
    return parts[2] if len(parts) > 2 else ""


def _rule_send_to_targets(self: Rule, original_event: Any, transform_input: bool = True) -> None:
    """Lambda and SQS targets get the event (or its Input/InputTransformer) as AWS sends it."""
    handled = [t for t in self.targets if _target_service(t) in {"lambda", "sqs"}]
    if handled and self.event_pattern.matches_event(original_event):
        for target in handled:
            payload = _target_input(target, original_event)
            if _target_service(target) == "lambda":
                invoke_async_arn(self.account_id, target["Arn"], payload)
            else:
                group_id = (target.get("SqsParameters") or {}).get("MessageGroupId")
                send_to_sqs(str(target["Arn"]), payload.decode(), {}, group_id)
    if len(handled) == len(self.targets):
        return
    others = _copy_rule(self, [t for t in self.targets if t not in handled])
    _original_send_to_targets(others, original_event, transform_input)


def _copy_rule(rule: Rule, targets: Iterable[dict[str, Any]]) -> Rule:
    clone = copy.copy(rule)
    clone.targets = list(targets)
    return clone


def _json_path_value(path: str, document: Mapping[str, Any]) -> Any:
    from jsonpath_ng import ext  # noqa: PLC0415 - a moto dependency

    # ignore[attr-defined]: jsonpath_ng.ext re-exports parse without declaring it.
    matches = ext.parse(path).find(document)  # type: ignore[attr-defined]
    return matches[0].value if matches else None


_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")


def render_input_template(template: str, values: Mapping[str, Any]) -> str:
    """EventBridge's InputTemplate: a placeholder inside a JSON string takes the raw text,
    anywhere else the JSON value (strings quoted, a missing path is null)."""

    def substitute(match: re.Match[str]) -> str:
        if match.group(1) not in values:
            return match.group(0)
        value = values[match.group(1)]
        preceding = template[: match.start()].replace('\\"', "")
        if preceding.count('"') % 2 == 1:
            return "" if value is None else value if isinstance(value, str) else json.dumps(value)
        return json.dumps(value)

    return _PLACEHOLDER.sub(substitute, template)


def _target_input(target: Mapping[str, Any], event: Mapping[str, Any]) -> bytes:
    """A target's Input / InputPath / InputTransformer applied as EventBridge does."""
    if "Input" in target:
        return str(target["Input"]).encode()
    delivered = eventbridge_event(event)
    if target.get("InputPath"):
        return json.dumps(_json_path_value(target["InputPath"], delivered)).encode()
    transformer = target.get("InputTransformer")
    if not transformer:
        return json.dumps(delivered).encode()
    values = {
        name: _json_path_value(path, delivered)
        for name, path in (transformer.get("InputPathsMap") or {}).items()
    }
    values["aws.events.event"] = delivered
    values["aws.events.event.json"] = delivered
    return render_input_template(str(transformer.get("InputTemplate", "")), values).encode()


def install() -> None:
    """Run functions subscribed to SNS topics and targeted by EventBridge rules (idempotent)."""
    # ignore[method-assign]: moto is extended by assigning to its classes; mypy still checks
    # each replacement's signature against moto's (an [assignment] error is not ignored).
    Subscription.publish = _subscription_publish  # type: ignore[method-assign]
    Rule.send_to_targets = _rule_send_to_targets  # type: ignore[method-assign]
