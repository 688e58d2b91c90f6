"""Crosswalks: which indicators of one instrument are the same, renamed, rescaled, new or retired
in the next, so that progress across years is computed on a comparable subset.

A crosswalk is not frozen with its instruments: freezing protects what regions answer, while the
crosswalk only says how years are compared, and historical cycles need one too. Every change
replaces the whole entry list in one transaction after validating all of it.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotacerdas.core.errors import ServiceError

from .. import schema
from ..models import Crosswalk, CrosswalkEntry, CrosswalkKind, Indicator, Instrument
from .sources import max_file_bytes, read_bytes
from .tree import ProblemList

CSV_HEADER = ["kind", "source_code", "target_code", "rescale", "note"]
PAIRED = (CrosswalkKind.SAME, CrosswalkKind.RENAMED, CrosswalkKind.RESCALED)


class CrosswalkFileError(ProblemList):
    """A crosswalk (CSV or form) that cannot be saved; ``details`` names each row's problem."""

    summary = gettext_lazy("Crosswalk tidak disimpan: %(n)d masalah.")


@dataclass
class EntryRow:
    """One proposed entry, with the place (row) to name in errors."""

    place: str
    kind: str
    source_code: str = ""
    target_code: str = ""
    rescale: dict | None = None
    note: str = ""
    needs_review: bool = False


def parse_rescale(value: Any) -> dict | None:
    """A rescale mapping from JSON text (or a dict): ``{"factor": f, "offset": o}`` for numbers, or
    old value → new value (``{"0": 0, "1": 20, ...}``). Empty gives None; raises schema.Problem."""
    if schema.is_empty(value):
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise schema.Problem(_('rescale harus berupa JSON, mis. {"factor": 20}')) from None
    if not isinstance(value, dict) or not value:
        raise schema.Problem(_("rescale harus berupa objek JSON yang tidak kosong"))
    for key, number in value.items():
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise schema.Problem(_("rescale: nilai %(key)s harus berupa angka") % {"key": key})
    keys = set(value)
    if keys & {"factor", "offset"}:
        if not keys <= {"factor", "offset"}:
            raise schema.Problem(
                _("rescale: gunakan factor/offset atau pemetaan nilai, bukan keduanya")
            )
        return value
    for key in keys:
        try:
            float(key)
        except ValueError:
            raise schema.Problem(
                _("rescale: kunci %(key)r bukan nilai lama (angka) maupun factor/offset")
                % {"key": key}
            ) from None
    return value


def _signature(indicator: Indicator) -> tuple:
    """What must stay equal for scores to be compared without rescaling."""
    if indicator.type == "number":
        return (
            "number",
            indicator.unit,
            indicator.direction,
            indicator.goal_min,
            indicator.goal_max,
        )
    return (indicator.type, indicator.direction)


def _describe_change(old: Indicator, new: Indicator) -> str:
    if old.type != new.type:
        return _("jenis berubah: %(old)s → %(new)s") % {"old": old.type, "new": new.type}
    return _("satuan, arah atau goalpost berubah: %(old)s → %(new)s") % {
        "old": f"{old.unit} {old.goal_min}–{old.goal_max}",
        "new": f"{new.unit} {new.goal_min}–{new.goal_max}",
    }


def crosswalk_problems(source: Instrument, target: Instrument, rows: list[EntryRow]) -> list[str]:
    """Every problem with ``rows`` as the entries of the crosswalk source → target, by place.

    Checked: known kind; which codes each kind names (same/renamed/rescaled both, new only the
    target, retired only the source); codes exist in their instrument; same keeps the code and
    renamed changes it; same/renamed only between indicators of the same kind and scale; a rescale
    only for rescaled; no source or target code in two entries.
    """
    return _problems(_by_code(source), _by_code(target), rows)


def _by_code(instrument: Instrument) -> dict[str, Indicator]:
    return {indicator.code: indicator for indicator in instrument.indicators.all()}


