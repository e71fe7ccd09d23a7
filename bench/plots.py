"""PNG plots where a picture reads better than the table (matplotlib, headless)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib as mpl

mpl.use("Agg")
import matplotlib.pyplot as plt  # the Agg backend is chosen first: no display needed

SIZE = (6.4, 4.0)
DPI = 100


def scale_plot(plans: list[dict[str, Any]], out: Path) -> str:
    """`terraform plan` wall time against the number of flags, resources annotated."""
    flags = [plan["flags"] for plan in plans]
    seconds = [plan["plan_seconds"] for plan in plans]
    figure, axes = plt.subplots(figsize=SIZE, dpi=DPI)
    axes.plot(flags, seconds, marker="o")
    for plan in plans:
        axes.annotate(
            f"{plan['resources']} resources",
            (plan["flags"], plan["plan_seconds"]),
            textcoords="offset points",
            xytext=(6, -12),
            fontsize=8,
        )
    axes.set(
        xlabel="flags",
        ylabel="terraform plan wall time (s)",
        title="Module scale: terraform plan against the emulator",
    )
    axes.set_ylim(bottom=0)
    axes.margins(x=0.15)
    axes.grid(alpha=0.3)
    return _save(figure, out / "module_scale.png")


def storm_plot(ours: list[dict[str, Any]], tutorial: list[dict[str, Any]], out: Path) -> str:
    """Versions written and lost updates per storm size, ours against the tutorial's design."""
    figure, (left, right) = plt.subplots(1, 2, figsize=(9.6, 4.0), dpi=DPI)
    designs = (("flag-rollback", ours, "o-"), ("tutorial design", tutorial, "s--"))
    for label, storms, style in designs:
        sizes = [storm["alarms"] for storm in storms]
        left.plot(sizes, [storm["versions_created"] for storm in storms], style, label=label)
        right.plot(
            sizes,
            [storm["alarms"] - storm["flags_disabled"] + storm["lost_updates"] for storm in storms],
            style,
            label=label,
        )
    left.set(
        xlabel="alarms in ALARM at once (N)",
        ylabel="hosted versions created",
        title="Versions written",
    )
    right.set(
        xlabel="alarms in ALARM at once (N)",
        ylabel="flags left enabled + lost updates",
        title="Wrong outcomes",
    )
    for axes in (left, right):
        axes.set_ylim(bottom=0)
        axes.grid(alpha=0.3)
        axes.legend()
    figure.suptitle("Alarm storm: one invocation per alarm, concurrently")
    return _save(figure, out / "alarm_storm.png")


def _save(figure: Any, path: Path) -> str:
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return path.name
