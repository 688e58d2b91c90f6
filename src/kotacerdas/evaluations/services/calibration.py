"""Calibration rounds: before assessors score a cycle, they score the same gold-standard cases
blind, and the ministry sees whether they read the rubric the same way (docs/calibration.md).

A round of a cycle is prepared by an admin (draft): its cases are level indicators of the cycle's
instrument, each with a situation (a justification as a region would write it, typed in or taken
from an answer of an earlier cycle with the region's name masked), the gold level the ministry
agreed on and the rationale. Opened, every assessor scores every case, blind: while it is open an
assessor sees neither the gold levels, nor the rationales, nor anyone else's level, and may change
their own. Closed, nothing changes any more; the report compares each assessor with the gold
(exact and within-one shares, mean signed and absolute deviation, passed or not), shows each
case's spread (a case where fewer than half of the assessors are within one level of the gold
says the rubric needs clarifying) and Krippendorff's ordinal alpha of the assessors together with
the gold as one more rater. Each assessor then sees their own result with the gold levels and
rationales.

Every change is atomic and recorded in the models' history with the user who made it.
"""

from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kotacerdas.core.errors import Locked, ServiceError
from kotacerdas.core.xlsx import add_sheet
from kotacerdas.index.agreement import krippendorff_alpha
from kotacerdas.instruments.models import Crosswalk, Indicator, IndicatorType, Instrument
from kotacerdas.instruments.services.crosswalk import comparable_pairs

from ..models import (
    DEFAULT_PASS_THRESHOLD,
    Answer,
    CalibrationCase,
    CalibrationRound,
    CalibrationScore,
    CalibrationState,
    Cycle,
    CycleState,
    FinalValue,
)

#: Cycle states in which a round may be created (calibration comes before the assessors score).
ROUND_STATES = (CycleState.DRAFT, CycleState.OPEN, CycleState.REVIEW)
#: A case is flagged "rubrik perlu diperjelas" when fewer than this share of its assessors are
#: within one level of the gold.
UNCLEAR_BELOW = 0.5
#: What replaces the source region's name in a situation copied from its answer.
MASK = "[nama daerah]"
LEVELS = range(6)
MAX_TEXT = 5000

PASSED = "passed"
FAILED = "failed"
NOT_TAKEN = "not_taken"


class InvalidCase(ServiceError):
    """A case (or a score) refused because of what was given, not because of the round's state."""


# --- Preparing a round (admins) -----------------------------------------------------------------


def create_round(
    cycle: Cycle,
    title: str,
    *,
    by,
    pass_threshold: Decimal | float | str = DEFAULT_PASS_THRESHOLD,
) -> CalibrationRound:
    """A new draft round of ``cycle``.

    Guarantees: only an admin (else PermissionDenied); the cycle is before moderation (draft,
    open or review; else Locked); a title and a threshold between 0 and 1 (else InvalidCase)."""
    _require_admin(by, cycle)
    title = (title or "").strip()[:200]
    if not title:
        raise InvalidCase(_("Judul putaran kalibrasi wajib diisi."))
    threshold = _share(pass_threshold)
    if cycle.state not in ROUND_STATES:
        raise Locked(
            _(
                "Putaran kalibrasi hanya dapat dibuat sebelum moderasi; siklus %(cycle)s sekarang "
                "pada tahap %(state)s."
            )
            % {"cycle": cycle, "state": cycle.get_state_display()}
        )
    with transaction.atomic():
        calibration = CalibrationRound(
            cycle=cycle, title=title, pass_threshold=threshold, created_by=by
        )
        calibration._history_user = by
        calibration.save()
    return calibration