def _problems(old: dict, new: dict, rows: list[EntryRow]) -> list[str]:
    problems: list[str] = []
    first_source: dict[str, str] = {}
    first_target: dict[str, str] = {}

    def problem(row: EntryRow, field: str, message: str) -> None:
        problems.append(f"{row.place} ({field}): {message}")

    for row in rows:
        if row.kind not in CrosswalkKind.values:
            problem(
                row,
                "kind",
                _("%(value)r tidak dikenal; pilih salah satu: %(values)s")
                % {"value": row.kind, "values": ", ".join(CrosswalkKind.values)},
            )
            continue
        wants_source = row.kind != CrosswalkKind.NEW
        wants_target = row.kind != CrosswalkKind.RETIRED
        for field, code, wanted, known, first in (
            ("source_code", row.source_code, wants_source, old, first_source),
            ("target_code", row.target_code, wants_target, new, first_target),
        ):
            if wanted and not code:
                problem(row, field, _("wajib diisi untuk jenis %(kind)s") % {"kind": row.kind})
            elif not wanted and code:
                problem(row, field, _("harus kosong untuk jenis %(kind)s") % {"kind": row.kind})
            elif code and code not in known:
                problem(row, field, _("indikator %(code)s tidak ada di instrumen") % {"code": code})
            elif code and code in first:
                problem(
                    row,
                    field,
                    _("%(code)s sudah dipakai di %(place)s") % {"code": code, "place": first[code]},
                )
            elif code:
                first[code] = row.place
        if row.rescale is not None and row.kind != CrosswalkKind.RESCALED:
            problem(row, "rescale", _("pemetaan skala hanya untuk jenis rescaled"))
        pair = old.get(row.source_code), new.get(row.target_code)
        if row.kind == CrosswalkKind.SAME and row.source_code != row.target_code and all(pair):
            problem(row, "target_code", _("jenis same berarti kodenya sama; gunakan renamed"))
        if row.kind == CrosswalkKind.RENAMED and row.source_code == row.target_code and all(pair):
            problem(row, "target_code", _("kodenya sama; gunakan same"))
        if (
            row.kind in (CrosswalkKind.SAME, CrosswalkKind.RENAMED)
            and all(pair)
            and _signature(pair[0]) != _signature(pair[1])
        ):
            problem(row, "kind", _describe_change(*pair) + "; " + _("gunakan rescaled"))
    return problems


@transaction.atomic
def save_entries(crosswalk: Crosswalk, rows: list[EntryRow]) -> Crosswalk:
    """Replace every entry of ``crosswalk`` with ``rows``, or refuse (CrosswalkFileError listing
    each row's problems) and change nothing."""
    problems = crosswalk_problems(crosswalk.source, crosswalk.target, rows)
    if problems:
        raise CrosswalkFileError(problems)
    Crosswalk.objects.select_for_update().filter(pk=crosswalk.pk).first()
    crosswalk.entries.all().delete()
    CrosswalkEntry.objects.bulk_create(
        CrosswalkEntry(
            crosswalk=crosswalk,
            kind=row.kind,
            source_code=row.source_code,
            target_code=row.target_code,
            rescale=row.rescale,
            note=row.note,
            needs_review=row.needs_review,
        )
        for row in rows
    )
    return crosswalk


def _row(entry: CrosswalkEntry) -> EntryRow:
    return EntryRow(
        "",
        entry.kind,
        entry.source_code,
        entry.target_code,
        entry.rescale,
        entry.note,
        entry.needs_review,
    )


def _still_valid(old: dict, new: dict, entries: list[CrosswalkEntry]) -> list[EntryRow]:
    """The entries (as rows) that still fit the two instruments; of two entries naming the same
    code the first is kept."""
    kept: list[EntryRow] = []
    used: set[tuple[str, str]] = set()
    for entry in entries:
        row = _row(entry)
        codes = {("source", row.source_code), ("target", row.target_code)} - {
            ("source", ""),
            ("target", ""),
        }
        if codes & used or _problems(old, new, [row]):
            continue
        kept.append(row)
        used |= codes
    return kept


def _suggestions(old: dict, new: dict, keep: list[EntryRow]) -> list[EntryRow]:
    rows = list(keep)
    used_old = {row.source_code for row in keep if row.source_code}
    used_new = {row.target_code for row in keep if row.target_code}
    for code, indicator in old.items():
        if code in used_old:
            continue
        if code in new and code not in used_new:
            used_new.add(code)
            if _signature(indicator) == _signature(new[code]):
                rows.append(EntryRow("", CrosswalkKind.SAME, code, code))
            else:
                note = _describe_change(indicator, new[code])
                rows.append(EntryRow("", CrosswalkKind.RESCALED, code, code, None, note, True))
        else:
            rows.append(EntryRow("", CrosswalkKind.RETIRED, code, ""))
    rows += [EntryRow("", CrosswalkKind.NEW, "", code) for code in new if code not in used_new]
    return rows


