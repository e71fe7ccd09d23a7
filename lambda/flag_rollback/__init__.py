"""Roll a bad AWS AppConfig feature flag back when its CloudWatch alarm fires."""
