"""The function's closed vocabularies, each defined once.

They are ``Literal`` types, not enums: the values travel as plain strings in events,
results, logs and notifications (JSON), and mypy rejects any string outside the set at
every place one is written. The tuples list the values for parsers and tests.
"""

from __future__ import annotations

from typing import Literal, NewType, get_args

Action = Literal["rollback", "restore", "status", "holds"]
"""What a direct invocation asks for (``{"action": ...}``)."""
ACTIONS: tuple[Action, ...] = get_args(Action)

Mode = Literal["rollback", "restore"]
"""The actions that write a new version."""

ResultAction = Literal["rollback", "restore", "status", "holds", "event", "guard"]
"""What a result is about: an action, ``event`` for an event that could not be acted on, or
``guard`` for the deployment guard's answer to AppConfig."""

Outcome = Literal[
    "rolled_back",
    "restored",
    "no_change",
    "dry_run",
    "refused",
    "failed",
    "rejected",
    "ignored",
    "status",
    "holds",
    "refused_deployment",
    "kept_disabled",
]
"""How a request ended (``Result.outcome``, the notification's ``outcome``)."""
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)
NOTIFIED_OUTCOMES: frozenset[Outcome] = frozenset(
    {"rolled_back", "restored", "dry_run", "refused", "failed", "rejected"}
)
"""Outcomes a person (or a machine subscribed to the topic) is told about."""
FAILED_OUTCOMES: frozenset[Outcome] = frozenset({"failed", "rejected"})
"""Outcomes logged as errors and counted in the RollbackFailed metric."""

AlarmState = Literal["ALARM", "OK", "INSUFFICIENT_DATA"]
"""A CloudWatch alarm's state (``StateValue``)."""
ALARM_STATES: tuple[AlarmState, ...] = get_args(AlarmState)

Source = Literal["sns", "eventbridge", "direct", "unknown"]
"""Where an event came from."""

Decision = Literal[
    "alarm_ignored",
    "status",
    "status_failed",
    "storm",
    "stopped_deployment",
    "environment_busy",
    "version_conflict",
    "rebase",
    "deployment_slipped_in",
    "lifecycle",
    "cleanup_waits_for_deployment",
    "cleanup_nothing_left",
    "notification_retry",
    "notification_failed",
    "invalid_configuration",
    "hold_recorded",
    "hold_kept",
    "hold_unreadable",
    "holds",
    "guard_store_unavailable",
    "guard_allowed",
    "guard_allow",
    "guard_refuse",
    "guard_rewrite",
]
"""The ``decision`` of a log line that is not a request's result.

A result's line is ``<action>_<outcome>`` (see ``result_decision``).
"""

Level = Literal["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]
"""A log line's ``level``, as Lambda's log-level filtering reads it (most detail first)."""
LEVELS: tuple[Level, ...] = get_args(Level)


ResultDecision = NewType("ResultDecision", str)
"""A result's log line decision, only ever made by ``result_decision``."""


def result_decision(action: ResultAction, outcome: Outcome) -> ResultDecision:
    """The decision name of a result's log line, e.g. ``rollback_rolled_back``."""
    return ResultDecision(f"{action}_{outcome}")
