"""The reliability report ("Laporan keandalan penilaian"): how far the assessors agree, cycle
after cycle, and whether single assessors drift, across cycles or within one scoring period.

Every figure comes from ``kotacerdas.index`` (``agreement``, ``deviations``,
``severity_over_time``) on the assessors' raw scores of every cycle that has any; this module
only loads the scores, links indicators across years and applies the thresholds:

- **Per cycle**: overall alpha (the dimension tree's root), alpha per dimension, assessors and
  scores.
- **Per indicator across cycles**: an indicator's lineage follows its code from one scored cycle
  to the next, or the crosswalk between the two instruments where there is one (its pairs
  ``same``, ``renamed`` and ``rescaled`` that need no review, as the year-on-year comparison uses
  them; alpha is computed within each year, so a rescale does not change it). Flagged "rubrik
  perlu ditinjau" when the latest alpha is below ``ALPHA_MINIMUM`` (Krippendorff's 0.667, the
  lowest for tentative conclusions) or fell by ``ALPHA_DROP`` or more from the previous year
  with an alpha, each judged against the indicator's own cycle (``_flag_indicator``), or when
  a case of it in a closed calibration round was read differently from its gold level by most
  assessors (``calibration.report``).
- **Per assessor across cycles**: severity (the mean signed deviation from the answer's mean,
  on 0–100) expressed in rubric levels (``POINTS_PER_LEVEL`` points each) and the scores per
  year. Flagged when it changed by ``SEVERITY_CHANGE`` level or more between consecutive cycles
  the assessor scored, or when ``|severity| >= SEVERITY_LATEST`` in the latest; only years with
  at least ``MIN_ANSWERS`` compared answers count for a flag.
- **Within a cycle**: each assessor's compared values ordered by the time they were last saved
  (``Score.updated_at``) and cut in two halves of equal size; flagged when the halves' severities
  differ by ``HALF_CHANGE`` level or more, each half with ``MIN_HALF`` answers or more and the
  scoring spread over time (not all saved at one instant, as by an import).

Read-only, computed on the fly, in a number of queries that grows with the cycles (a handful for
each crosswalk) but not with regions, indicators or scores.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

import pandas as pd
from django.db.models import CharField, FloatField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kotacerdas import index
from kotacerdas.accounts.models import User
from kotacerdas.core import texts
from kotacerdas.core.numbers import localised
from kotacerdas.core.xlsx import add_sheet
from kotacerdas.evaluations.models import Cycle, CycleState, Score
from kotacerdas.index import Node, Tree
from kotacerdas.instruments.models import (
    Crosswalk,
    Dimension,
    Element,
    Indicator,
    LevelDescriptor,
)
from kotacerdas.instruments.services.crosswalk import comparable_pairs

from . import inputs

ALPHA_MINIMUM = 0.667
ALPHA_DROP = 0.1
POINTS_PER_LEVEL = 20.0  # levels 0–5 on the comparable 0–100 scale
SEVERITY_CHANGE = 0.5
SEVERITY_LATEST = 0.75
HALF_CHANGE = 0.5
MIN_ANSWERS = 10
MIN_HALF = 5

# Reasons of a flag, as codes; the page and the export translate them.
LOW = "low"
DROP = "drop"
CALIBRATION = "calibration"
CHANGE = "change"
SEVERE = "severe"


@dataclass
class CycleRow:
    """A cycle's agreement: overall alpha, alpha per dimension code, assessors and scores."""

    year: int
    state: str
    state_label: str
    overall: float | None
    dimensions: dict[str, float | None]
    assessors: int
    scores: int


