"""Keep the benchmark code working: run `python -m bench --quick` (small N) for real and check
what it wrote. No timing assertions: counts and outcomes only.

Each test builds its own zip from lambda/ (tools/build_zip.py) and runs the bench in a
subprocess, so the function is imported from the unpacked zip exactly as `make bench` does.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tools.build_zip import build
from tools.paths import ROOT

TIMEOUT_S = 300


def run_bench(tmp_path: Path, *figures: str) -> dict[str, Any]:
    """Build the zip, run the quick bench for `figures`, return results.json."""
    zip_path = tmp_path / "flag-rollback.zip"
    build(ROOT / "lambda" / "flag_rollback", zip_path)
    out = tmp_path / "out"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--quick",
            "--out",
            str(out),
            "--zip",
            str(zip_path),
            "--only",
            *figures,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    results: dict[str, Any] = json.loads((out / "results.json").read_text())
    markdown = (out / "RESULTS.md").read_text()
    rows = [row for figure in results["figures"].values() for row in figure["rows"]]
    assert rows, "the bench wrote no rows"
    for row in rows:
        assert f"| {row['figure']} |" in markdown
        assert row["figure"] in completed.stdout  # the table is printed too
    assert results["meta"]["quick"] is True
    assert results["meta"]["figures"] == list(figures)
    return results


def test_single_storm_and_duplicates_count_what_the_function_did(tmp_path: Path) -> None:
    results = run_bench(tmp_path, "single", "storm", "duplicates")
    figures = results["figures"]
    assert set(figures) == {"single_rollback", "alarm_storm", "duplicates"}

    single = figures["single_rollback"]["data"]
    cold = single["calls_cold_container_by_operation"]
    assert sum(cold.values()) == single["calls_cold_container"]
    assert sum(single["calls_warm_by_operation"].values()) == single["calls_warm"]
    assert "AppConfig:StartDeployment" in cold
    assert "AppConfig:CreateHostedConfigurationVersion" in cold
    wall = single["handler_ms"]
    assert 0 < wall["min"] <= wall["p50"] <= wall["p95"] <= wall["p99"] <= wall["max"]

    for storm in figures["alarm_storm"]["data"]["storms"]:
        assert storm["flags_disabled"] == storm["alarms"]
        assert storm["lost_updates"] == 0
        assert storm["healthy_flags_disabled"] == 0
        assert 1 <= storm["versions_created"] < storm["alarms"]
        assert sum(storm["outcomes"].values()) == storm["alarms"]
        assert storm["api_calls"] == sum(storm["api_calls_by_operation"].values())
        assert storm["seconds_to_all_disabled"] is not None

    runs = figures["duplicates"]["data"]["runs"]
    assert [run["concurrent"] for run in runs] == [False, True]
    for run in runs:
        assert run["versions_created"] == 1
        assert run["flag_disabled"] is True
        assert sum(run["outcomes"].values()) == run["copies"] == 10


def test_deployment_guard_answers_and_counts_its_calls(tmp_path: Path) -> None:
    results = run_bench(tmp_path, "guard")
    guard = results["figures"]["deployment_guard"]["data"]
    assert guard["calls"]["allowed"] == {"SSM:GetParametersByPath": 1}
    assert guard["calls"]["refused"] == {"SSM:GetParametersByPath": 1, "SNS:Publish": 1}
    for kind in ("allowed", "refused"):
        wall = guard["handler_ms"][kind]
        assert 0 < wall["min"] <= wall["p50"] <= wall["p95"] <= wall["max"]


def test_cold_start_and_tutorial_comparison_are_reported(tmp_path: Path) -> None:
    results = run_bench(tmp_path, "coldstart", "versus")
    cold = results["figures"]["cold_start"]["data"]
    assert cold["zip_bytes"] == (tmp_path / "flag-rollback.zip").stat().st_size
    with zipfile.ZipFile(tmp_path / "flag-rollback.zip") as archive:
        assert cold["zip_files"] == len(archive.namelist())
    assert len(cold["ours_ms"]) == len(cold["floor_ms"]) == cold["runs_each"]
    ratio = cold["ours_median_ms"] / cold["floor_median_ms"]
    assert cold["ratio"] == pytest.approx(ratio, rel=0.01)

    versus = results["figures"]["versus_tutorial"]["data"]
    tutorial = versus["single"]["tutorial"]
    assert tutorial["calls_per_rollback"] == sum(tutorial["calls_by_operation"].values())
    assert "CloudWatch:PutMetricData" in tutorial["calls_by_operation"]
    assert "CloudWatch:PutMetricData" not in versus["single"]["flag-rollback"]["calls_by_operation"]
    # The baseline has no idempotency: every copy of one alarm writes a version.
    duplicates = versus["tutorial_duplicates"]
    assert duplicates["versions_created"] >= duplicates["copies"]
    for storm in versus["tutorial_storms"]:
        assert storm["design"] == "tutorial"
        assert storm["versions_created"] >= storm["alarms"]


@pytest.mark.terraform
def test_module_scale_plans_the_root_module(tmp_path: Path) -> None:
    results = run_bench(tmp_path, "scale")
    (plan,) = results["figures"]["module_scale"]["data"]["plans"]
    assert plan["trigger"] == "sns"
    assert "error" not in plan, plan.get("error")
    # Per flag the module adds one alarm; the rest is the fixed stack.
    assert plan["resources"] > plan["flags"]
    assert plan["plan_seconds"] > 0


def module_default(pattern: str, text: str) -> int:
    found = re.search(pattern, text)
    assert found, f"no match for {pattern!r}"
    return int(found.group(1))


def test_readme_time_to_mitigation_uses_the_module_defaults() -> None:
    """The README's budget must follow variables.tf and the emergency strategy if they change."""
    variables = (ROOT / "variables.tf").read_text()
    period = module_default(r"period\s*=\s*optional\(number,\s*(\d+)\)", variables)
    periods = module_default(r"evaluation_periods\s*=\s*optional\(number,\s*(\d+)\)", variables)
    assert re.search(r"datapoints_to_alarm\s*=\s*optional\(number\)", variables)
    strategy = (ROOT / "modules" / "appconfig" / "main.tf").read_text()
    duration = module_default(r"deployment_duration_in_minutes\s*=\s*(\d+)", strategy)
    bake = module_default(r"final_bake_time_in_minutes\s*=\s*(\d+)", strategy)

    readme = (ROOT / "README.md").read_text()
    budget = readme[readme.index("### Time to mitigation") :]
    assert f"{period} s x {periods} = {period * periods} s" in budget
    assert duration == bake == 0
    assert "no bake time | about 0 s" in budget
    worst = period * periods + 1 + 1 + 45  # alarm, delivery, function, agent polling
    assert f"about {worst // 60} min {worst % 60} s" in budget
