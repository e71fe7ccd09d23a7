"""The two ways a rollback can fail, as types the handler acts on.

A PermanentError will fail the same way on every retry (a malformed event, a flag that
is not in the configuration), so it is logged, notified and returned. A TransientError
may succeed later (throttling, 5xx, timeouts, a busy environment), so it is raised:
Lambda's own retries and the failure destination then keep the event.
"""

from __future__ import annotations


class RollbackError(Exception):
    """Base of every error this function reports on purpose."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class PermanentError(RollbackError):
    """Retrying cannot help: log it, notify a person when one should act, change nothing."""

    def __init__(self, code: str, message: str, *, notify: bool = True) -> None:
        super().__init__(code, message)
        self.notify = notify


class TransientError(RollbackError):
    """Retrying may help: raise it so Lambda retries and keeps the event on failure."""


class SettingsError(ValueError):
    """An environment variable is missing or invalid; the message names the variable."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
