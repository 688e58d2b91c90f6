"""The statistical audit of a cycle's index ("Audit statistik indeks") for the ministry's method
team: which indicators no longer discriminate, which disagree with their branch or repeat a
sibling, how consistent each aggregate is, and how much each indicator weighs on the index.

Every figure comes from ``kotacerdas.index.audit`` on the cycle's latest stored snapshot (the
one the dashboard previews or the public reads): the tree the index was aggregated along
(``Snapshot.config["trees"]``), every region's score at every node and its settled indicator
values (``RegionResult``). Nothing is recomputed with the engine and nothing is stored: a
snapshot never changes, so the audit of one is always the same. This module loads the data,
names the nodes and words each flag with what to do about it.

Read-only. The engine's result is cached per snapshot (``audit_result``): the first audit of a
snapshot costs one query for its regions' rows and seconds of correlations at national scale;
later ones only the wording, in the reader's language.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

import numpy as np
import pandas as pd
from django.core.cache import cache
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kotacerdas import index
from kotacerdas.core import texts
from kotacerdas.core.numbers import localised
from kotacerdas.core.xlsx import add_sheet
from kotacerdas.evaluations.models import AggregationTree, Cycle
from kotacerdas.index.audit import (
    CEILING,
    CONSTANT,
    FLOOR,
    NEGATIVE,
    OUTLIER,
    REDUNDANT,
    SPARSE,
    WEAK,
    AuditResult,
    AuditThresholds,
)
from kotacerdas.instruments.models import Crosswalk, Instrument
from kotacerdas.instruments.services.crosswalk import comparable_pairs

from ..models import RegionResult, Snapshot
from . import inputs, publication

THRESHOLDS = AuditThresholds()


@dataclass
class Flag:
    """One flag of a node: its code (``index.AUDIT_FLAGS``), the statistic that raised it, the
    partner of a redundant pair, and a sentence saying what it means and what to do."""

    code: str
    value: float
    other: str
    text: str


@dataclass
class IndicatorRow:
    """One indicator's statistics on its own values, its correlations and weights, its flags."""

    code: str
    question: str
    type: str
    parent: str
    stats: dict[str, Any]
    pearson_parent: float | None
    spearman_parent: float | None
    pearson_index: float | None
    spearman_index: float | None
    nominal: float
    effective: float
    correlation_share: float | None
    flags: list[Flag] = field(default_factory=list)
    question_en: str = ""  # the question's English twin ("" when the snapshot has none)

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


@dataclass
class NodeRow:
    """One aggregate below the root: its correlations, its Cronbach alpha and its flags."""

    code: str
    name: str
    parent: str
    level: int
    pearson_parent: float | None
    spearman_parent: float | None
    pearson_index: float | None
    spearman_index: float | None
    flags: list[Flag] = field(default_factory=list)
    name_en: str = ""  # the name's English twin ("" when the snapshot has none)


@dataclass
class AlphaRow:
    """Cronbach's alpha of one aggregate over its children."""

    code: str
    name: str
    children: int
    units: int
    alpha: float | None
    name_en: str = ""  # the name's English twin ("" when the snapshot has none)


@dataclass
class PairRow:
    """Two siblings correlated above the redundancy threshold."""

    parent: str
    a: str
    b: str
    pearson: float | None
    spearman: float | None


@dataclass
class Audit:
    """The audit of one snapshot: indicators flagged first (then in tree order), aggregates in
    tree order, Cronbach's alpha per aggregate (root first), redundant sibling pairs."""

    cycle: Cycle
    snapshot: Snapshot
    tree: str  # "dimensions" or "aspects"
    units: int
    indicators: list[IndicatorRow]
    nodes: list[NodeRow]
    alpha: list[AlphaRow]
    pairs: list[PairRow]
    result: AuditResult

    @property
    def flagged_indicators(self) -> int:
        return sum(row.flagged for row in self.indicators)


def thresholds() -> dict[str, float]:
    """The thresholds the audit applies (for the page, the export and the API)."""
    return THRESHOLDS.to_dict()


def cycles_with_results() -> list[Cycle]:
    """The cycles with at least one computed snapshot, newest first."""
    return list(Cycle.objects.filter(result_snapshots__isnull=False).distinct().order_by("-year"))


def _clean(value: Any) -> float | None:
    return inputs.clean(value)


