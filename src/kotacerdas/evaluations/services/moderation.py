"""Moderation: settling each indicator's final value for every submitted region.

When the cycle enters moderation, ``prepare`` settles automatically every indicator on which the
region's assessors agree: all scored it, and their levels differ by less than
``cycle.disagreement_levels`` (other types: by at most ``cycle.disagreement_points`` on the 0–100
scale the index uses). The final value is then the assessors' mean or median
(``cycle.final_rule``). Everything else waits in the ``queue`` until the moderator (an admin)
``settle``\\ s it with a reason. ``unresolved`` lists what still stands between the cycle and
"final", for the lifecycle's check.

Entering moderation prepares the cycle in the background, step by step (``preparation``, which
calls ``prepare_regions``); ``prepare`` does the same in one transaction (the demo, tests and the
benchmark). The lifecycle module calls ``unresolved(cycle)``; keep that name.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from kotacerdas.core.errors import Locked, ServiceError, StaleVersion
from kotacerdas.core.moments import wib
from kotacerdas.instruments.models import Indicator, IndicatorType

from ..models import (
    Answer,
    Assignment,
    Cycle,
    CycleState,
    Feedback,
    FinalMethod,
    FinalRule,
    FinalValue,
    Score,
    Submission,
    SubmissionState,
)
from .answers import validate_value
from .scoring import normalise

SIX_PLACES = Decimal("0.000001")
HUNDRED = Decimal(100)
MAX_REASON = 5_000


class QueueReason(TextChoices):
    """Why an indicator of a region waits for the moderator."""

    DISAGREEMENT = "disagreement", gettext_lazy("Penilaian asesor berbeda")
    MISSING = "missing", gettext_lazy("Nilai asesor belum lengkap")
    NOT_APPLICABLE = "not_applicable", gettext_lazy("Beda pendapat «tidak berlaku»")


@dataclass
class Verdict:
    """What the assessors' scores of one indicator say: either a final value (``reason`` empty)
    or why the moderator must decide. ``spread`` is the gap on the 0–100 scale."""

    reason: str = ""
    value: Decimal | None = None
    not_applicable: bool = False
    spread: Decimal = Decimal(0)


def spread_points(indicator: Indicator, values: list[Decimal]) -> Decimal:
    """The gap between the highest and lowest value on the 0–100 scale (``normalise``). A number
    without goalposts is compared by its relative difference (gap / largest magnitude × 100)."""
    normalised = [normalise(indicator, value) for value in values]
    if None not in normalised:
        return max(normalised) - min(normalised)
    largest = max(abs(value) for value in values)
    if largest == 0:
        return Decimal(0)
    return (max(values) - min(values)) / largest * HUNDRED


def verdict(
    cycle: Cycle, indicator: Indicator, panel: list[tuple[Decimal | None, bool]]
) -> Verdict:
    """Judge one indicator of one region from its panel's scores: ``(value, not_applicable)`` per
    assigned assessor, ``(None, False)`` for an assessor who has not scored it.

    Missing when the panel is empty or any assessor has not scored; not-applicable disagreement
    when some but not all say "not applicable"; disagreement when levels differ by
    ``cycle.disagreement_levels`` or more, or other values by more than
    ``cycle.disagreement_points`` (0–100). Otherwise the final value by ``cycle.final_rule``.
    """
    if not panel or any(value is None and not na for value, na in panel):
        return Verdict(reason=QueueReason.MISSING, spread=HUNDRED)
    flags = [na for _value, na in panel]
    if all(flags):
        return Verdict(not_applicable=True)
    if any(flags):
        return Verdict(reason=QueueReason.NOT_APPLICABLE, spread=HUNDRED)
    values = [value for value, _na in panel]
    spread = spread_points(indicator, values)
    if indicator.type == IndicatorType.LEVEL:
        agree = max(values) - min(values) < cycle.disagreement_levels
    else:
        agree = spread <= cycle.disagreement_points
    if not agree:
        return Verdict(reason=QueueReason.DISAGREEMENT, spread=spread)
    if cycle.final_rule == FinalRule.MEDIAN:
        final = statistics.median(values)
    else:
        final = sum(values) / len(values)
    return Verdict(value=Decimal(final).quantize(SIX_PLACES), spread=spread)


def _auto_method(cycle: Cycle) -> str:
    return FinalMethod.MEDIAN if cycle.final_rule == FinalRule.MEDIAN else FinalMethod.MEAN


def _submitted(cycle: Cycle):
    return Submission.objects.filter(cycle=cycle, state=SubmissionState.SUBMITTED)


def panels_of(cycle: Cycle) -> dict[int, list[int]]:
    """Region id → the assessor ids assigned to it in the cycle."""
    panels: dict[int, list[int]] = defaultdict(list)
    for region_id, assessor_id in (
        Assignment.objects.filter(cycle=cycle)
        .order_by("assessor__username")
        .values_list("region_id", "assessor_id")
    ):
        panels[region_id].append(assessor_id)
    return panels


def _scores(cycle: Cycle, only_open: bool = False):
    """(region id, indicator id) → {assessor id: Score} for the cycle; with ``only_open``, only
    the indicators of submitted regions that have no final value yet."""
    scores = Score.objects.filter(assignment__cycle=cycle).select_related("assignment")
    if only_open:
        final = FinalValue.objects.filter(
            submission__cycle=cycle,
            submission__region_id=OuterRef("assignment__region_id"),
            indicator_id=OuterRef("indicator_id"),
        )
        scores = scores.exclude(Exists(final))
    by_pair: dict[tuple[int, int], dict[int, Score]] = defaultdict(dict)
    for score in scores:
        by_pair[(score.assignment.region_id, score.indicator_id)][score.assignment.assessor_id] = (
            score
        )
    return by_pair


def _panel_values(panel: list[int], scores: dict[int, Score]) -> list[tuple[Decimal | None, bool]]:
    values = []
    for assessor_id in panel:
        score = scores.get(assessor_id)
        values.append((score.value, score.not_applicable) if score else (None, False))
    return values


def _score_values(
    cycle: Cycle, region_ids: list[int]
) -> dict[tuple[int, int], dict[int, tuple[Decimal | None, bool]]]:
    """(region id, indicator id) → {assessor id: (value, not_applicable)} for the regions
    ``region_ids`` of the cycle, read as plain tuples (a national cycle has hundreds of thousands
    of scores; building a model instance for each was most of the cost)."""
    by_pair: dict[tuple[int, int], dict[int, tuple[Decimal | None, bool]]] = defaultdict(dict)
    rows = Score.objects.filter(
        assignment__cycle=cycle, assignment__region_id__in=region_ids
    ).values_list(
        "assignment__region_id",
        "indicator_id",
        "assignment__assessor_id",
        "value",
        "not_applicable",
    )
    for region_id, indicator_id, assessor_id, value, not_applicable in rows.iterator(
        chunk_size=10_000
    ):
        by_pair[(region_id, indicator_id)][assessor_id] = (value, not_applicable)
    return by_pair


# How many regions ``prepare`` reads and writes at once (and, in the background task, per
# transaction and per step of the admin's progress bar): about 3,000 final values at 300
# indicators, so memory stays small and each transaction short.
REGIONS_PER_STEP = 10


def submitted_regions(cycle: Cycle) -> list[tuple[int, int]]:
    """(submission id, region id) of every submitted region of the cycle, by region code: what
    ``prepare`` works through."""
    return list(_submitted(cycle).order_by("region__code").values_list("pk", "region_id"))


def steps(regions: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """``regions`` cut into the steps ``prepare_regions`` takes (``REGIONS_PER_STEP`` each)."""
    return [
        regions[start : start + REGIONS_PER_STEP]
        for start in range(0, len(regions), REGIONS_PER_STEP)
    ]


def prepare_regions(
    cycle: Cycle,
    regions: list[tuple[int, int]],
    indicators: list[Indicator] | None = None,
    panels: dict[int, list[int]] | None = None,
    *,
    by=None,
) -> None:
    """``prepare`` for the given (submission id, region id) pairs only, in the caller's
    transaction (the caller holds it: nothing is half-written if this raises). The history
    records name ``by`` (the admin who moved the cycle; a background task has no request).

    Guarantees, per indicator of each region: a moderator's decision (method moderated) is never
    touched; an automatic final value is created, updated to the current scores, or removed when
    the assessors no longer agree (the indicator goes back to the queue); a history record for
    every change; nothing is written when nothing changed (idempotent).
    """
    if indicators is None:
        indicators = list(Indicator.objects.filter(instrument_id=cycle.instrument_id))
    if panels is None:
        panels = panels_of(cycle)
    scores = _score_values(cycle, [region_id for _pk, region_id in regions])
    method = _auto_method(cycle)
    existing = {
        (submission_id, indicator_id): (pk, value, not_applicable, final_method)
        for pk, submission_id, indicator_id, value, not_applicable, final_method in (
            FinalValue.objects.filter(
                submission_id__in=[pk for pk, _region_id in regions]
            ).values_list(
                "pk", "submission_id", "indicator_id", "value", "not_applicable", "method"
            )
        )
    }
    to_create, to_update, to_delete = [], {}, []
    for submission_id, region_id in regions:
        panel = panels.get(region_id, [])
        for indicator in indicators:
            final = existing.get((submission_id, indicator.pk))
            if final is not None and final[3] == FinalMethod.MODERATED:
                continue
            pair_scores = scores.get((region_id, indicator.pk), {})
            judged = verdict(cycle, indicator, [pair_scores.get(pk, (None, False)) for pk in panel])
            if judged.reason:
                if final is not None:
                    to_delete.append(final[0])
                continue
            wanted = (judged.value, judged.not_applicable, method)
            if final is None:
                # Ids, not instances, for the foreign keys: no descriptor work per row.
                to_create.append(
                    FinalValue(
                        submission_id=submission_id,
                        indicator_id=indicator.pk,
                        value=judged.value,
                        not_applicable=judged.not_applicable,
                        method=method,
                    )
                )
            elif final[1:] != wanted:
                to_update[final[0]] = wanted
    # One timestamp and user for the step: simple_history would otherwise look both up per row.
    now = timezone.now()
    for final in FinalValue.objects.filter(pk__in=to_delete):
        final._history_user = by
        final.delete()
    if to_create:
        bulk_create_with_history(
            to_create, FinalValue, batch_size=BULK_BATCH, default_user=by, default_date=now
        )
    if to_update:
        changed = list(FinalValue.objects.filter(pk__in=list(to_update)))
        for final in changed:
            final.value, final.not_applicable, final.method = to_update[final.pk]
            final.version += 1
        bulk_update_with_history(
            changed,
            FinalValue,
            ["value", "not_applicable", "method", "version"],
            batch_size=BULK_BATCH,
            default_user=by,
            default_date=now,
        )


# Rows per INSERT (PostgreSQL; SQLite's own limit on parameters caps it lower by itself).
BULK_BATCH = 2_000


def prepare(cycle: Cycle, *, by=None) -> None:
    """Settle automatically every indicator of every submitted region on which its assessors
    agree (see ``verdict``), with method mean or median.

    Guarantees: idempotent; a moderator's decision (method moderated) is never touched; an
    automatic final value is created, updated to the current scores, or removed when the
    assessors no longer agree (the indicator goes back to the queue); all in one transaction,
    with a history record for every change (naming ``by`` when given). It works through
    ``REGIONS_PER_STEP`` regions at a time; the background task (``preparation``) takes the same
    steps, each in its own transaction.
    """
    indicators = list(Indicator.objects.filter(instrument_id=cycle.instrument_id))
    panels = panels_of(cycle)
    with transaction.atomic():
        for step in steps(submitted_regions(cycle)):
            prepare_regions(cycle, step, indicators, panels, by=by)


# --- The queue ----------------------------------------------------------------------------------


@dataclass
class PanelScore:
    """One assessor's score of a queued indicator (``score`` None when not scored at all)."""

    assessor_id: int
    assessor_name: str
    score: Score | None

    @property
    def scored(self) -> bool:
        return self.score is not None and (
            self.score.not_applicable or self.score.value is not None
        )


