"""Computing results in the background: the admin's button, a republication, an appeal.

At national scale (552 regions, 1,000 Monte Carlo samples) ``compute.compute_results`` takes
about half a minute (docs/benchmarks.md), longer than a web request may. ``request`` checks at
once what ``compute_results`` would refuse (permission, the cycle's state, submitted regions),
refuses while another computation of the cycle is queued or running (unless it stalled), records
a Computation and, once the caller's transaction commits, enqueues the task ``compute_cycle``
(django-tasks; the worker is ``kotacerdas db_worker``). ``run`` carries it out: the snapshot
(and, for a republication, its publication) is written in one transaction together with the
computation's state and the signal ``results.signals.computation_finished``.

While a computation of a cycle is queued or running, the cycle cannot be published
(``publication.results_current``) and appeals are not decided (``ensure_idle``). A failed
computation, or one that stalled, is shown on the results dashboard with its error and can be
started again (``restart``).
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
from kotacerdas.evaluations.models import Cycle, CycleState

from ..choices import ComputationPurpose, ComputationState
from ..models import Computation
from ..signals import computation_finished
from . import compute, inputs, publication

log = logging.getLogger(__name__)


def allowed_states(purpose: str) -> set[str]:
    """The cycle states a computation of ``purpose`` runs in: published for a republication,
    final otherwise."""
    if purpose == ComputationPurpose.REPUBLISH:
        return {CycleState.PUBLISHED}
    return {CycleState.FINAL}


def current(cycle: Cycle) -> Computation | None:
    """The cycle's newest computation, or None when it never had one."""
    return Computation.objects.filter(cycle_id=cycle.pk).select_related("created_by").first()


def active(cycle: Cycle) -> Computation | None:
    """The cycle's queued or running computation (stalled or not), or None."""
    return Computation.objects.filter(cycle_id=cycle.pk, state__in=jobs.ACTIVE).first()


def can_restart(computation: Computation | None) -> bool:
    """Whether the dashboard offers to start ``computation`` again: it failed, was stopped, or
    stalled, and its cycle is still in the state it computes in."""
    if computation is None:
        return False
    if computation.is_active and not computation.is_stalled:
        return False
    if computation.state == ComputationState.DONE:
        return False
    return computation.cycle.state in allowed_states(computation.purpose)


def busy_message(computation: Computation) -> str:
    """Why an action waits for ``computation``, in Indonesian."""
    if computation.is_stalled:
        return _(
            "Perhitungan hasil siklus %(cycle)s tidak bergerak lebih dari 10 menit; jalankan "
            "ulang dari dasbor hasil."
        ) % {"cycle": computation.cycle}
    return _(
        "Hasil siklus %(cycle)s sedang dihitung di latar belakang (%(state)s); tunggu sampai "
        "selesai."
    ) % {"cycle": computation.cycle, "state": computation.get_state_display().lower()}


def ensure_idle(cycle: Cycle) -> None:
    """Raise Locked, saying why, while a computation of ``cycle`` is queued or running."""
    running = active(cycle)
    if running is not None:
        raise Locked(busy_message(running))


def request(
    cycle: Cycle,
    *,
    by,
    samples: int = compute.DEFAULT_SAMPLES,
    note: str = "",
    purpose: str = ComputationPurpose.COMPUTE,
    release_at=None,
) -> Computation:
    """Record a computation of ``cycle`` and enqueue it once the caller's transaction commits.

    Guarantees: admins only (PermissionDenied); a republication needs its reason (``note``)
    (ServiceError); the cycle is final (published for a republication) and has submitted
    regions, else the ServiceError ``compute_results`` would raise; refused (ServiceError)
    while another computation of the cycle is queued or running and has not stalled; a stalled
    one is stopped. A republication's ``release_at`` (default: when published) is validated by
    ``publication.check_release_at``. Nothing is computed here.
    """
    if not is_admin(by):
        if purpose == ComputationPurpose.REPUBLISH:
            raise PermissionDenied(_("Hanya admin yang dapat mempublikasikan ulang hasil."))
        raise PermissionDenied(_("Hanya admin yang dapat menghitung hasil."))
    note = (note or "").strip()
    if purpose == ComputationPurpose.REPUBLISH and not note:
        raise ServiceError(_("Alasan publikasi ulang wajib diisi."))
    if not 1 <= samples <= 100_000:
        raise ServiceError(_("Jumlah sampel tidak valid."))
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        _ensure_state(locked, purpose)
        if purpose == ComputationPurpose.REPUBLISH:
            release_at = publication.check_release_at(locked, release_at)
        else:
            release_at = None
        if not inputs.submitted(locked).exists():
            raise ServiceError(_("Belum ada penilaian mandiri yang dikirim pada siklus ini."))
        running = active(locked)
        if running is not None and not running.is_stalled:
            raise ServiceError(busy_message(running))
        now = timezone.now()
        Computation.objects.filter(cycle=locked, state__in=jobs.ACTIVE).update(
            state=ComputationState.STOPPED,
            error=_("Digantikan oleh perhitungan yang lebih baru."),
            finished_at=now,
            updated_at=now,
        )
        job = Computation.objects.create(
            cycle=locked,
            purpose=purpose,
            samples=samples,
            note=note,
            release_at=release_at,
            created_by=by,
        )
        transaction.on_commit(lambda: compute_cycle.enqueue(job.pk))
    return job


