"""Held flags: the record a rollback leaves and a restore lifts, kept in SSM Parameter Store.

One String parameter per flag under HOLDS_PARAMETER_PATH (``<path>/<flag>``), holding a
small JSON record. Why Parameter Store (lambda/README.md, "Held flags", says it for people):

* it outlives the container and the function's versions, needs no table or server of ours,
  and people read it with ``aws ssm get-parameters-by-path --path <path>`` or the console;
* every write is kept as a parameter version (the last 100), so the history of a flag's
  holds and restores is there without a log search;
* IAM scopes to exactly this path (``parameter/<path>/*``);
* not tags on the configuration profile: tag values allow no JSON (no quotes or braces)
  and hold 256 characters; not the flags document itself: it is served to every app.

A parameter whose record says ``released`` is kept (not deleted): its rollback times feed
the anti-flap rule (restore_policy.py) when the flag is rolled back again.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from flag_rollback import clients
from flag_rollback.observe import log
from flag_rollback.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_ssm.type_defs import GetParametersByPathRequestTypeDef

SCHEMA = 1
MAX_REASON = 500
MAX_PAGES = 50
# What may stand as the last level of a parameter name (flag keys of AppConfig's feature
# flag type always do); any other flag name is stored under a digest of itself.
_SAFE_NAME = re.compile(r"^[a-zA-Z0-9_.-]{1,128}$")


class HoldState(StrEnum):
    """Whether the hold is in force."""

    HELD = "held"
    RELEASED = "released"


class Actor(StrEnum):
    """Who put the flag on hold or lifted it."""

    ALARM = "alarm"
    OPERATOR = "operator"


@dataclass(frozen=True)
class Hold:
    """One flag's hold: who, when, why, and the version that disabled it."""

    flag: str
    state: HoldState
    held_by: Actor
    held_at: str
    reason: str
    alarm: str | None = None
    disabled_version: int | None = None
    # When the flag was rolled back, oldest first, within the flap window.
    rollbacks: tuple[str, ...] = ()
    # The flap limit was reached: only a forced restore lifts this hold.
    sticky: bool = False
    released_at: str | None = None
    released_reason: str | None = None
    restored_version: int | None = None
    schema: int = field(default=SCHEMA)

    @property
    def held(self) -> bool:
        """Whether the hold is in force."""
        return self.state == HoldState.HELD

    def summary(self) -> dict[str, object]:
        """What status, holds and notifications show: the fields that are set."""
        data = asdict(self) | {"rollbacks": list(self.rollbacks)}
        return {key: value for key, value in data.items() if value not in (None, "", [])}


def to_json(hold: Hold) -> str:
    """The stored form (compact JSON; reasons cut so a record stays far below 4 KB)."""
    data = asdict(replace(hold, reason=hold.reason[:MAX_REASON]))
    data["rollbacks"] = list(hold.rollbacks)
    data["released_reason"] = (hold.released_reason or "")[:MAX_REASON] or None
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def from_json(text: str) -> Hold | None:
    """A Hold from its stored form; None (the caller logs) when it is not one."""
    try:
        data: Any = json.loads(text)
        flag, held_at = data["flag"], data["held_at"]
        state, actor = HoldState(data["state"]), Actor(data["held_by"])
    except (ValueError, TypeError, KeyError):
        return None
    if not isinstance(flag, str) or not isinstance(held_at, str):
        return None
    rollbacks = data.get("rollbacks")
    return Hold(
        flag=flag,
        state=state,
        held_by=actor,
        held_at=held_at,
        reason=str(data.get("reason") or ""),
        alarm=_str(data.get("alarm")),
        disabled_version=_int(data.get("disabled_version")),
        rollbacks=tuple(t for t in rollbacks if isinstance(t, str))
        if isinstance(rollbacks, list)
        else (),
        sticky=data.get("sticky") is True,
        released_at=_str(data.get("released_at")),
        released_reason=_str(data.get("released_reason")),
        restored_version=_int(data.get("restored_version")),
    )


def parameter_name(path: str, flag: str) -> str:
    """The parameter holding one flag's hold."""
    if _SAFE_NAME.match(flag):
        return f"{path}/{flag}"
    return f"{path}/sha256-{hashlib.sha256(flag.encode()).hexdigest()[:32]}"


def read(settings: Settings, flag: str) -> Hold | None:
    """The flag's hold record (held or released); None when it never had one."""
    name = parameter_name(settings.holds.parameter_path, flag)
    with clients.aws_call("GetParameter"):
        try:
            response = clients.ssm().get_parameter(Name=name)
        except ClientError as error:
            if clients.error_code(error) == "ParameterNotFound":
                return None
            raise
    hold = from_json(response["Parameter"].get("Value", ""))
    if hold is None or hold.flag != flag:
        log("hold_unreadable", level="ERROR", parameter=name)
        return None
    return hold


def read_all(settings: Settings) -> list[Hold]:
    """Every hold record under the path (held and released), sorted by flag."""
    found: list[Hold] = []
    request: GetParametersByPathRequestTypeDef = {
        "Path": settings.holds.parameter_path,
        "Recursive": False,
        "MaxResults": 10,
    }
    for _ in range(MAX_PAGES):
        with clients.aws_call("GetParametersByPath"):
            page = clients.ssm().get_parameters_by_path(**request)
        for parameter in page.get("Parameters", []):
            hold = from_json(parameter.get("Value", ""))
            if hold is None:
                log("hold_unreadable", level="ERROR", parameter=parameter.get("Name"))
                continue
            found.append(hold)
        token = page.get("NextToken")
        if not token:
            break
        request["NextToken"] = token
    return sorted(found, key=lambda hold: hold.flag)


def held(settings: Settings) -> dict[str, Hold]:
    """The holds in force, by flag."""
    return {hold.flag: hold for hold in read_all(settings) if hold.held}


def write(settings: Settings, hold: Hold) -> None:
    """Store the record (a new parameter version; SSM keeps the last 100)."""
    verb = "Held" if hold.held else "Released"
    with clients.aws_call("PutParameter"):
        clients.ssm().put_parameter(
            Name=parameter_name(settings.holds.parameter_path, hold.flag),
            Description=f"{verb} by flag-rollback: feature flag {hold.flag[:900]}",
            Value=to_json(hold),
            Type="String",
            Tier="Standard",
            Overwrite=True,
        )
