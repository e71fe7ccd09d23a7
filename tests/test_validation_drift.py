"""Root validation blocks that repeat a submodule's stay identical to it.

The root validates its inputs so users get errors that name the root variable; the
submodules validate the same values for users who call them alone. Every root variable
that main.tf passes unchanged to a submodule variable (`arg = var.root_name`) is paired
with it, and each of the root's validation blocks must equal one of the submodule's,
modulo the variable's name (in the condition and in the message). So a fix to a limit in
one place without the other fails here.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import hcl2
import pytest

from tools.paths import ROOT

# Pairs whose validations differ on purpose: the root takes a prefix, the submodule a
# whole name built from it, and each checks its own length limit; the root's guard_mode
# also takes "off", which creates no deployment-guard module at all.
DIFFERENT_MEANING = {("name_prefix", "name"), ("guard_mode", "guard_mode")}

PASS_THROUGH = re.compile(r"\$\{var\.(?P<name>\w+)\}")

Validation = tuple[str, str]


def unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def load(path: Path) -> dict[str, Any]:
    with path.open() as handle:
        parsed: dict[str, Any] = hcl2.load(handle)
    return parsed


@cache
def validations(folder: Path) -> dict[str, list[Validation]]:
    """Each variable of the folder's variables.tf: its (condition, error_message) blocks."""
    found: dict[str, list[Validation]] = {}
    for block in load(folder / "variables.tf").get("variable", []):
        for name, body in block.items():
            found[unquote(name)] = [
                (rule["condition"], unquote(rule["error_message"]))
                for rule in body.get("validation", [])
            ]
    return found


def normalised(rules: list[Validation], name: str) -> list[Validation]:
    """The rules with the variable's own name replaced, so root and submodule compare."""
    word = re.compile(rf"\b{re.escape(name)}\b")
    return [(word.sub("VAR", condition), word.sub("VAR", message)) for condition, message in rules]


def pairs() -> list[tuple[str, str, str]]:
    """(submodule folder, root variable, submodule variable) for every pass-through argument
    whose submodule variable has validations of its own (else there is nothing to repeat)."""
    found = []
    for block in load(ROOT / "main.tf")["module"]:
        for body in block.values():
            source = unquote(body["source"])
            for argument, value in body.items():
                match = PASS_THROUGH.fullmatch(str(value))
                if (
                    match
                    and (match["name"], argument) not in DIFFERENT_MEANING
                    and validations(ROOT / source).get(argument)
                ):
                    found.append((source, match["name"], argument))
    return found


ROOT_RULES = validations(ROOT)
PAIRS = pairs()


def test_main_passes_validated_inputs_through_to_submodules() -> None:
    # Guards the parser: if main.tf's shape changed, the drift check would pass vacuously.
    assert len(PAIRS) >= 20, PAIRS


@pytest.mark.parametrize(
    ("source", "root_name", "module_name"),
    PAIRS,
    ids=[f"{root}->{source.rsplit('/', 1)[-1]}.{module}" for source, root, module in PAIRS],
)
def test_root_validation_repeats_the_submodule_exactly(
    source: str, root_name: str, module_name: str
) -> None:
    wanted = normalised(validations(ROOT / source)[module_name], module_name)
    drifted = [rule for rule in normalised(ROOT_RULES[root_name], root_name) if rule not in wanted]
    assert not drifted, (
        f"var.{root_name} (variables.tf) has validation(s) that differ from "
        f"var.{module_name} in {source}/variables.tf: {drifted}; make them identical"
    )
