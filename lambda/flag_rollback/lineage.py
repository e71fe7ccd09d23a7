"""Which deployed documents a new version must include, so no disabled flag is lost.

Pure functions over what ListDeployments returned; service.py does the AWS calls.

The rule (why no interleaving of concurrent invocations loses a disabled flag)
------------------------------------------------------------------------------
Every version this function writes carries in its label the newest deployment number its
writer had read (``seen``, see appconfig.label). A change is planned from:

* the *head*: this profile's newest own deployment newer than its last COMPLETE one
  (in progress, stopped before it completed, or REVERTED after it), else the last
  COMPLETE deployment;
* the *sources*: every deployment of the profile numbered after the head's ``seen`` that
  is own or COMPLETE, other than the head: deployments the head's writer never read,
  whose disabled flags the head may lack.

The new document is the head's with every flag a source has disabled disabled too
(``merge_disabled``), then the request applied. Three checks make it complete:

1. *Start*: StartDeployment returns the new deployment's number ``d``. When ``d`` is
   ``seen + 1`` nothing started between the read and the start, so the deployment follows
   exactly the state the plan included. Otherwise the invocation plans again: its own
   deployment is now the head and everything that slipped in between is a source.
   (AppConfig numbers an environment's deployments 1, 2, 3...; were a number ever
   skipped, this check would only cost a needless re-plan: it relies on the order.)
2. *Busy*: when an own deployment holds the environment, the invocation accepts it only
   if its content already disables every flag the invocation's version disables
   (``covers``); it stops it only if it had read it (``number <= seen``, so the version
   includes it); otherwise it plans again (the holder becomes the head).
3. *Stop*: the function stops an own deployment only under check 2, i.e. only for a
   version that includes it; until that version is deployed the stopped deployment is
   an own, non-COMPLETE deployment newer than the last COMPLETE one, so every reader
   takes it as head or source, and a retried event after a crash still finds it.

Argument. Let invocation X report flag F disabled: X started a deployment D_X whose content
disables F and that passed check 1 (or accepted an own holder D_X that does, check 2).
Claim: every plan made from a read that includes D_X (``seen >= D_X``) disables F. By
induction over plans in time order, for a plan P with head H:
* D_X is H, or a source of P: the document disables F.
* D_X is own and newer than the last COMPLETE deployment C, so it is pending: H is D_X
  or a newer pending own deployment. If ``H.seen >= D_X``, H's content came from an
  earlier plan that included D_X, which disables F (induction); otherwise D_X is after
  ``H.seen``, hence a source.
* D_X is older than C: C is D_X's successor in the served lineage. If C is own, either
  ``C.seen >= D_X`` (induction) or D_X is a source; if C is a person's deployment, the
  person chose its content.
Plans from reads older than D_X lead to deployments numbered above ``seen + 1``: by
check 1 their writers report nothing and plan again from a read that includes D_X (or,
while D_X holds the environment, check 2 makes them include it). So the served
configuration can lack F only transiently, between such a stale start and its writer's
next plan, and no invocation finishes leaving it so; if that writer crashes, the retried
event (or any later invocation) plans from a read that includes D_X and re-merges F.
What can drop F: a person's deployment. A stop of D_X that turns into a REVERT (it
completed between the read and the stop; the function waits for a bake about to end to
make that rare), a person's REVERT of it, or AppConfig's own rollback of it on a monitor
alarm all leave it newer than C, so the next plan re-merges F (to turn a flag back on,
use restore).

Reporting. A rollback reports the flags its version turned off, less those a deployment
started between its read and its start (``slipped_in``; for an own deployment it accepted
under check 2, that deployment's start) had turned off already: that
deployment's writer passed check 1 for them, or its own report is reduced the same way
down to the first one, so each flag turned off is reported (and held) once.

A restore racing a rollback of the same flag may lose (a source's disabled flag wins):
the safe direction.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace

from flag_rollback import flags, variants
from flag_rollback.appconfig import COMPLETE, Deployment, Environment


@dataclass(frozen=True)
class Plan:
    """What a new version is computed from."""

    head: Deployment
    sources: tuple[Deployment, ...]
    seen: int


def plan(env: Environment) -> Plan | None:
    """The head and the sources (see the module docstring); None when nothing is deployed."""
    rows = env.of_profile()
    completed = env.completed()
    if completed is None or completed.version is None:
        return None
    pending = [
        item
        for item in rows
        if item.own
        and item.number > completed.number
        and item.state != COMPLETE
        and item.version is not None
    ]
    head = pending[0] if pending else completed
    after = head.seen if head.own and head.seen is not None else head.number
    sources = tuple(
        item
        for item in rows
        if item.number > after
        and item is not head
        and item.version is not None
        and item.version != head.version
        and (item.state == COMPLETE or item.own)
    )
    return Plan(head, sources, env.newest_number())


def slipped_in(env: Environment, seen: int, number: int) -> list[Deployment]:
    """This profile's deployments started between a read (``seen``) and our start (``number``).

    Own or COMPLETE ones with a version, as for sources: the flags they disable were
    disabled before ours, by their writer (who reports them) or by a person.
    """
    return [
        item
        for item in env.of_profile()
        if seen < item.number < number
        and item.version is not None
        and (item.state == COMPLETE or item.own)
    ]


def disabled(document: flags.FlagDocument) -> set[str]:
    """The flags the document turns off."""
    return {name for name in document.data["flags"] if flags.is_enabled(document, name) is False}


def covers(document: flags.FlagDocument, names: set[str]) -> bool:
    """Whether every named flag is off in the document."""
    return names <= disabled(document)


def merge_disabled(base: flags.FlagDocument, other: flags.FlagDocument) -> flags.FlagDocument:
    """The base with every flag the other turns off (and the base turns on) turned off.

    The other's entry is copied as a rollback wrote it (freeform: enabled false,
    rolloutPercentage 0 and the metadata recording the values to restore); for
    AWS.AppConfig.FeatureFlags every ``enabled: true`` of ``values.<flag>`` (the base value
    and each variant) turns false, nothing else.
    """
    wanted = [name for name in disabled(other) if flags.is_enabled(base, name) is True]
    if not wanted or base.format != other.format:
        return base
    data = copy.deepcopy(base.data)
    for name in wanted:
        if base.format == flags.FEATURE_FLAGS:  # on in the base: an object value
            variants.turn_off(data["values"][name], name)
        else:
            data["flags"][name] = copy.deepcopy(other.data["flags"][name])
    return replace(base, data=data)
