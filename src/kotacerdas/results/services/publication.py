"""Publication of results, tied to the cycle's lifecycle.

- Before a cycle may move to ``published``, its latest snapshot must exist and be current (its
  inputs digest equals the cycle's data now): ``results_current`` is appended to the
  lifecycle's ``CHECKS[published]``.
- Entering ``published`` marks that snapshot published (``ON_ENTER[published]``), inside the
  lifecycle's transaction: the cycle and its results become public together.
- While a computation of the cycle is queued or running (``services/computation.py``), the
  cycle cannot be published: ``results_current`` says so.
- Publishing takes a release time (``release_at``, default now): the cycle is frozen from the
  publication on, but the public sees the version only from its release time on (an embargo;
  ``published.visible_snapshots`` decides). ``check_release_at`` validates it: not more than a
  minute in the past, and not before the release of an earlier version (release times grow
  with the version, so the public never goes back to an older one).
- The regions' operators are told by email when a version is released, not when it is
  published (``announcements``: "results published" for the first, "results corrected" for a
  later version).
- After publication nothing changes; an admin may republish: a new snapshot version is
  computed and published at once with a stated reason, and the cache is invalidated (every
  cache key holds the snapshot id). The dashboard requests it as a background computation
  (purpose republish, whose task calls ``compute_results`` and ``publish_now``); ``republish``
  is the same work in the caller's process.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.accounts.predicates import is_admin
from kotacerdas.core.errors import ServiceError
from kotacerdas.core.moments import WIB, in_wib, wib
from kotacerdas.evaluations.models import Cycle, CycleState

from ..choices import ComputationState, SnapshotState
from ..models import Computation, RegionResult, Snapshot
from . import announcements, cache, inputs


def latest(cycle: Cycle) -> Snapshot | None:
    """The cycle's snapshot of the highest version (published or not)."""
    return cycle.result_snapshots.order_by("-version").first()


def is_current(snapshot: Snapshot) -> bool:
    """Whether ``snapshot`` was computed from the cycle's data as it is now."""
    return snapshot.inputs_digest == inputs.digest(snapshot.cycle)


def results_current(cycle: Cycle) -> list[str]:
    """The lifecycle's precondition for ``published``: no computation queued or running, and
    results computed and current."""
    if Computation.objects.filter(
        cycle_id=cycle.pk, state__in=[ComputationState.QUEUED, ComputationState.RUNNING]
    ).exists():
        return [
            _(
                "Hasil sedang dihitung di latar belakang; publikasi dapat dilakukan setelah "
                "perhitungan selesai (lihat dasbor hasil)."
            )
        ]
    snapshot = latest(cycle)
    if snapshot is None:
        return [_("Hasil belum dihitung: tekan «Hitung hasil» pada dasbor hasil siklus.")]
    if not is_current(snapshot):
        return [
            _(
                "Hasil versi %(version)s sudah usang: nilai akhir, umpan balik atau pengaturan "
                "metode berubah sesudah dihitung. Hitung ulang hasil."
            )
            % {"version": snapshot.version}
        ]
    return []


GRACE = timedelta(minutes=1)


def last_release(cycle: Cycle) -> datetime | None:
    """The latest release time among the cycle's published versions, or None."""
    return (
        cycle.result_snapshots.filter(state=SnapshotState.PUBLISHED)
        .order_by("-released_at")
        .values_list("released_at", flat=True)
        .first()
    )


def check_release_at(cycle: Cycle, release_at: datetime | None) -> datetime | None:
    """The validated release time of a (re)publication of ``cycle`` (None: at publication).

    A time without a zone is read in WIB. Refuses (ServiceError) a time more than a minute in the
    past, and a time before the release of an earlier published version of the cycle.
    """
    if release_at is None:
        return None
    if timezone.is_naive(release_at):
        release_at = timezone.make_aware(release_at, WIB)
    if release_at < timezone.now() - GRACE:
        raise ServiceError(
            _("Waktu rilis %(when)s sudah lewat: pilih sekarang atau waktu yang akan datang.")
            % {"when": wib(release_at)}
        )
    previous = last_release(cycle)
    if previous is not None and release_at < previous:
        raise ServiceError(
            _(
                "Waktu rilis tidak boleh lebih awal dari rilis versi sebelumnya (%(when)s): "
                "publik tidak boleh kembali ke versi lama."
            )
            % {"when": wib(previous)}
        )
    return release_at