@dataclass
class ModerationItem:
    """One indicator of one region waiting for the moderator."""

    submission: Submission
    indicator: Indicator
    reason: str
    spread: Decimal
    scores: list[PanelScore] = field(default_factory=list)
    answer: Answer | None = None
    final: FinalValue | None = None

    @property
    def region(self):
        return self.submission.region

    @property
    def reason_label(self) -> str:
        return str(QueueReason(self.reason).label) if self.reason else ""

    def describe(self) -> str:
        """One line in Indonesian, e.g. ``Kota Jambi (15.71) · GOV.SVC.01: Penilaian asesor
        berbeda (2; 4)``."""
        shown = "; ".join(_display(panel.score) for panel in self.scores) or "—"
        return _("%(region)s (%(code)s) · %(indicator)s: %(reason)s (%(values)s)") % {
            "region": self.region.name,
            "code": self.region.code,
            "indicator": self.indicator.code,
            "reason": self.reason_label,
            "values": shown,
        }


def _display(score: Score | None) -> str:
    if score is None or (score.value is None and not score.not_applicable):
        return _("belum dinilai")
    if score.not_applicable:
        return _("tidak berlaku")
    return f"{score.value.normalize():f}"


REASON_ORDER = {QueueReason.NOT_APPLICABLE: 0, QueueReason.DISAGREEMENT: 1, QueueReason.MISSING: 2}


