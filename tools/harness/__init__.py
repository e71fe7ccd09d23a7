"""Run the whole product locally: the emulator, Terraform against it, and readers of the result.

Shared by the end-to-end tests (``tests/e2e``), ``make demo`` (``tools/demo.py``) and the
benchmarks (``bench/``), so all of them start the emulator, run Terraform, wait for
asynchronous work and read the deployed flags the same way. One role per module:

- ``env``: the process environment (AWS settings, Terraform binary and CLI configuration);
- ``emulator_process``: the emulator in a child process (``EmulatorProcess``);
- ``terraform``: the Terraform runner (``Terraform``);
- ``clients``: boto3 clients pointed at the emulator (``Aws``);
- ``readers``: what the stack holds (deployed flags, deployments, messages, logs, leftovers);
- ``actions``: what a scenario does to the stack (fire an alarm, subscribe a queue).
"""


class StackError(RuntimeError):
    """A step of the local stack failed; the message says which and why."""
