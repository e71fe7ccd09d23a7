"""IAM policy documents: statements, and whether one applies to an action on a resource.

Follows the IAM JSON policy element reference
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html):
- ``Effect`` is ``Allow`` or ``Deny``; ``Action``/``NotAction`` and ``Resource``/``NotResource``
  take a string or a list of strings.
- Action names match case-insensitively; resource ARNs case-sensitively
  (reference_policies_elements_action.html, reference_policies_elements_resource.html).
- ``*`` matches any run of characters (``/`` and ``:`` included), ``?`` exactly one
  (reference_policies_elements_resource.html, "Including wildcard characters").
- ``Condition`` (reference_policies_elements_condition_operators.html): the operators the
  module's policies could use are evaluated (String*, Arn*, Bool, Null, with ``...IfExists``
  and ``ForAnyValue:``/``ForAllValues:`` left out). A key missing from the request context
  fails the condition, as AWS does for every operator but ``Null`` and ``...IfExists``. An
  operator this module does not know never makes an Allow apply and always lets a Deny
  apply (*inferred*, deny-safe: the emulator may refuse more than AWS, never less).
Policy variables (``${aws:username}``) are not substituted: they match literally.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class PolicyError(ValueError):
    """A policy document that IAM itself would reject as malformed."""


class Effect(StrEnum):
    """A statement's effect."""

    ALLOW = "Allow"
    DENY = "Deny"


