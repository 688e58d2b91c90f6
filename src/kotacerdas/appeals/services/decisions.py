"""Deciding an appeal's items, and recording each decision's effect on score and rank.

An accepted item changes a final value. Final values are set only in moderation (the
moderation service's lock), and results are computed only on a final cycle, so accepting takes
the cycle's own path, inside one transaction:

1. the cycle steps back final → moderation (the lifecycle's BACKWARD step, with a reason naming
   the appeal);
2. ``moderation.settle`` sets the new final value with the decision's reason (method
   "moderated", the moderator, a history record);
3. the cycle moves forward moderation → final again (its checks run as always);
4. a computation of the results is requested (``results.services.computation.request``, purpose
   appeal, the same number of Monte Carlo samples as the snapshot before): a background task
   writes the new snapshot once the transaction has committed.

If any of steps 1–4 is refused, nothing of it happens: the cycle stays final with its value.
The item records at once the decision, the final value before and after, and the region's index
and national rank in the snapshot before; when the computation has finished
(``results.signals.computation_finished``) ``record_effects`` fills in the index and rank after,
the new snapshot and how many other regions changed national rank, and the region's operators
get their email. A rejected item changes nothing but itself: its effect (none) is recorded and
the email sent at once.

While a computation of the cycle is queued or running, no item is decided (Locked: wait for
it). When the latest snapshot is not current (the data changed since it was computed), a
computation is requested and the decision refused until it has finished, so that "before" is
the result of the data as it is.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.errors import Locked, ServiceError
from kotacerdas.evaluations.models import Cycle, CycleState, FinalValue, Submission
from kotacerdas.evaluations.services import lifecycle, moderation
from kotacerdas.evaluations.services.answers import validate_value
from kotacerdas.results.choices import ComputationPurpose
from kotacerdas.results.models import Computation, Snapshot
from kotacerdas.results.services import computation
from kotacerdas.results.services.publication import is_current, latest

from ..choices import AppealState, Decision
from ..models import Appeal, AppealItem

MAX_REASON = 5_000


class _Stale(Exception):
    def __init__(self, snapshot: Snapshot):
        super().__init__(snapshot.pk)
        self.snapshot = snapshot


def decide(
    item: AppealItem,
    *,
    accept: bool,
    reason: str,
    value: Decimal | None = None,
    not_applicable: bool = False,
    by,
) -> AppealItem:
    """Accept (with the new final value) or reject one item of a submitted appeal, with a reason,
    and return it with its decision recorded (the effect of an acceptance follows when the
    results' computation has finished: see the module docstring).

    Guarantees: admins only (PermissionDenied); a reason (at most 5,000 characters); on
    acceptance a value fitting the indicator (or "not applicable" where allowed); the cycle is
    final (else Locked); no computation of the cycle queued or running (else Locked: wait for
    it); the latest snapshot is current (else a computation is requested and Locked says the
    results are being recomputed first); the appeal was submitted and the item is not decided
    yet (else ServiceError: decided by someone else, reload); steps 1–4 of the module docstring
    in one transaction; the email goes out after the commit (for an acceptance, once its effect
    is recorded).
    """
    if not by.has_perm("appeals.decide", item):
        raise PermissionDenied(_("Hanya admin yang dapat memutus sanggahan."))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Alasan putusan wajib diisi."))
    if len(reason) > MAX_REASON:
        raise ServiceError(_("Alasan paling panjang %(max)d karakter.") % {"max": MAX_REASON})
    indicator = item.indicator
    if accept:
        if value is None and not not_applicable:
            raise ServiceError(_("Isi nilai akhir yang baru, atau pilih «tidak berlaku»."))
        validate_value(indicator, value, not_applicable)
    try:
        return _decide(item, indicator, accept, reason, value, not_applicable, by)
    except _Stale as stale:
        # After the refused transaction was rolled back: the request must stay.
        snapshot = stale.snapshot
        computation.request(
            snapshot.cycle,
            by=by,
            samples=snapshot.samples,
            note=_("Dihitung ulang sebelum putusan sanggahan"),
        )
        raise Locked(
            _(
                "Data siklus %(cycle)s berubah sesudah hasil versi %(version)s dihitung: hasil "
                "sedang dihitung ulang di latar belakang. Putuskan sanggahan setelah "
                "perhitungan selesai."
            )
            % {"cycle": snapshot.cycle, "version": snapshot.version}
        ) from None


def _decide(item, indicator, accept, reason, value, not_applicable, by) -> AppealItem:
    from . import notifications

    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=item.appeal.cycle_id)
        if cycle.state != CycleState.FINAL:
            raise Locked(
                _("Sanggahan diputus pada tahap Final; siklus %(cycle)s pada tahap %(state)s.")
                % {"cycle": cycle, "state": cycle.get_state_display()}
            )
        computation.ensure_idle(cycle)
        appeal = Appeal.objects.select_for_update().select_related("region").get(pk=item.appeal_id)
        locked = AppealItem.objects.select_for_update().select_related("indicator").get(pk=item.pk)
        if appeal.state == AppealState.DRAFT:
            raise ServiceError(
                _("Sanggahan %(region)s belum diajukan.") % {"region": appeal.region.name}
            )
        if not locked.is_pending:
            raise ServiceError(
                _("Butir %(code)s sudah diputus (%(decision)s); muat ulang halaman.")
                % {"code": indicator.code, "decision": locked.get_decision_display()}
            )
        submission = Submission.objects.select_related("cycle", "region").get(
            cycle=cycle, region_id=appeal.region_id
        )
        final = FinalValue.objects.filter(submission=submission, indicator=indicator).first()
        value_before = (final.value, final.not_applicable) if final else (None, False)
        before = latest(cycle)
        if before is None:
            raise ServiceError(_("Hasil belum dihitung."))
        if not is_current(before):
            raise _Stale(before)
        if accept:
            locked.computation = _change_final_value(
                cycle, submission, locked, final, value, not_applicable, reason, before, by
            )
            final = FinalValue.objects.get(submission=submission, indicator=indicator)
        value_after = (final.value, final.not_applicable) if final else (None, False)
        _record_decision(locked, appeal, accept, reason, before, by)
        if not accept:
            _record_effect(locked, appeal.region_id, before)
        locked.value_before, locked.not_applicable_before = value_before
        locked.value_after, locked.not_applicable_after = value_after
        locked._history_user = by
        locked.save()
        if not appeal.items.filter(decision=Decision.PENDING).exists():
            appeal.state = AppealState.DECIDED
            appeal._history_user = by
            appeal.save(update_fields=["state"])
        if not accept:
            notifications.item_decided(locked)
    return locked


def _change_final_value(
    cycle, submission, item, final, value, not_applicable, reason, before, by
) -> Computation:
    """Steps 1–4 of the module docstring; returns the requested computation."""
    label = {"region": submission.region.name, "code": item.indicator.code}
    lifecycle.transition(
        cycle,
        CycleState.MODERATION,
        by=by,
        reason=_("Sanggahan %(region)s, indikator %(code)s diterima: nilai akhir diubah.") % label,
    )
    moderation.settle(
        submission,
        item.indicator,
        value=value,
        not_applicable=not_applicable,
        reason=_("Sanggahan diterima: %(reason)s") % {"reason": reason},
        by=by,
        version=final.version if final else 0,
    )
    lifecycle.transition(
        cycle,
        CycleState.FINAL,
        by=by,
        reason=_("Kembali ke Final sesudah sanggahan %(region)s, indikator %(code)s.") % label,
    )
    return computation.request(
        cycle,
        by=by,
        samples=before.samples,
        note=_("Sesudah sanggahan %(region)s, indikator %(code)s") % label,
        purpose=ComputationPurpose.APPEAL,
    )


def _record_decision(item, appeal, accept, reason, before, by) -> None:
    """Write the decision and the "before" side onto the item (not saved)."""
    region_before = before.regions.get(region_id=appeal.region_id)
    item.decision = Decision.ACCEPTED if accept else Decision.REJECTED
    item.decision_reason = reason
    item.decided_by = by
    item.decided_at = timezone.now()
    item.display_before = region_before.display
    item.rank_before = region_before.rank
    item.snapshot_before = before


def _record_effect(item, region_id, after: Snapshot) -> None:
    """Write the effect on index and rank (``after`` against the item's snapshot before) onto
    the item (not saved)."""
    ranks_before = dict(item.snapshot_before.regions.values_list("region_id", "rank"))
    ranks_after = dict(after.regions.values_list("region_id", "rank"))
    region_after = after.regions.get(region_id=region_id)
    item.display_after = region_after.display
    item.rank_after = region_after.rank
    item.snapshot_after = after
    item.ranks_changed = sum(
        1
        for other, rank in ranks_after.items()
        if other != region_id and ranks_before.get(other) != rank
    )


def record_effects(sender, computation: Computation, snapshot: Snapshot, **kwargs) -> None:
    """Receiver of ``results.signals.computation_finished``: every decided item of the cycle
    whose effect is pending gets it from ``snapshot`` (also an item whose own computation failed
    or was stopped: the snapshot holds its changed value), and its region's operators their
    email after the commit. Runs in the computation's transaction."""
    from . import notifications

    pending = (
        AppealItem.objects.select_for_update(of=("self",))
        .filter(
            appeal__cycle_id=computation.cycle_id,
            computation__isnull=False,
            snapshot_after__isnull=True,
        )
        .exclude(decision=Decision.PENDING)
        .select_related("appeal__region", "appeal__cycle", "indicator", "snapshot_before")
    )
    for item in pending:
        _record_effect(item, item.appeal.region_id, snapshot)
        item.computation = computation
        item._history_user = item.decided_by
        item.save()
        notifications.item_decided(item)