def add_case(
    calibration: CalibrationRound,
    indicator: Indicator,
    situation: str,
    *,
    by,
    gold_level: int | None = None,
    rationale: str = "",
    source_answer: Answer | None = None,
) -> CalibrationCase:
    """Add a case typed in by hand (or taken from ``source_answer``) at the end of a draft round.

    Guarantees: only an admin; the round is a draft (else Locked); the indicator is a level
    indicator of the round's cycle instrument, the situation is not empty and the gold level,
    when given, is 0–5 (else InvalidCase). The gold level may be left for later; opening needs it.
    """
    _require_admin(by, calibration)
    situation = _text(situation, _("Situasi kasus wajib diisi."))
    rationale = (rationale or "").strip()[:MAX_TEXT]
    gold_level = _level(gold_level, required=False)
    if indicator.instrument_id != calibration.cycle.instrument_id:
        raise InvalidCase(
            _("Indikator %(code)s bukan bagian dari instrumen siklus %(cycle)s.")
            % {"code": indicator.code, "cycle": calibration.cycle}
        )
    if indicator.type != IndicatorType.LEVEL:
        raise InvalidCase(
            _("Kalibrasi hanya untuk indikator bertingkat (0–5); %(code)s bukan.")
            % {"code": indicator.code}
        )
    with transaction.atomic():
        locked = _hold(calibration)
        _ensure_state(locked, CalibrationState.DRAFT)
        last = locked.cases.aggregate(last=Max("order"))["last"]
        case = CalibrationCase(
            round=locked,
            indicator=indicator,
            situation=situation,
            source_answer=source_answer,
            gold_level=gold_level,
            rationale=rationale,
            order=(last or 0) + 1,
        )
        case._history_user = by
        case.save()
    return case


def case_from_answer(
    calibration: CalibrationRound,
    answer: Answer,
    *,
    by,
    gold_level: int | None = None,
    rationale: str = "",
) -> CalibrationCase:
    """Add a case from an answer of an earlier cycle: its justification, with the region's name
    masked, becomes the situation, for the same indicator in the round's instrument (crosswalk
    or same code, see ``target_indicator``).

    The gold level is ``gold_level`` when given, else the answer's final value when it is a whole
    level (a moderator's decision or the assessors' agreement); otherwise InvalidCase asks for
    one. Also refused: an answer of the same or a later cycle, one without a justification, one
    already used in this round, or one whose indicator has no level counterpart in this cycle.
    """
    _require_admin(by, calibration)
    source_cycle = answer.submission.cycle
    if source_cycle.year >= calibration.cycle.year:
        raise InvalidCase(_("Kasus hanya dapat diambil dari jawaban siklus sebelumnya."))
    if not answer.justification.strip():
        raise InvalidCase(_("Jawaban ini tidak memiliki penjelasan untuk dijadikan situasi."))
    if calibration.cases.filter(source_answer=answer).exists():
        raise InvalidCase(_("Jawaban ini sudah menjadi kasus pada putaran ini."))
    indicator = target_indicators(source_cycle, calibration.cycle).get(answer.indicator_id)
    if indicator is None:
        raise InvalidCase(
            _(
                "Indikator %(code)s tidak ada lagi (sebagai indikator bertingkat) pada siklus %(cycle)s."
            )
            % {"code": answer.indicator.code, "cycle": calibration.cycle}
        )
    if gold_level is None:
        gold_level = final_level(answer)
    if gold_level is None:
        raise InvalidCase(
            _(
                "Jawaban ini belum memiliki nilai akhir berupa tingkat bulat; isi tingkat acuan "
                "kasus ini."
            )
        )
    return add_case(
        calibration,
        indicator,
        mask_region(answer.justification, answer.submission.region),
        by=by,
        gold_level=gold_level,
        rationale=rationale,
        source_answer=answer,
    )


def update_case(
    case: CalibrationCase,
    *,
    by,
    gold_level: int | None,
    rationale: str,
    situation: str | None = None,
) -> CalibrationCase:
    """Change a case's gold level, rationale (and situation, when given) while its round is a
    draft. Guarantees: only an admin; draft round (else Locked); a level 0–5 or None."""
    _require_admin(by, case.round)
    gold_level = _level(gold_level, required=False)
    with transaction.atomic():
        _ensure_state(_hold(case.round), CalibrationState.DRAFT)
        case.gold_level = gold_level
        case.rationale = (rationale or "").strip()[:MAX_TEXT]
        if situation is not None:
            case.situation = _text(situation, _("Situasi kasus wajib diisi."))
        case._history_user = by
        case.save()
    return case