@dataclass
class IndicatorRow:
    """One indicator's lineage across cycles: its code and alpha in each year it was scored."""

    code: str
    question: str
    type: str
    codes: dict[int, str]
    alpha: dict[int, float | None]
    latest_year: int | None = None
    latest: float | None = None
    previous: float | None = None
    change: float | None = None
    reasons: list[str] = field(default_factory=list)
    levels: list[tuple[int, str]] = field(default_factory=list)
    question_en: str = ""  # the question's English twin ("" when the instrument has none)
    levels_en: dict[int, str] = field(default_factory=dict)  # level → its descriptor in English

    @property
    def flagged(self) -> bool:
        return bool(self.reasons)

    @property
    def reader_levels(self) -> list[tuple[int, str]]:
        """``levels`` in the reader's language: on an English page each descriptor's English
        twin where it has one, otherwise (and on Indonesian pages) the Indonesian text."""
        if not texts.reads_english():
            return self.levels
        return [(level, self.levels_en.get(level) or text) for level, text in self.levels]

    @property
    def renamed(self) -> bool:
        return len(set(self.codes.values())) > 1


@dataclass
class YearSeverity:
    """An assessor's severity in one cycle (in levels), compared answers and scores given."""

    severity: float | None
    answers: int
    scores: int


@dataclass
class AssessorRow:
    """One assessor across cycles."""

    username: str
    name: str
    years: dict[int, YearSeverity]
    latest: float | None = None
    change: float | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.reasons)


@dataclass
class HalfRow:
    """One assessor's severity (in levels) in the first and second half of a cycle's scoring."""

    year: int
    username: str
    name: str
    first: float | None
    second: float | None
    first_answers: int
    second_answers: int
    start: datetime | None
    middle: datetime | None
    end: datetime | None
    flagged: bool = False

    @property
    def change(self) -> float | None:
        if self.first is None or self.second is None:
            return None
        return self.second - self.first

    @property
    def measurable(self) -> bool:
        """Enough answers in both halves and scoring spread over time."""
        return (
            self.first_answers >= MIN_HALF
            and self.second_answers >= MIN_HALF
            and self.start is not None
            and self.end is not None
            and self.start < self.end
        )


@dataclass
class Report:
    years: list[int]
    dimensions: list[tuple[str, str]]  # (code, name), the latest instrument's order first
    cycles: list[CycleRow]
    indicators: list[IndicatorRow]
    assessors: list[AssessorRow]
    halves: list[HalfRow]
    dimensions_en: dict[str, str] = field(default_factory=dict)  # code → English name, if any

    @property
    def reader_dimensions(self) -> list[tuple[str, str]]:
        """``dimensions`` with each name in the reader's language: on an English page its
        English twin where the instrument has one, otherwise the Indonesian name."""
        if not texts.reads_english():
            return self.dimensions
        return [(code, self.dimensions_en.get(code) or name) for code, name in self.dimensions]

    @property
    def flagged_indicators(self) -> int:
        return sum(row.flagged for row in self.indicators)

    @property
    def flagged_assessors(self) -> int:
        return sum(row.flagged for row in self.assessors)

    @property
    def flagged_halves(self) -> int:
        return sum(row.flagged for row in self.halves)


def thresholds() -> dict[str, float | int]:
    """The thresholds the report applies (for the page, the export and the API)."""
    return {
        "alpha_minimum": ALPHA_MINIMUM,
        "alpha_drop": ALPHA_DROP,
        "points_per_level": POINTS_PER_LEVEL,
        "severity_change": SEVERITY_CHANGE,
        "severity_latest": SEVERITY_LATEST,
        "half_change": HALF_CHANGE,
        "min_answers": MIN_ANSWERS,
        "min_half": MIN_HALF,
    }


# -- loading ----------------------------------------------------------------------------------


@dataclass
class _Instrument:
    indicators: list[Indicator]
    tree: Tree


_SCORE_COLUMNS = ["cycle", "unit", "indicator", "value", "assessor", "time"]