@transaction.atomic
def suggest_crosswalk(source: Instrument, target: Instrument) -> Crosswalk:
    """The crosswalk source → target, created if missing, completed by code and kind.

    Existing entries that still fit the two instruments are kept as they are (an admin's edits are
    never overwritten); entries that no longer fit (a code gone, a ``same`` whose indicator changed
    kind since) are dropped and suggested again. Every indicator not yet covered gets a suggestion:
    a code in both with the same kind and scale → ``same``; with a different kind, unit, direction
    or goalposts → ``rescaled`` with ``needs_review`` (the admin confirms it and may add a rescale);
    only in the source → ``retired``; only in the target → ``new``.
    """
    if source.pk == target.pk:
        raise ServiceError(_("Crosswalk membutuhkan dua instrumen yang berbeda."))
    crosswalk, _created = Crosswalk.objects.get_or_create(source=source, target=target)
    old, new = _by_code(source), _by_code(target)
    keep = _still_valid(old, new, list(crosswalk.entries.order_by("id")))
    rows = _suggestions(old, new, keep)
    for number, row in enumerate(rows, start=1):
        row.place = _("entri %(n)d") % {"n": number}
    return save_entries(crosswalk, rows)


def read_crosswalk_csv(source: str | bytes | Path | IO[Any]) -> list[EntryRow]:
    """Parse a crosswalk CSV (header ``kind,source_code,target_code,rescale,note``); raises
    CrosswalkFileError naming the row of every unreadable line."""
    data, error = read_bytes(
        source.encode("utf-8") if isinstance(source, str) else source, max_file_bytes()
    )
    if error:
        raise CrosswalkFileError([error])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CrosswalkFileError([_("berkas bukan teks UTF-8")]) from None
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip().lower() for cell in next(reader, [])]
    if header != CSV_HEADER:
        raise CrosswalkFileError(
            [_("baris 1: judul kolom harus %(h)s") % {"h": ",".join(CSV_HEADER)}]
        )
    rows: list[EntryRow] = []
    problems: list[str] = []
    for record in reader:
        place = _("baris %(n)d") % {"n": reader.line_num}
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(CSV_HEADER):
            problems.append(
                f"{place}: "
                + _("harus %(n)d kolom, ada %(m)d") % {"n": len(CSV_HEADER), "m": len(record)}
            )
            continue
        kind, source_code, target_code, rescale, note = (cell.strip() for cell in record)
        try:
            mapping = parse_rescale(rescale)
        except schema.Problem as problem:
            problems.append(f"{place} (rescale): {problem}")
            continue
        rows.append(EntryRow(place, kind.lower(), source_code, target_code, mapping, note))
    if problems:
        raise CrosswalkFileError(problems)
    return rows


def import_crosswalk_csv(crosswalk: Crosswalk, source: str | bytes | Path | IO[Any]) -> Crosswalk:
    """Replace the crosswalk's entries with a CSV file's rows (all confirmed by the admin who wrote
    them). Every row is validated first; on any problem nothing changes (CrosswalkFileError)."""
    rows = read_crosswalk_csv(source)
    problems = crosswalk_problems(crosswalk.source, crosswalk.target, rows)
    if problems:
        raise CrosswalkFileError(problems)
    return save_entries(crosswalk, rows)


def export_crosswalk_csv(crosswalk: Crosswalk) -> str:
    """The crosswalk as CSV text that import_crosswalk_csv reads back to the same entries."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for entry in crosswalk.entries.order_by("id"):
        rescale = json.dumps(entry.rescale, sort_keys=True) if entry.rescale is not None else ""
        writer.writerow([entry.kind, entry.source_code, entry.target_code, rescale, entry.note])
    return buffer.getvalue()


def comparable_pairs(crosswalk: Crosswalk) -> list[tuple[str, str, dict | None]]:
    """``(source_code, target_code, rescale)`` for every indicator that can be compared across the
    two instruments: entries ``same``, ``renamed`` and ``rescaled`` that need no review, sorted by
    source code. ``rescale`` is None when values (or their 0–100 normalised scores) compare as they
    are. An entry that no longer fits the instruments (an indicator edited after the crosswalk was
    made) is left out until the crosswalk is completed again with suggest_crosswalk."""
    entries = crosswalk.entries.filter(kind__in=PAIRED, needs_review=False).order_by("source_code")
    old, new = _by_code(crosswalk.source), _by_code(crosswalk.target)
    return [
        (e.source_code, e.target_code, e.rescale)
        for e in entries
        if not _problems(old, new, [_row(e)])
    ]
