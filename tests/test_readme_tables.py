"""Every README that documents Terraform has inputs/outputs tables matching its .tf files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tools import tfdocs
from tools.paths import ROOT

MODULE_DIRS = tfdocs.module_dirs(ROOT)


def _id(folder: Path) -> str:
    return str(folder.relative_to(ROOT)) if folder != ROOT else "root"


def test_every_module_and_example_has_a_readme_with_tables() -> None:
    terraform_dirs = {ROOT} | {
        path.parent for glob in tfdocs.MODULE_GLOBS for path in ROOT.glob(f"{glob}/versions.tf")
    }
    assert len(terraform_dirs) >= 8
    assert set(MODULE_DIRS) == terraform_dirs


@pytest.mark.parametrize("folder", MODULE_DIRS, ids=_id)
def test_readme_tables_are_in_sync(folder: Path) -> None:
    current, wanted = tfdocs.stale(folder)
    assert current == wanted, f"{_id(folder)}/README.md tables are out of date: run `make docs`"


@pytest.mark.parametrize("folder", MODULE_DIRS, ids=_id)
def test_every_declared_variable_and_output_has_a_row(folder: Path) -> None:
    # Counted with a plain regex, not the parser, so a block the parser dropped shows up.
    text = "".join(path.read_text() for path in folder.glob("*.tf"))
    names = re.findall(r'^(?:variable|output) "([^"]+)"', text, flags=re.MULTILINE)
    assert names, f"{_id(folder)} declares no variable or output"
    readme = (folder / "README.md").read_text()
    tables = readme.split(tfdocs.BEGIN)[1].split(tfdocs.END)[0]
    missing = [name for name in names if f"| `{name}` |" not in tables]
    assert missing == []


def test_check_reports_a_new_variable_and_docs_fixes_it(tmp_path: Path) -> None:
    module = tmp_path / "modules" / "flag-alarms"
    shutil.copytree(ROOT / "modules" / "flag-alarms", module, ignore=shutil.ignore_patterns(".*"))
    with (module / "variables.tf").open("a") as variables:
        variables.write('\nvariable "extra" {\n  description = "Added."\n  type = bool\n}\n')

    assert tfdocs.main(["--check", str(module)]) == 1
    assert tfdocs.main([str(module)]) == 0
    assert "| `extra` | Added. | `bool` | n/a | yes |" in (module / "README.md").read_text()
    assert tfdocs.main(["--check", str(module)]) == 0


def test_the_default_run_covers_every_module_under_the_root(tmp_path: Path) -> None:
    for folder in (ROOT / "modules" / "notifications", ROOT / "examples" / "minimal"):
        shutil.copytree(folder, tmp_path / folder.relative_to(ROOT))
    (tmp_path / "examples" / "minimal" / "outputs.tf").write_text(
        'output "only" {\n  description = "The only output."\n  value = 1\n}\n'
    )

    assert tfdocs.main(["--check", "--root", str(tmp_path)]) == 1
    assert tfdocs.main(["--root", str(tmp_path)]) == 0
    assert tfdocs.main(["--check", "--root", str(tmp_path)]) == 0
    readme = (tmp_path / "examples" / "minimal" / "README.md").read_text()
    assert "| `only` | The only output. |" in readme
    assert "| `function_name` |" not in readme


CORPUS = """
variable "flags" {
  description = <<-EOT
    Flags to watch.
      Indented "quotes" | pipes and a `tick`.
  EOT
  type = map(object({
    threshold = optional(number, 5) # percent
    period    = optional(number, 60) // seconds
    /* a block comment */
    nested = optional(object({ a = string }), { a = "x}" })
  }))
  default = {
    a     = {}
    "b-c" = { threshold = 1.5 }
  }

  validation {
    condition     = length(var.flags) > 0
    error_message = "description = \\"not this\\""
  }
}

variable "plain_heredoc" {
  description = <<EOT
  First line
    second line
EOT
  type    = list(string)
  default = [
    "a",
    "b", # trailing comment
  ]
}