def _scores() -> pd.DataFrame:
    """Every assessor value of every cycle (not "not applicable", not empty), in one query.

    At national scale this is half a million rows. The database hands over the value as a float
    and the time as text, converted by column (pandas): parsing half a million timestamps and
    decimals one row at a time (the ORM's and the driver's converters) took most of the report's
    time (docs/benchmarks.md, "Reliability report")."""
    rows = (
        Score.objects.filter(value__isnull=False, not_applicable=False)
        .annotate(number=Cast("value", FloatField()), saved=Cast("updated_at", CharField()))
        .values_list(
            "assignment__cycle_id",
            "assignment__region__code",
            "indicator__code",
            "number",
            "assignment__assessor__username",
            "saved",
        )
    )
    frame = pd.DataFrame(list(rows), columns=_SCORE_COLUMNS)
    # The time in UTC, as Django keeps the connection ("2023-09-02 02:00:00+00" on PostgreSQL,
    # without the offset on SQLite).
    frame["time"] = pd.to_datetime(frame["time"], utc=True, format="ISO8601")
    return frame


def _instruments(instrument_ids: set[int]) -> dict[int, _Instrument]:
    """Each instrument's indicators and dimension tree, in three queries for all of them."""
    indicators: dict[int, list[Indicator]] = {pk: [] for pk in instrument_ids}
    for indicator in (
        Indicator.objects.filter(instrument_id__in=instrument_ids)
        .select_related("element", "element__dimension")
        .order_by("element__dimension__order", "element__order", "order", "code")
    ):
        indicators[indicator.instrument_id].append(indicator)
    nodes: dict[int, list[Node]] = {pk: [Node(code=inputs.ROOT)] for pk in instrument_ids}
    for instrument_id, code, weight in (
        Dimension.objects.filter(instrument_id__in=instrument_ids)
        .order_by("order", "code")
        .values_list("instrument_id", "code", "weight")
    ):
        nodes[instrument_id].append(Node(code=code, parent=inputs.ROOT, weight=float(weight)))
    for instrument_id, dimension, code, weight in (
        Element.objects.filter(dimension__instrument_id__in=instrument_ids)
        .order_by("order", "code")
        .values_list("dimension__instrument_id", "dimension__code", "code", "weight")
    ):
        nodes[instrument_id].append(Node(code=code, parent=dimension, weight=float(weight)))
    found = {}
    for pk in instrument_ids:
        leaves = [inputs.indicator_node(i, i.element.code) for i in indicators[pk]]
        found[pk] = _Instrument(indicators[pk], Tree(nodes[pk] + leaves, source=f"instrument {pk}"))
    return found


def _links(cycles: list[Cycle], instruments: dict[int, _Instrument]) -> list[dict[str, str]]:
    """For each scored cycle after the first: this cycle's code → the previous cycle's code of
    the same indicator (crosswalk pairs where a crosswalk exists, else the same code)."""
    pairs = {
        (walk.source_id, walk.target_id): walk
        for walk in Crosswalk.objects.filter(
            source_id__in=[c.instrument_id for c in cycles],
            target_id__in=[c.instrument_id for c in cycles],
        ).select_related("source", "target")
    }
    links = []
    for before, after in itertools.pairwise(cycles):
        walk = pairs.get((before.instrument_id, after.instrument_id))
        if walk is not None:
            links.append({target: source for source, target, _rescale in comparable_pairs(walk)})
        else:
            old = {i.code for i in instruments[before.instrument_id].indicators}
            links.append(
                {
                    i.code: i.code
                    for i in instruments[after.instrument_id].indicators
                    if i.code in old
                }
            )
    return links


# -- the report -------------------------------------------------------------------------------


def _clean(value: Any) -> float | None:
    return inputs.clean(value)


def _levels(points: float | None) -> float | None:
    return None if points is None else points / POINTS_PER_LEVEL


