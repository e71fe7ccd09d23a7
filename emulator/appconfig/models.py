"""The AppConfig backend the emulator installs: the hosted store plus what moto lacks.

Environments, deployment strategies (with the predefined `AppConfig.*` ones), deployments
with their state machine (deployments.py), environment monitors (monitors.py) and the
appconfigdata sessions. `install()` points moto's appconfig BackendDict at
EmulatedAppConfigBackend, so both the in-process mock and the server use it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from moto.appconfig import models as moto_models
from moto.appconfig.models import ConfigurationProfile

from emulator.appconfig import extension_actions
from emulator.appconfig.deployments import (
    IN_PROGRESS,
    PREDEFINED_STRATEGIES,
    REVERT_WINDOW,
    STOPPED,
    Deployment,
    DeploymentStrategy,
    Environment,
    ServedContent,
    check_strategy_values,
)
from emulator.appconfig.exceptions import (
    BadRequestException,
    ConflictException,
    ResourceNotFoundException,
)
from emulator.appconfig.hosted import HostedConfigBackend, check_quota
from emulator.appconfig.monitors import first_alarm
from emulator.appconfig.utils import now
from emulator.appconfig.validators import validate_content
from emulator.core.config import get_deployment_time_factor


class EmulatedAppConfigBackend(HostedConfigBackend):
    """The hosted store plus environments, strategies, deployments and sessions."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.environments: dict[str, dict[str, Environment]] = {}
        self.strategies: dict[str, DeploymentStrategy] = {}
        self.deployments: dict[tuple[str, str], list[Deployment]] = {}
        # appconfigdata sessions, keyed by token (see emulator/appconfigdata/models.py).
        self.sessions: dict[str, Any] = {}

    def delete_application(self, app_id: str) -> None:
        """Refused while environments remain (*inferred*, like profiles: see hosted.py)."""
        with self.lock:
            self.get_application(app_id)
            if self.environments.get(app_id):
                raise BadRequestException(
                    f"Cannot delete application {app_id} because there are still "
                    "environments existing under it."
                )
            super().delete_application(app_id)
            self.environments.pop(app_id, None)

    def _check_profile_deletable(self, app_id: str, profile: ConfigurationProfile) -> None:
        """No hosted versions left (hosted.py), and no deployment of it in progress.

        *Inferred* from the service model: DeleteConfigurationProfile lists ConflictException,
        as DeleteEnvironment does for an environment with a deployment in progress.
        """
        super()._check_profile_deletable(app_id, profile)
        for env_id in self.environments.get(app_id, {}):
            history = self._history(app_id, env_id)
            if (
                history
                and history[-1].profile_id == profile.id
                and (history[-1].state() in IN_PROGRESS)
            ):
                raise ConflictException(
                    f"Configuration profile {profile.id} has a deployment in progress in "
                    f"environment {env_id}; stop it first"
                )

    # ------------------------------------------------------------------ environments

    def create_environment(
        self,
        app_id: str,
        name: str,
        description: str | None,
        monitors: list[dict[str, str]] | None,
        tags: dict[str, str] | None,
    ) -> Environment:
        with self.lock:
            self.get_application(app_id)
            check_quota(
                "environments", len(self.environments.get(app_id, {})), f"of application {app_id}"
            )
            env = Environment(
                application_id=app_id,
                name=name,
                description=description,
                monitors=monitors or [],
                arn="",
            )
            env.arn = self._arn(f"application/{app_id}/environment/{env.id}")
            self.environments.setdefault(app_id, {})[env.id] = env
            self.tag_resource(env.arn, tags or {})
            return env

    def get_environment(self, app_id: str, env_id: str) -> Environment:
        self.get_application(app_id)
        env = self.environments.get(app_id, {}).get(env_id)
        if env is None:
            raise ResourceNotFoundException(f"Environment {env_id} not found", "Environment")
        return env

    def list_environments(self, app_id: str) -> list[Environment]:
        self.get_application(app_id)
        return list(self.environments.get(app_id, {}).values())

    def update_environment(
        self,
        app_id: str,
        env_id: str,
        name: str | None,
        description: str | None,
        monitors: list[dict[str, str]] | None,
    ) -> Environment:
        with self.lock:
            env = self.get_environment(app_id, env_id)
            if name is not None:
                env.name = name
            if description is not None:
                env.description = description
            if monitors is not None:
                env.monitors = monitors
            return env

    def delete_environment(self, app_id: str, env_id: str) -> None:
        with self.lock:
            self.get_environment(app_id, env_id)
            if self.environment_state(app_id, env_id) == "DEPLOYING":
                raise ConflictException(
                    f"Environment {env_id} has a deployment in progress; stop it first"
                )
            self._forget_environment(app_id, env_id)
            del self.environments[app_id][env_id]

    def _forget_environment(self, app_id: str, env_id: str) -> None:
        env = self.environments[app_id][env_id]
        self.tagger.delete_all_tags_for_resource(env.arn)
        for deployment in self.deployments.pop((app_id, env_id), []):
            self.tagger.delete_all_tags_for_resource(self._arn(deployment.arn_suffix))

    def _history(self, app_id: str, env_id: str) -> list[Deployment]:
        """The environment's deployments, oldest first, after applying its monitors."""
        with self.lock:
            env = self.environments.get(app_id, {}).get(env_id)
            if env is None:
                return []
            history = self.deployments.setdefault((app_id, env_id), [])
            if history and history[-1].stopped_state is None:
                self._apply_monitors(env, history[-1])
            return history

    @staticmethod
    def _apply_monitors(env: Environment, latest: Deployment) -> None:
        """Roll back like AppConfig when a monitor alarm fired while it deployed or baked."""
        fired = first_alarm(env.monitors, latest.started_at, min(now(), latest.completes_at))
        if fired is not None:
            alarm_arn, at = fired
            latest.stop(
                "ROLLED_BACK",
                at=at,
                by="CLOUDWATCH_ALARM",
                reason=f"Rollback initiated by CloudWatch alarm {alarm_arn}",
            )

    def environment_state(self, app_id: str, env_id: str) -> str:
        history = self._history(app_id, env_id)
        if not history:
            return "READY_FOR_DEPLOYMENT"
        state = history[-1].state()
        if state in IN_PROGRESS:
            return "DEPLOYING"
        if state in STOPPED:
            return state
        return "READY_FOR_DEPLOYMENT"

    # ------------------------------------------------------------------ strategies

    def create_deployment_strategy(
        self,
        *,
        name: str,
        description: str | None,
        duration: int,
        bake: int | None,
        growth_factor: float,
        growth_type: str | None,
        replicate_to: str | None,
        tags: dict[str, str] | None,
    ) -> DeploymentStrategy:
        with self.lock:
            # Predefined strategies are not in self.strategies: they do not count.
            check_quota("deployment_strategies", len(self.strategies), "in this account")
            strategy = DeploymentStrategy(
                name=name,
                description=description,
                deployment_duration_in_minutes=duration,
                final_bake_time_in_minutes=bake or 0,
                growth_factor=growth_factor,
                growth_type=growth_type or "LINEAR",
                replicate_to=replicate_to or "NONE",
            )
            strategy.arn = self._arn(f"deploymentstrategy/{strategy.id}")
            self.strategies[strategy.id] = strategy
            self.tag_resource(strategy.arn, tags or {})
            return strategy

    def get_deployment_strategy(self, strategy_id: str) -> DeploymentStrategy:
        strategy = PREDEFINED_STRATEGIES.get(strategy_id) or self.strategies.get(strategy_id)
        if strategy is None:
            raise ResourceNotFoundException(
                f"Deployment strategy {strategy_id} not found", "DeploymentStrategy"
            )
        return strategy

    def list_deployment_strategies(self) -> list[DeploymentStrategy]:
        return [*PREDEFINED_STRATEGIES.values(), *self.strategies.values()]

    def _custom_strategy(self, strategy_id: str) -> DeploymentStrategy:
        strategy = self.get_deployment_strategy(strategy_id)
        if strategy.predefined:
            raise BadRequestException(
                f"{strategy_id} is a predefined deployment strategy and cannot be changed"
            )
        return strategy

    def update_deployment_strategy(
        self,
        *,
        strategy_id: str,
        description: str | None,
        duration: int | None,
        bake: int | None,
        growth_factor: float | None,
        growth_type: str | None,
    ) -> DeploymentStrategy:
        with self.lock:
            strategy = self._custom_strategy(strategy_id)
            new_duration = strategy.deployment_duration_in_minutes if duration is None else duration
            new_bake = strategy.final_bake_time_in_minutes if bake is None else bake
            new_factor = strategy.growth_factor if growth_factor is None else growth_factor
            new_type = growth_type or strategy.growth_type
            check_strategy_values(new_duration, new_bake, new_factor, new_type)
            strategy.deployment_duration_in_minutes = new_duration
            strategy.final_bake_time_in_minutes = new_bake
            strategy.growth_factor = new_factor
            strategy.growth_type = new_type
            if description is not None:
                strategy.description = description
            return strategy

    def delete_deployment_strategy(self, strategy_id: str) -> None:
        with self.lock:
            strategy = self._custom_strategy(strategy_id)
            self.tagger.delete_all_tags_for_resource(strategy.arn)
            del self.strategies[strategy_id]

    # ------------------------------------------------------------------ deployments
    def start_deployment(
        self,
        *,
        app_id: str,
        env_id: str,
        strategy_id: str,
        profile_id: str,
        version: str,
        description: str | None,
        tags: dict[str, str] | None,
    ) -> Deployment:
        content = self._pre_start_deployment(
            app_id=app_id,
            env_id=env_id,
            strategy_id=strategy_id,
            profile_id=profile_id,
            version=version,
            description=description,
        )
        with self.lock:
            self.get_environment(app_id, env_id)
            strategy = self.get_deployment_strategy(strategy_id)
            profile = self.get_configuration_profile(app_id, profile_id)
            served = self._resolve_version(profile, version)
            if content is not None:
                served = replace(served, content=content)
            validate_content(profile.validators, served.content)
            history = self._history(app_id, env_id)
            if history and history[-1].state() in (*IN_PROGRESS, "ROLLING_BACK"):
                raise ConflictException(
                    f"Deployment number {history[-1].number} is {history[-1].state()} in "
                    f"environment {env_id}; wait for it to finish or stop it"
                )
            deployment = Deployment(
                application_id=app_id,
                environment_id=env_id,
                number=len(history) + 1,
                strategy=strategy,
                profile_id=profile_id,
                profile_name=profile.name,
                location_uri=profile.location_uri,
                served=served,
                time_factor=get_deployment_time_factor(),
                description=description,
                validated=bool(profile.validators),
            )
            history.append(deployment)
            self.tag_resource(self._arn(deployment.arn_suffix), tags or {})
            return deployment

    def _pre_start_deployment(
        self,
        *,
        app_id: str,
        env_id: str,
        strategy_id: str,
        profile_id: str,
        version: str,
        description: str | None,
    ) -> bytes | None:
        """PRE_START_DEPLOYMENT extensions, outside the lock (extension_actions.py): the
        content to deliver, or None when the call fails anyway or nothing ran."""
        env = self.get_environment(app_id, env_id)
        self.get_deployment_strategy(strategy_id)
        profile = self.get_configuration_profile(app_id, profile_id)
        served = self._resolve_version(profile, version)
        history = self._history(app_id, env_id)
        if history and history[-1].state() in IN_PROGRESS:
            return None  # refused below with ConflictException, as without extensions
        content = extension_actions.pre_start_deployment(
            self,
            profile,
            environment=env,
            content=served.content,
            content_type=served.content_type,
            version=served.version,
            description=description,
            deployment_number=len(history) + 1,
        )
        return None if content == served.content else content

    def _numbered(
        self, app_id: str, env_id: str, number: int
    ) -> tuple[Deployment, list[Deployment]]:
        """Deployment `number` of the environment and the environment's history."""
        self.get_environment(app_id, env_id)
        history = self._history(app_id, env_id)
        if not 1 <= number <= len(history):
            raise ResourceNotFoundException(f"Deployment {number} not found", "Deployment")
        return history[number - 1], history

    def get_deployment(self, app_id: str, env_id: str, number: int) -> Deployment:
        return self._numbered(app_id, env_id, number)[0]

    def list_deployments(self, app_id: str, env_id: str) -> list[Deployment]:
        self.get_environment(app_id, env_id)
        return list(reversed(self._history(app_id, env_id)))

    def stop_deployment(
        self, app_id: str, env_id: str, number: int, allow_revert: bool
    ) -> Deployment:
        """StopDeployment as its API Reference page states it.

        "works only on deployments that have a status of DEPLOYING, unless an AllowRevert
        parameter is supplied. If the AllowRevert parameter is supplied, the status of an
        in-progress deployment will be ROLLED_BACK. The status of a completed deployment will
        be REVERTED. AppConfig only allows a revert within 72 hours of deployment
        completion." Everything else (VALIDATING or BAKING without AllowRevert, a stopped
        deployment, an old or superseded completed one) is a BadRequestException; only the
        latest deployment of the environment can be reverted (*inferred*).
        """
        with self.lock:
            deployment, history = self._numbered(app_id, env_id, number)
            moment = now()
            state = deployment.state(moment)
            if state == "DEPLOYING" or (state in IN_PROGRESS and allow_revert):
                deployment.stop("ROLLED_BACK", at=moment)
                return deployment
            if state in IN_PROGRESS:
                raise BadRequestException(
                    f"Deployment {number} is {state}; without AllowRevert only a DEPLOYING "
                    "deployment can be stopped"
                )
            if state != "COMPLETE":
                raise BadRequestException(f"Deployment {number} is {state} and cannot be stopped")
            if not allow_revert:
                raise BadRequestException(
                    f"Deployment {number} is COMPLETE; pass AllowRevert to revert it"
                )
            if number != len(history):
                raise BadRequestException(
                    f"Deployment {number} is not the latest deployment of environment {env_id}"
                    " and cannot be reverted"
                )
            if moment - deployment.completes_at > REVERT_WINDOW:
                raise BadRequestException(
                    f"Deployment {number} completed more than 72 hours ago and can no longer "
                    "be reverted"
                )
            deployment.stop("REVERTED", at=moment)
            return deployment

    def served_content(self, app_id: str, env_id: str, profile_id: str) -> ServedContent | None:
        """What clients of this environment receive for the profile right now: not a
        deployment still VALIDATING (nothing is delivered before validation, About
        validators) nor a stopped one."""
        for deployment in reversed(self._history(app_id, env_id)):
            state = deployment.state()
            if deployment.profile_id == profile_id and state not in (*STOPPED, "VALIDATING"):
                return deployment.served
        return None

    def _known_arns(self) -> Iterable[str]:
        yield from super()._known_arns()
        for envs in self.environments.values():
            yield from (env.arn for env in envs.values())
        yield from (strategy.arn for strategy in self.strategies.values())
        for history in self.deployments.values():
            yield from (self._arn(d.arn_suffix) for d in history)


def install() -> None:
    """Make moto build EmulatedAppConfigBackend for every account and region."""
    backends = moto_models.appconfig_backends
    backends.backend = EmulatedAppConfigBackend
    for account_backends in backends.values():
        account_backends.backend = EmulatedAppConfigBackend
        for region in [
            r for r, b in account_backends.items() if not isinstance(b, EmulatedAppConfigBackend)
        ]:
            del account_backends[region]
