"""Another configuration profile deployed to the same environment.

Its versions have their own numbers (they start at 1 too), its deployments share the
environment's numbering, and a newer COMPLETE deployment of it says nothing about what
this profile serves: the function must base its change on its own profile's deployment.
"""

from __future__ import annotations

from tests.events import FREEFORM_DOC
from tests.functional.world import World

OTHER_DOC = b'{"flags": {"checkout": {"enabled": true}}, "payments": true}'


def deploy_other_profile(world: World, versions: int) -> tuple[str, int]:
    """Create a profile named 'other' with `versions` versions and deploy the last one."""
    other = world.appconfig.create_configuration_profile(
        ApplicationId=world.app_id, Name="other", LocationUri="hosted", Type="AWS.Freeform"
    )["Id"]
    for _ in range(versions):
        last = world.appconfig.create_hosted_configuration_version(
            ApplicationId=world.app_id,
            ConfigurationProfileId=other,
            Content=OTHER_DOC,
            ContentType="application/json",
        )["VersionNumber"]
    number = world.start(last, profile_id=other)
    world.wait_idle()
    return other, number


def test_a_newer_complete_deployment_of_another_profile_is_not_the_base(world: World):
    other, number = deploy_other_profile(world, versions=3)
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "rolled_back"
    assert outcome["old_version"] == 1  # this profile's deployed version, not the other's 3
    assert outcome["new_version"] == 2
    assert outcome["deployment_number"] > number
    deployed = world.deployed()
    assert deployed["flags"]["checkout"]["enabled"] is False
    assert deployed["owner"] == FREEFORM_DOC["owner"]  # this profile's document, changed
    others = world.appconfig.list_hosted_configuration_versions(
        ApplicationId=world.app_id, ConfigurationProfileId=other
    )["Items"]
    assert len(others) == 3  # nothing written to the other profile


def test_status_reads_this_profiles_deployment_when_another_profile_deployed_last(world: World):
    deploy_other_profile(world, versions=2)
    (outcome,) = world.invoke({"action": "status", "flag": "legacy"})["results"]
    assert outcome["state"]["deployed_version"] == 1
    assert outcome["state"]["enabled"] is False
    assert outcome["state"]["deployment_in_progress"] is None


def test_duplicate_alarm_after_another_profile_deployed_changes_nothing(world: World):
    world.alarm("checkout")
    deploy_other_profile(world, versions=1)
    (outcome,) = world.alarm("checkout")["results"]
    assert outcome["outcome"] == "no_change"
    assert outcome["old_version"] == 2
    assert len(world.versions()) == 2
