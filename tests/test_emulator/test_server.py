"""The emulator's entry points: emulated_aws(), EmulatorThread and `python -m emulator`."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import types

import boto3
import pytest
import requests
from moto.core.config import default_user_config

import emulator
from emulator import EmulatorThread, emulated_aws, install
from emulator.core.app import CONTROL_PREFIX, EmulatorApp
from emulator.core.config import (
    ConfigError,
    get_deployment_time_factor,
    set_deployment_time_factor,
)
from tools.paths import ROOT


def _post_json(url: str, payload: object) -> tuple[int, dict[str, object]]:
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    response = requests.post(url, data=data, timeout=5)
    return response.status_code, response.json()


def test_emulated_aws_serves_moto_services_in_process() -> None:
    with emulated_aws():
        sns = boto3.client("sns", region_name="us-east-1")
        arn = sns.create_topic(Name="alarms")["TopicArn"]
        assert arn == "arn:aws:sns:us-east-1:123456789012:alarms"
        assert default_user_config["lambda"]["use_docker"] is False


def test_emulated_aws_resets_state_between_uses() -> None:
    with emulated_aws():
        boto3.client("sqs", region_name="us-east-1").create_queue(QueueName="left-over")
    with emulated_aws():
        assert "QueueUrls" not in boto3.client("sqs", region_name="us-east-1").list_queues()


@emulated_aws
def test_emulated_aws_works_as_a_bare_decorator() -> None:
    assert boto3.client("sns", region_name="us-east-1").list_topics()["Topics"] == []


def test_emulated_aws_sets_and_restores_the_deployment_time_factor() -> None:
    before = get_deployment_time_factor()

    @emulated_aws(deployment_time_factor=0.25)
    def inside() -> float:
        return get_deployment_time_factor()

    assert inside() == 0.25
    assert get_deployment_time_factor() == before


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), "fast", True])
def test_bad_deployment_time_factor_is_refused_and_changes_nothing(bad: object) -> None:
    before = get_deployment_time_factor()
    with pytest.raises(ConfigError, match="deployment_time_factor"):
        set_deployment_time_factor(bad)  # type: ignore[arg-type]
    with pytest.raises(ConfigError):
        emulated_aws(deployment_time_factor=bad)  # type: ignore[call-overload]
    assert get_deployment_time_factor() == before


def test_install_runs_each_extension_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    extension = types.ModuleType("fake_extension")
    extension.install = lambda: calls.append("installed")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_extension", extension)
    monkeypatch.setattr(emulator, "EXTENSIONS", (*emulator.EXTENSIONS, "fake_extension"))
    install()
    install()
    assert calls == ["installed"]
    emulator._installed.discard("fake_extension")


def test_control_routes_live_under_one_prefix() -> None:
    routes_before = dict(EmulatorApp.routes)
    with pytest.raises(ValueError, match="/_emulator/"):
        EmulatorApp.add_route("/wait-idle", lambda environ, start_response: [])
    assert EmulatorApp.routes == routes_before
    install()
    assert EmulatorApp.routes, "the extensions register their control routes"
    assert all(path.startswith(CONTROL_PREFIX) for path in EmulatorApp.routes)


def test_server_serves_aws_apis_on_loopback(emulator_server: EmulatorThread) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", emulator_server.endpoint)
    sqs = boto3.client("sqs", region_name="us-east-1", endpoint_url=emulator_server.endpoint)
    url = sqs.create_queue(QueueName="server-check")["QueueUrl"]
    assert url.endswith("/123456789012/server-check")
    sqs.delete_queue(QueueUrl=url)


def test_config_route_reads_and_sets_the_factor(emulator_server: EmulatorThread) -> None:
    url = f"{emulator_server.endpoint}/_emulator/config"
    try:
        status, body = _post_json(url, {"deployment_time_factor": 0.5})
        assert (status, body["deployment_time_factor"]) == (200, 0.5)
        assert get_deployment_time_factor() == 0.5
        assert requests.get(url, timeout=5).json()["deployment_time_factor"] == 0.5
    finally:
        set_deployment_time_factor(0.0)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"deployment_time_factor": -2}, "finite number >= 0"),
        ({"deployment_time_factor": "slow"}, "must be a number"),
        ({"speed": 1}, "unknown setting"),
        ({"deployment_time_factor": 1, "appconfig_quotas": {"environments": -1}}, ">= 0"),
        ({"appconfig_quotas": {"buckets": 3}}, "unknown AppConfig quota"),
        ({"deployment_time_factor": 2, "iam_enforcement": "off"}, "true or false"),
        ({"deployment_time_factor": 2, "account_concurrency_limit": 5}, ">= 10"),
        ({"account_concurrency_limit": 10.5}, "must be an integer"),
        ([1, 2], "JSON object"),
        (b"{not json", "JSON object"),
    ],
)
def test_config_route_refuses_bad_input_and_changes_nothing(
    emulator_server: EmulatorThread, payload: object, message: str
) -> None:
    before = get_deployment_time_factor()
    status, body = _post_json(f"{emulator_server.endpoint}/_emulator/config", payload)
    assert status == 400
    assert message in str(body["error"])
    assert get_deployment_time_factor() == before
    assert requests.get(f"{emulator_server.endpoint}/_emulator/config", timeout=5).json() == {
        "account_concurrency_limit": 1000,
        "deployment_time_factor": before,
        "iam_enforcement": True,
        "stale_version_error": "ConflictException",
        "event_pattern_max_length": 2048,
        "appconfig_quotas": {
            "applications": 100,
            "configuration_profiles": 100,
            "deployment_strategies": 20,
            "environments": 20,
        },
    }


def test_server_stops_cleanly_and_frees_its_port() -> None:
    server = EmulatorThread(port=0).start()
    endpoint = server.endpoint
    server.stop()
    server.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{endpoint}/_emulator/config", timeout=2)
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.endpoint


def test_server_refuses_an_out_of_range_port() -> None:
    with pytest.raises(ValueError, match="between 0 and 65535"):
        EmulatorThread(port=70000)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_module_entry_point_serves_until_a_stop_signal(stop_signal: signal.Signals) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator", "--port", "0", "--quiet"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline().strip()
        match = re.fullmatch(r"emulator listening on (http://127\.0\.0\.1:(\d+))", first_line)
        assert match, first_line
        assert int(match.group(2)) > 0
        sns = boto3.client("sns", region_name="us-east-1", endpoint_url=match.group(1))
        assert sns.create_topic(Name="from-cli")["TopicArn"].endswith(":from-cli")
        process.send_signal(stop_signal)
        stdout, stderr = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, stderr
    assert "emulator stopped" in stdout


def test_module_entry_point_rejects_a_bad_port() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "emulator", "--port", "-5"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "--port must be between 0 and 65535" in result.stderr


def test_moto_reset_route_clears_the_emulated_appconfig_state() -> None:
    with EmulatorThread(port=0) as server:
        appconfig = boto3.client("appconfig", region_name="us-east-1", endpoint_url=server.endpoint)
        app_id = appconfig.create_application(Name="before-reset")["Id"]
        appconfig.create_environment(ApplicationId=app_id, Name="prod")
        strategy = appconfig.create_deployment_strategy(
            Name="s", DeploymentDurationInMinutes=0, GrowthFactor=100.0
        )
        assert requests.post(f"{server.endpoint}/moto-api/reset", timeout=5).ok
        assert appconfig.list_applications()["Items"] == []
        ids = [s["Id"] for s in appconfig.list_deployment_strategies()["Items"]]
        assert strategy["Id"] not in ids
        assert "AppConfig.AllAtOnce" in ids
