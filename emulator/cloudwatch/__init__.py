"""Amazon CloudWatch: alarm actions (SNS, EventBridge, Lambda) and DescribeAlarms filters."""
