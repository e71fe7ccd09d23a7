"""The function's structured log lines, as the tests compare them whole."""

from __future__ import annotations

import json
from typing import Any

TIME_KEYS = ("time", "timestamp")


def decisions(output: str, *names: str) -> list[dict[str, Any]]:
    """The decision records the function printed (of the named decisions, or every one), in
    order, each without its clock fields, which are checked present."""
    found = []
    for line in output.splitlines():
        record = json.loads(line)
        if "decision" in record and (not names or record["decision"] in names):
            assert all(key in record for key in TIME_KEYS), record
            found.append({key: value for key, value in record.items() if key not in TIME_KEYS})
    return found
