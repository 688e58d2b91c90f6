"""Preparing moderation in the background: the automatic final values of a whole cycle.

Entering moderation (``lifecycle.transition``) commits the state change at once (scores are
locked from that moment) and calls ``begin``, which records a ModerationPreparation and, once
the transaction commits, enqueues the task ``prepare_moderation`` (django-tasks; the worker is
``kotacerdas db_worker``). At national scale (552 regions × 300 indicators × 3 assessors) the
preparation takes longer than a web request may (docs/benchmarks.md).

The task works through the submitted regions ``moderation.REGIONS_PER_STEP`` at a time, each
step in its own transaction together with its progress (``done`` of ``total`` regions): a region
is never half-written, and the moderation pages show how far it is. Until the cycle's newest
preparation is done, settling a value and the feedback are refused (``ensure_prepared``) and the
cycle cannot move on to final. A failed preparation, or one that has stalled (its worker died),
is shown with its error and can be started again (``restart``); that is safe because
``moderation.prepare_regions`` is idempotent.

A cycle without any preparation (prepared before this existed, or by the demo, which calls
``moderation.prepare`` directly) counts as prepared.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from kotacerdas.accounts.predicates import is_admin
from kotacerdas.core import jobs
from kotacerdas.core.errors import Locked, ServiceError

from ..models import (
    Cycle,
    CycleState,
    ModerationPreparation,
    PreparationState,
    Submission,
    SubmissionState,
)
from . import moderation

log = logging.getLogger(__name__)


def current(cycle: Cycle) -> ModerationPreparation | None:
    """The cycle's newest preparation, or None when it never had one."""
    return ModerationPreparation.objects.filter(cycle_id=cycle.pk).first()


def can_restart(preparation: ModerationPreparation | None) -> bool:
    """Whether the admin may start the preparation again: none is running (or it stalled)."""
    return preparation is None or not preparation.is_active or preparation.is_stalled


def is_prepared(cycle: Cycle) -> bool:
    """The cycle's newest preparation is done (or it never had one)."""
    preparation = current(cycle)
    return preparation is None or preparation.state == PreparationState.DONE


def ensure_prepared(cycle: Cycle) -> None:
    """Raise Locked, saying why, unless the cycle's moderation is prepared (``is_prepared``)."""
    preparation = current(cycle)
    if preparation is None or preparation.state == PreparationState.DONE:
        return
    raise Locked(not_ready_message(preparation))


def not_ready_message(preparation: ModerationPreparation) -> str:
    """Why moderation decisions wait, in Indonesian: how far the preparation is, or that it
    failed or stopped and must be started again on the moderation page."""
    if preparation.is_active:
        return _(
            "Nilai akhir otomatis siklus %(cycle)s masih disiapkan (%(done)d dari %(total)d "
            "daerah); keputusan moderasi dan umpan balik dapat disimpan setelah selesai."
        ) % {"cycle": preparation.cycle, "done": preparation.done, "total": preparation.total}
    return _(
        "Persiapan moderasi siklus %(cycle)s %(state)s; jalankan ulang dari halaman antrean "
        "moderasi sebelum menetapkan nilai akhir atau umpan balik."
    ) % {"cycle": preparation.cycle, "state": preparation.get_state_display().lower()}


def begin(cycle: Cycle, *, by) -> ModerationPreparation:
    """Record a preparation of ``cycle`` in the caller's transaction and enqueue its task once
    that transaction commits. Older unfinished preparations of the cycle are stopped (a running
    one notices at its next step and writes nothing more)."""
    now = timezone.now()
    ModerationPreparation.objects.filter(cycle=cycle, state__in=jobs.ACTIVE).update(
        state=PreparationState.STOPPED,
        error=_("Digantikan oleh persiapan yang lebih baru."),
        finished_at=now,
        updated_at=now,
    )
    total = Submission.objects.filter(cycle=cycle, state=SubmissionState.SUBMITTED).count()
    preparation = ModerationPreparation.objects.create(cycle=cycle, total=total, created_by=by)
    transaction.on_commit(lambda: prepare_moderation.enqueue(preparation.pk))
    return preparation


def restart(cycle: Cycle, *, by) -> ModerationPreparation:
    """Prepare the cycle's moderation again in the background (after a failure, a stall, or to
    recompute the automatic values) and return the new preparation.

    Guarantees: only an admin (else PermissionDenied); the cycle is in moderation (else Locked);
    refused while a preparation is queued or running and has not stalled (ServiceError saying how
    far it is). Moderators' decisions are never touched (``moderation.prepare_regions``).
    """
    if not is_admin(by):
        raise PermissionDenied(_("Hanya admin yang dapat menyiapkan moderasi."))
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        moderation.ensure_moderation_open(locked)
        preparation = current(locked)
        if not can_restart(preparation):
            raise ServiceError(not_ready_message(preparation))
        return begin(locked, by=by)


@task()
def prepare_moderation(preparation_id: int) -> None:
    """The background task: run one preparation (see the module docstring)."""
    run(preparation_id)


def run(preparation_id: int) -> None:
    """Carry out a queued preparation, step by step (see the module docstring).

    Guarantees: runs only a queued preparation, once (a second call does nothing); each step of
    regions is written in one transaction with its progress, holding the cycle's row, so nothing
    is half-written; it stops, writing nothing more, when the cycle has left moderation or a newer
    preparation replaced it; an error is recorded on the preparation (state failed), never raised.
    """
    if not jobs.claim(ModerationPreparation, preparation_id):
        return
    done = 0
    try:
        preparation = ModerationPreparation.objects.select_related("cycle", "created_by").get(
            pk=preparation_id
        )
        cycle = preparation.cycle
        indicators = list(cycle.instrument.indicators.all())
        panels = moderation.panels_of(cycle)
        regions = moderation.submitted_regions(cycle)
        ModerationPreparation.objects.filter(pk=preparation_id).update(total=len(regions))
        for step in moderation.steps(regions):
            with transaction.atomic():
                locked = Cycle.objects.select_for_update(no_key=True).get(pk=cycle.pk)
                state = (
                    ModerationPreparation.objects.filter(pk=preparation_id)
                    .values_list("state", flat=True)
                    .get()
                )
                if state != PreparationState.RUNNING:
                    return  # replaced by a newer preparation, which stopped this one
                if locked.state != CycleState.MODERATION:
                    jobs.finish(
                        ModerationPreparation,
                        preparation_id,
                        PreparationState.STOPPED,
                        _("Dihentikan: siklus %(cycle)s tidak lagi pada tahap Moderasi.")
                        % {"cycle": locked},
                    )
                    return
                moderation.prepare_regions(
                    locked, step, indicators, panels, by=preparation.created_by
                )
                done += len(step)
                ModerationPreparation.objects.filter(pk=preparation_id).update(
                    done=done, updated_at=timezone.now()
                )
    except Exception as error:
        log.exception("moderation preparation %s failed", preparation_id)
        jobs.finish(
            ModerationPreparation,
            preparation_id,
            PreparationState.FAILED,
            str(error) or type(error).__name__,
        )
        return
    ModerationPreparation.objects.filter(pk=preparation_id, state=PreparationState.RUNNING).update(
        state=PreparationState.DONE,
        done=done,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
