"""The Terraform runner: one CLI command at a time against the emulator, output streamed."""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.harness import StackError
from tools.harness.env import terraform_binary, terraform_environment


class TerraformError(StackError):
    """A Terraform command exited with a code it was not allowed; keeps its code and output."""

    def __init__(self, command: str, code: int, output: str) -> None:
        super().__init__(f"terraform {command} failed ({code}):\n{_errors(output.splitlines())}")
        self.code = code
        self.output = output


@dataclass
class Terraform:
    """Run Terraform in ``workdir`` against the emulator at ``endpoint``.

    ``data_dir`` and ``state`` let it work on a stack that pytest-terraform applied
    (which keeps both outside the fixture folder).
    """

    workdir: Path
    endpoint: str
    data_dir: Path | None = None
    state: Path | None = None
    binary: str = field(default_factory=terraform_binary)

    def run(
        self,
        *args: str,
        on_line: Callable[[str], None] | None = None,
        ok_codes: tuple[int, ...] = (0,),
        timeout: float | None = None,
    ) -> tuple[int, str]:
        """Run one command, streaming its output lines to ``on_line``; return (code, output).

        A command still running after ``timeout`` seconds is killed and raises
        ``subprocess.TimeoutExpired`` (as ``subprocess.run`` would); an exit code outside
        ``ok_codes`` raises ``TerraformError``.
        """
        env = terraform_environment(self.endpoint)
        if self.data_dir is not None:
            env["TF_DATA_DIR"] = str(self.data_dir)
        command = [self.binary, *args, "-no-color"]
        lines: list[str] = []
        process = subprocess.Popen(
            command,
            cwd=self.workdir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        expired = threading.Event()

        def kill() -> None:
            expired.set()
            process.kill()

        timer = threading.Timer(timeout, kill) if timeout is not None else None
        if timer is not None:
            timer.start()
        try:
            for line in process.stdout or ():
                lines.append(line.rstrip("\n"))
                if on_line is not None:
                    on_line(lines[-1])
            code = process.wait()
        except BaseException:
            # Ctrl-C reaches Terraform too: let it stop cleanly and release its state.
            process.wait(timeout=60)
            raise
        finally:
            if timer is not None:
                timer.cancel()
        output = "\n".join(lines)
        if expired.is_set():
            raise subprocess.TimeoutExpired(command, timeout or 0.0, output=output)
        if code not in ok_codes:
            raise TerraformError(args[0], code, output)
        return code, output

    def _state_args(self) -> list[str]:
        return [f"-state={self.state}"] if self.state is not None else []

    def init(self) -> None:
        self.run("init", "-input=false")

    def apply(self, on_line: Callable[[str], None] | None = None) -> None:
        """Plan to a file, then apply that plan (its output is progress lines only)."""
        plan = (self.data_dir or self.workdir) / "stack.tfplan"
        self.run("plan", "-input=false", f"-out={plan}", *self._state_args())
        self.run("apply", "-input=false", *self._state_args(), str(plan), on_line=on_line)

    def changes_pending(self) -> str | None:
        """Plan; return the plan text when it shows changes, None when it is clean."""
        code, output = self.run(
            "plan", "-input=false", "-detailed-exitcode", *self._state_args(), ok_codes=(0, 2)
        )
        return output if code == 2 else None

    def destroy(self, on_line: Callable[[str], None] | None = None) -> None:
        self.run("destroy", "-input=false", "-auto-approve", *self._state_args(), on_line=on_line)

    def outputs(self) -> dict[str, Any]:
        """The root module's outputs as plain values."""
        _, text = self.run("output", "-json", *self._state_args())
        return {name: item["value"] for name, item in json.loads(text).items()}


def _errors(lines: list[str]) -> str:
    """Terraform's error blocks (from the first "Error:" on), or its last lines."""
    for index, line in enumerate(lines):
        if line.lstrip("│ ").startswith("Error:"):
            return "\n".join(lines[index:])
    return "\n".join(lines[-30:])