# Within ``read_once()``: each cycle's open items, computed at most once (cycle pk → result).
_READ_ONCE: ContextVar[dict[int, tuple[list[ModerationItem], int]] | None] = ContextVar(
    "moderation_read_once", default=None
)


@contextmanager
def read_once() -> Iterator[None]:
    """Within the block, the moderation queue of a cycle is computed once and reused by
    ``queue``, ``queue_length`` and ``unresolved`` (also when ``lifecycle.check`` asks).

    For callers that only read (the admin's overview asks for the queue's length and for what
    blocks "final"): nothing in the block may change scores, final values or feedback, or the
    reused queue would be stale. Blocks nest; the outermost one ends the reuse."""
    if _READ_ONCE.get() is not None:
        yield
        return
    token = _READ_ONCE.set({})
    try:
        yield
    finally:
        _READ_ONCE.reset(token)


def _open_items(cycle: Cycle) -> tuple[list[ModerationItem], int]:
    """Every indicator of a submitted region without a final value, judged; and how many of those
    the assessors agree on (waiting only for ``prepare``). Computed once per cycle inside
    ``read_once``."""
    memo = _READ_ONCE.get()
    if memo is None:
        return _compute_open_items(cycle)
    if cycle.pk not in memo:
        memo[cycle.pk] = _compute_open_items(cycle)
    return memo[cycle.pk]


