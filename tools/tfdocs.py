"""Render a Terraform module's inputs and outputs as Markdown tables inside its README.

The tables go between ``<!-- BEGIN_TF_DOCS -->`` and ``<!-- END_TF_DOCS -->``. Only the
standard library is used: the parser understands as much HCL as ``variables.tf`` and
``outputs.tf`` hold (blocks, attributes, quoted strings, heredocs, comments, nested
brackets), which is what the README needs and keeps the tool installable anywhere.

    python tools/tfdocs.py [MODULE_DIR]          # rewrite README.md between the markers
    python tools/tfdocs.py --check [MODULE_DIR]  # exit 1 when README.md is out of date
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BEGIN = "<!-- BEGIN_TF_DOCS -->"
END = "<!-- END_TF_DOCS -->"

_BLOCK_START = re.compile(r'^(variable|output)\s+"([^"]+)"\s*\{\s*$')
_ATTRIBUTE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(.*)$")
_HEREDOC = re.compile(r"^<<(-?)([A-Za-z_][A-Za-z0-9_]*)$")
_OPENERS = {"{": "}", "[": "]", "(": ")"}
_CLOSERS = set(_OPENERS.values())
_STRING_OR_SPACE = re.compile(r'"(?:\\.|[^"\\])*"|\s+')


class TfDocsError(Exception):
    """The Terraform files or the README cannot be processed; the message says why."""


@dataclass(frozen=True)
class Variable:
    """One input variable as documented in the README."""

    name: str
    type: str
    description: str
    default: str | None  # HCL text of the default; None when the variable is required


@dataclass(frozen=True)
class Output:
    """One output value as documented in the README."""

    name: str
    description: str


def _unquoted(text: str) -> Iterator[tuple[int, str]]:
    """Yield ``(index, char)`` for each character of ``text`` outside quoted strings."""
    in_string = False
    escaped = False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = in_string
        elif char == '"':
            in_string = not in_string
        elif not in_string:
            yield index, char


def _strip_comment(line: str) -> str:
    """Remove a trailing ``#`` or ``//`` comment that is not inside a quoted string."""
    for index, char in _unquoted(line):
        if char == "#" or line.startswith("//", index):
            return line[:index].rstrip()
    return line.rstrip()


def _depth_change(text: str) -> int:
    """Net number of brackets ``text`` opens, ignoring those inside quoted strings."""
    return sum((char in _OPENERS) - (char in _CLOSERS) for _, char in _unquoted(text))


def _code_lines(text: str) -> list[str]:
    """The file's lines without comments (``/* */`` blocks included); heredocs untouched."""
    lines: list[str] = []
    heredoc_end: str | None = None
    in_block_comment = False
    for raw in text.splitlines():
        if heredoc_end is not None:
            lines.append(raw)
            if raw.strip() == heredoc_end:
                heredoc_end = None
            continue
        if in_block_comment:
            in_block_comment = "*/" not in raw
            continue
        if raw.lstrip().startswith("/*"):
            in_block_comment = "*/" not in raw
            continue
        line = _strip_comment(raw)
        lines.append(line)
        marker = re.search(r"<<-?([A-Za-z_][A-Za-z0-9_]*)\s*$", line)
        if marker:
            heredoc_end = marker.group(1)
    return lines


def _blocks(text: str) -> list[tuple[str, str, list[str]]]:
    """Top-level ``variable``/``output`` blocks as (kind, name, body lines)."""
    blocks: list[tuple[str, str, list[str]]] = []
    lines = _code_lines(text)
    index = 0
    while index < len(lines):
        start = _BLOCK_START.match(lines[index].strip())
        index += 1
        if not start:
            continue
        body: list[str] = []
        depth = 1
        while index < len(lines):
            line = lines[index]
            index += 1
            depth += _depth_change(line)
            if depth <= 0:
                break
            body.append(line)
        else:
            raise TfDocsError(f'{start.group(1)} "{start.group(2)}" is not closed')
        blocks.append((start.group(1), start.group(2), body))
    return blocks


def _attributes(body: list[str]) -> dict[str, list[str]]:
    """The block's own attributes (not those of nested blocks) as their value's lines."""
    attributes: dict[str, list[str]] = {}
    index = 0
    while index < len(body):
        line = body[index].strip()
        index += 1
        match = _ATTRIBUTE.match(line)
        if not match:
            depth = _depth_change(line)
            while depth > 0 and index < len(body):  # a nested block such as validation {}
                depth += _depth_change(body[index])
                index += 1
            continue
        name, first = match.groups()
        value = [first]
        heredoc = _HEREDOC.match(first)
        if heredoc:
            while index < len(body):
                value.append(body[index])
                index += 1
                if body[index - 1].strip() == heredoc.group(2):
                    break
        else:
            depth = _depth_change(first)
            while depth > 0 and index < len(body):
                value.append(body[index].strip())
                depth += _depth_change(body[index])
                index += 1
        attributes[name] = value
    return attributes


