"""Render Terraform inputs and outputs as Markdown tables inside each module's README.

The tables go between ``<!-- BEGIN_TF_DOCS -->`` and ``<!-- END_TF_DOCS -->``. python-hcl2
parses the ``.tf`` files; this tool only turns the parsed ``variable`` and ``output`` blocks
into table rows. Every README that documents Terraform is covered: the root module, each
``modules/*`` and each ``examples/*``.

    python tools/tfdocs.py                  # rewrite every README (from the repository root)
    python tools/tfdocs.py DIR [DIR ...]    # only the modules in these folders
    python tools/tfdocs.py --check [DIR]    # exit 1 when a README is out of date
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import hcl2
from hcl2.utils import process_escape_sequences
from lark.exceptions import LarkError

BEGIN = "<!-- BEGIN_TF_DOCS -->"
END = "<!-- END_TF_DOCS -->"

# Folders below the repository root whose README documents a Terraform module (besides the
# root module itself).
MODULE_GLOBS = ("modules/*", "examples/*")

# Heredocs become quoted strings; objects and tuples stay inline HCL text ("${{a = 1}}"),
# so a default reads as it was written rather than as a Python dict.
_OPTIONS = hcl2.SerializationOptions(
    with_comments=False,
    explicit_blocks=False,
    preserve_heredocs=False,
    wrap_objects=True,
    wrap_tuples=True,
)
# python-hcl2 writes inline objects as {a = 1}; the tables show them as { a = 1 }. A quoted
# string is matched whole so braces inside it are left alone.
_BRACE_OR_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\{\}|\{|\}')


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


def _blocks(parsed: dict[str, object], kind: str) -> list[tuple[str, dict[str, object]]]:
    """(name, attributes) of every top-level ``kind`` block, in file order."""
    found = parsed.get(kind, [])
    if not isinstance(found, list):
        raise TfDocsError(f"unexpected parsed {kind} blocks {found!r}")
    return [
        (str(label).strip('"'), attributes)
        for block in found
        for label, attributes in block.items()
    ]


def _string(value: object, where: str) -> str:
    """The text of a quoted string or heredoc, its lines joined into one."""
    if not (isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"'):
        raise TfDocsError(f"{where} must be a quoted string or a heredoc, got {value!r}")
    text = process_escape_sequences(value[1:-1]).replace("$${", "${").replace("%%{", "%{")
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def _spaced(match: re.Match[str]) -> str:
    token = match.group(0)
    return {"{": "{ ", "}": " }"}.get(token, token)


def _expression(value: object) -> str:
    """HCL text of a parsed type or default, on one line."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str):
        raise TfDocsError(f"unexpected parsed value {value!r}")
    if value.startswith("${") and value.endswith("}"):
        value = value[2:-1]
    return _BRACE_OR_STRING.sub(_spaced, value)


def _checked(
    parsed: dict[str, object], kind: str, required: tuple[str, ...]
) -> list[tuple[str, dict[str, object]]]:
    """Every ``kind`` block, each checked to have the ``required`` attributes."""
    blocks = _blocks(parsed, kind)
    for name, attributes in blocks:
        missing = [attribute for attribute in required if attribute not in attributes]
        if missing:
            raise TfDocsError(f'{kind} "{name}" needs {" and ".join(missing)}')
    return blocks


def parse(text: str) -> tuple[list[Variable], list[Output]]:
    """Every ``variable`` and ``output`` block of the Terraform ``text``, in file order."""
    try:
        parsed: dict[str, object] = hcl2.loads(text, serialization_options=_OPTIONS)
    except LarkError as error:
        raise TfDocsError(f"not valid HCL: {error}") from error
    variables = [
        Variable(
            name=name,
            type=_expression(attributes["type"]),
            description=_string(attributes["description"], f'variable "{name}" description'),
            default=_expression(attributes["default"]) if "default" in attributes else None,
        )
        for name, attributes in _checked(parsed, "variable", ("type", "description"))
    ]
    outputs = [
        Output(name=name, description=_string(attributes["description"], f'output "{name}"'))
        for name, attributes in _checked(parsed, "output", ("description",))
    ]
    return variables, outputs


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{_cell(text)}{pad}{fence}"


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
    if not variables:
        lines[2:] = ["No inputs."]
    lines += ["", "### Outputs", ""]
    if outputs:
        lines += ["| Name | Description |", "| --- | --- |"]
        lines += [f"| {_code(o.name)} | {_cell(o.description)} |" for o in outputs]
    else:
        lines.append("No outputs.")
    return "\n".join(lines)


def module_tables(module_dir: Path) -> str:
    """Render the tables of the module in ``module_dir`` (every ``*.tf`` file, by name)."""
    variables: list[Variable] = []
    outputs: list[Output] = []
    for path in sorted(module_dir.glob("*.tf")):
        try:
            file_variables, file_outputs = parse(path.read_text())
        except TfDocsError as error:
            raise TfDocsError(f"{path}: {error}") from error
        variables += file_variables
        outputs += file_outputs
    return render(variables, outputs)


def module_dirs(root: Path) -> list[Path]:
    """Every folder under ``root`` whose README documents a Terraform module."""
    candidates = [root] + [path for glob in MODULE_GLOBS for path in sorted(root.glob(glob))]
    return [
        folder
        for folder in candidates
        if (folder / "README.md").is_file() and any(folder.glob("*.tf"))
    ]


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


def stale(module_dir: Path) -> tuple[str, str]:
    """(current, wanted) text of the module's README."""
    readme = module_dir / "README.md"
    current = readme.read_text()
    try:
        return current, replace_between_markers(current, module_tables(module_dir))
    except TfDocsError as error:
        raise TfDocsError(f"{readme}: {error}") from error


def _update(module_dirs_: Iterable[Path], check: bool) -> int:
    status = 0
    for module_dir in module_dirs_:
        current, wanted = stale(module_dir)
        if current == wanted:
            continue
        readme = module_dir / "README.md"
        if check:
            print(f"tfdocs: {readme} is out of date: run `make docs`", file=sys.stderr)
            status = 1
        else:
            readme.write_text(wanted)
            print(f"tfdocs: updated {readme}")
    return status


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with --check, verify) the READMEs; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "module_dirs", nargs="*", type=Path, help="default: every module under --root"
    )
    parser.add_argument("--root", type=Path, default=Path(), help="repository root (default: .)")
    parser.add_argument("--check", action="store_true", help="fail when a README is stale")
    args = parser.parse_args(argv)
    folders: list[Path] = args.module_dirs or module_dirs(args.root)
    if not folders:
        print(f"tfdocs: no module README under {args.root}", file=sys.stderr)
        return 2
    try:
        return _update(folders, args.check)
    except (OSError, TfDocsError) as error:
        print(f"tfdocs: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
