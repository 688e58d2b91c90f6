"""The open-data package of a published snapshot: its results, and the inputs to rebuild them.

One zip per published version of a cycle, described by a Frictionless Data Package descriptor
(``datapackage.json``; its CSV files are tabular data resources with a Table Schema) so that one-data portals (Satu Data
Indonesia, CKAN) and analysts can read it without us:

- ``results.csv``: the results at every level (the same file as the CSV download);
- ``indicators.csv``: the instrument's indicators (question, type, aspect, element, weight);
- ``tree.csv`` and ``breakdown_tree.csv``: the tree the index aggregates along and the other
  breakdown, in the index engine's format (``code,parent,weight,type,direction,min,max``);
- ``values.csv``: what the engine combined into each final value: the assessors' scores
  (labelled ``A1``, ``A2``, ... within each answer, without names) where the final value is
  their combination under the cycle's rule, else the final value alone (assessor ``final``;
  ``NA`` = not applicable, empty = missing); ``groups.csv``: each region's province and kind;
- ``config.json``: the engine's configuration;
- ``README.md``: what each file holds and the command that rebuilds the index.

Guarantees: everything derives from the snapshot (published results are immutable, so the
package is too); building the index from ``tree.csv``, ``values.csv``, ``config.json`` and
``groups.csv`` with ``kotacerdas.index`` gives every published score (tests check this to
1e-9); the descriptor lists each file with its SHA-256 and its fields, and the package's own
input fingerprint (``rebuild_fingerprint``) is what that build reports. It differs from the
snapshot's own fingerprint, which covers the assessors' names. A version computed before the
assessors' values were stored with it (``compute._assessor_values``) may hold a combined level
(3.5) the engine cannot read back: its package says so (``rebuild_fingerprint`` null) instead
of offering a rebuild that fails.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from kotacerdas import index
from kotacerdas.core.moments import wib

from ..models import RegionResult, Snapshot
from . import exports

FILENAME = "paket-data-{year}-v{version}.zip"
TREE_COLUMNS = ["code", "parent", "weight", "type", "direction", "min", "max"]
INDICATOR_COLUMNS = ["code", "question", "type", "unit", "aspect", "dimension", "element", "weight"]
VALUE_COLUMNS = ["unit", "indicator", "value", "assessor"]
FINAL = "final"  # the "assessor" of a value passed alone, as in results.services.inputs
GROUP_COLUMNS = ["unit", "province", "kind"]
# A file's modification time inside the zip: fixed, so the same snapshot gives the same bytes.
ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def filename(snapshot: Snapshot) -> str:
    return FILENAME.format(year=snapshot.cycle.year, version=snapshot.version)


def package(snapshot: Snapshot) -> bytes:
    """The zip of ``snapshot`` (callers pass a snapshot they may show: a published one)."""
    results = exports.rows_of(snapshot, None)
    files = input_files(snapshot, results)
    files["results.csv"] = exports.to_csv(snapshot, results)
    files["indicators.csv"] = _csv(INDICATOR_COLUMNS, snapshot.indicators)
    try:
        fingerprint: str | None = rebuild(files).fingerprint
    except index.InputError:
        fingerprint = None
    descriptor = _descriptor(snapshot, files, fingerprint)
    files["datapackage.json"] = _json(descriptor)
    files["README.md"] = _readme(snapshot, descriptor).encode("utf-8")
    first = ["datapackage.json", "README.md"]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in [*first, *sorted(set(files) - set(first))]:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16  # -rw-r--r-- when unzipped
            archive.writestr(info, files[name])
    return out.getvalue()


def input_files(snapshot: Snapshot, results: list[RegionResult]) -> dict[str, bytes]:
    """The engine's input files of the snapshot: ``tree.csv`` (the tree the index aggregates
    along), ``breakdown_tree.csv`` (the other one), ``values.csv``
    (``unit,indicator,value,assessor``; see ``_value_rows``), ``groups.csv`` (``unit,province,kind``; a
    province has no province group) and ``config.json``."""
    trees = snapshot.config["trees"]
    along = snapshot.config.get("aggregate_along", "dimensions")
    other = "aspects" if along == "dimensions" else "dimensions"
    values = []
    groups = []
    for result in sorted(results, key=lambda row: row.region.code):
        region = result.region
        for value in sorted(result.values, key=lambda entry: entry["code"]):
            values.extend(_value_rows(region.code, value))
        province = region.parent.code if region.parent_id else ""
        groups.append({"unit": region.code, "province": province, "kind": region.kind})
    return {
        "tree.csv": _csv(TREE_COLUMNS, trees[along]),
        "breakdown_tree.csv": _csv(TREE_COLUMNS, trees[other]),
        "values.csv": _csv(VALUE_COLUMNS, values),
        "groups.csv": _csv(GROUP_COLUMNS, groups),
        "config.json": _json(snapshot.config["engine"]),
    }


def _value_rows(unit: str, value: dict[str, Any]) -> list[dict[str, Any]]:
    """The engine's rows of one published value: the assessors' scores, labelled ``A1``,
    ``A2``, ... within the answer (no names), where the engine combined them itself; else the
    final value alone (assessor ``final``: a moderator's decision, or not applicable)."""
    row = {"unit": unit, "indicator": value["code"]}
    if value.get("not_applicable"):
        return [{**row, "value": "NA", "assessor": FINAL}]
    scores = value.get("assessor_values")
    if scores:
        return [
            {**row, "value": score, "assessor": f"A{number}"}
            for number, score in enumerate(scores, start=1)
        ]
    return [{**row, "value": value.get("value"), "assessor": FINAL}]


def rebuild(files: dict[str, bytes]) -> index.IndexResult:
    """The index built from the package's input files exactly as a reader would build it
    (``kotacerdas.index`` reading the files from a folder)."""
    with tempfile.TemporaryDirectory() as folder:
        for name, content in files.items():
            (Path(folder) / name).write_bytes(content)
        tree = index.Tree.from_csv(Path(folder) / "tree.csv")
        values = index.Values.from_csv(Path(folder) / "values.csv", tree)
        config = index.Config.from_dict(json.loads(files["config.json"]))
        groups = index.read_groups(Path(folder) / "groups.csv")
        return index.build(tree, values, config, groups)


# --- files ------------------------------------------------------------------------------------


def _csv(columns: list[str], rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(row.get(key)) for key in columns})
    return out.getvalue().encode("utf-8")


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return value


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# --- descriptor ----------------------------------------------------------------------------------