def _string(value: list[str], where: str) -> str:
    """Decode a quoted string or a heredoc into plain text."""
    heredoc = _HEREDOC.match(value[0])
    if heredoc:
        content = value[1:-1]
        if heredoc.group(1):  # <<- strips the common indentation
            indents = [len(line) - len(line.lstrip()) for line in content if line.strip()]
            cut = min(indents, default=0)
            content = [line[cut:] for line in content]
        return " ".join(line.strip() for line in content if line.strip())
    text = " ".join(value).strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise TfDocsError(f"{where} must be a quoted string or a heredoc, got {text!r}")
    try:
        decoded: str = json.loads(text)
    except json.JSONDecodeError as error:
        raise TfDocsError(f"{where} is not a plain string: {text!r}") from error
    return decoded


def _squeeze(text: str) -> str:
    """Collapse runs of whitespace (alignment padding) outside quoted strings."""
    return _STRING_OR_SPACE.sub(lambda m: m.group(0) if m.group(0)[0] == '"' else " ", text)


def _expression(value: list[str]) -> str:
    """One-line form of a (possibly multi-line) expression, as a reader would write it."""
    parts = [_squeeze(part.strip()) for part in value if part.strip()]
    text = parts[0] if parts else ""
    for previous, part in itertools.pairwise(parts):
        joiner = " " if previous[-1] in "{([," or part[0] in "})]" else ", "
        text += joiner + part
    return text


def _documented(
    text: str, kind: str, required: tuple[str, ...]
) -> list[tuple[str, dict[str, list[str]]]]:
    """(name, attributes) of every ``kind`` block, each checked to have ``required``."""
    found = []
    for block_kind, name, body in _blocks(text):
        if block_kind != kind:
            continue
        attributes = _attributes(body)
        missing = [attribute for attribute in required if attribute not in attributes]
        if missing:
            raise TfDocsError(f'{kind} "{name}" needs {" and ".join(missing)}')
        found.append((name, attributes))
    return found


def parse_variables(text: str) -> list[Variable]:
    """Every ``variable`` block of ``text``, in file order."""
    return [
        Variable(
            name=name,
            type=_expression(attributes["type"]),
            description=_string(attributes["description"], f'variable "{name}" description'),
            default=_expression(attributes["default"]) if "default" in attributes else None,
        )
        for name, attributes in _documented(text, "variable", ("type", "description"))
    ]


def parse_outputs(text: str) -> list[Output]:
    """Every ``output`` block of ``text``, in file order."""
    return [
        Output(name=name, description=_string(attributes["description"], f'output "{name}"'))
        for name, attributes in _documented(text, "output", ("description",))
    ]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return f"`{_cell(text)}`"


def render(variables: list[Variable], outputs: list[Output]) -> str:
    """The Markdown that goes between the markers (markers excluded)."""
    lines = [
        "### Inputs",
        "",
        "| Name | Description | Type | Default | Required |",
        "| --- | --- | --- | --- | :---: |",
    ]
    for variable in variables:
        default = "n/a" if variable.default is None else _code(variable.default)
        required = "yes" if variable.default is None else "no"
        lines.append(
            f"| {_code(variable.name)} | {_cell(variable.description)} | "
            f"{_code(variable.type)} | {default} | {required} |"
        )
    lines += ["", "### Outputs", "", "| Name | Description |", "| --- | --- |"]
    lines += [f"| {_code(output.name)} | {_cell(output.description)} |" for output in outputs]
    return "\n".join(lines)


def module_tables(module_dir: Path) -> str:
    """Render the tables of the module in ``module_dir``."""
    variables_tf = module_dir / "variables.tf"
    outputs_tf = module_dir / "outputs.tf"
    variables = parse_variables(variables_tf.read_text()) if variables_tf.is_file() else []
    outputs = parse_outputs(outputs_tf.read_text()) if outputs_tf.is_file() else []
    return render(variables, outputs)


def replace_between_markers(readme: str, tables: str) -> str:
    """``readme`` with the text between the markers replaced by ``tables``."""
    if (
        readme.count(BEGIN) != 1
        or readme.count(END) != 1
        or readme.index(BEGIN) > readme.index(END)
    ):
        raise TfDocsError(f"the README needs exactly one {BEGIN} followed by one {END}")
    head, rest = readme.split(BEGIN)
    _, tail = rest.split(END)
    return f"{head}{BEGIN}\n{tables}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with --check, verify) the README of a module; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("module_dir", nargs="?", default=".", type=Path)
    parser.add_argument("--readme", type=Path, help="default: MODULE_DIR/README.md")
    parser.add_argument("--check", action="store_true", help="fail when the README is stale")
    args = parser.parse_args(argv)
    readme_path: Path = args.readme or args.module_dir / "README.md"
    try:
        current = readme_path.read_text()
        wanted = replace_between_markers(current, module_tables(args.module_dir))
    except (OSError, TfDocsError) as error:
        print(f"tfdocs: {error}", file=sys.stderr)
        return 2
    if current == wanted:
        return 0
    if args.check:
        print(f"tfdocs: {readme_path} is out of date: run `make docs`", file=sys.stderr)
        return 1
    readme_path.write_text(wanted)
    print(f"tfdocs: updated {readme_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