def remove_case(case: CalibrationCase, *, by) -> None:
    """Take a case out of a draft round (only an admin; else Locked once opened)."""
    _require_admin(by, case.round)
    with transaction.atomic():
        _ensure_state(_hold(case.round), CalibrationState.DRAFT)
        case._history_user = by
        case.delete()


def open_round(calibration: CalibrationRound, *, by) -> CalibrationRound:
    """Draft → open: assessors may score. Refused (ServiceError, with the cases named) unless the
    round has a case and every case has its gold level; Locked unless it is a draft."""
    _require_admin(by, calibration)
    with transaction.atomic():
        locked = _hold(calibration)
        _ensure_state(locked, CalibrationState.DRAFT)
        cases = list(locked.cases.select_related("indicator"))
        if not cases:
            raise ServiceError(_("Tambahkan paling sedikit satu kasus sebelum membuka putaran."))
        missing = [f"{c.order}. {c.indicator.code}" for c in cases if c.gold_level is None]
        if missing:
            raise ServiceError(_("Setiap kasus perlu tingkat acuan sebelum dibuka:"), missing)
        return _move(locked, CalibrationState.OPEN, "opened_at", by, calibration)


def close_round(calibration: CalibrationRound, *, by) -> CalibrationRound:
    """Open → closed: scores are final, the report and each assessor's result are shown."""
    _require_admin(by, calibration)
    with transaction.atomic():
        locked = _hold(calibration)
        _ensure_state(locked, CalibrationState.OPEN)
        return _move(locked, CalibrationState.CLOSED, "closed_at", by, calibration)


# --- Where cases come from ----------------------------------------------------------------------


def previous_published(cycle: Cycle) -> Cycle | None:
    """The newest published (or archived) cycle before ``cycle``."""
    return (
        Cycle.objects.filter(
            year__lt=cycle.year, state__in=(CycleState.PUBLISHED, CycleState.ARCHIVED)
        )
        .select_related("instrument")
        .order_by("-year")
        .first()
    )


def target_indicators(source: Cycle, target: Cycle) -> dict[int, Indicator]:
    """Level indicator of ``source``'s instrument (by id) → the same indicator in ``target``'s.

    With a crosswalk from the one instrument to the other, its comparable pairs that need no
    rescaling (a rescaled level no longer means the same); without one, the same code. Only level
    indicators on both sides."""
    old = _levels_of(source.instrument)
    new = {i.code: i for i in _levels_of(target.instrument)}
    crosswalk = Crosswalk.objects.filter(
        source_id=source.instrument_id, target_id=target.instrument_id
    ).first()
    if crosswalk is None:
        codes = {i.code: i.code for i in old}
    else:
        codes = {a: b for a, b, rescale in comparable_pairs(crosswalk) if not rescale}
    return {i.pk: new[codes[i.code]] for i in old if codes.get(i.code) in new}


def final_level(answer: Answer) -> int | None:
    """The answer's final value when it is a whole level 0–5, else None (no final value, not
    applicable, or a mean between two levels)."""
    final = FinalValue.objects.filter(
        submission_id=answer.submission_id, indicator_id=answer.indicator_id
    ).first()
    return _whole_level(final.value if final and not final.not_applicable else None)


@dataclass
class Suggestion:
    """An answer of the previous published cycle proposed as a case, with the level it would
    get (its final value) and the indicator it would be in this cycle."""

    answer: Answer
    indicator: Indicator
    gold_level: int