def _compute_open_items(cycle: Cycle) -> tuple[list[ModerationItem], int]:
    indicators = list(
        Indicator.objects.filter(instrument_id=cycle.instrument_id)
        .select_related("element__dimension")
        .prefetch_related("levels")
    )
    submissions = list(_submitted(cycle).select_related("region"))
    settled = set(
        FinalValue.objects.filter(submission__cycle=cycle).values_list(
            "submission_id", "indicator_id"
        )
    )
    panels = panels_of(cycle)
    names = {
        a.assessor_id: a.assessor.display_name
        for a in Assignment.objects.filter(cycle=cycle).select_related("assessor")
    }
    scores = _scores(cycle, only_open=True)
    answers = {
        (answer.submission_id, answer.indicator_id): answer
        for answer in Answer.objects.filter(submission__in=submissions).exclude(
            Exists(
                FinalValue.objects.filter(
                    submission_id=OuterRef("submission_id"), indicator_id=OuterRef("indicator_id")
                )
            )
        )
    }
    items, pending = [], 0
    for submission in submissions:
        panel = panels.get(submission.region_id, [])
        for indicator in indicators:
            if (submission.pk, indicator.pk) in settled:
                continue
            pair_scores = scores.get((submission.region_id, indicator.pk), {})
            judged = verdict(cycle, indicator, _panel_values(panel, pair_scores))
            if not judged.reason:
                pending += 1
                continue
            items.append(
                ModerationItem(
                    submission=submission,
                    indicator=indicator,
                    reason=judged.reason,
                    spread=judged.spread,
                    scores=[
                        PanelScore(pk, names.get(pk, "?"), pair_scores.get(pk)) for pk in panel
                    ],
                    answer=answers.get((submission.pk, indicator.pk)),
                )
            )
    items.sort(
        key=lambda item: (
            -item.spread,
            REASON_ORDER[item.reason],
            item.region.code,
            item.indicator.element.dimension.order,
            item.indicator.element.order,
            item.indicator.order,
        )
    )
    return items, pending


