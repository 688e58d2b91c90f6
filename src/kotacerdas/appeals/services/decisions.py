"""Deciding an appeal's items, and recording each decision's effect on score and rank.

An accepted item changes a final value. Final values are set only in moderation (the
moderation service's lock), and results are computed only on a final cycle, so accepting takes
the cycle's own path, inside one transaction:

1. the cycle steps back final → moderation (the lifecycle's BACKWARD step, with a reason naming
   the appeal);
2. ``moderation.settle`` sets the new final value with the decision's reason (method
   "moderated", the moderator, a history record);
3. the cycle moves forward moderation → final again (its checks run as always);
4. ``compute_results`` writes a new result snapshot (same number of Monte Carlo samples as the
   one before).

If any step is refused, nothing of it happens: the cycle stays final with its value and
snapshot. A rejected item changes nothing but itself. Either way the item records the region's
final value, index (display scale) and national rank before and after, the two snapshots, and
how many other regions changed national rank; the region's operators get an email.
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
from kotacerdas.results.models import Snapshot
from kotacerdas.results.services.compute import compute_results
from kotacerdas.results.services.publication import is_current, latest

from ..choices import AppealState, Decision
from ..models import Appeal, AppealItem

MAX_REASON = 5_000


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
    and return it with its effect recorded.

    Guarantees: admins only (PermissionDenied); a reason (at most 5,000 characters); on
    acceptance a value fitting the indicator (or "not applicable" where allowed); the cycle is
    final (else Locked); the appeal was submitted and the item is not decided yet (else
    ServiceError: decided by someone else, reload); all steps of the module docstring in one
    transaction; the email goes out after the commit.
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
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=item.appeal.cycle_id)
        if cycle.state != CycleState.FINAL:
            raise Locked(
                _("Sanggahan diputus pada tahap Final; siklus %(cycle)s pada tahap %(state)s.")
                % {"cycle": cycle, "state": cycle.get_state_display()}
            )
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
        before = _current_snapshot(cycle, by)
        after = before
        if accept:
            after = _change_final_value(
                cycle, submission, locked, final, value, not_applicable, reason, before, by
            )
            final = FinalValue.objects.get(submission=submission, indicator=indicator)
        value_after = (final.value, final.not_applicable) if final else (None, False)
        _record(locked, appeal, accept, reason, before, after, by)
        locked.value_before, locked.not_applicable_before = value_before
        locked.value_after, locked.not_applicable_after = value_after
        locked._history_user = by
        locked.save()
        if not appeal.items.filter(decision=Decision.PENDING).exists():
            appeal.state = AppealState.DECIDED
            appeal._history_user = by
            appeal.save(update_fields=["state"])
        from . import notifications

        notifications.item_decided(locked)
    return locked


def _current_snapshot(cycle: Cycle, by) -> Snapshot:
    """The cycle's latest snapshot, recomputed first when the data changed since (so "before"
    is the result of the data as it is)."""
    snapshot = latest(cycle)
    if snapshot is None:
        raise ServiceError(_("Hasil belum dihitung."))
    if not is_current(snapshot):
        snapshot = compute_results(
            cycle,
            by=by,
            samples=snapshot.samples,
            note=_("Dihitung ulang sebelum putusan sanggahan"),
        )
    return snapshot


def _change_final_value(
    cycle, submission, item, final, value, not_applicable, reason, before, by
) -> Snapshot:
    """Steps 1–4 of the module docstring; returns the new snapshot."""
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
    return compute_results(
        cycle,
        by=by,
        samples=before.samples,
        note=_("Sesudah sanggahan %(region)s, indikator %(code)s") % label,
    )


def _record(item, appeal, accept, reason, before, after, by) -> None:
    """Write the decision and its effect on index and rank onto the item (not saved)."""
    ranks_before = dict(before.regions.values_list("region_id", "rank"))
    ranks_after = dict(after.regions.values_list("region_id", "rank"))
    region_before = before.regions.get(region_id=appeal.region_id)
    region_after = after.regions.get(region_id=appeal.region_id)
    item.decision = Decision.ACCEPTED if accept else Decision.REJECTED
    item.decision_reason = reason
    item.decided_by = by
    item.decided_at = timezone.now()
    item.display_before, item.display_after = region_before.display, region_after.display
    item.rank_before, item.rank_after = region_before.rank, region_after.rank
    item.snapshot_before, item.snapshot_after = before, after
    item.ranks_changed = sum(
        1
        for region_id, rank in ranks_after.items()
        if region_id != appeal.region_id and ranks_before.get(region_id) != rank
    )