def report() -> Report:
    """The four parts of the report for every cycle with assessor scores (see the module
    docstring), worst first: flagged lineages by their latest alpha, flagged assessors by their
    largest change, flagged halves by the size of their change."""
    scores = _scores()
    by_cycle = dict(list(scores.groupby("cycle"))) if len(scores) else {}
    cycles = list(Cycle.objects.filter(pk__in=list(by_cycle)).order_by("year"))
    if not cycles:
        return Report([], [], [], [], [], [])
    instruments = _instruments({cycle.instrument_id for cycle in cycles})
    years = [cycle.year for cycle in cycles]
    cycle_rows: list[CycleRow] = []
    alpha_by_year: dict[int, dict[str, float | None]] = {}
    severity_by_year: dict[int, dict[str, tuple[float | None, int]]] = {}
    scored_by_year: dict[int, dict[str, int]] = {}
    halves: list[HalfRow] = []
    for cycle in cycles:
        frame = by_cycle[cycle.pk]
        tree = instruments[cycle.instrument_id].tree
        values = frame[["unit", "indicator", "value", "assessor"]].reset_index(drop=True)
        scored_by_year[cycle.year] = frame.groupby("assessor").size().to_dict()
        dimension_codes = [
            code for code in tree.aggregates if tree.node(code).parent == inputs.ROOT
        ]
        if not values.duplicated(["unit", "indicator"]).any():
            alpha_by_year[cycle.year] = {}
            severity_by_year[cycle.year] = {}
            cycle_rows.append(_cycle_row(cycle, frame, None, {}))
            continue
        prepared = index.Values.coerce(values, tree)
        measured = index.agreement(prepared, tree=tree)
        alpha_by_year[cycle.year] = {
            code: _clean(row.alpha) for code, row in measured.by_indicator.iterrows()
        }
        severity_by_year[cycle.year] = {
            who: (_clean(row.severity), int(row.answers))
            for who, row in measured.severity.iterrows()
        }
        dimensions = {code: _clean(measured.by_node.loc[code, "alpha"]) for code in dimension_codes}
        cycle_rows.append(_cycle_row(cycle, frame, _clean(measured.overall), dimensions))
        halves.extend(_halves(cycle.year, prepared, tree, frame))
    names = _names(scores)
    for row in halves:
        row.name = names.get(row.username, row.username)
    dimensions, dimensions_en = _dimensions(cycles)
    return Report(
        years=years,
        dimensions=dimensions,
        dimensions_en=dimensions_en,
        cycles=cycle_rows,
        indicators=_indicators(
            cycles, instruments, alpha_by_year, {row.year: row.overall for row in cycle_rows}
        ),
        assessors=_assessors(years, severity_by_year, scored_by_year, names),
        halves=sorted(
            halves,
            key=lambda row: (
                not row.flagged,
                -abs(row.change) if row.change is not None and row.measurable else 0.0,
                -row.year,
                row.username,
            ),
        ),
    )


def _cycle_row(
    cycle: Cycle, frame: pd.DataFrame, overall: float | None, dimensions: dict[str, float | None]
) -> CycleRow:
    return CycleRow(
        year=cycle.year,
        state=cycle.state,
        state_label=str(CycleState(cycle.state).label),
        overall=overall,
        dimensions=dimensions,
        assessors=int(frame["assessor"].nunique()),
        scores=len(frame),
    )


def _names(scores: pd.DataFrame) -> dict[str, str]:
    usernames = list(scores["assessor"].unique()) if len(scores) else []
    return {
        user.username: user.display_name for user in User.objects.filter(username__in=usernames)
    }


def _dimensions(cycles: list[Cycle]) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """Every dimension of the scored cycles as (code, name), the latest instrument's first, in
    its order; and code → its English name where that instrument has one."""
    year_of = {cycle.instrument_id: cycle.year for cycle in cycles}
    rows = Dimension.objects.filter(instrument_id__in=list(year_of)).values_list(
        "instrument_id", "code", "name", "name_en", "order"
    )
    ordered = sorted(rows, key=lambda row: (-year_of[row[0]], row[4], row[1]))
    seen: dict[str, tuple[str, str]] = {}
    for _instrument, code, name, name_en, _order in ordered:
        seen.setdefault(code, (name, name_en))
    names = [(code, name) for code, (name, _name_en) in seen.items()]
    names_en = {code: name_en for code, (_name, name_en) in seen.items() if name_en}
    return names, names_en


