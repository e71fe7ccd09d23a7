"""Figure 8: a rollback while another profile's 60-minute rollout holds the environment.

AppConfig runs one deployment per environment at a time. Another team's profile starts a
linear rollout over 60 minutes (10 % steps, no bake); shortly after, a flag's alarm fires.
Deployments run under the emulator's deployment time factor (60 minutes become a few
seconds; the function's own work is not scaled). Measured for each ``FOREIGN_ROLLOUT``:

* time from the alarm's event to the flag being served disabled (the CompletedAt of the
  rollback's deployment), in real seconds and, for ``wait`` (which waits for the other
  rollout), in AWS minutes (divided by the factor);
* whether the other rollout completed afterwards (``preempt`` stops it and restarts it with
  the same version and strategy), and when.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from typing import Any

from bench.common import BenchError, Context, FigureResult, Row, outcomes
from bench.world import World, disabled_flags, flag_names
from emulator import emulated_aws

ROLLOUT_MINUTES = 60
TIME_FACTOR = 0.001  # 60 minutes take 3.6 s
QUICK_TIME_FACTOR = 0.0005  # 1.8 s
HEAD_START_S = 0.2  # the other rollout is under way when the alarm fires
TARGET_S = 60.0  # the time to mitigation must not depend on someone else's rollout
MODES = ("preempt", "wait")


def start_foreign_rollout(world: World) -> dict[str, Any]:
    """Another profile in the same environment, rolling out linearly over an hour."""
    appconfig = world.clients["appconfig"]
    profile = appconfig.create_configuration_profile(
        ApplicationId=world.app_id, Name="web-config", LocationUri="hosted", Type="AWS.Freeform"
    )["Id"]
    version = appconfig.create_hosted_configuration_version(
        ApplicationId=world.app_id,
        ConfigurationProfileId=profile,
        Content=b'{"theme": "dark"}',
        ContentType="application/json",
    )["VersionNumber"]
    strategy = appconfig.create_deployment_strategy(
        Name="web-hour",
        DeploymentDurationInMinutes=ROLLOUT_MINUTES,
        FinalBakeTimeInMinutes=0,
        GrowthFactor=10.0,
        GrowthType="LINEAR",
        ReplicateTo="NONE",
    )["Id"]
    number = appconfig.start_deployment(
        ApplicationId=world.app_id,
        EnvironmentId=world.env_id,
        DeploymentStrategyId=strategy,
        ConfigurationProfileId=profile,
        ConfigurationVersion=str(version),
    )["DeploymentNumber"]
    return {"number": int(number), "profile": profile, "version": str(version)}


def _flags_deployments(world: World, name: str) -> list[dict[str, Any]]:
    return [item for item in world.deployments() if item["ConfigurationName"] == name]


def _served(world: World) -> set[str]:
    """The flags the environment serves disabled (this profile's newest COMPLETE one)."""
    for item in _flags_deployments(world, "flags"):
        if item["State"] == "COMPLETE":
            return disabled_flags(world.version_document(int(item["ConfigurationVersion"])))
    return set()


def _wait_foreign_complete(world: World, factor: float) -> datetime | None:
    """When the other profile's rollout (its newest deployment) completed, or None."""
    deadline = time.monotonic() + ROLLOUT_MINUTES * 60 * factor * 2 + 10
    while time.monotonic() < deadline:
        newest = _flags_deployments(world, "web-config")[0]
        if newest["State"] == "COMPLETE":
            completed: datetime = newest["CompletedAt"]
            return completed
        if newest["State"] not in {"DEPLOYING", "BAKING", "VALIDATING"}:
            return None  # left stopped
        time.sleep(0.05)
    return None


def _seconds(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds()


def run_mode(ctx: Context, mode: str, factor: float) -> dict[str, Any]:
    """One alarm during the other rollout, with FOREIGN_ROLLOUT=mode."""
    with emulated_aws(deployment_time_factor=factor):
        world = World.create(flag_names(3))
        world.configure(ctx.function)
        os.environ["FOREIGN_ROLLOUT"] = mode
        ctx.function.reset_container()
        try:
            flag = world.flags[0]
            foreign = start_foreign_rollout(world)
            time.sleep(HEAD_START_S)
            (event,) = world.fire([flag])
            fired = datetime.now(UTC)
            with ctx.counter.tracking() as calls:
                result = ctx.invoke(event)
            handler_s = _seconds(datetime.now(UTC), fired)
            if outcomes(result) != ["rolled_back"]:
                raise BenchError(f"{mode}: expected rolled_back, got {result}")
            (request,) = result["results"]
            ours = next(
                item
                for item in world.deployments()
                if int(item["DeploymentNumber"]) == request["deployment_number"]
            )
            if ours["State"] != "COMPLETE" and mode == "preempt":
                raise BenchError(f"{mode}: the rollback's deployment is {ours['State']}")
            while ours["State"] != "COMPLETE":
                time.sleep(0.02)
                ours = next(
                    item
                    for item in world.deployments()
                    if int(item["DeploymentNumber"]) == request["deployment_number"]
                )
            if flag not in _served(world):
                raise BenchError(f"{mode}: the environment does not serve {flag} disabled")
            foreign_done = _wait_foreign_complete(world, factor)
            first = next(
                item
                for item in world.deployments()
                if int(item["DeploymentNumber"]) == foreign["number"]
            )
        finally:
            os.environ.pop("FOREIGN_ROLLOUT", None)
    disabled_s = _seconds(ours["CompletedAt"], fired)
    if mode == "wait" and first["State"] == "COMPLETE":
        # The wait is the rest of the other rollout (scaled) plus the function's own delay
        # after it ended (real: its backoff and deployment are not scaled).
        rest = _seconds(first["CompletedAt"], fired) / factor
        aws_minutes = (rest + _seconds(ours["CompletedAt"], first["CompletedAt"])) / 60
    else:
        aws_minutes = disabled_s / 60  # nothing waited for: real seconds are AWS seconds
    return {
        "mode": mode,
        "time_factor": factor,
        "rollout_minutes": ROLLOUT_MINUTES,
        "seconds_to_flag_disabled": round(disabled_s, 3),
        "aws_minutes_to_flag_disabled": round(aws_minutes, 2),
        "handler_seconds": round(handler_s, 3),
        "foreign_state_after_alarm": first["State"],
        "foreign_percentage_when_stopped": first.get("PercentageComplete"),
        "preempted": request.get("preempted", []),
        "foreign_completed": foreign_done is not None,
        "foreign_completed_seconds_after_alarm": (
            round(_seconds(foreign_done, fired), 3) if foreign_done else None
        ),
        "api_calls": sum(calls.values()),
        "api_calls_by_operation": dict(calls),
    }


def run(ctx: Context) -> FigureResult:
    factor = QUICK_TIME_FACTOR if ctx.options.quick else TIME_FACTOR
    runs = [run_mode(ctx, mode, factor) for mode in MODES]
    preempt, wait = runs
    met = preempt["seconds_to_flag_disabled"] <= TARGET_S and preempt["foreign_completed"]
    rows = [
        Row(
            "8. foreign 60-min rollout, preempt: time to flag disabled",
            f"{preempt['seconds_to_flag_disabled']:.2f} s; the other rollout was stopped at "
            f"{preempt['foreign_percentage_when_stopped']:.0f} % and "
            + (
                "completed after its restart"
                if preempt["foreign_completed"]
                else "did NOT complete afterwards"
            ),
            f"<= {TARGET_S:.0f} s and the other rollout completes",
            met,
            "" if met else "the other rollout was left stopped or the rollback was slow",
        ),
        Row(
            "8. foreign 60-min rollout, wait: time to flag disabled",
            f"{wait['seconds_to_flag_disabled']:.2f} s at time factor {factor}: about "
            f"{wait['aws_minutes_to_flag_disabled']:.0f} min on AWS (the rest of the other "
            "rollout; past the Lambda timeout the event is retried and the flag stays on)",
            note="for comparison: FOREIGN_ROLLOUT=wait",
        ),
    ]
    return FigureResult(
        "foreign_rollout", "Rollback during a foreign rollout", {"runs": runs}, rows
    )