def suggest_cases(
    calibration: CalibrationRound, n: int = 6, *, source: Cycle | None = None
) -> list[Suggestion]:
    """Up to ``n`` answers of ``source`` (by default the previous published cycle) to use as
    cases: answers with a justification to a level indicator that still exists in this cycle,
    whose final value is a whole level, not already in the round. Spread over the levels (0, 1,
    ..., 5, 0, ...) and, within a level, over the dimensions least used so far; deterministic (by
    region and indicator code) so the same round gets the same proposal."""
    source = source or previous_published(calibration.cycle)
    if source is None or n <= 0:
        return []
    mapping = target_indicators(source, calibration.cycle)
    used = set(
        calibration.cases.exclude(source_answer=None).values_list("source_answer", flat=True)
    )
    finals = {
        (sub, ind): value
        for sub, ind, value in FinalValue.objects.filter(
            submission__cycle=source, indicator_id__in=mapping, not_applicable=False
        ).values_list("submission_id", "indicator_id", "value")
    }
    answers = (
        Answer.objects.filter(submission__cycle=source, indicator_id__in=mapping)
        .exclude(justification="")
        .exclude(pk__in=used)
        .select_related("submission__region", "submission__cycle", "indicator")
        .order_by("submission__region__code", "indicator__code")
    )
    by_level: dict[int, list[Suggestion]] = defaultdict(list)
    for answer in answers:
        level = _whole_level(finals.get((answer.submission_id, answer.indicator_id)))
        if level is not None:
            by_level[level].append(Suggestion(answer, mapping[answer.indicator_id], level))
    return _spread(by_level, n)


def _spread(by_level: dict[int, list[Suggestion]], n: int) -> list[Suggestion]:
    """Take one per level in turn; within a level the one of the least used dimension (then
    indicator), so that neither levels nor dimensions bunch up."""
    chosen: list[Suggestion] = []
    dimensions: Counter = Counter()
    indicators: Counter = Counter()
    while len(chosen) < n and any(by_level.values()):
        for level in LEVELS:
            pool = by_level.get(level)
            if not pool or len(chosen) >= n:
                continue
            best = min(
                range(len(pool)),
                key=lambda k: (
                    dimensions[pool[k].indicator.element.dimension_id],
                    indicators[pool[k].indicator.pk],
                    k,
                ),
            )
            pick = pool.pop(best)
            dimensions[pick.indicator.element.dimension_id] += 1
            indicators[pick.indicator.pk] += 1
            chosen.append(pick)
    return chosen


def mask_region(text: str, region) -> str:
    """``text`` with the region's name (and its parent's, e.g. the province of a kota) replaced
    by ``MASK``, so that a case does not tell assessors whose answer it was."""
    names = [region.name]
    if getattr(region, "parent_id", None):
        names.append(region.parent.name)
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(re.escape(name), MASK, text, flags=re.IGNORECASE)
    return text.strip()


# --- Scoring (assessors) ------------------------------------------------------------------------


def score(case: CalibrationCase, *, by, level: int, note: str = "") -> CalibrationScore:
    """Record (or change) ``by``'s level for ``case``.

    Guarantees: only an assessor (``evaluations.take_calibration``, else PermissionDenied); the
    round is open (else Locked: a draft is not shown, a closed round's scores are final); a level
    0–5 (else InvalidCase). One score per assessor and case, kept in the history."""
    if not by.has_perm("evaluations.take_calibration", case.round):
        raise PermissionDenied(_("Hanya asesor yang dapat mengikuti kalibrasi."))
    level = _level(level, required=True)
    note = (note or "").strip()[:MAX_TEXT]
    with transaction.atomic():
        _ensure_state(_hold(case.round), CalibrationState.OPEN)
        mine = CalibrationScore.objects.select_for_update().filter(case=case, assessor=by).first()
        if mine is None:
            mine = CalibrationScore(case=case, assessor=by)
        mine.level, mine.note = level, note
        mine._history_user = by
        mine.save()
    return mine


@dataclass
class AssessorCase:
    """One case as an assessor sees it: the case, the rubric, their own score. ``gold_level``
    and ``rationale`` are filled only once the round is closed."""

    case: CalibrationCase
    descriptors: list
    score: CalibrationScore | None
    gold_level: int | None = None
    rationale: str = ""

    @property
    def deviation(self) -> int | None:
        if self.score is None or self.gold_level is None:
            return None
        return self.score.level - self.gold_level