def flag_labels() -> dict[str, str]:
    """Each flag's short name in the active language."""
    return {
        CEILING: _("efek plafon"),
        FLOOR: _("efek lantai"),
        OUTLIER: _("pencilan"),
        CONSTANT: _("nilai seragam"),
        SPARSE: _("data jarang"),
        NEGATIVE: _("korelasi negatif"),
        WEAK: _("korelasi lemah"),
        REDUNDANT: _("redundan"),
    }


def _share(value: float) -> str:
    return f"{localised(100 * value, 0)} %"


def explain(code: str, value: float, *, parent: str = "", other: str = "") -> str:
    """What a flag means for the instrument and what to do, in the active language."""
    r = localised(value, 2)
    if code == CEILING:
        return _(
            "%(share)s daerah di nilai tertinggi: indikator ini hampir tidak lagi membedakan "
            "daerah; pertimbangkan menaikkan rubrik (tingkat tertinggi yang lebih menuntut)."
        ) % {"share": _share(value)}
    if code == FLOOR:
        return _(
            "%(share)s daerah di nilai terendah: pertimbangkan tingkat antara yang dapat dicapai, "
            "atau periksa apakah indikator ini sudah relevan bagi daerah."
        ) % {"share": _share(value)}
    if code == OUTLIER:
        return _(
            "Sebaran sangat miring dengan ekor panjang (kemencengan %(skew)s): beberapa daerah "
            "jauh dari yang lain. Periksa datanya dan pertimbangkan goalpost atau winsorisasi."
        ) % {"skew": r}
    if code == CONSTANT:
        return _(
            "Semua daerah yang menjawab bernilai sama: indikator tidak membedakan daerah; "
            "pertimbangkan merumuskan ulang atau menghapusnya."
        )
    if code == SPARSE:
        return _(
            "Hanya %(share)s daerah (yang indikatornya berlaku) menjawab: periksa apakah datanya "
            "dapat diperoleh daerah."
        ) % {"share": _share(value)}
    if code == NEGATIVE:
        return _(
            "Berkorelasi negatif dengan %(parent)s (r = %(r)s): periksa arah indikator (apakah "
            "nilai lebih tinggi memang lebih baik) dan apakah ia termasuk kelompok ini."
        ) % {"parent": parent, "r": r}
    if code == WEAK:
        return _(
            "Hampir tidak berkorelasi dengan %(parent)s (r = %(r)s): indikator mengukur hal lain "
            "dari kelompoknya; tinjau penempatannya atau bobotnya."
        ) % {"parent": parent, "r": r}
    if code == REDUNDANT:
        return _(
            "Berkorelasi sangat tinggi dengan %(other)s (r = %(r)s): keduanya mengukur hal yang "
            "sama; pertimbangkan menggabungkan atau menghapus salah satunya."
        ) % {"other": other, "r": r}
    raise ValueError(f"unknown flag {code!r}")


# -- loading ----------------------------------------------------------------------------------


def _tree_key(snapshot: Snapshot) -> str:
    along = snapshot.config.get("aggregate_along", AggregationTree.DIMENSIONS)
    return "dimensions" if along == AggregationTree.DIMENSIONS else "aspects"


def snapshot_tree(snapshot: Snapshot) -> index.Tree:
    """The tree the snapshot's index was aggregated along, as stored with it
    (``config["trees"]``); for a snapshot stored without it, rebuilt from its nodes and
    indicators (levels 0–5, percents 0–100, numbers without goalposts, higher is better)."""
    key = _tree_key(snapshot)
    records = snapshot.config.get("trees", {}).get(key)
    if records:
        return index.Tree.from_records(records, source=f"snapshot {snapshot}")
    nodes = [index.Node(inputs.ROOT)]
    wanted = "aspect" if key == "aspects" else None
    for node in snapshot.nodes:
        if (node["kind"] == "aspect") == (wanted == "aspect"):
            parent = node.get("parent") or inputs.ROOT
            nodes.append(index.Node(node["code"], parent, weight=float(node["weight"])))
    for row in snapshot.indicators:
        kind = row["type"]
        bounds = (0.0, 5.0) if kind == "level" else (None, None)
        nodes.append(
            index.Node(
                row["code"],
                row["aspect"] if wanted else row["element"],
                weight=float(row.get("weight", 1.0)),
                type=kind,
                min=bounds[0],
                max=bounds[1],
            )
        )
    return index.Tree(nodes, source=f"snapshot {snapshot}")


