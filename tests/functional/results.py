"""The handler's result for one request, as the tests compare it whole."""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    "action": "rollback",
    "flags": [],
    "alarm": None,
    "reason": "",
    "old_version": None,
    "new_version": None,
    "deployment_number": None,
    "dry_run": False,
    "unchanged": [],
    "missing": [],
    "detail": "",
    "preempted": [],
}


def result(outcome: str, **fields: Any) -> dict[str, Any]:
    """Every key of a result (``state`` only when given): these fields, the rest at the
    values a request that set none of them gets."""
    unknown = set(fields) - set(DEFAULTS) - {"state"}
    assert not unknown, f"not a result field: {sorted(unknown)}"
    ordered = {"action": fields.get("action", DEFAULTS["action"]), "outcome": outcome}
    return (
        ordered
        | {key: fields.get(key, value) for key, value in DEFAULTS.items()}
        | ({"state": fields["state"]} if "state" in fields else {})
    )


def without_state(outcome: dict[str, Any]) -> dict[str, Any]:
    """A result without its ``state`` (the hold and lineage detail some tests read apart)."""
    return {key: value for key, value in outcome.items() if key != "state"}