def assessor_view(calibration: CalibrationRound, user) -> list[AssessorCase]:
    """The cases of an open or closed round as ``user`` may see them: situation, indicator,
    level descriptors and their own score only; the gold level and the rationale only when the
    round is closed. Never the source region, never another assessor's level. Locked for a draft.
    """
    if calibration.state == CalibrationState.DRAFT:
        raise Locked(_("Putaran kalibrasi ini belum dibuka."))
    closed = calibration.state == CalibrationState.CLOSED
    mine = {
        s.case_id: s
        for s in CalibrationScore.objects.filter(case__round=calibration, assessor=user)
    }
    rows = []
    for case in calibration.cases.select_related("indicator").prefetch_related("indicator__levels"):
        rows.append(
            AssessorCase(
                case=case,
                descriptors=list(case.indicator.levels.all()),
                score=mine.get(case.pk),
                gold_level=case.gold_level if closed else None,
                rationale=case.rationale if closed else "",
            )
        )
    return rows


def rounds_for_assessor(user) -> list[CalibrationRound]:
    """Open and closed rounds of cycles not yet archived, newest first, for an assessor's home."""
    if not user.has_perm("evaluations.take_calibration"):
        return []
    return list(
        CalibrationRound.objects.filter(state__in=(CalibrationState.OPEN, CalibrationState.CLOSED))
        .exclude(cycle__state=CycleState.ARCHIVED)
        .select_related("cycle")
        .order_by("-cycle__year", "-created_at", "-pk")
    )


# --- The report ---------------------------------------------------------------------------------


@dataclass
class AssessorResult:
    """How one assessor's levels compare with the gold. Shares are of the cases they scored;
    deviation is their level minus the gold (positive: lenient, negative: strict)."""

    assessor: object
    scored: int
    total: int
    exact: float | None
    within_one: float | None
    mean_deviation: float | None
    mean_absolute: float | None
    passed: bool

    @property
    def complete(self) -> bool:
        return self.scored == self.total


@dataclass
class CaseResult:
    """The levels given for one case: ``distribution[level]`` assessors gave ``level``."""

    case: CalibrationCase
    distribution: list[int]
    scored: int
    exact: float | None
    within_one: float | None

    @property
    def unclear(self) -> bool:
        """ "Rubrik perlu diperjelas": fewer than half of the assessors within one level."""
        return self.within_one is not None and self.within_one < UNCLEAR_BELOW


@dataclass
class Report:
    round: CalibrationRound
    assessors: list[AssessorResult] = field(default_factory=list)
    cases: list[CaseResult] = field(default_factory=list)
    alpha: float | None = None

    @property
    def passed(self) -> int:
        return sum(1 for a in self.assessors if a.passed)

    @property
    def unclear(self) -> int:
        return sum(1 for c in self.cases if c.unclear)


def report(calibration: CalibrationRound) -> Report:
    """The round's figures (for admins; the caller checks), in three queries.

    Per assessor who scored at least one case: scored / total, exact and within-one shares,
    mean signed and absolute deviation from the gold, and ``passed`` (every case scored and the
    within-one share at least the round's threshold). Per case: the levels given, the shares
    matching and within one, and ``unclear``. ``alpha``: Krippendorff's ordinal alpha of the
    assessors and the gold as one more rater over the cases (None when it is undefined)."""
    cases = list(calibration.cases.select_related("indicator"))
    scores = list(
        CalibrationScore.objects.filter(case__round=calibration)
        .select_related("assessor")
        .order_by("assessor__username", "case__order", "case_id")
    )
    gold = {case.pk: case.gold_level for case in cases}
    threshold = float(calibration.pass_threshold)
    by_assessor: dict[int, list[CalibrationScore]] = defaultdict(list)
    users = {}
    for s in scores:
        by_assessor[s.assessor_id].append(s)
        users[s.assessor_id] = s.assessor
    result = Report(round=calibration)
    for user_id, given in by_assessor.items():
        deviations = [s.level - gold[s.case_id] for s in given if gold[s.case_id] is not None]
        figures = _figures(deviations)
        result.assessors.append(
            AssessorResult(
                assessor=users[user_id],
                scored=len(given),
                total=len(cases),
                **figures,
                passed=bool(
                    len(given) == len(cases)
                    and figures["within_one"] is not None
                    and figures["within_one"] >= threshold
                ),
            )
        )
    for case in cases:
        levels = [s.level for s in scores if s.case_id == case.pk]
        deviations = (
            [level - case.gold_level for level in levels] if case.gold_level is not None else []
        )
        figures = _figures(deviations)
        result.cases.append(
            CaseResult(
                case=case,
                distribution=[levels.count(level) for level in LEVELS],
                scored=len(levels),
                exact=figures["exact"],
                within_one=figures["within_one"],
            )
        )
    result.alpha = _alpha(cases, by_assessor)
    return result