def _frames(
    snapshot: Snapshot, tree: index.Tree
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Scores (units x nodes), settled values and not-applicable marks (units x indicators)."""
    codes = list(tree.indicators)
    position = {code: k for k, code in enumerate(codes)}
    aggregates = [code for code in tree.aggregates if code != tree.root]
    rows = list(
        RegionResult.objects.filter(snapshot=snapshot)
        .order_by("region__code")
        .values_list("region__code", "index", "scores", "values")
    )
    units = [row[0] for row in rows]
    n = len(rows)
    score = np.full((n, len(codes)), np.nan)
    raw = np.full((n, len(codes)), np.nan)
    na = np.zeros((n, len(codes)), dtype=bool)
    above = np.full((n, len(aggregates)), np.nan)
    root = np.full(n, np.nan)
    for u, (_code, index_score, node_scores, values) in enumerate(rows):
        root[u] = index_score
        for k, code in enumerate(aggregates):
            found = node_scores.get(code)
            if found is not None:
                above[u, k] = found
        for item in values:
            k = position.get(item.get("code"))
            if k is None:
                continue
            if item.get("score") is not None:
                score[u, k] = item["score"]
            if item.get("value") is not None:
                raw[u, k] = item["value"]
            na[u, k] = bool(item.get("not_applicable"))
    scores = pd.concat(
        [
            pd.DataFrame({tree.root: root}, index=units),
            pd.DataFrame(above, index=units, columns=aggregates),
            pd.DataFrame(score, index=units, columns=codes),
        ],
        axis=1,
    )
    return (
        scores,
        pd.DataFrame(raw, index=units, columns=codes),
        pd.DataFrame(na, index=units, columns=codes),
    )


RESULT_KEY = "kc:index-audit:result"


def audit_result(snapshot: Snapshot) -> AuditResult:
    """The engine's audit of the snapshot (``index.audit`` on its stored tree, scores and
    values), with the thresholds in force.

    Kept in the cache under the snapshot's id and version and the thresholds (a snapshot never
    changes, and a new computation is a new snapshot): loading every region's row and
    correlating every pair of siblings takes seconds at national scale, and the page, its
    workbook, the API and the instrument page all start from it. A cache miss costs one query
    for the regions' rows; a hit, none.
    """
    thresholds = hashlib.sha256(json.dumps(THRESHOLDS.to_dict(), sort_keys=True).encode())
    key = f"{RESULT_KEY}:{snapshot.pk}:v{snapshot.version}:{thresholds.hexdigest()[:12]}"
    found = cache.get(key)
    if found is None:
        tree = snapshot_tree(snapshot)
        scores, raw, na = _frames(snapshot, tree)
        found = index.audit(tree, scores, raw, na, thresholds=THRESHOLDS)
        cache.set(key, found, None)
    return found


def audit_snapshot(snapshot: Snapshot) -> Audit:
    """The audit of one snapshot (see the module docstring).

    Guarantees: read-only; deterministic for a snapshot; indicators flagged first, each group in
    the instrument's order; every flag worded by :func:`explain`, naming nodes in the reader's
    language. ``question`` and ``name`` are the snapshot's Indonesian texts, ``question_en``
    and ``name_en`` their English twins ("" for a snapshot stored without them).
    """
    key = _tree_key(snapshot)
    result = audit_result(snapshot)
    tree = result.tree
    names = {node["code"]: node["name"] for node in snapshot.nodes}
    names_en = {node["code"]: node.get("name_en", "") for node in snapshot.nodes}
    names[tree.root] = names_en[tree.root] = _("Indeks")
    reader_names = {node["code"]: texts.in_reader_language(node, "name") for node in snapshot.nodes}
    questions = {row["code"]: row.get("question", "") for row in snapshot.indicators}
    questions_en = {row["code"]: row.get("question_en", "") for row in snapshot.indicators}

    def label(code: str) -> str:
        if code == tree.root:
            return names[tree.root]
        return f"{code} {reader_names.get(code, '')}".strip()

    flags: dict[str, list[Flag]] = {}
    for row in result.flags.itertuples(index=False):
        parent = tree.node(row.node).parent or ""
        flags.setdefault(row.node, []).append(
            Flag(
                code=row.flag,
                value=float(row.value),
                other=row.other,
                text=explain(row.flag, float(row.value), parent=label(parent), other=row.other),
            )
        )
    correlations = result.correlations
    weights = result.weights
    indicator_rows = []
    for code in tree.indicators:
        stats = {
            name: _stat(value) for name, value in result.indicators.loc[code].to_dict().items()
        }
        indicator_rows.append(
            IndicatorRow(
                code=code,
                question=questions.get(code, ""),
                type=str(tree.node(code).type),
                parent=tree.node(code).parent or "",
                stats=stats,
                pearson_parent=_clean(correlations.loc[code, "pearson_parent"]),
                spearman_parent=_clean(correlations.loc[code, "spearman_parent"]),
                pearson_index=_clean(correlations.loc[code, "pearson_index"]),
                spearman_index=_clean(correlations.loc[code, "spearman_index"]),
                nominal=float(weights.loc[code, "nominal"]),
                effective=float(weights.loc[code, "effective"]),
                correlation_share=_clean(weights.loc[code, "correlation_share"]),
                flags=flags.get(code, []),
                question_en=questions_en.get(code, ""),
            )
        )
    indicator_rows.sort(key=lambda row: not row.flagged)  # stable: tree order within each
    node_rows = [
        NodeRow(
            code=code,
            name=names.get(code, code),
            parent=str(correlations.loc[code, "parent"]),
            level=int(correlations.loc[code, "level"]),
            pearson_parent=_clean(correlations.loc[code, "pearson_parent"]),
            spearman_parent=_clean(correlations.loc[code, "spearman_parent"]),
            pearson_index=_clean(correlations.loc[code, "pearson_index"]),
            spearman_index=_clean(correlations.loc[code, "spearman_index"]),
            flags=flags.get(code, []),
            name_en=names_en.get(code, ""),
        )
        for code in tree.aggregates
        if code != tree.root
    ]
    alpha_rows = [
        AlphaRow(
            code=code,
            name=names.get(code, code),
            children=int(row["children"]),
            units=int(row["units"]),
            alpha=_clean(row["alpha"]),
            name_en=names_en.get(code, ""),
        )
        for code, row in result.alpha.iterrows()
    ]
    redundant = result.pairs[result.pairs["pearson"] > THRESHOLDS.redundant]
    pair_rows = [
        PairRow(row.parent, row.a, row.b, _clean(row.pearson), _clean(row.spearman))
        for row in redundant.itertuples(index=False)
    ]
    return Audit(
        cycle=snapshot.cycle,
        snapshot=snapshot,
        tree=key,
        units=result.units,
        indicators=indicator_rows,
        nodes=node_rows,
        alpha=alpha_rows,
        pairs=pair_rows,
        result=result,
    )


def _stat(value: Any) -> Any:
    if isinstance(value, str) or value is None:
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    number = float(value)
    return None if math.isnan(number) else number


def snapshot_flags(snapshot: Snapshot) -> dict[str, list[str]]:
    """Indicator code → its flag codes in the snapshot's audit (flagged indicators only), read
    from the cached engine result (:func:`audit_result`) without wording them: the instrument
    page asks on every view."""
    result = audit_result(snapshot)
    indicators = set(result.tree.indicators)
    found: dict[str, list[str]] = {}
    for row in result.flags.itertuples(index=False):
        if row.node in indicators:
            found.setdefault(row.node, []).append(row.flag)
    return found


def audit_cycle(cycle: Cycle) -> Audit | None:
    """The audit of the cycle's latest snapshot, or None when no results were computed."""
    snapshot = publication.latest(cycle)
    if snapshot is None:
        return None
    return audit_snapshot(snapshot)


