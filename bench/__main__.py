"""`python -m bench [--quick] [--out DIR] [--zip ZIP] [--only FIGURE ...]`: run the figures, write
results.json, RESULTS.md and plots into DIR (default bench/), print the table.

The function's own JSON log lines go to DIR/function-log.tmp, not to the terminal.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from contextlib import redirect_stdout
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from bench import coldstart, duplicates, guard, report, scale, single, storm, versus
from bench.common import (
    BENCH_DIR,
    BenchError,
    CallCounter,
    Context,
    FigureResult,
    Options,
    load_function,
    unpack_zip,
    use_fake_aws_environment,
)
from tools.paths import ZIP_PATH

# In run order: figure 6 (versus) reads figure 3's storms.
FIGURES: dict[str, ModuleType] = {
    "single": single,
    "coldstart": coldstart,
    "storm": storm,
    "duplicates": duplicates,
    "scale": scale,
    "versus": versus,
    "guard": guard,
}


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small N (used by the smoke test)")
    parser.add_argument("--out", type=Path, default=BENCH_DIR, help="output folder (bench/)")
    parser.add_argument(
        "--zip", type=Path, default=ZIP_PATH, help="the package (default: the committed one)"
    )
    parser.add_argument("--only", nargs="+", choices=sorted(FIGURES), help="run only these figures")
    return parser.parse_args(argv)


def run_figures(ctx: Context, names: list[str], log: Path) -> list[FigureResult]:
    results: list[FigureResult] = []
    with log.open("w") as sink, redirect_stdout(sink):
        for name in names:
            started = time.perf_counter()
            print(f"bench: {name} ...", file=sys.stderr, flush=True)
            result = FIGURES[name].run(ctx)
            ctx.results[result.key] = result
            results.append(result)
            print(
                f"bench: {name} done in {time.perf_counter() - started:.1f} s",
                file=sys.stderr,
                flush=True,
            )
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    use_fake_aws_environment()
    started = time.perf_counter()
    names = [name for name in FIGURES if not args.only or name in args.only]
    try:
        with tempfile.TemporaryDirectory(prefix="bench-task-") as task, CallCounter() as counter:
            unpacked = Path(task)
            entries = unpack_zip(args.zip, unpacked)
            function = load_function(unpacked)
            options = Options(args.quick, out, args.zip.resolve())
            ctx = Context(options, function, counter, entries, unpacked)
            results = run_figures(ctx, names, out / "function-log.tmp")
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    meta = {
        "quick": args.quick,
        "figures": names,
        "finished_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    report.write(results, meta, out)
    print(report.table(results))
    print(f"\nwrote {out / 'results.json'} and {out / 'RESULTS.md'} in {meta['total_seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