def reliability_matrix(cases: list[CalibrationCase], by_assessor: dict[int, list]) -> np.ndarray:
    """``(raters, cases)`` levels, NaN where none: the gold first, then each assessor."""
    column = {case.pk: k for k, case in enumerate(cases)}
    rows = [[np.nan if c.gold_level is None else float(c.gold_level) for c in cases]]
    for given in by_assessor.values():
        row = [np.nan] * len(cases)
        for s in given:
            row[column[s.case_id]] = float(s.level)
        rows.append(row)
    return np.array(rows, dtype=float).reshape(len(rows), len(cases))


def _alpha(cases, by_assessor) -> float | None:
    if not cases or not by_assessor:
        return None
    alpha = krippendorff_alpha(reliability_matrix(cases, by_assessor), "ordinal")
    return None if np.isnan(alpha) else alpha


def _figures(deviations: list[int]) -> dict:
    if not deviations:
        return {"exact": None, "within_one": None, "mean_deviation": None, "mean_absolute": None}
    n = len(deviations)
    return {
        "exact": sum(1 for d in deviations if d == 0) / n,
        "within_one": sum(1 for d in deviations if abs(d) <= 1) / n,
        "mean_deviation": sum(deviations) / n,
        "mean_absolute": sum(abs(d) for d in deviations) / n,
    }


def result_of(calibration: CalibrationRound, user) -> AssessorResult | None:
    """``user``'s own figures once the round is closed (None before, or when they scored
    nothing)."""
    if calibration.state != CalibrationState.CLOSED:
        return None
    return next((a for a in report(calibration).assessors if a.assessor.pk == user.pk), None)


def latest_closed(cycle: Cycle) -> CalibrationRound | None:
    """The cycle's most recently closed round."""
    return (
        cycle.calibration_rounds.filter(state=CalibrationState.CLOSED)
        .order_by("-closed_at", "-pk")
        .first()
    )


def calibration_statuses(cycle: Cycle) -> dict[int, str] | None:
    """Assessor id → ``passed`` or ``failed`` in the cycle's latest closed round (those who
    scored nothing are absent: ``not_taken``); None when no round was closed."""
    latest = latest_closed(cycle)
    if latest is None:
        return None
    return {a.assessor.pk: PASSED if a.passed else FAILED for a in report(latest).assessors}


def calibration_status(cycle: Cycle, user) -> str | None:
    """``passed``, ``failed`` or ``not_taken`` for ``user`` in the cycle's latest closed round;
    None when the cycle has no closed round."""
    statuses = calibration_statuses(cycle)
    return None if statuses is None else statuses.get(user.pk, NOT_TAKEN)


def mark_statuses(cycle: Cycle, users) -> None:
    """Give each user ``calibration_status`` (see ``calibration_status``) in a fixed number of
    queries whatever their number: None for everyone when the cycle has no closed round. For
    soft warnings beside assessors (the assignment page); nothing is blocked by it."""
    statuses = calibration_statuses(cycle)
    for user in users:
        user.calibration_status = None if statuses is None else statuses.get(user.pk, NOT_TAKEN)


