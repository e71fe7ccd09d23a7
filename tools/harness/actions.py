"""What a scenario does to the stack: fire an alarm, subscribe a queue to a topic."""

from __future__ import annotations

from datetime import datetime

from tools.harness import StackError
from tools.harness.clients import Aws


def set_alarm_state(aws: Aws, alarm_name: str, state: str, reason: str) -> datetime:
    """Change an alarm's state (SetAlarmState) and return when CloudWatch recorded it."""
    aws.cloudwatch.set_alarm_state(AlarmName=alarm_name, StateValue=state, StateReason=reason)  # type: ignore[arg-type]
    alarms = aws.cloudwatch.describe_alarms(AlarmNames=[alarm_name])["MetricAlarms"]
    if not alarms:
        raise StackError(f"alarm {alarm_name!r} not found")
    return alarms[0]["StateUpdatedTimestamp"]


def subscribe_queue(aws: Aws, topic_arn: str, queue_name: str) -> str:
    """Create an SQS queue subscribed (raw delivery off) to ``topic_arn``; return its URL."""
    queue_url = aws.sqs.create_queue(QueueName=queue_name)["QueueUrl"]
    queue_arn = aws.sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    aws.sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    return queue_url