def restart(computation: Computation, *, by) -> Computation:
    """Request ``computation`` again (same purpose, samples, note and release time unless it
    has passed) after a failure, a stop or a stall; the guarantees of ``request``."""
    if not can_restart(computation):
        raise ServiceError(
            busy_message(computation)
            if computation.is_active
            else _("Perhitungan ini tidak dapat dijalankan ulang.")
        )
    return request(
        computation.cycle,
        by=by,
        samples=computation.samples,
        note=computation.note,
        purpose=computation.purpose,
        # A release time that has passed meanwhile becomes "when published".
        release_at=computation.release_at
        if computation.release_at and computation.release_at > timezone.now()
        else None,
    )


def _ensure_state(cycle: Cycle, purpose: str) -> None:
    if cycle.state in allowed_states(purpose):
        return
    if purpose == ComputationPurpose.REPUBLISH:
        raise ServiceError(
            _("Hanya siklus yang sudah dipublikasikan yang dapat dipublikasikan ulang.")
        )
    raise ServiceError(
        _("Hasil dihitung pada tahap Final; siklus %(cycle)s pada tahap %(state)s.")
        % {"cycle": cycle, "state": cycle.get_state_display()}
    )


@task()
def compute_cycle(computation_id: int) -> None:
    """The background task: run one computation (see the module docstring)."""
    run(computation_id)


class _Stopped(Exception):
    pass


def run(computation_id: int) -> None:
    """Carry out a queued computation.

    Guarantees: runs only a queued computation, once (a second call does nothing); the snapshot
    (for a republication also its publication), the computation's state ``done`` and the signal
    ``computation_finished`` are one transaction; it stops, writing nothing, when the cycle has
    left the state it computes in (final; published for a republication) or a newer computation
    replaced it; an error is recorded on the computation (state failed), never raised.
    """
    if not jobs.claim(Computation, computation_id):
        return
    try:
        with transaction.atomic():
            job = Computation.objects.select_related("created_by").get(pk=computation_id)
            cycle = Cycle.objects.select_for_update().get(pk=job.cycle_id)
            if cycle.state not in allowed_states(job.purpose):
                raise _Stopped(
                    _("Dihentikan: siklus %(cycle)s kini pada tahap %(state)s.")
                    % {"cycle": cycle, "state": cycle.get_state_display()}
                )
            republish = job.purpose == ComputationPurpose.REPUBLISH
            snapshot = compute.compute_results(
                cycle,
                by=job.created_by,
                samples=job.samples,
                note=job.note,
                allow_published=republish,
            )
            if republish:
                publication.publish_now(snapshot, job.created_by, job.release_at)
            done = Computation.objects.filter(
                pk=computation_id, state=ComputationState.RUNNING
            ).update(
                state=ComputationState.DONE,
                snapshot=snapshot,
                finished_at=timezone.now(),
                updated_at=timezone.now(),
            )
            if not done:
                raise _Stopped("")  # replaced meanwhile: write nothing
            job.refresh_from_db()
            computation_finished.send(sender=Computation, computation=job, snapshot=snapshot)
    except _Stopped as stopped:
        if str(stopped):
            jobs.finish(Computation, computation_id, ComputationState.STOPPED, str(stopped))
    except Exception as error:
        log.exception("results computation %s failed", computation_id)
        jobs.finish(
            Computation, computation_id, ComputationState.FAILED, str(error) or type(error).__name__
        )
