"""`make demo`: watch one bad feature flag get rolled back, on this machine, with no AWS account.

Starts the local AWS emulator, applies ``examples/complete`` against it with the real
Terraform provider, shows the flags as deployed, fires one flag's CloudWatch alarm and
prints what happened, timed from the events the stack recorded (alarm state change,
the function's log lines, the deployment's start and end, the notification's arrival).
Then it destroys the stack and stops the emulator, also after a failure or Ctrl-C.
"""

from __future__ import annotations

import json
import re
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.demo_holds import held_flag_act
from tools.harness import StackError
from tools.harness.actions import set_alarm_state, subscribe_queue
from tools.harness.clients import Aws
from tools.harness.emulator_process import EmulatorProcess
from tools.harness.env import missing_prerequisites
from tools.harness.readers import (
    StackOutputs,
    deployed_document,
    flag_states,
    latest_deployment,
    leftovers,
    log_lines,
    now_ms,
    receive,
    sns_payload,
    wait_deployed,
)
from tools.harness.terraform import Terraform
from tools.paths import ROOT

EXAMPLE = ROOT / "examples" / "complete"
PROGRESS = re.compile(
    r"^(?P<address>\S+): (?P<what>Creation complete|Destruction complete|Modifications complete"
    r"|Still creating|Still destroying)(?: after (?P<after>\S+))?(?:\.\.\. \[(?P<elapsed>[^]]+)\])?"
)
VERBS = {
    "Creation complete": "created",
    "Destruction complete": "destroyed",
    "Modifications complete": "updated",
    "Still creating": "creating",
    "Still destroying": "destroying",
}
ERROR = re.compile(r"^[│ ]*Error")


# ------------------------------------------------------------------ output


class Printer:
    """Prints step headers with the time since the demo started."""

    def __init__(self) -> None:
        self.started = time.monotonic()

    def step(self, text: str) -> None:
        print(f"\n[{time.monotonic() - self.started:6.1f}s] {text}", flush=True)

    def line(self, text: str = "") -> None:
        print(f"          {text}" if text else "", flush=True)

    def terraform_progress(self, line: str) -> None:
        """Condense Terraform's apply/destroy output to one line per resource event."""
        match = PROGRESS.match(line)
        if match:
            address = match["address"].removeprefix("module.flag_rollback.").removeprefix("module.")
            timing = match["after"] or match["elapsed"] or ""
            self.line(f"{VERBS[match['what']]:<11} {address}  {timing}".rstrip())
        elif ERROR.match(line) or line.startswith(("Apply complete", "Destroy complete")):
            self.line(line)


# ------------------------------------------------------------------ timeline


@dataclass(frozen=True)
class Event:
    at: datetime
    what: str


def _from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def timeline(events: list[Event]) -> Iterator[str]:
    """Yield one line per event, with the offset from the first event."""
    ordered = sorted(events, key=lambda event: event.at)
    start = ordered[0].at
    for event in ordered:
        offset = (event.at - start).total_seconds()
        yield f"+{offset:7.3f}s  {event.at:%H:%M:%S.%f}"[:-3] + f"  {event.what}"


# ------------------------------------------------------------------ the demo


def show_flags(printer: Printer, title: str, states: dict[str, bool]) -> None:
    printer.line(title)
    for name, enabled in sorted(states.items()):
        printer.line(f"  {name:<28} {_state(enabled)}")


@dataclass(frozen=True)
class Observed:
    """What one alarm caused, as the stack recorded it."""

    flag: str
    alarm: str
    before: dict[str, bool]
    after: dict[str, bool]
    events: list[Event]
    notification: dict[str, Any]
    subject: str


def fire_alarm(
    aws: Aws, emulator: EmulatorProcess, stack: StackOutputs, flag: str, before: dict[str, bool]
) -> Observed:
    """Fire the flag's alarm, wait for everything it causes, and collect the evidence.

    ``before`` is the flags as deployed before the alarm.
    """
    target = stack.target
    queue_url = subscribe_queue(aws, stack.notification_topic_arn, "demo-notifications")
    latest = latest_deployment(aws, target)
    if latest is None:
        raise StackError("the environment has no deployment yet")
    previous = latest["DeploymentNumber"]
    log_start_ms = now_ms()

    alarm = stack.alarm_names[flag]
    fired_at = set_alarm_state(aws, alarm, "ALARM", "demo: error rate above threshold")
    emulator.wait_idle(timeout=60)
    deployment = wait_deployed(aws, target, after=previous, timeout=60)
    (message,) = receive(aws, queue_url, 1, timeout=30)
    aws.sqs.delete_queue(QueueUrl=queue_url)

    number, version = deployment["DeploymentNumber"], deployment["ConfigurationVersion"]
    events = [
        Event(fired_at, f"alarm {alarm} -> ALARM (CloudWatch StateUpdatedTimestamp)"),
        Event(deployment["StartedAt"], f"deployment #{number} of new version {version} started"),
        Event(
            deployment["CompletedAt"],
            f"deployment #{number} complete (strategy: "
            f"{deployment['DeploymentDurationInMinutes']} min, "
            f"{deployment['FinalBakeTimeInMinutes']} min bake)",
        ),
        Event(
            _from_ms(int(message["Attributes"]["SentTimestamp"])),
            "notification delivered to the subscribed SQS queue",
        ),
        *function_events(aws, stack.function_log_group, log_start_ms),
    ]
    return Observed(
        flag=flag,
        alarm=alarm,
        before=before,
        after=flag_states(deployed_document(aws, target)),
        events=events,
        notification=sns_payload(message),
        subject=str(json.loads(message["Body"]).get("Subject", "")),
    )


