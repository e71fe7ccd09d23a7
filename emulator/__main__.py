"""`python -m emulator --port N`: serve the emulator on 127.0.0.1 until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from emulator import EmulatorThread
from emulator.core import config


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m emulator",
        description="Serve the local AWS emulator (moto plus the project's extensions).",
    )
    parser.add_argument(
        "--port", type=int, default=4566, help="TCP port on 127.0.0.1 (0 picks a free one)"
    )
    parser.add_argument(
        "--deployment-time-factor",
        type=float,
        default=0.0,
        help="scale AppConfig deployment times (0 = instant, 1 = the strategy's real minutes)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be between 0 and 65535, got {args.port}")
    try:
        config.set_deployment_time_factor(args.deployment_time_factor)
    except config.ConfigError as error:
        parser.error(str(error))
    return args


def main(argv: list[str] | None = None) -> int:
    """Serve until a termination signal arrives; return the exit status."""
    args = _parse_args(argv)
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        server = EmulatorThread(port=args.port, log_requests=not args.quiet).start()
    except OSError as error:
        print(f"error: cannot listen on 127.0.0.1:{args.port}: {error}", file=sys.stderr)
        return 1
    print(f"emulator listening on {server.endpoint}", flush=True)
    try:
        stop.wait()
    finally:
        server.stop()
    print("emulator stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