def _indicators(
    cycles: list[Cycle],
    instruments: dict[int, _Instrument],
    alpha_by_year: dict[int, dict[str, float | None]],
    overall: dict[int, float | None],
) -> list[IndicatorRow]:
    """Lineages through the scored cycles, each with its alpha per year and its flags
    (``overall``: year → the cycle's alpha, see ``_flag_indicator``)."""
    links = _links(cycles, instruments)
    lineages: list[IndicatorRow] = []
    current: dict[str, IndicatorRow] = {}  # code in the cycle being walked → its lineage
    for position, cycle in enumerate(cycles):
        back = links[position - 1] if position else {}
        following: dict[str, IndicatorRow] = {}
        for indicator in instruments[cycle.instrument_id].indicators:
            row = current.get(back.get(indicator.code, "\0"))
            if row is None:
                row = IndicatorRow(indicator.code, "", indicator.type, {}, {})
                lineages.append(row)
            row.code, row.question, row.type = indicator.code, indicator.question, indicator.type
            row.question_en = indicator.question_en
            row.codes[cycle.year] = indicator.code
            row.alpha[cycle.year] = alpha_by_year[cycle.year].get(indicator.code)
            row.latest_year = cycle.year
            following[indicator.code] = row
        current = following
    for row in lineages:
        _flag_indicator(row, overall)
    _flag_calibration(lineages, _unclear_in_calibration())
    _add_descriptors(cycles, lineages)
    return sorted(
        lineages,
        key=lambda row: (
            not row.flagged,
            row.latest is None,
            row.latest if row.latest is not None else 0.0,
            row.code,
        ),
    )


def _flag_indicator(row: IndicatorRow, overall: dict[int, float | None]) -> None:
    """Flag a lineage whose rubric looks unclear, judged against its own cycle (``overall``:
    year → the cycle's alpha). A cycle that as a whole agrees less (one very strict assessor
    lowers every indicator's alpha) is a matter of assessors, shown by their severity; the
    rubric is blamed only where the indicator is worse than its cycle:

    - low: the latest alpha is below ``ALPHA_MINIMUM`` and either the cycle as a whole reaches
      it, or the indicator lies ``ALPHA_DROP`` or more below the cycle's alpha;
    - drop: the alpha fell by ``ALPHA_DROP`` or more from the previous year, and by
      ``ALPHA_DROP`` more than the cycle's alpha fell (when both years have one).
    """
    measured = [(year, alpha) for year, alpha in sorted(row.alpha.items()) if alpha is not None]
    if not measured:
        return
    latest_year, row.latest = measured[-1]
    cycle_now, cycle_before = overall.get(latest_year), None
    if len(measured) > 1:
        before_year, row.previous = measured[-2]
        row.change = row.latest - row.previous
        cycle_before = overall.get(before_year)
    margin = 1e-12
    if row.latest < ALPHA_MINIMUM and (
        cycle_now is None
        or cycle_now >= ALPHA_MINIMUM
        or row.latest <= cycle_now - ALPHA_DROP + margin
    ):
        row.reasons.append(LOW)
    if row.change is not None and row.change <= -ALPHA_DROP + margin:
        shared = (
            cycle_now - cycle_before if cycle_now is not None and cycle_before is not None else 0.0
        )
        if row.change - shared <= -ALPHA_DROP + margin:
            row.reasons.append(DROP)


def _unclear_in_calibration() -> set[tuple[int, str]]:
    """(cycle year, indicator code) of every case of a closed calibration round that its
    assessors read differently from the gold level (``calibration.report``: fewer than half of
    them within one level). Three queries per closed round."""
    from kotacerdas.evaluations.models import CalibrationRound, CalibrationState
    from kotacerdas.evaluations.services import calibration

    found = set()
    closed = CalibrationRound.objects.filter(state=CalibrationState.CLOSED).select_related("cycle")
    for calibration_round in closed:
        for case in calibration.report(calibration_round).cases:
            if case.unclear:
                found.add((calibration_round.cycle.year, case.case.indicator.code))
    return found


def _flag_calibration(lineages: list[IndicatorRow], unclear: set[tuple[int, str]]) -> None:
    """Add the reason ``calibration`` to each lineage whose indicator had an unclear case: the
    code it carried in the round's year, or its latest code when that year has no scores yet (a
    round is held before the scoring)."""
    for row in lineages:
        if any(row.codes.get(year, row.code) == code for year, code in unclear):
            row.reasons.append(CALIBRATION)