@functools.cache
def _wildcard(pattern: str, *, ignore_case: bool) -> re.Pattern[str]:
    """IAM's ``*``/``?`` wildcard as a regex (no ``[...]`` classes, unlike fnmatch)."""
    body = "".join(
        ".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern
    )
    return re.compile(body, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def action_matches(pattern: str, action: str) -> bool:
    """Whether a policy's Action entry names ``action`` (case-insensitive, wildcards)."""
    return _wildcard(pattern, ignore_case=True).fullmatch(action) is not None


def resource_matches(pattern: str, arn: str) -> bool:
    """Whether a policy's Resource entry covers ``arn`` (case-sensitive, wildcards)."""
    return _wildcard(pattern, ignore_case=False).fullmatch(arn) is not None


def _strings(value: object, element: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise PolicyError(f"{element} must be a string or a non-empty list of strings")


def _string_like(pattern: str, value: str) -> bool:
    return resource_matches(pattern, value)


def _bool(pattern: str, value: str) -> bool:
    return pattern.lower() == value.lower()


# operator -> (compare(policy value, context value), negated)
_OPERATORS: dict[str, tuple[Callable[[str, str], bool], bool]] = {
    "StringEquals": (str.__eq__, False),
    "StringNotEquals": (str.__eq__, True),
    "StringEqualsIgnoreCase": (lambda a, b: a.lower() == b.lower(), False),
    "StringNotEqualsIgnoreCase": (lambda a, b: a.lower() == b.lower(), True),
    "StringLike": (_string_like, False),
    "StringNotLike": (_string_like, True),
    "ArnEquals": (_string_like, False),
    "ArnLike": (_string_like, False),
    "ArnNotEquals": (_string_like, True),
    "ArnNotLike": (_string_like, True),
    "Bool": (_bool, False),
}


@dataclass(frozen=True)
class Condition:
    """One ``operator: {key: values}`` test of a Condition block."""

    operator: str
    key: str
    values: tuple[str, ...]

    def holds(self, context: Mapping[str, Sequence[str]], *, unknown: bool) -> bool:
        """Whether the test holds for the request ``context`` (keys case-insensitive).

        ``unknown`` is the answer for an operator this module does not evaluate.
        """
        found = {key.lower(): values for key, values in context.items()}.get(self.key.lower())
        if self.operator == "Null":
            missing = found is None
            return any((value.lower() == "true") == missing for value in self.values)
        known = _OPERATORS.get(self.operator)
        if known is None:
            return unknown
        if found is None:
            return False
        compare, negated = known
        hit = any(compare(pattern, value) for pattern in self.values for value in found)
        return not hit if negated else hit


@dataclass(frozen=True)
class Statement:
    """One statement of an identity policy."""

    effect: Effect
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    not_resources: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()
    sid: str = ""

    def covers_action(self, action: str) -> bool:
        """Whether the Action (or NotAction) element selects ``action``."""
        if self.actions:
            return any(action_matches(pattern, action) for pattern in self.actions)
        return not any(action_matches(pattern, action) for pattern in self.not_actions)

    def covers_resource(self, arn: str) -> bool:
        """Whether the Resource (or NotResource) element selects ``arn``."""
        if self.resources:
            return any(resource_matches(pattern, arn) for pattern in self.resources)
        return not any(resource_matches(pattern, arn) for pattern in self.not_resources)

    def conditions_hold(self, context: Mapping[str, Sequence[str]]) -> bool:
        """All condition tests hold (AND); unknown operators decided deny-safe for the effect."""
        unknown = self.effect is Effect.DENY
        return all(test.holds(context, unknown=unknown) for test in self.conditions)

    def applies(self, action: str, arn: str, context: Mapping[str, Sequence[str]]) -> bool:
        """Whether this statement speaks about ``action`` on ``arn`` in ``context``."""
        return (
            self.covers_action(action)
            and self.covers_resource(arn)
            and self.conditions_hold(context)
        )


def _conditions(block: object) -> tuple[Condition, ...]:
    if block is None:
        return ()
    if not isinstance(block, dict):
        raise PolicyError("Condition must be an object")
    found: list[Condition] = []
    for operator, tests in block.items():
        if not isinstance(tests, dict):
            raise PolicyError(f"Condition operator {operator} must map keys to values")
        for key, values in tests.items():
            items = values if isinstance(values, list) else [values]
            text = (str(item).lower() if isinstance(item, bool) else str(item) for item in items)
            found.append(Condition(operator, key, tuple(text)))
    return tuple(found)


def _pair(raw: Mapping[str, Any], name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    positive, negative = raw.get(name), raw.get(f"Not{name}")
    if (positive is None) == (negative is None):
        raise PolicyError(f"a statement needs exactly one of {name} and Not{name}")
    if positive is not None:
        return _strings(positive, name), ()
    return (), _strings(negative, f"Not{name}")


def parse_statement(raw: Mapping[str, Any]) -> Statement:
    """One statement from its JSON form; PolicyError when IAM would reject it."""
    try:
        effect = Effect(str(raw.get("Effect")))
    except ValueError:
        raise PolicyError(f"Effect must be Allow or Deny, not {raw.get('Effect')!r}") from None
    if "Principal" in raw or "NotPrincipal" in raw:
        raise PolicyError("an identity-based policy cannot name a Principal")
    actions, not_actions = _pair(raw, "Action")
    resources, not_resources = _pair(raw, "Resource")
    return Statement(
        effect=effect,
        actions=actions,
        not_actions=not_actions,
        resources=resources,
        not_resources=not_resources,
        conditions=_conditions(raw.get("Condition")),
        sid=str(raw.get("Sid", "")),
    )


@dataclass(frozen=True)
class Policy:
    """An identity policy document: its statements, in order."""

    statements: tuple[Statement, ...] = field(default_factory=tuple)
    name: str = ""


def parse_policy(document: str | Mapping[str, Any], *, name: str = "") -> Policy:
    """A policy from its JSON text (as IAM stores it) or its parsed form."""
    raw = json.loads(document) if isinstance(document, str) else document
    if not isinstance(raw, Mapping):
        raise PolicyError("a policy document must be a JSON object")
    statements = raw.get("Statement")
    if isinstance(statements, Mapping):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise PolicyError("a policy document needs a Statement")
    return Policy(tuple(parse_statement(item) for item in statements), name=name)


def statements_of(policies: Iterable[Policy]) -> tuple[Statement, ...]:
    """Every statement of every policy (the evaluation order does not matter in IAM)."""
    return tuple(statement for policy in policies for statement in policy.statements)