def report(printer: Printer, observed: Observed) -> None:
    printer.step("timeline (every time read back from the stack: CloudWatch, Logs, AppConfig, SQS)")
    for line in timeline(observed.events):
        printer.line(line)
    printer.step("result")
    show_flags(printer, "flags as deployed now (read through appconfigdata):", observed.after)
    printer.line(
        f"flag {observed.flag!r}: {_state(observed.before[observed.flag])} -> "
        f"{_state(observed.after[observed.flag])}"
    )
    printer.line(f"notification: {observed.subject}")
    for text in json.dumps(observed.notification, indent=2).splitlines():
        printer.line(f"  {text}")
    if observed.after[observed.flag]:
        raise StackError(f"flag {observed.flag!r} is still enabled after its alarm fired")


def _state(enabled: bool) -> str:
    return "enabled" if enabled else "DISABLED"


REPORT = re.compile(r"^REPORT RequestId: (?P<id>\S+)\s+Duration: (?P<ms>[0-9.]+) ms")


def function_events(aws: Aws, group: str, since_ms: int) -> list[Event]:
    """When each invocation started and ended, from its REPORT line in CloudWatch Logs.

    Lambda writes REPORT when an invocation ends, with its duration: the start is the
    line's timestamp minus that duration.
    """
    events: list[Event] = []
    for timestamp, message in log_lines(aws, group, since_ms=since_ms):
        match = REPORT.match(message)
        if match:
            ended = _from_ms(timestamp)
            started = ended - timedelta(milliseconds=float(match["ms"]))
            events.append(Event(started, f"function invoked (request {match['id'][:8]})"))
            events.append(Event(ended, f"function finished after {float(match['ms']):.0f} ms"))
    return events


@contextmanager
def interrupts_as_exceptions() -> Iterator[None]:
    """Ctrl-C and SIGTERM raise KeyboardInterrupt, so the clean-up in `run` runs for both."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = {
        signal.SIGTERM: signal.signal(signal.SIGTERM, interrupt),
        # Also when started in the background, where SIGINT may be ignored.
        signal.SIGINT: signal.signal(signal.SIGINT, signal.default_int_handler),
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def run(printer: Printer) -> None:
    printer.step("start the local AWS emulator")
    with EmulatorProcess.start() as emulator, tempfile.TemporaryDirectory(prefix="demo-") as tmp:
        printer.line(f"listening on {emulator.endpoint}")
        terraform = Terraform(
            EXAMPLE,
            emulator.endpoint,
            data_dir=Path(tmp) / ".terraform",
            state=Path(tmp) / "terraform.tfstate",
        )
        aws = Aws(emulator.endpoint)
        printer.step("terraform init")
        terraform.init()
        try:
            printer.step("terraform apply examples/complete (about a minute: SQS queues are slow)")
            terraform.apply(on_line=printer.terraform_progress)
            stack = StackOutputs.parse(terraform.outputs())
            before = flag_states(deployed_document(aws, stack.target))
            show_flags(printer, "flags as deployed (read through appconfigdata):", before)
            flag = sorted(name for name in stack.alarm_names if before.get(name))[0]
            printer.step(f"fire the alarm of flag {flag!r}: SetAlarmState -> ALARM")
            report(printer, fire_alarm(aws, emulator, stack, flag, before))
            held_flag_act(printer, aws, emulator, stack, flag)
        finally:
            printer.step("terraform destroy")
            _guard(lambda: destroy(printer, terraform, aws), printer)
            printer.step("stop the emulator")


def destroy(printer: Printer, terraform: Terraform, aws: Aws) -> None:
    """Destroy the stack and say whether anything was left behind."""
    terraform.destroy(on_line=printer.terraform_progress)
    left = leftovers(aws)
    printer.line(
        f"left behind: {left}" if left else "nothing left behind (checked through the APIs)"
    )


def _guard(action: Callable[[], None], printer: Printer) -> None:
    """Run a clean-up step; report (not raise) its failure so the rest still runs."""
    try:
        action()
    except (StackError, KeyboardInterrupt) as error:
        printer.line(f"clean-up step failed: {error}")


def main() -> int:
    missing = missing_prerequisites()
    if missing:
        for problem in missing:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    printer = Printer()
    try:
        with interrupts_as_exceptions():
            run(printer)
    except KeyboardInterrupt:
        print("\ninterrupted (clean-up ran: see above)", file=sys.stderr)
        return 130
    except (StackError, TimeoutError) as error:
        print(f"\nerror: {error}", file=sys.stderr)
        return 1
    printer.step(f"done in {time.monotonic() - printer.started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