def publish_snapshot(cycle: Cycle, by) -> Snapshot:
    """Mark the cycle's latest snapshot published (the lifecycle's effect on entering published),
    released at the transition's ``release_at`` (``cycle._release_at``; default now).

    Guarantees: runs inside the caller's transaction; refuses (ServiceError) when there is no
    snapshot or the release time is invalid (``check_release_at``); a snapshot already
    published stays as it is.
    """
    snapshot = Snapshot.objects.select_for_update().filter(cycle=cycle).order_by("-version").first()
    if snapshot is None:
        raise ServiceError(_("Hasil belum dihitung."))
    if snapshot.state != SnapshotState.PUBLISHED:
        release_at = check_release_at(cycle, getattr(cycle, "_release_at", None))
        _publish(snapshot, cycle.published_at or timezone.now(), by, release_at)
    return snapshot


def publish_now(snapshot: Snapshot, by, release_at: datetime | None = None) -> None:
    """Publish ``snapshot`` of a published cycle now (a republication), in the caller's
    transaction: stamped, released at ``release_at`` (default now; never before an earlier
    version's release, which it is moved to if need be, e.g. a computation that outlasted
    a moment validated earlier), its letters numbered, the pages' cache forgotten after the
    commit."""
    when = timezone.now()
    previous = last_release(snapshot.cycle)
    release_at = release_at or when
    if previous is not None and release_at < previous:
        release_at = previous
    _publish(snapshot, when, by, release_at)


def _publish(snapshot: Snapshot, when, by, release_at: datetime | None = None) -> None:
    """Stamp the snapshot published and released, number its result letters, and (after the
    commit) make the pages forget the version they showed and announce the release to the
    regions (at once, or at the release time: ``announcements.schedule``)."""
    snapshot.state = SnapshotState.PUBLISHED
    snapshot.published_at = when
    snapshot.released_at = release_at or when
    snapshot.published_by = by
    snapshot.save(update_fields=["state", "published_at", "released_at", "published_by"])
    number_letters(snapshot)
    year = snapshot.cycle.year
    transaction.on_commit(lambda: cache.forget_current(year))
    announcements.schedule(snapshot)


def number_letters(snapshot: Snapshot) -> None:
    """Give every region's result letter its number (``KOTACERDAS_LETTER``): counted from
    ``first_number`` by region code, with the month and year of the publication."""
    letter = settings.KOTACERDAS_LETTER
    local = in_wib(snapshot.published_at or timezone.now())
    results = list(snapshot.regions.select_related("region").order_by("region__code"))
    for position, result in enumerate(results):
        result.letter_number = letter["number_format"].format(
            number=letter["first_number"] + position, month=local.month, year=local.year
        )
    RegionResult.objects.bulk_update(results, ["letter_number"], batch_size=500)


def republish(
    cycle: Cycle,
    *,
    by,
    reason: str,
    samples: int = 1000,
    release_at: datetime | None = None,
) -> Snapshot:
    """Compute a new snapshot of a published cycle and publish it at once, with ``reason``, in
    this process (the command line, tests; the dashboard requests it in the background through
    ``computation.request`` with purpose republish).

    Guarantees: admins only (PermissionDenied); the cycle must be published (ServiceError);
    a reason is required; earlier versions stay stored unchanged; all or nothing. The public
    sees the new version from ``release_at`` on (default: the commit; validated by
    ``check_release_at``), the previous version until then (the cache keys change with it).
    """
    from .compute import compute_results

    if not is_admin(by):
        raise PermissionDenied(_("Hanya admin yang dapat mempublikasikan ulang hasil."))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Alasan publikasi ulang wajib diisi."))
    if cycle.state != CycleState.PUBLISHED:
        raise ServiceError(
            _("Hanya siklus yang sudah dipublikasikan yang dapat dipublikasikan ulang.")
        )
    release_at = check_release_at(cycle, release_at)
    with transaction.atomic():
        snapshot = compute_results(cycle, by=by, samples=samples, note=reason, allow_published=True)
        publish_now(snapshot, by, release_at)
    return snapshot


def register_with_lifecycle() -> None:
    """Add the results check and the publication effect to the cycle's lifecycle (once)."""
    from kotacerdas.evaluations.services import lifecycle

    checks = lifecycle.CHECKS.setdefault(CycleState.PUBLISHED, [])
    if results_current not in checks:
        checks.append(results_current)
    effects = lifecycle.ON_ENTER.setdefault(CycleState.PUBLISHED, [])
    if publish_snapshot not in effects:
        # The announcement email follows the release (``announcements``), not this effect.
        effects.insert(0, publish_snapshot)