variable "escapes" {
  description = "Costs $${cents} and %%{if} \\u00e9, tab\\tdone."
  type        = any
  default     = <<-EOT
    line one
    line "two"
  EOT
}

variable "scalars" {
  description = "Number, bool and null defaults."
  type        = tuple([number, bool, string])
  default     = null
}

variable "count_down" {
  description = "Negative."
  type        = number
  default     = -1
  nullable    = false
}

variable "switch" {
  description = "A bool."
  type        = bool
  default     = true
}

output "pattern" {
  description = "Regex with \\"quotes\\" and a # hash."
  value       = "x"
  sensitive   = true
}
"""


def test_types_defaults_and_descriptions_render_as_written() -> None:
    parsed_variables, outputs = tfdocs.parse(CORPUS)
    variables = {variable.name: variable for variable in parsed_variables}

    assert list(variables) == [
        "flags",
        "plain_heredoc",
        "escapes",
        "scalars",
        "count_down",
        "switch",
    ]
    flags = variables["flags"]
    assert flags.description == 'Flags to watch. Indented "quotes" | pipes and a `tick`.'
    assert flags.type == (
        "map(object({ threshold = optional(number, 5), period = optional(number, 60),"
        ' nested = optional(object({ a = string }), { a = "x}" }) }))'
    )
    assert flags.default == '{ a = {}, "b-c" = { threshold = 1.5 } }'
    plain = variables["plain_heredoc"]
    assert (plain.description, plain.type, plain.default) == (
        "First line second line",
        "list(string)",
        '["a", "b"]',
    )
    escapes = variables["escapes"]
    assert escapes.description == "Costs ${cents} and %{if} \u00e9, tab\tdone."
    assert (escapes.type, escapes.default) == ("any", '"line one\\nline \\"two\\""')
    assert variables["scalars"].type == "tuple([number, bool, string])"
    assert variables["scalars"].default == "null"
    assert variables["count_down"].default == "-1"
    assert variables["switch"].default == "true"
    assert outputs == [tfdocs.Output("pattern", 'Regex with "quotes" and a # hash.')]


def test_cells_escape_pipes_and_backticks() -> None:
    variables, _ = tfdocs.parse(CORPUS)
    table = tfdocs.render(variables, [])

    row = next(line for line in table.splitlines() if line.startswith("| `flags` |"))
    assert 'Indented "quotes" \\| pipes and a `tick`.' in row
    assert table.endswith("### Outputs\n\nNo outputs.")
    assert tfdocs.render([], []).startswith("### Inputs\n\nNo inputs.\n")
    code = tfdocs.render([tfdocs.Variable("v", "string", "d", '"a`b"')], [])
    assert '| `` "a`b" `` | no |' in code


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('variable "x" {\n  type = string\n', "not valid HCL"),
        ('variable "x" {\n  type = string\n}\n', 'variable "x" needs description'),
        ('variable "x" {\n  description = 1\n  type = string\n}\n', "quoted string or a heredoc"),
        ('output "y" {\n  value = 1\n}\n', 'output "y" needs description'),
    ],
)
def test_bad_terraform_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "main.tf").write_text(text)
    with pytest.raises(tfdocs.TfDocsError, match=re.escape(message)) as raised:
        tfdocs.module_tables(tmp_path)
    assert str(raised.value).startswith(f"{tmp_path / 'main.tf'}: ")


def test_readme_without_markers_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(tfdocs.TfDocsError, match="BEGIN_TF_DOCS"):
        tfdocs.replace_between_markers("# no markers\n", "tables")
    (tmp_path / "main.tf").write_text('output "a" {\n  description = "A."\n  value = 1\n}\n')
    (tmp_path / "README.md").write_text("# no markers\n")
    assert tfdocs.main(["--check", str(tmp_path)]) == 2
    assert (tmp_path / "README.md").read_text() == "# no markers\n"