def _add_descriptors(cycles: list[Cycle], lineages: list[IndicatorRow]) -> None:
    """The level descriptors of each lineage's indicator in its latest year (one query)."""
    instrument_of = {cycle.year: cycle.instrument_id for cycle in cycles}
    wanted = {
        (instrument_of[row.latest_year], row.code): row for row in lineages if row.latest_year
    }
    found = LevelDescriptor.objects.filter(
        indicator__instrument_id__in=set(instrument_of.values()),
        indicator__code__in={code for _pk, code in wanted},
    ).order_by("level")
    for instrument_id, code, level, text, text_en in found.values_list(
        "indicator__instrument_id", "indicator__code", "level", "description", "description_en"
    ):
        row = wanted.get((instrument_id, code))
        if row is not None:
            row.levels.append((level, text))
            if text_en:
                row.levels_en[level] = text_en


def _assessors(
    years: list[int],
    severity_by_year: dict[int, dict[str, tuple[float | None, int]]],
    scored_by_year: dict[int, dict[str, int]],
    names: dict[str, str],
) -> list[AssessorRow]:
    usernames = sorted({who for year in years for who in scored_by_year[year]})
    rows = []
    for username in usernames:
        row = AssessorRow(username, names.get(username, username), {})
        for year in years:
            scores = scored_by_year[year].get(username, 0)
            if not scores:
                continue
            points, answers = severity_by_year[year].get(username, (None, 0))
            row.years[year] = YearSeverity(_levels(points), answers, scores)
        _flag_assessor(row)
        rows.append(row)
    return sorted(
        rows,
        key=lambda row: (
            not row.flagged,
            -max(abs(row.change or 0.0), abs(row.latest or 0.0)),
            row.username,
        ),
    )


def _flag_assessor(row: AssessorRow) -> None:
    counted = [
        (year, found.severity)
        for year, found in sorted(row.years.items())
        if found.severity is not None and found.answers >= MIN_ANSWERS
    ]
    if not counted:
        return
    row.latest = counted[-1][1]
    changes = [after - before for (_y, before), (_z, after) in itertools.pairwise(counted)]
    if changes:
        row.change = changes[-1]
    if any(abs(change) >= SEVERITY_CHANGE - 1e-12 for change in changes):
        row.reasons.append(CHANGE)
    if abs(row.latest) >= SEVERITY_LATEST - 1e-12:
        row.reasons.append(SEVERE)


def _halves(year: int, prepared: index.Values, tree: Tree, frame: pd.DataFrame) -> list[HalfRow]:
    """Each assessor's severity in the two halves of their scoring of the cycle."""
    found = index.deviations(prepared, tree)
    timed = found.merge(
        frame[["unit", "indicator", "assessor", "time"]], on=["unit", "indicator", "assessor"]
    )
    parts = index.severity_over_time(timed, parts=2)
    rows = []
    for username, group in parts.groupby("assessor", sort=True):
        first = group[group["part"] == 1]
        second = group[group["part"] == 2]
        row = HalfRow(
            year=year,
            username=str(username),
            name=str(username),
            first=_levels(float(first["severity"].iloc[0])) if len(first) else None,
            second=_levels(float(second["severity"].iloc[0])) if len(second) else None,
            first_answers=int(first["answers"].sum()),
            second_answers=int(second["answers"].sum()),
            start=_time(first["start"].iloc[0]) if len(first) else None,
            middle=_time(second["start"].iloc[0]) if len(second) else None,
            end=_time(group["end"].iloc[-1]),
        )
        row.flagged = (
            row.measurable and row.change is not None and abs(row.change) >= HALF_CHANGE - 1e-12
        )
        rows.append(row)
    return rows


def _time(value: Any) -> datetime | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return pd.Timestamp(value).to_pydatetime()


# -- export -----------------------------------------------------------------------------------


