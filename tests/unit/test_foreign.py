"""What a person reads about another profile's rollout the function stopped (pure parts)."""

from __future__ import annotations

import shlex

from flag_rollback import notify
from flag_rollback.foreign import StoppedRollout, restart_command

from tests.unit.test_notify import note

STOPPED = StoppedRollout(
    deployment_number=7,
    profile_id="web0001",
    profile_name="web-config",
    version="12",
    strategy_id="lin6000",
    state="DEPLOYING",
)
WHERE = {"application_id": "abc1234", "environment_id": "env0001", "region": "eu-west-1"}


def test_a_restarted_rollout_is_told_with_its_new_deployment():
    text = notify.email_text(
        note(preempted_rollouts=(StoppedRollout(**{**STOPPED.__dict__, "restarted_as": 9}),))
    )
    assert "deployment 7 of profile web-config (version 12, strategy lin6000) was DEPLOYING" in text
    assert "restarted with the same version and strategy as deployment 9" in text
    assert "NOT restarted" not in text


def test_a_rollout_left_stopped_comes_with_the_command_that_restarts_it():
    left = StoppedRollout(**{**STOPPED.__dict__, "restart_error": "setup_broken: denied"})
    text = notify.email_text(note(preempted_rollouts=(left,), region="eu-west-1"))
    assert "NOT restarted (setup_broken: denied)" in text
    (line,) = [item.strip() for item in text.splitlines() if "start-deployment" in item]
    words = shlex.split(line)
    assert words[:3] == ["aws", "appconfig", "start-deployment"]
    given = dict(zip(words[3::2], words[4::2], strict=True))
    assert given == {
        "--application-id": "abc1234",
        "--environment-id": "env0001",
        "--configuration-profile-id": "web0001",
        "--configuration-version": "12",
        "--deployment-strategy-id": "lin6000",
        "--region": "eu-west-1",
    }


def test_a_rollout_left_stopped_without_a_recorded_cause_says_only_that():
    text = notify.email_text(note(preempted_rollouts=(STOPPED,), region="eu-west-1"))
    assert "was DEPLOYING: stopped so the rollback could deploy; NOT restarted. Restart" in text
    assert "None" not in text


def test_the_restart_command_quotes_what_the_shell_would_split():
    odd = StoppedRollout(**{**STOPPED.__dict__, "version": "v 1; rm -rf /"})
    command = restart_command(odd, **WHERE)
    assert shlex.split(command)[shlex.split(command).index("--configuration-version") + 1] == (
        "v 1; rm -rf /"
    )


def test_the_document_lists_each_stopped_rollout():
    document = notify.document(note(preempted_rollouts=(STOPPED,)))
    assert document["preempted_rollouts"] == [
        {
            "deployment_number": 7,
            "profile_id": "web0001",
            "profile_name": "web-config",
            "version": "12",
            "strategy_id": "lin6000",
            "state": "DEPLOYING",
            "description": "",
            "restarted_as": None,
            "restart_error": None,
        }
    ]
    assert notify.document(note())["preempted_rollouts"] == []
