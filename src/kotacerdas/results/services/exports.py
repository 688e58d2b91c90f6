"""Exports of a snapshot's results at every level of the tree: CSV, XLSX and JSON.

- CSV (machine-readable, UTF-8, decimal point): one row per region and node, ``level`` being
  ``index``, ``aspect``, ``dimension``, ``element`` or ``indicator``; the ranks, interval and
  predicate are filled on the ``index`` rows.
- XLSX (for people): a sheet per level with a row per region, frozen headers, Indonesian headers
  and number formats, and a sheet describing the snapshot.
- JSON: the snapshot's description and every region as ``published.serialise`` gives it (the same
  shape as the API).

Callers pass a snapshot they may show; the public views pass only published ones.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from kotacerdas.core.moments import wib
from kotacerdas.core.xlsx import add_sheet
from kotacerdas.regions.models import Region

from ..choices import NodeKind
from ..models import RegionResult, Snapshot
from . import published

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
CSV_COLUMNS = [
    "year",
    "snapshot_version",
    "region_code",
    "region_name",
    "kind",
    "province_code",
    "level",
    "code",
    "name",
    "parent",
    "value",
    "score",
    "display",
    "predicate",
    "rank",
    "rank_province",
    "rank_kind",
    "rank_low",
    "rank_high",
    "previous_display",
    "improvement",
]


def filename(snapshot: Snapshot, fmt: str, region: Region | None = None) -> str:
    where = f"-{region.code}" if region else ""
    return f"hasil-{snapshot.cycle.year}{where}-v{snapshot.version}.{fmt}"


def rows_of(snapshot: Snapshot, region: Region | None) -> list[RegionResult]:
    rows = (
        RegionResult.objects.filter(snapshot=snapshot)
        .select_related("region", "region__parent")
        .order_by("rank", "region__code")
    )
    if region is not None:
        rows = rows.filter(region=region)
    results = list(rows)
    for result in results:
        result.snapshot = snapshot
    return results


def export(snapshot: Snapshot, fmt: str, *, region: Region | None = None) -> bytes:
    """The results of ``snapshot`` (or of one region) in ``fmt`` (a key of FORMATS)."""
    results = rows_of(snapshot, region)
    if fmt == "csv":
        return to_csv(snapshot, results)
    if fmt == "xlsx":
        return to_xlsx(snapshot, results)
    if fmt == "json":
        return to_json(snapshot, results)
    raise ValueError(f"unknown export format {fmt!r}")


# --- CSV ----------------------------------------------------------------------------------------


def _province_code(region: Region) -> str:
    province = region.province
    return province.code if province else ""


def csv_rows(snapshot: Snapshot, result: RegionResult) -> list[dict[str, Any]]:
    """The CSV rows of one region: its index, then every node, then every indicator."""
    region = result.region
    common = {
        "year": snapshot.cycle.year,
        "snapshot_version": snapshot.version,
        "region_code": region.code,
        "region_name": region.name,
        "kind": region.kind,
        "province_code": _province_code(region),
    }
    rows = [
        {
            **common,
            "level": "index",
            "code": "INDEX",
            "name": _("Indeks"),
            "score": result.index,
            "display": result.display,
            "predicate": result.predicate,
            "rank": result.rank,
            "rank_province": result.rank_province,
            "rank_kind": result.rank_kind,
            "rank_low": result.rank_low,
            "rank_high": result.rank_high,
            "previous_display": result.previous_display,
            "improvement": result.improvement,
        }
    ]
    for node in snapshot.nodes:
        score = result.scores.get(node["code"])
        rows.append(
            {
                **common,
                "level": node["kind"],
                "code": node["code"],
                "name": node["name"],
                "parent": node.get("parent") or "",
                "score": score,
                "display": published.to_display(snapshot, score),
            }
        )
    element_of = {indicator["code"]: indicator["element"] for indicator in snapshot.indicators}
    for value in result.values:
        rows.append(
            {
                **common,
                "level": "indicator",
                "code": value["code"],
                "name": value["code"],
                "parent": element_of.get(value["code"], ""),
                "value": "NA" if value.get("not_applicable") else value.get("value"),
                "score": value.get("score"),
                "display": published.to_display(snapshot, value.get("score")),
            }
        )
    return rows


def to_csv(snapshot: Snapshot, results: list[RegionResult]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, restval="", lineterminator="\n")
    writer.writeheader()
    for result in results:
        for row in csv_rows(snapshot, result):
            writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return out.getvalue().encode("utf-8")


# --- JSON ---------------------------------------------------------------------------------------


def describe(snapshot: Snapshot) -> dict[str, Any]:
    """The snapshot itself: cycle, version, engine, fingerprint, config and tree."""
    return {
        "year": snapshot.cycle.year,
        "cycle": snapshot.cycle.name,
        "version": snapshot.version,
        "state": snapshot.state,
        "published_at": snapshot.published_at.isoformat() if snapshot.published_at else None,
        "engine_version": snapshot.engine_version,
        "fingerprint": snapshot.fingerprint,
        "config": snapshot.config,
        "nodes": snapshot.nodes,
        "indicators": snapshot.indicators,
    }


def to_json(snapshot: Snapshot, results: list[RegionResult]) -> bytes:
    data = {
        "snapshot": describe(snapshot),
        "results": [published.serialise(result) for result in results],
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


# --- XLSX ---------------------------------------------------------------------------------------


def _region_columns(result: RegionResult, province_names: dict[str, str]) -> list[Any]:
    region = result.region
    return [
        region.code,
        region.name,
        region.get_kind_display(),
        province_names.get(_province_code(region), ""),
    ]


def region_headers() -> list[str]:
    return [_("Kode"), _("Daerah"), _("Jenis"), _("Provinsi")]


def to_xlsx(snapshot: Snapshot, results: list[RegionResult]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    names = dict((snapshot.summary or {}).get("provinces", []))
    scale = snapshot.scale
    add_sheet(
        workbook,
        _("Indeks"),
        [
            _("Peringkat"),
            *region_headers(),
            _("Indeks (0–%(scale)s)") % {"scale": scale},
            _("Predikat"),
            _("Peringkat provinsi"),
            _("Peringkat menurut jenis"),
            _("Interval peringkat 5%"),
            _("Interval peringkat 95%"),
            _("Indeks sebelumnya"),
            _("Kenaikan"),
            _("Indeks sebanding"),
            _("Indeks sebanding sebelumnya"),
            _("Cakupan sebanding"),
        ],
        [
            [
                r.rank,
                *_region_columns(r, names),
                r.display,
                r.predicate,
                r.rank_province,
                r.rank_kind,
                r.rank_low,
                r.rank_high,
                r.previous_display,
                r.improvement,
                r.comparable_display,
                r.comparable_previous_display,
                r.comparable_coverage,
            ]
            for r in results
        ],
        first=1,
    )
    for kind, title in (
        (NodeKind.ASPECT, _("Aspek")),
        (NodeKind.DIMENSION, _("Dimensi")),
        (NodeKind.ELEMENT, _("Elemen")),
    ):
        nodes = published.nodes_of(snapshot, kind)
        add_sheet(
            workbook,
            title,
            [*region_headers(), *(f"{node['code']} {node['name']}" for node in nodes)],
            [
                [
                    *_region_columns(r, names),
                    *(published.to_display(snapshot, r.scores.get(node["code"])) for node in nodes),
                ]
                for r in results
            ],
            first=5,
        )
    codes = [indicator["code"] for indicator in snapshot.indicators]
    for title, field in ((_("Indikator (skor 0–100)"), "score"), (_("Nilai akhir"), "value")):
        add_sheet(
            workbook,
            title[:31],
            [*region_headers(), *codes],
            [[*_region_columns(r, names), *_indicator_cells(r, codes, field)] for r in results],
            first=5,
        )
    about = workbook.create_sheet(_("Tentang"))
    for label, value in (
        (_("Siklus"), snapshot.cycle.name),
        (_("Tahun"), snapshot.cycle.year),
        (_("Versi hasil"), snapshot.version),
        (_("Dipublikasikan"), _local(snapshot.published_at)),
        (_("Versi mesin indeks"), snapshot.engine_version),
        (_("Sidik SHA-256 masukan"), snapshot.fingerprint),
        (_("Skala tampilan"), f"0–{scale}"),
        (_("Konfigurasi"), json.dumps(snapshot.config, ensure_ascii=False)),
    ):
        about.append([label, value])
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 80
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _indicator_cells(result: RegionResult, codes: list[str], field: str) -> list[Any]:
    by_code = {value["code"]: value for value in result.values}
    cells = []
    for code in codes:
        value = by_code.get(code)
        if value is None:
            cells.append(None)
        elif value.get("not_applicable"):
            cells.append(_("TB"))
        else:
            cells.append(value.get(field))
    return cells


def _local(moment) -> str:
    return wib(moment, "short") if moment else "—"
