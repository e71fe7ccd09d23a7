"""Build the Lambda deployment package deterministically.

Same source, same bytes: entries sorted, timestamps fixed, modes fixed (0644), and
no ``__pycache__``/``.pyc`` (a pinned-timestamp .pyc would be stale and recompiled
on every cold start). Only the package itself goes in: no tests, no caches.
That keeps ``source_code_hash`` stable, so Terraform shows no perpetual diff.

Beside the zip it writes ``<zip>.sha256`` in ``sha256sum`` format, so anyone can check the
committed package (``sha256sum -c flag-rollback.zip.sha256``).

Usage: python tools/build_zip.py SOURCE_PACKAGE_DIR OUTPUT_ZIP
"""

from __future__ import annotations

import hashlib
import sys
import zipfile
from pathlib import Path

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644 << 16
INCLUDED_SUFFIXES = {".py", ".json", ".typed"}


def package_files(package: Path) -> list[Path]:
    """Return the files that belong in the zip, sorted."""
    return sorted(
        path
        for path in package.rglob("*")
        if path.is_file()
        and path.suffix in INCLUDED_SUFFIXES
        and "__pycache__" not in path.parts
        and not any(part.startswith(("test", ".")) for part in path.relative_to(package).parts)
    )


def checksum_path(output: Path) -> Path:
    """Where the SHA-256 of ``output`` is written: ``<output>.sha256``."""
    return output.with_name(output.name + ".sha256")


def checksum_line(output: Path) -> str:
    """The ``sha256sum`` line of ``output``: hex digest, two spaces, file name."""
    return f"{hashlib.sha256(output.read_bytes()).hexdigest()}  {output.name}\n"


def build(package: Path, output: Path) -> list[str]:
    """Write the zip and its ``.sha256`` beside it; return the zip's entry names."""
    root = package.parent
    names: list[str] = []
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w") as archive:  # each entry sets its own compression
        for path in package_files(package):
            name = path.relative_to(root).as_posix()
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.external_attr = FILE_MODE
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            archive.writestr(info, path.read_bytes(), compresslevel=9)
            names.append(name)
    tmp.replace(output)
    checksum_path(output).write_text(checksum_line(output))
    return names


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    package, output = Path(argv[1]), Path(argv[2])
    if not (package / "__init__.py").is_file():
        print(f"{package} is not a Python package (no __init__.py)", file=sys.stderr)
        return 2
    names = build(package, output)
    print(f"wrote {output}: {len(names)} files, {output.stat().st_size} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
