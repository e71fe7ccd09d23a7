"""EventBridge: the rules moto leaves to the service (the event pattern size quota)."""