def queue(
    cycle: Cycle, *, region_code: str = "", dimension_code: str = "", reason: str = ""
) -> list[ModerationItem]:
    """The indicators of submitted regions that wait for the moderator, worst first (largest gap
    on the 0–100 scale; "not applicable" disagreements and missing scores count as 100),
    optionally only of one region, one dimension or one reason."""
    items, _pending = _open_items(cycle)
    items = list(items)  # the caller may change its list; a reused queue stays as it was
    if region_code:
        items = [item for item in items if item.region.code == region_code]
    if dimension_code:
        items = [item for item in items if item.indicator.element.dimension.code == dimension_code]
    if reason:
        items = [item for item in items if item.reason == reason]
    return items


def queue_length(cycle: Cycle) -> int:
    """How many indicators of submitted regions wait for the moderator (the unfiltered
    ``queue``'s length)."""
    items, _pending = _open_items(cycle)
    return len(items)


def region_items(
    submission: Submission, *, indicator: Indicator | None = None
) -> list[ModerationItem]:
    """Every indicator of one region (or only ``indicator``) as the moderator sees it: the
    panel's scores, the region's answer, the final value if any, and the verdict's reason
    (empty when the assessors agree), in the instrument's order."""
    cycle = submission.cycle
    indicators = Indicator.objects.filter(instrument_id=cycle.instrument_id).select_related(
        "element__dimension"
    )
    if indicator is not None:
        indicators = indicators.filter(pk=indicator.pk)
    panel = panels_of(cycle).get(submission.region_id, [])
    names = {
        a.assessor_id: a.assessor.display_name
        for a in Assignment.objects.filter(
            cycle=cycle, region_id=submission.region_id
        ).select_related("assessor")
    }
    by_indicator: dict[int, dict[int, Score]] = defaultdict(dict)
    for score in Score.objects.filter(
        assignment__cycle=cycle, assignment__region_id=submission.region_id
    ).select_related("assignment"):
        by_indicator[score.indicator_id][score.assignment.assessor_id] = score
    answers = {a.indicator_id: a for a in Answer.objects.filter(submission=submission)}
    finals = {f.indicator_id: f for f in FinalValue.objects.filter(submission=submission)}
    result = []
    for item in indicators:
        pair_scores = by_indicator.get(item.pk, {})
        judged = verdict(cycle, item, _panel_values(panel, pair_scores))
        result.append(
            ModerationItem(
                submission=submission,
                indicator=item,
                reason=judged.reason,
                spread=judged.spread,
                scores=[PanelScore(pk, names.get(pk, "?"), pair_scores.get(pk)) for pk in panel],
                answer=answers.get(item.pk),
                final=finals.get(item.pk),
            )
        )
    return result


def unresolved(cycle: Cycle) -> list[str]:
    """Everything that keeps the cycle from "final", in Indonesian: each queued indicator,
    indicators the assessors agree on that still have no final value, and each submitted region
    whose feedback (kelemahan, kekuatan, rekomendasi) is not settled. Empty when nothing does."""
    items, pending = _open_items(cycle)
    problems = [item.describe() for item in items]
    if pending:
        problems.append(
            _(
                "%(count)d indikator sudah disepakati asesor tetapi nilai akhirnya belum "
                "dihitung; jalankan «Hitung nilai akhir otomatis» di halaman moderasi."
            )
            % {"count": pending}
        )
    settled = Feedback.objects.filter(submission=OuterRef("pk"), settled_by__isnull=False)
    for submission in (
        _submitted(cycle).exclude(Exists(settled)).select_related("region").order_by("region__code")
    ):
        problems.append(
            _(
                "%(region)s (%(code)s): umpan balik (kelemahan, kekuatan, rekomendasi) belum ditetapkan."
            )
            % {"region": submission.region.name, "code": submission.region.code}
        )
    return problems


