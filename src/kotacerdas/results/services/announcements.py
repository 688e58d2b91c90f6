"""Telling the regions that results are out: at the release, not at the publication.

A version published under embargo must not be announced before the public may read it, so the
email to the operators of every enrolled region goes out when a version is *released*
(``Snapshot.released_at``; the release decision is ``published.visible_snapshots``), once per
version (``Snapshot.announced_at``):

- the first announced version of a cycle: "results published" (``results_published``);
- a later version of a cycle already announced (a republication, a correction): "results
  corrected" with the reason of every version released since the last announcement and, for
  each region, what changed from the version last announced (``results_corrected``).

``announce_due_releases`` does it for every released version not yet announced; it is safe to run
at any time and from several processes at once (cron, worker, the request that published). It is
triggered three ways: right after the commit of a (re)publication whose release time has come
(``schedule``); for a release ahead, a django-tasks task deferred to the release time when the
configured backend supports it (``supports_defer``: the database backend of
``kotacerdas db_worker`` does); and the command ``kotacerdas announce_releases``, which
production runs from cron (docs/deploy.md) because nothing guarantees a worker is running at
the release moment.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task

from kotacerdas.evaluations.models import Cycle

from ..models import Snapshot
from . import published

log = logging.getLogger(__name__)

LIGHT = ("config", "nodes", "indicators", "summary")


def due() -> QuerySet[Snapshot]:
    """Released versions (visible to the public now) whose release nobody was told of yet."""
    return published.visible_snapshots().filter(announced_at__isnull=True)


def announce_due_releases() -> list[Snapshot]:
    """Announce every released, unannounced version; return the versions the emails are about
    (the newest due version of each cycle).

    Guarantees: per cycle, one transaction stamps ``announced_at`` on every due version and
    renders the emails, which are sent after its commit (a rollback sends nothing); a version is
    announced at most once even when several runners start together (the cycle's row is locked
    and the stamp is a conditional update: a runner that finds the versions already stamped
    sends nothing); a version still under embargo is never announced.
    """
    announced = []
    for cycle_id in sorted(set(due().values_list("cycle_id", flat=True))):
        snapshot = _announce_cycle(cycle_id)
        if snapshot is not None:
            announced.append(snapshot)
    return announced


def _announce_cycle(cycle_id: int) -> Snapshot | None:
    from kotacerdas.evaluations.services import notifications

    with transaction.atomic():
        Cycle.objects.select_for_update().filter(pk=cycle_id).first()  # one runner per cycle
        pending = _pending(cycle_id)
        if not pending:
            return None
        now = timezone.now()
        claimed = Snapshot.objects.filter(
            pk__in=[snapshot.pk for snapshot in pending], announced_at__isnull=True
        ).update(announced_at=now)
        if claimed != len(pending):  # another runner stamped (some of) them meanwhile
            transaction.set_rollback(True)
            return None
        # The version the regions were last told of (release times grow with the version).
        earlier = (
            Snapshot.objects.filter(cycle_id=cycle_id, announced_at__isnull=False)
            .exclude(pk__in=[snapshot.pk for snapshot in pending])
            .defer(*LIGHT)
            .order_by("-version")
            .first()
        )
        newest = pending[-1]
        newest.announced_at = now
        if earlier is not None:
            notifications.results_corrected(newest, pending, previous=earlier)
        else:
            notifications.results_published(newest)
    return newest


def _pending(cycle_id: int) -> list[Snapshot]:
    """The cycle's due versions, oldest first."""
    return list(
        due().filter(cycle_id=cycle_id).select_related("cycle").defer(*LIGHT).order_by("version")
    )


@task()
def announce_releases() -> None:
    """The background task, deferred to a release time: announce what is due then."""
    announce_due_releases()


def defer(when: datetime) -> bool:
    """Enqueue ``announce_releases`` to run at ``when`` if the task backend supports deferred
    tasks; False when it does not (the cron command announces it then)."""
    if not getattr(announce_releases.get_backend(), "supports_defer", False):
        return False
    announce_releases.using(run_after=when).enqueue()
    return True


def schedule(snapshot: Snapshot) -> None:
    """After the caller's transaction (a publication or republication of ``snapshot``) commits:
    announce at once when its release time has come, else defer the announcement to it.

    A failure here is logged, never raised into the committed publication: the cron command
    announces whatever is still due.
    """
    release = snapshot.released_at

    def after_commit() -> None:
        try:
            if release is None or release <= timezone.now():
                announce_due_releases()
            else:
                defer(release)
        except Exception:
            log.exception("announcing the release of snapshot %s failed", snapshot.pk)

    transaction.on_commit(after_commit)