def reason_labels() -> dict[str, str]:
    """The reasons' labels in the active language."""
    return {
        LOW: _("alpha terakhir di bawah %(minimum)s") % {"minimum": _decimal(ALPHA_MINIMUM)},
        DROP: _("alpha turun %(drop)s atau lebih") % {"drop": _decimal(ALPHA_DROP)},
        CALIBRATION: _("kasus kalibrasi: kurang dari separuh asesor dalam satu tingkat dari acuan"),
        CHANGE: _("keparahan berubah %(change)s tingkat atau lebih antarsiklus")
        % {"change": _decimal(SEVERITY_CHANGE)},
        SEVERE: _("|keparahan| terakhir %(latest)s tingkat atau lebih")
        % {"latest": _decimal(SEVERITY_LATEST)},
    }


def _decimal(value: float) -> str:
    """0.667 as "0,667" in Indonesian, with as many decimals as it has."""
    return localised(value, len(str(Decimal(str(value))).split(".")[-1]))


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def to_xlsx(found: Report) -> bytes:
    """The four tables as sheets of one workbook (numbers rounded to three decimals)."""
    labels = reason_labels()
    workbook = Workbook()
    workbook.remove(workbook.active)
    names = dict(found.dimensions)
    add_sheet(
        workbook,
        _("Per siklus"),
        [_("Tahun"), _("Tahap"), _("Alpha keseluruhan"), _("Asesor"), _("Nilai")]
        + [
            _("Alpha %(dimension)s") % {"dimension": names[code]}
            for code, _name in found.dimensions
        ],
        [
            [row.year, row.state_label, _round(row.overall), row.assessors, row.scores]
            + [_round(row.dimensions.get(code)) for code, _name in found.dimensions]
            for row in found.cycles
        ],
        3,
        frozen_columns=1,
        name_width=18,
    )
    add_sheet(
        workbook,
        _("Per indikator"),
        [_("Kode"), _("Pertanyaan"), _("Rubrik perlu ditinjau"), _("Alasan")]
        + [str(year) for year in found.years]
        + [_("Perubahan terakhir")],
        [
            [
                row.code,
                row.question,
                _("ya") if row.flagged else _("tidak"),
                "; ".join(labels[reason] for reason in row.reasons),
            ]
            + [_round(row.alpha.get(year)) for year in found.years]
            + [_round(row.change)]
            for row in found.indicators
        ],
        5,
        name_width=48,
    )
    add_sheet(
        workbook,
        _("Per asesor"),
        [_("Asesor"), _("Nama"), _("Pergeseran"), _("Alasan")]
        + [_("Keparahan %(year)s") % {"year": year} for year in found.years]
        + [_("Nilai %(year)s") % {"year": year} for year in found.years],
        [
            [
                row.username,
                row.name,
                _("ya") if row.flagged else _("tidak"),
                "; ".join(labels[reason] for reason in row.reasons),
            ]
            + [
                _round(row.years[year].severity) if year in row.years else None
                for year in found.years
            ]
            + [row.years[year].scores if year in row.years else 0 for year in found.years]
            for row in found.assessors
        ],
        5,
    )
    add_sheet(
        workbook,
        _("Dalam siklus"),
        [
            _("Tahun"),
            _("Asesor"),
            _("Nama"),
            _("Bergeser"),
            _("Keparahan paruh pertama"),
            _("Keparahan paruh kedua"),
            _("Perubahan"),
            _("Jawaban paruh pertama"),
            _("Jawaban paruh kedua"),
            _("Mulai"),
            _("Paruh kedua mulai"),
            _("Selesai"),
        ],
        [
            [
                row.year,
                row.username,
                row.name,
                _("ya") if row.flagged else _("tidak"),
                _round(row.first),
                _round(row.second),
                _round(row.change),
                row.first_answers,
                row.second_answers,
                _naive(row.start),
                _naive(row.middle),
                _naive(row.end),
            ]
            for row in found.halves
        ],
        5,
        frozen_columns=3,
    )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _naive(value: datetime | None) -> datetime | None:
    """A time in WIB without its zone (spreadsheets cannot hold one)."""
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None)