# -- the instrument's previous cycle ----------------------------------------------------------


@dataclass
class PreviousFlags:
    """The flags that the indicators carried over into an instrument had in the previous
    cycle's audit: the cycle, and target code → (source code, flag codes)."""

    cycle: Cycle
    source: Instrument
    flags: dict[str, tuple[str, list[str]]]


def previous_flags(instrument: Instrument) -> PreviousFlags | None:
    """For an instrument that a crosswalk links to an earlier instrument: the flags of the
    indicators carried over (crosswalk pairs ``same``, ``renamed``, ``rescaled`` needing no
    review), in the audit of the newest cycle of that earlier instrument with computed results.

    Guarantees: None when there is no such crosswalk or no such cycle; with several crosswalks
    into the instrument, the one whose source has the newest cycle with results is used;
    read-only.
    """
    walks = Crosswalk.objects.filter(target=instrument).select_related("source")
    best: tuple[Cycle, Crosswalk] | None = None
    for walk in walks:
        cycle = (
            Cycle.objects.filter(instrument=walk.source, result_snapshots__isnull=False)
            .order_by("-year")
            .first()
        )
        if cycle is not None and (best is None or cycle.year > best[0].year):
            best = (cycle, walk)
    if best is None:
        return None
    cycle, walk = best
    snapshot = publication.latest(cycle)
    if snapshot is None:  # pragma: no cover - the cycle was chosen for having a snapshot
        return None
    by_code = snapshot_flags(snapshot)
    carried = {
        target: (source, by_code[source])
        for source, target, _rescale in comparable_pairs(walk)
        if source in by_code
    }
    return PreviousFlags(cycle=cycle, source=walk.source, flags=carried)


