"""EventBridge PutRule refuses an event pattern over the account's "Event pattern size" quota.

Amazon EventBridge quotas (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html):
"Event pattern size", default 2,048 in each Region, adjustable: the maximum size of an event
pattern, in characters. The service model allows up to 4,096 (`EventPattern`, max 4096), the
most a raised quota can reach. moto accepts any length, so a module budgeted above the
default quota applies here and fails in a new account.

The emulator enforces the default; `event_pattern_max_length` in the run-time settings
(emulator.core.config, `POST /_emulator/config`) models a raised quota. The error class is
*inferred*: PutRule lists InvalidEventPatternException ("The event pattern is not valid")
and LimitExceededException (quotas on resource counts); a pattern too long for its quota is
answered with the first, with the length and the quota in the reason.
"""

from __future__ import annotations

from moto.events.exceptions import InvalidEventPatternException
from moto.events.models import EventsBackend, Rule

from emulator.core.config import get_event_pattern_max_length

_moto_put_rule = EventsBackend.put_rule


def check_event_pattern_size(event_pattern: str | None) -> None:
    """InvalidEventPatternException when the pattern is longer than the quota allows."""
    if event_pattern is None:
        return
    limit = get_event_pattern_max_length()
    if len(event_pattern) > limit:
        raise InvalidEventPatternException(
            f"Event pattern is {len(event_pattern)} characters long; the Event pattern size "
            f"quota of this account is {limit} characters"
        )


def _put_rule(  # noqa: PLR0917 - moto's EventsBackend.put_rule signature
    self: EventsBackend,
    name: str,
    description: str | None = None,
    event_bus_arn: str | None = None,
    event_pattern: str | None = None,
    role_arn: str | None = None,
    scheduled_expression: str | None = None,
    state: str | None = None,
    managed_by: str | None = None,
    tags: list[dict[str, str]] | None = None,
) -> Rule:
    check_event_pattern_size(event_pattern)
    rule: Rule = _moto_put_rule(
        self,
        name,
        description=description,
        event_bus_arn=event_bus_arn,
        event_pattern=event_pattern,
        role_arn=role_arn,
        scheduled_expression=scheduled_expression,
        state=state,
        managed_by=managed_by,
        tags=tags,
    )
    return rule


def install() -> None:
    """Check the event pattern size quota in PutRule (idempotent)."""
    # ignore[method-assign]: moto is extended by assigning to its classes; mypy still checks
    # the replacement's signature against moto's (an [assignment] error is not ignored).
    EventsBackend.put_rule = _put_rule  # type: ignore[method-assign]
