"""Figure 6: the original tutorial's design (bench/tutorial_design.py) against ours, same run.

Single rollback: the two designs take turns in one world (every round re-deploys a document
with all flags enabled, fires one alarm and hands its SNS event to the design), so machine
noise hits both alike; wall time and calls per rollback are compared as ratios. Then the
tutorial goes through the same storms and duplicate deliveries as ours (figures 3 and 4).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

from bench.common import BenchError, Context, FigureResult, Row, count, ms, percentiles, timed
from bench.duplicates import duplicate_row, run_duplicates
from bench.storm import QUICK_SIZES, SIZES, Design, ours, run_storm, storm_row, tutorial
from bench.world import World, feature_flags_document, flag_names
from emulator import emulated_aws

ROUNDS = 50
QUICK_ROUNDS = 4
FLAGS = 10


def alternate(ctx: Context, designs: list[Design], rounds: int) -> dict[str, dict[str, Any]]:
    """Each round, each design rolls one flag back; wall times and calls per design."""
    walls: dict[str, list[float]] = {design.name: [] for design in designs}
    calls: dict[str, list[Counter[str]]] = {design.name: [] for design in designs}
    with emulated_aws():
        world = World.create(flag_names(FLAGS))
        for design in designs:
            design.configure(world)
        for index in range(rounds):
            flag = world.flags[index % FLAGS]
            for design in designs:
                world.deploy_instantly(feature_flags_document(world.flags))
                (event,) = world.fire([flag])
                with ctx.counter.tracking() as counted:
                    result, wall = timed(lambda event=event, design=design: design.invoke(event))
                if design.outcome(result) != "rolled_back":
                    raise BenchError(f"{design.name} did not roll back: {result}")
                world.calm([flag])
                if index:  # the first round pays for a new container: compare warm rounds
                    walls[design.name].append(wall)
                calls[design.name].append(counted)
    return {name: summary(walls[name], calls[name]) for name in walls}


def summary(walls: list[float], calls: list[Counter[str]]) -> dict[str, Any]:
    """Wall-time percentiles (warm rounds) and the usual number of calls per rollback."""
    warm = calls[1:] or calls
    usual = Counter(sum(counted.values()) for counted in warm).most_common(1)[0][0]
    return {
        "handler_ms": {key: ms(value) for key, value in percentiles(walls).items()},
        "calls_per_rollback": usual,
        "calls_by_operation": dict(warm[-1]),
    }


def ours_storms(ctx: Context) -> dict[int, dict[str, Any]]:
    """Figure 3's storms by size, when figure 3 ran in this run."""
    if "alarm_storm" not in ctx.results:
        return {}
    return {storm["alarms"]: storm for storm in ctx.results["alarm_storm"].data["storms"]}


def with_ours(row: Row, mine: dict[str, Any] | None) -> Row:
    """A tutorial storm row, with ours at the same size beside it."""
    if mine is None:
        return row
    extra = f" (ours: {mine['lost_updates']} lost, {count(mine['versions_created'], 'version')})"
    return Row(row.figure, row.value + extra, row.target, row.met, row.note)


def run(ctx: Context) -> FigureResult:
    designs = [ours(ctx), tutorial()]
    rounds = QUICK_ROUNDS if ctx.options.quick else ROUNDS
    single = alternate(ctx, designs, rounds)
    mine, theirs = single["flag-rollback"], single["tutorial"]
    time_ratio = theirs["handler_ms"]["p50"] / mine["handler_ms"]["p50"]
    call_ratio = theirs["calls_per_rollback"] / mine["calls_per_rollback"]
    baseline = designs[1]
    sizes = QUICK_SIZES if ctx.options.quick else SIZES
    storms = [run_storm(ctx, baseline, size) for size in sizes]
    duplicates = run_duplicates(ctx, baseline, concurrent=False)
    mine_by_size = ours_storms(ctx)
    rows = [
        Row(
            "6. vs tutorial: single rollback time (p50, warm)",
            f"ours {mine['handler_ms']['p50']:.1f} ms, "
            f"tutorial {theirs['handler_ms']['p50']:.1f} ms: tutorial / ours = {time_ratio:.2f}",
            note="the tutorial builds 3 clients per invocation; ours makes a storm check",
        ),
        Row(
            "6. vs tutorial: calls per single rollback",
            f"ours {mine['calls_per_rollback']}, tutorial {theirs['calls_per_rollback']}: "
            f"tutorial / ours = {call_ratio:.2f}",
        ),
    ]
    rows += [
        with_ours(
            storm_row(storm, "6. tutorial in the alarm storm"), mine_by_size.get(storm["alarms"])
        )
        for storm in storms
    ]
    rows.append(duplicate_row(duplicates, "6. tutorial, duplicates"))
    rows = [replace(row, baseline=row.met is not None) for row in rows]
    data = {
        "rounds": rounds,
        "single": single,
        "time_ratio_tutorial_over_ours": round(time_ratio, 3),
        "call_ratio_tutorial_over_ours": round(call_ratio, 3),
        "tutorial_storms": storms,
        "tutorial_duplicates": duplicates,
    }
    plots: list[str] = []
    if len(mine_by_size) > 1 and len(storms) > 1:
        from bench.plots import storm_plot  # noqa: PLC0415 - matplotlib loads only when plotting

        plots.append(storm_plot(list(mine_by_size.values()), storms, ctx.options.out))
    return FigureResult("versus_tutorial", "Against the tutorial's design", data, rows, plots)