# -- export -----------------------------------------------------------------------------------


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def to_xlsx(found: Audit) -> bytes:
    """Four sheets (indicators with flags, aggregates' correlations, Cronbach's alpha, redundant
    pairs), each with a frozen header row; numbers rounded to four decimals."""
    labels = flag_labels()
    workbook = Workbook()
    workbook.remove(workbook.active)
    add_sheet(
        workbook,
        _("Indikator"),
        [
            _("Kode"),
            _("Pertanyaan"),
            _("Jenis"),
            _("Induk"),
            _("Tanda"),
            _("Penjelasan"),
            _("Menjawab"),
            _("Tidak berlaku"),
            _("Kosong"),
            _("Rata-rata"),
            _("Simpangan baku"),
            _("Minimum"),
            _("Maksimum"),
            _("Kemencengan"),
            _("Kurtosis (ekses)"),
            _("Nilai berbeda"),
            _("Di nilai tertinggi"),
            _("Di nilai terendah"),
            _("r Pearson dengan induk"),
            _("r Spearman dengan induk"),
            _("r Pearson dengan indeks"),
            _("r Spearman dengan indeks"),
            _("Bobot nominal"),
            _("Bobot efektif"),
            _("Bagian r² terhadap indeks"),
        ],
        [
            [
                row.code,
                row.question,
                row.type,
                row.parent,
                ", ".join(labels[flag.code] for flag in row.flags),
                " ".join(flag.text for flag in row.flags),
                row.stats["answered"],
                _round(row.stats["not_applicable"]),
                _round(row.stats["missing"]),
                _round(row.stats["mean"]),
                _round(row.stats["sd"]),
                _round(row.stats["min"]),
                _round(row.stats["max"]),
                _round(row.stats["skew"]),
                _round(row.stats["kurtosis"]),
                row.stats["distinct"],
                _round(row.stats["ceiling"]),
                _round(row.stats["floor"]),
                _round(row.pearson_parent),
                _round(row.spearman_parent),
                _round(row.pearson_index),
                _round(row.spearman_index),
                _round(row.nominal),
                _round(row.effective),
                _round(row.correlation_share),
            ]
            for row in found.indicators
        ],
        7,
        frozen_columns=1,
        name_width=48,
    )
    add_sheet(
        workbook,
        _("Korelasi agregat"),
        [
            _("Kode"),
            _("Nama"),
            _("Induk"),
            _("Tanda"),
            _("r Pearson dengan induk"),
            _("r Spearman dengan induk"),
            _("r Pearson dengan indeks"),
            _("r Spearman dengan indeks"),
        ],
        [
            [
                row.code,
                row.name,
                row.parent,
                ", ".join(labels[flag.code] for flag in row.flags),
                _round(row.pearson_parent),
                _round(row.spearman_parent),
                _round(row.pearson_index),
                _round(row.spearman_index),
            ]
            for row in found.nodes
        ],
        5,
        frozen_columns=1,
    )
    add_sheet(
        workbook,
        _("Alpha Cronbach"),
        [_("Kode"), _("Nama"), _("Anak"), _("Daerah lengkap"), _("Alpha")],
        [[row.code, row.name, row.children, row.units, _round(row.alpha)] for row in found.alpha],
        3,
        frozen_columns=1,
    )
    add_sheet(
        workbook,
        _("Pasangan redundan"),
        [_("Induk"), _("Simpul A"), _("Simpul B"), _("r Pearson"), _("r Spearman")],
        [
            [row.parent, row.a, row.b, _round(row.pearson), _round(row.spearman)]
            for row in found.pairs
        ],
        4,
        frozen_columns=1,
        name_width=16,
    )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