# --- Settling -----------------------------------------------------------------------------------


def ensure_moderation_open(cycle: Cycle) -> None:
    """Raise Locked unless the cycle is in moderation (the only time final values are set)."""
    if cycle.state != CycleState.MODERATION:
        raise Locked(
            _(
                "Nilai akhir dan umpan balik hanya dapat ditetapkan pada tahap Moderasi; siklus "
                "%(cycle)s pada tahap %(state)s."
            )
            % {"cycle": cycle, "state": cycle.get_state_display()}
        )


def lock_cycle_for_moderation(cycle_id: int) -> Cycle:
    """Hold the cycle row until the transaction commits and check it is in moderation and its
    preparation has finished (else Locked: see ``preparation.ensure_prepared``)."""
    from .preparation import ensure_prepared

    cycle = Cycle.objects.select_for_update(no_key=True).get(pk=cycle_id)
    ensure_moderation_open(cycle)
    ensure_prepared(cycle)
    return cycle


def settle(
    submission: Submission,
    indicator: Indicator,
    *,
    value: Decimal | None,
    not_applicable: bool = False,
    reason: str,
    by,
    version: int = 0,
) -> FinalValue:
    """Set the final value of ``indicator`` for the region as the moderator and return it.

    Guarantees: only an admin (else PermissionDenied); the cycle is in moderation (else Locked);
    the region's self-assessment was submitted and the indicator belongs to the cycle's
    instrument; the reason is given and the value fits the indicator's type (else ServiceError /
    InvalidAnswer); ``version`` equals the stored final value's version (0 when there is none),
    else StaleVersion and nothing is written. The result has method "moderated", the reason, the
    moderator and a history record.
    """
    if not by.has_perm("evaluations.moderate", submission):
        raise PermissionDenied(_("Hanya admin yang dapat menetapkan nilai akhir."))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Alasan keputusan moderasi wajib diisi."))
    if len(reason) > MAX_REASON:
        raise ServiceError(_("Alasan paling panjang %(max)d karakter.") % {"max": MAX_REASON})
    if indicator.instrument_id != submission.cycle.instrument_id:
        raise ServiceError(
            _("Indikator %(code)s bukan bagian dari instrumen siklus ini.")
            % {"code": indicator.code}
        )
    if value is None and not not_applicable:
        raise ServiceError(_("Isi nilai akhir, atau pilih «tidak berlaku»."))
    validate_value(indicator, value, not_applicable)
    with transaction.atomic():
        lock_cycle_for_moderation(submission.cycle_id)
        locked = Submission.objects.select_related("region").get(pk=submission.pk)
        if locked.state != SubmissionState.SUBMITTED:
            raise ServiceError(
                _("Penilaian mandiri %(region)s tidak dikirim; tidak ada nilai akhir untuknya.")
                % {"region": locked.region.name}
            )
        final = (
            FinalValue.objects.select_for_update()
            .filter(submission=locked, indicator=indicator)
            .first()
        )
        if version != (final.version if final else 0):
            raise _stale(final, indicator)
        if final is None:
            final = FinalValue(submission=locked, indicator=indicator, version=0)
        final.value = value
        final.not_applicable = not_applicable
        final.method = FinalMethod.MODERATED
        final.reason = reason
        final.decided_by = by
        final.version += 1
        final._history_user = by
        try:
            with transaction.atomic():
                final.save()
        except IntegrityError as exc:  # settled at the same moment elsewhere
            raise _stale(None, indicator) from exc
    return final


def _stale(final: FinalValue | None, indicator: Indicator) -> StaleVersion:
    if final is None:
        return StaleVersion(
            _(
                "Nilai akhir indikator %(code)s baru saja ditetapkan di tempat lain; keputusan "
                "Anda tidak disimpan. Muat ulang antrean."
            )
            % {"code": indicator.code}
        )
    return StaleVersion(
        _(
            "Nilai akhir indikator %(code)s sudah diubah pada %(when)s; keputusan Anda tidak "
            "disimpan. Muat ulang antrean."
        )
        % {"code": indicator.code, "when": wib(final.decided_at)}
    )