def _field(name: str, kind: str, description: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": kind, "description": description, **extra}


def _schemas() -> dict[str, dict[str, Any]]:
    """The Table Schema of each CSV, in the order of its columns."""
    region = _("Kode wilayah Kemendagri, mis. 15.71")
    kinds = {"enum": ["provinsi", "kabupaten", "kota"]}
    results = [
        _field("year", "integer", _("Tahun siklus evaluasi")),
        _field("snapshot_version", "integer", _("Versi hasil yang dipublikasikan")),
        _field("region_code", "string", region),
        _field("region_name", "string", _("Nama daerah")),
        _field("kind", "string", _("Jenis daerah"), constraints=kinds),
        _field("province_code", "string", _("Kode provinsi daerah")),
        _field(
            "level",
            "string",
            _("Tingkat baris: indeks, aspek, dimensi, elemen atau indikator"),
            constraints={"enum": ["index", "aspect", "dimension", "element", "indicator"]},
        ),
        _field("code", "string", _("Kode simpul atau indikator (INDEX untuk indeks)")),
        _field("name", "string", _("Nama simpul")),
        _field("parent", "string", _("Kode simpul induk")),
        _field(
            "value",
            "string",
            _("Nilai akhir indikator (angka; NA = tidak berlaku; kosong = tidak dijawab)"),
        ),
        _field("score", "number", _("Skor 0–100")),
        _field("display", "number", _("Skor pada skala tampilan siklus (mis. 0–5)")),
        _field("predicate", "string", _("Predikat (baris indeks)")),
        _field("rank", "integer", _("Peringkat nasional (peringkat kompetisi 1224)")),
        _field("rank_province", "integer", _("Peringkat dalam provinsi")),
        _field("rank_kind", "integer", _("Peringkat di antara daerah sejenis")),
        _field("rank_low", "integer", _("Batas bawah selang peringkat 5–95 %")),
        _field("rank_high", "integer", _("Batas atas selang peringkat 5–95 %")),
        _field("previous_display", "number", _("Indeks siklus sebelumnya (skala tampilan)")),
        _field("improvement", "number", _("Kenaikan indeks dari siklus sebelumnya")),
    ]
    tree = [
        _field("code", "string", _("Kode simpul atau indikator")),
        _field("parent", "string", _("Kode simpul induk (kosong untuk akar)")),
        _field("weight", "number", _("Bobot di antara saudara-saudaranya")),
        _field("type", "string", _("Jenis indikator: level, number, percent, yes_no")),
        _field("direction", "integer", _("Arah: 1 lebih tinggi lebih baik, -1 sebaliknya")),
        _field("min", "number", _("Batas bawah skala atau goalpost")),
        _field("max", "number", _("Batas atas skala atau goalpost")),
    ]
    return {
        "results.csv": {"fields": results, "missingValues": [""]},
        "indicators.csv": {
            "fields": [
                _field("code", "string", _("Kode indikator")),
                _field("question", "string", _("Pertanyaan")),
                _field("type", "string", _("Jenis indikator")),
                _field("unit", "string", _("Satuan (angka dan persen)")),
                _field("aspect", "string", _("Aspek evaluasi")),
                _field("dimension", "string", _("Kode dimensi")),
                _field("element", "string", _("Kode elemen")),
                _field("weight", "number", _("Bobot indikator")),
            ],
            "primaryKey": ["code"],
            "missingValues": [""],
        },
        "tree.csv": {"fields": tree, "primaryKey": ["code"], "missingValues": [""]},
        "breakdown_tree.csv": {"fields": tree, "primaryKey": ["code"], "missingValues": [""]},
        "values.csv": {
            "fields": [
                _field("unit", "string", region),
                _field("indicator", "string", _("Kode indikator")),
                _field(
                    "value",
                    "string",
                    _(
                        "Nilai yang digabung mesin indeks (NA = tidak berlaku; kosong = tidak dijawab)"
                    ),
                ),
                _field(
                    "assessor",
                    "string",
                    _("A1, A2, ...: nilai tiap asesor tanpa nama; final: nilai akhir saja"),
                ),
            ],
            "primaryKey": ["unit", "indicator", "assessor"],
            "missingValues": [""],
        },
        "groups.csv": {
            "fields": [
                _field("unit", "string", region),
                _field("province", "string", _("Kode provinsi (kosong untuk provinsi)")),
                _field("kind", "string", _("Jenis daerah"), constraints=kinds),
            ],
            "primaryKey": ["unit"],
            "missingValues": [""],
        },
    }


def _descriptor(
    snapshot: Snapshot, files: dict[str, bytes], fingerprint: str | None
) -> dict[str, Any]:
    cycle = snapshot.cycle
    schemas = _schemas()
    resources = []
    for name, content in files.items():
        resource: dict[str, Any] = {
            "name": name.rsplit(".", 1)[0].replace("_", "-"),
            "path": name,
            "format": name.rsplit(".", 1)[1],
            "encoding": "utf-8",
            "bytes": len(content),
            "hash": f"sha256:{_sha256(content)}",
        }
        if name in schemas:
            resource.update(
                profile="tabular-data-resource",
                mediatype="text/csv",
                dialect={"delimiter": ",", "header": True},
                schema=schemas[name],
            )
        else:
            resource.update(profile="data-resource", mediatype="application/json")
        resources.append(resource)
    return {
        "profile": "data-package",
        "name": f"kotacerdas-{cycle.year}-v{snapshot.version}",
        "title": _("Hasil %(cycle)s, versi %(version)s")
        % {"cycle": cycle.name, "version": snapshot.version},
        "description": _(
            "Hasil evaluasi Smart City yang dipublikasikan, pada setiap tingkat pohon, beserta "
            "masukan untuk membangunnya kembali dengan kotacerdas.index."
        ),
        "version": str(snapshot.version),
        "created": snapshot.published_at.isoformat() if snapshot.published_at else None,
        "homepage": f"{settings.KOTACERDAS_SITE_URL}/hasil/{cycle.year}/",
        "licenses": [settings.KOTACERDAS_OPEN_DATA_LICENSE],
        "sources": [{"title": settings.KOTACERDAS_LETTER["ministry"]}],
        "keywords": ["smart city", "indeks", "evaluasi", str(cycle.year)],
        "kotacerdas": {
            "year": cycle.year,
            "snapshot_version": snapshot.version,
            "engine_version": snapshot.engine_version,
            "fingerprint": snapshot.fingerprint,
            "rebuild_fingerprint": fingerprint,
            "aggregate_along": snapshot.config.get("aggregate_along"),
            "note": snapshot.note,
        },
        "resources": resources,
    }


def _readme(snapshot: Snapshot, descriptor: dict[str, Any]) -> str:
    cycle = snapshot.cycle
    lines = [
        f"# {descriptor['title']}",
        "",
        descriptor["description"],
        "",
        _("Dipublikasikan: %(when)s. Lisensi: %(license)s.")
        % {
            "when": wib(snapshot.published_at) if snapshot.published_at else "-",
            "license": settings.KOTACERDAS_OPEN_DATA_LICENSE.get("title", ""),
        },
        "",
        "## " + _("Berkas"),
        "",
    ]
    for resource in descriptor["resources"]:
        schema = resource.get("schema")
        columns = ", ".join(field["name"] for field in schema["fields"]) if schema else "JSON"
        lines.append(f"- `{resource['path']}` ({columns})")
    lines += [
        "",
        "## " + _("Membangun kembali indeks"),
        "",
    ]
    rebuild_fingerprint = descriptor["kotacerdas"]["rebuild_fingerprint"]
    if rebuild_fingerprint:
        lines += [
            _(
                "Dengan pustaka kotacerdas.index (kode sumber Kota Cerdas), dari folder paket "
                "ini; skor yang dihasilkan sama dengan kolom score pada results.csv:"
            ),
            "",
            "```sh",
            "python -m kotacerdas.index build --tree tree.csv --values values.csv \\",
            "    --config config.json --groups groups.csv --details --out rebuilt.csv",
            "```",
            "",
            _("Sidik SHA-256 masukan paket ini (dilaporkan oleh build): %(fingerprint)s")
            % {"fingerprint": rebuild_fingerprint},
        ]
    else:
        lines.append(
            _(
                "Versi ini dihitung sebelum nilai tiap asesor disimpan bersama hasilnya; "
                "values.csv memuat nilai gabungan, yang tidak dapat dibaca ulang oleh mesin "
                "indeks. Hitung ulang dan publikasikan ulang siklus untuk paket yang dapat "
                "dibangun kembali."
            )
        )
    lines += [
        "",
        _(
            "Sidik hasil yang dipublikasikan (dihitung dengan nama asesor, yang tidak ada "
            "dalam paket): %(fingerprint)s"
        )
        % {"fingerprint": snapshot.fingerprint},
        "",
        _("Siklus %(year)s, versi %(version)s, mesin indeks %(engine)s.")
        % {"year": cycle.year, "version": snapshot.version, "engine": snapshot.engine_version},
        "",
    ]
    return "\n".join(lines)