def to_xlsx(result: Report) -> bytes:
    """The report as a workbook: assessors, cases (with the levels given), Indonesian headers."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    add_sheet(
        workbook,
        _("Asesor"),
        [
            _("Pengguna"),
            _("Asesor"),
            _("Kasus dinilai"),
            _("Jumlah kasus"),
            _("Sama persis"),
            _("Selisih ≤ 1"),
            _("Rata-rata selisih"),
            _("Rata-rata selisih mutlak"),
            _("Lulus"),
        ],
        [
            [
                a.assessor.username,
                a.assessor.display_name,
                a.scored,
                a.total,
                a.exact,
                a.within_one,
                a.mean_deviation,
                a.mean_absolute,
                _("Ya") if a.passed else _("Tidak"),
            ]
            for a in result.assessors
        ],
        3,
    )
    add_sheet(
        workbook,
        _("Kasus"),
        [
            _("No."),
            _("Indikator"),
            _("Tingkat acuan"),
            *[_("Tingkat %(level)d") % {"level": level} for level in LEVELS],
            _("Penilai"),
            _("Sama persis"),
            _("Selisih ≤ 1"),
            _("Rubrik perlu diperjelas"),
        ],
        [
            [
                c.case.order,
                c.case.indicator.code,
                c.case.gold_level,
                *c.distribution,
                c.scored,
                c.exact,
                c.within_one,
                _("Ya") if c.unclear else "",
            ]
            for c in result.cases
        ],
        3,
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Helpers ------------------------------------------------------------------------------------


def _require_admin(by, obj) -> None:
    if not by.has_perm("evaluations.manage_calibration", obj):
        raise PermissionDenied(_("Hanya admin yang dapat mengelola putaran kalibrasi."))


def _hold(calibration: CalibrationRound) -> CalibrationRound:
    return (
        CalibrationRound.objects.select_for_update().select_related("cycle").get(pk=calibration.pk)
    )


def _ensure_state(calibration: CalibrationRound, state: str) -> None:
    if calibration.state == state:
        return
    messages = {
        CalibrationState.DRAFT: _(
            "Putaran kalibrasi sudah dibuka; kasus dan tingkat acuannya tidak dapat diubah lagi."
        ),
        CalibrationState.OPEN: _(
            "Putaran kalibrasi tidak sedang dibuka; penilaian hanya diterima selama putaran dibuka."
        )
        if calibration.state == CalibrationState.CLOSED
        else _("Putaran kalibrasi ini belum dibuka."),
    }
    raise Locked(messages[state])


def _move(
    locked: CalibrationRound, state: str, moment: str, by, given: CalibrationRound
) -> CalibrationRound:
    """Save the new state on the locked row; the caller's instance follows (same state, moment)."""
    locked.state = state
    setattr(locked, moment, timezone.now())
    locked._history_user = by
    locked.save(update_fields=["state", moment])
    given.state = state
    setattr(given, moment, getattr(locked, moment))
    return locked


def _levels_of(instrument: Instrument) -> list[Indicator]:
    return list(
        Indicator.objects.filter(instrument=instrument, type=IndicatorType.LEVEL).select_related(
            "element"
        )
    )


def _whole_level(value) -> int | None:
    if value is None:
        return None
    value = Decimal(value)
    if value != value.to_integral_value() or not 0 <= value <= 5:
        return None
    return int(value)


def _level(value, *, required: bool) -> int | None:
    if value in (None, ""):
        if required:
            raise InvalidCase(_("Pilih tingkat 0–5."))
        return None
    try:
        level = int(value)
    except (TypeError, ValueError):
        raise InvalidCase(_("Tingkat harus bilangan bulat 0–5.")) from None
    if level not in LEVELS or str(value).strip() not in (str(level), f"{level}.0"):
        raise InvalidCase(_("Tingkat harus bilangan bulat 0–5."))
    return level


def _share(value) -> Decimal:
    try:
        share = Decimal(str(value)).quantize(Decimal("0.01"))
    except ArithmeticError:
        raise InvalidCase(_("Ambang lulus harus angka antara 0 dan 1.")) from None
    if not Decimal(0) <= share <= Decimal(1):
        raise InvalidCase(_("Ambang lulus harus angka antara 0 dan 1."))
    return share


def _text(value: str, empty_message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidCase(empty_message)
    if len(value) > MAX_TEXT:
        raise InvalidCase(_("Teks paling banyak %(n)d karakter.") % {"n": MAX_TEXT})
    return value
