"""The root README's inputs and outputs tables match variables.tf and outputs.tf."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import tfdocs
from tools.paths import ROOT


def test_readme_tables_match_the_root_module() -> None:
    readme = (ROOT / "README.md").read_text()
    wanted = tfdocs.replace_between_markers(readme, tfdocs.module_tables(ROOT))
    assert readme == wanted, "README.md tables are out of date: run `make docs`"


def test_every_root_variable_and_output_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    names = [v.name for v in tfdocs.parse_variables((ROOT / "variables.tf").read_text())]
    names += [o.name for o in tfdocs.parse_outputs((ROOT / "outputs.tf").read_text())]
    assert len(names) > 40
    missing = [name for name in names if f"| `{name}` |" not in readme]
    assert missing == []


def test_a_new_variable_makes_the_readme_stale(tmp_path: Path) -> None:
    for name in ("variables.tf", "outputs.tf", "README.md"):
        (tmp_path / name).write_text((ROOT / name).read_text())
    with (tmp_path / "variables.tf").open("a") as variables:
        variables.write('\nvariable "extra" {\n  description = "Added."\n  type = bool\n}\n')

    assert tfdocs.main(["--check", str(tmp_path)]) == 1
    assert tfdocs.main([str(tmp_path)]) == 0
    assert "| `extra` | Added. | `bool` | n/a | yes |" in (tmp_path / "README.md").read_text()
    assert tfdocs.main(["--check", str(tmp_path)]) == 0


def test_parses_multiline_types_heredocs_and_skips_nested_blocks() -> None:
    text = """
variable "flags" {
  description = <<-EOT
    Flags to watch.
      Indented "quotes" | pipes.
  EOT
  type = map(object({
    threshold = optional(number, 5) # percent
    period    = optional(number, 60)
  }))
  default = { a = {} }

  validation {
    condition     = length(var.flags) > 0
    error_message = "description = \\"not this\\""
  }
}

output "pattern" {
  description = "Regex with \\"quotes\\" and a # hash."
  value       = "x"
}
"""
    (variable,) = tfdocs.parse_variables(text)
    assert variable.description == 'Flags to watch. Indented "quotes" | pipes.'
    assert variable.type == (
        "map(object({ threshold = optional(number, 5), period = optional(number, 60) }))"
    )
    assert variable.default == "{ a = {} }"
    (output,) = tfdocs.parse_outputs(text)
    assert output.description == 'Regex with "quotes" and a # hash.'
    assert 'Indented "quotes" \\| pipes.' in tfdocs.render([variable], [output])


def test_readme_without_markers_is_an_error() -> None:
    with pytest.raises(tfdocs.TfDocsError, match="BEGIN_TF_DOCS"):
        tfdocs.replace_between_markers("# no markers\n", "tables")
