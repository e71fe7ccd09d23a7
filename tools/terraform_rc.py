"""Write a Terraform CLI configuration that installs providers from a local mirror.

Terraform on an offline machine cannot reach the public registry. When a filesystem
mirror of providers exists on disk, this script finds it at run time (never a path
baked into the module) and writes a CLI configuration that installs
``registry.terraform.io/hashicorp/*`` from it, with a plugin cache so that each
``terraform init`` links the provider instead of copying it.

Where no mirror exists (a normal, online machine) it writes a configuration with
only the plugin cache, so Terraform uses the registry as usual.

Usage: python tools/terraform_rc.py OUTPUT_FILE
The mirror may be named explicitly with TF_PROVIDER_MIRROR.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

_REGISTRY_DIR = "registry.terraform.io"
_CANDIDATES = (
    "~/.terraform.d/plugins",
    "~/.local/share/terraform/plugins",
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
    "/opt",
)


def _mirror_root(binary: Path) -> Path | None:
    """Return the folder holding ``registry.terraform.io`` above a provider binary."""
    for parent in binary.parents:
        if parent.name == _REGISTRY_DIR:
            return parent.parent
    return None


def _search(base: Path) -> Path | None:
    if not base.is_dir():
        return None
    try:
        found = subprocess.run(
            [
                "find",
                str(base),
                "-xdev",
                "-path",
                f"*{_REGISTRY_DIR}/hashicorp/aws/*",
                "-name",
                "terraform-provider-aws*",
                "-print",
                "-quit",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    return _mirror_root(Path(found)) if found else None


def find_mirror() -> Path | None:
    """Locate a filesystem mirror of the hashicorp/aws provider, or None."""
    explicit = os.environ.get("TF_PROVIDER_MIRROR")
    if explicit:
        path = Path(explicit)
        if not (path / _REGISTRY_DIR).is_dir():
            raise SystemExit(f"TF_PROVIDER_MIRROR={explicit} holds no {_REGISTRY_DIR}/ folder")
        return path
    for candidate in _CANDIDATES:
        mirror = _search(Path(candidate).expanduser())
        if mirror:
            return mirror
    return _search(Path("/"))


def render(mirror: Path | None, cache_dir: Path) -> str:
    """Return the text of the CLI configuration."""
    lines = [f'plugin_cache_dir = "{cache_dir}"', ""]
    if mirror is not None:
        lines += [
            "provider_installation {",
            "  filesystem_mirror {",
            f'    path    = "{mirror}"',
            '    include = ["registry.terraform.io/hashicorp/*"]',
            "  }",
            "  direct {",
            '    exclude = ["registry.terraform.io/hashicorp/*"]',
            "  }",
            "}",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    output = Path(argv[1]).resolve()
    cache_dir = output.parent / "terraform-plugins"
    cache_dir.mkdir(parents=True, exist_ok=True)
    mirror = find_mirror()
    output.write_text(render(mirror, cache_dir))
    where = f"provider mirror {mirror}" if mirror else "no provider mirror, using the registry"
    print(f"wrote {output} ({where})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
