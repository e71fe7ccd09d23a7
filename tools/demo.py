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
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.stack import (
    Aws,
    Emulator,
    StackError,
    StackOutputs,
    Terraform,
    deployed_document,
    flag_states,
    log_lines,
    missing_prerequisites,
    receive,
    set_alarm_state,
    sns_payload,
    subscribe_queue,
    wait_deployed,
)

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "complete"
PROGRESS = re.compile(
    r"^(?P<address>\S+): (?P<what>Creation complete|Destruction complete|Still creating"
    r"|Still destroying|Modifications complete)(?P<rest>.*)$"
)
ERROR = re.compile(r"^(Error|│ Error)")


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
            address = re.sub(r"^module\.example\.", "", match["address"])
            self.line(f"{match['what'].lower():<21} {address}{match['rest']}")
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
        printer.line(f"  {name:<28} {'enabled' if enabled else 'DISABLED'}")


def fire_and_observe(printer: Printer, aws: Aws, emulator: Emulator, stack: StackOutputs) -> None:
    """Fire one flag's alarm and print what happened, timed from recorded events."""
    target = stack.target
    before = flag_states(deployed_document(aws, target))
    show_flags(printer, "flags as deployed:", before)

    flag = sorted(name for name in stack.alarm_names if before.get(name))[0]
    alarm = stack.alarm_names[flag]
    queue_url = subscribe_queue(aws, stack.notification_topic_arn, "demo-notifications")
    log_start_ms = int(time.time() * 1000)

    printer.step(f"fire the alarm of flag {flag!r}: SetAlarmState {alarm} -> ALARM")
    fired_at = set_alarm_state(aws, alarm, "ALARM", "demo: error rate above threshold")
    emulator.wait_idle(timeout=60)
    deployment = wait_deployed(aws, target, timeout=60)
    (message,) = receive(aws, queue_url, 1, timeout=30)

    events = [
        Event(fired_at, f"alarm {alarm} state ALARM"),
        Event(
            deployment["StartedAt"],
            f"deployment #{deployment['DeploymentNumber']} started "
            f"(configuration version {deployment['ConfigurationVersion']})",
        ),
        Event(deployment["CompletedAt"], f"deployment #{deployment['DeploymentNumber']} complete"),
        Event(_from_ms(int(message["Attributes"]["SentTimestamp"])), "notification delivered"),
    ]
    events.extend(function_events(aws, stack.function_log_group, log_start_ms))
    printer.step("timeline (from the stack's own timestamps)")
    for line in timeline(events):
        printer.line(line)

    after = flag_states(deployed_document(aws, target))
    printer.step("result")
    show_flags(printer, "flags as deployed now:", after)
    printer.line(
        f"flag {flag!r}: {'enabled' if before[flag] else 'disabled'} -> "
        f"{'enabled' if after[flag] else 'disabled'}"
    )
    printer.line("notification:")
    for text in json.dumps(sns_payload(message), indent=2).splitlines():
        printer.line(f"  {text}")
    if after[flag]:
        raise StackError(f"flag {flag!r} is still enabled after its alarm fired")


def function_events(aws: Aws, group: str, since_ms: int) -> list[Event]:
    """The first and last log lines the function wrote for this alarm."""
    lines = list(log_lines(aws, group, since_ms=since_ms))
    if not lines:
        return []
    first, last = lines[0], lines[-1]
    return [
        Event(_from_ms(first[0]), f"function started ({_summary(first[1])})"),
        Event(_from_ms(last[0]), f"function finished ({_summary(last[1])})"),
    ]


def _summary(message: str) -> str:
    text = message.strip()
    return text if len(text) <= 70 else text[:67] + "..."


@contextmanager
def interrupts_as_exceptions() -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt so the clean-up below runs for it too."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run(printer: Printer) -> None:
    printer.step("start the local AWS emulator")
    with Emulator.start() as emulator, tempfile.TemporaryDirectory(prefix="demo-") as tmp:
        printer.line(f"listening on {emulator.endpoint}")
        emulator.configure(deployment_time_factor=0.001)
        terraform = Terraform(
            EXAMPLE,
            emulator.endpoint,
            data_dir=Path(tmp) / ".terraform",
            state=Path(tmp) / "terraform.tfstate",
        )
        printer.step("terraform init + apply examples/complete (about a minute)")
        terraform.init()
        try:
            terraform.apply(on_line=printer.terraform_progress)
            aws = Aws(emulator.endpoint)
            stack = StackOutputs.parse(terraform.outputs())
            fire_and_observe(printer, aws, emulator, stack)
        finally:
            printer.step("terraform destroy")
            _guard(lambda: terraform.destroy(on_line=printer.terraform_progress), printer)
            printer.step("stop the emulator")


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
        print("\ninterrupted: the stack was destroyed and the emulator stopped", file=sys.stderr)
        return 130
    except (StackError, TimeoutError) as error:
        print(f"\nerror: {error}", file=sys.stderr)
        return 1
    printer.step(f"done in {time.monotonic() - printer.started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
