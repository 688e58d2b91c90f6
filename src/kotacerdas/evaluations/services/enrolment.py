"""Enrolling regions in a cycle: from a pick list or from a CSV of region codes.

A region is enrolled by giving it a Submission (its self-assessment) in the cycle. Regions may be
enrolled while the cycle is a draft or open (a late region), and un-enrolled only while it is a
draft (before any region could answer).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kotacerdas.accounts.predicates import is_admin
from kotacerdas.core.errors import Locked, ServiceError
from kotacerdas.regions.lineage import resolve_code
from kotacerdas.regions.models import Region, RegionKind

from ..models import Cycle, CycleState, Submission

ENROL_STATES = frozenset({CycleState.DRAFT, CycleState.OPEN})
CODE = re.compile(r"^\d{2}(\.\d{2})?$")
HEADERS = {"kode", "code", "kode_daerah", "region_code"}
MAX_CSV_BYTES = 1024 * 1024


class EnrolmentFileRejected(ServiceError):
    """A CSV of region codes with errors; ``details`` names each bad line. Nothing was written."""


@dataclass
class EnrolmentReport:
    """What an enrolment did: the regions added and those that were already enrolled."""

    added: list[Region] = field(default_factory=list)
    already: list[Region] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def _ensure_admin(by) -> None:
    if not is_admin(by):
        raise PermissionDenied(_("Hanya admin yang dapat mendaftarkan daerah."))


def _ensure_enrolment_open(cycle: Cycle) -> None:
    if cycle.state not in ENROL_STATES:
        raise Locked(
            _(
                "Daerah hanya dapat didaftarkan selama siklus berstatus Draf atau Penilaian "
                "mandiri; siklus %(cycle)s pada tahap %(state)s."
            )
            % {"cycle": cycle, "state": cycle.get_state_display()}
        )


def candidates(
    cycle: Cycle, *, query: str = "", kind: str = "", province: str = ""
) -> QuerySet[Region]:
    """Regions not yet enrolled in the cycle, filtered by name or code, kind and province code."""
    regions = (
        Region.objects.select_related("parent")
        .search(query)
        .exclude(submissions__cycle=cycle)
        .order_by("code")
    )
    if kind in RegionKind.values:
        regions = regions.filter(kind=kind)
    if province:
        regions = regions.filter(code__startswith=province[:2])
    return regions


def enrol(cycle: Cycle, regions: Iterable[Region], *, by) -> EnrolmentReport:
    """Enrol the given regions.

    Guarantees: only an admin, only while the cycle is a draft or open (else Locked); regions
    already enrolled are left as they are and reported; all in one transaction.
    """
    _ensure_admin(by)
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
        _ensure_enrolment_open(cycle)
        enrolled = set(cycle.submissions.values_list("region_id", flat=True))
        report = EnrolmentReport()
        for region in sorted(set(regions), key=lambda r: r.code):
            if region.pk in enrolled:
                report.already.append(region)
                continue
            submission = Submission(cycle=cycle, region=region, enrolled_by=by)
            submission._history_user = by
            submission.save()
            report.added.append(region)
    return report


def read_codes(data: bytes) -> list[str]:
    """Parse a CSV of region codes (first column; an optional header ``kode``); see
    ``read_codes_with_notices``. Returns the current codes only."""
    return read_codes_with_notices(data)[0]


def read_codes_with_notices(data: bytes) -> tuple[list[str], list[str]]:
    """Parse a CSV of region codes (first column; an optional header ``kode``).

    Guarantees: either (the current codes, every one well-formed, known and listed once; a
    notice per line that gave an old code, naming the current region it became) or
    EnrolmentFileRejected whose details name every bad line (malformed, unknown, duplicate). An
    old code (retired by a change in the register, e.g. 91.01 for Kabupaten Merauke, now 93.01)
    counts as its current region, so an old and a new code of one region are a duplicate.
    """
    if len(data) > MAX_CSV_BYTES:
        raise EnrolmentFileRejected(_("Berkas CSV terlalu besar (lebih dari 1 MB)."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EnrolmentFileRejected(
            _("Berkas CSV bukan teks UTF-8 (bita ke-%(position)d).") % {"position": exc.start + 1}
        ) from exc
    rows: list[tuple[int, str]] = []
    problems: list[tuple[int, str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for record in reader:
            line = reader.line_num
            cells = [cell.strip() for cell in record]
            if not any(cells):
                continue
            code = cells[0]
            if not rows and not problems and code.lower() in HEADERS:
                continue
            if not CODE.match(code):
                problems.append(
                    (
                        line,
                        _("Baris %(line)d: «%(code)s» bukan kode daerah (bentuknya NN atau NN.NN).")
                        % {"line": line, "code": code[:40]},
                    )
                )
                continue
            rows.append((line, code))
    except csv.Error as exc:
        line = reader.line_num
        problems.append((line, _("Baris %(line)d: %(error)s") % {"line": line, "error": exc}))
    known = set(
        Region.objects.filter(code__in={code for _line, code in rows}).values_list(
            "code", flat=True
        )
    )
    notices: list[str] = []
    current_rows: list[tuple[int, str]] = []
    for line, code in rows:
        if code not in known:
            found = resolve_code(code)
            if found is not None:
                notices.append(
                    _("Baris %(line)d: kode lama %(old)s kini %(name)s (%(code)s).")
                    % {
                        "line": line,
                        "old": code,
                        "name": found.region.name,
                        "code": found.region.code,
                    }
                )
                code = found.region.code
                known.add(code)
        current_rows.append((line, code))
    first_seen: dict[str, int] = {}
    for line, code in current_rows:
        if code not in known:
            problems.append(
                (
                    line,
                    _("Baris %(line)d: kode %(code)s tidak ada dalam daftar daerah.")
                    % {"line": line, "code": code},
                )
            )
        elif code in first_seen:
            problems.append(
                (
                    line,
                    _("Baris %(line)d: kode %(code)s sudah ada di baris %(first)d.")
                    % {"line": line, "code": code, "first": first_seen[code]},
                )
            )
        else:
            first_seen[code] = line
    if not problems and not first_seen:
        problems.append((0, _("Berkas CSV tidak berisi kode daerah.")))
    if problems:
        raise EnrolmentFileRejected(
            _("Berkas CSV ditolak; tidak ada daerah yang didaftarkan."),
            details=[message for _line, message in sorted(problems, key=lambda p: p[0])],
        )
    return list(first_seen), notices


def enrol_csv(cycle: Cycle, data: bytes, *, by) -> EnrolmentReport:
    """Enrol the regions whose codes a CSV lists.

    Guarantees: a file with any bad line is refused whole (EnrolmentFileRejected, every bad line
    named) and nothing is written; otherwise as ``enrol``, and ``report.notices`` says which
    old codes were read as which current region.
    """
    _ensure_admin(by)
    _ensure_enrolment_open(cycle)
    codes, notices = read_codes_with_notices(data)
    report = enrol(cycle, Region.objects.filter(code__in=codes), by=by)
    report.notices = notices
    return report


def unenrol(submission: Submission, *, by) -> None:
    """Remove a region from a cycle.

    Guarantees: only an admin, only while the cycle is a draft (else Locked), so no region has
    answered yet; the removal is recorded in the history.
    """
    _ensure_admin(by)
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=submission.cycle_id)
        if cycle.state != CycleState.DRAFT:
            raise Locked(
                _(
                    "Daerah hanya dapat dikeluarkan selama siklus berstatus Draf; siklus "
                    "%(cycle)s pada tahap %(state)s."
                )
                % {"cycle": cycle, "state": cycle.get_state_display()}
            )
        submission = Submission.objects.get(pk=submission.pk)
        if submission.answers.exists() or submission.evidence.exists():
            raise Locked(
                _("Daerah ini sudah mengisi penilaian mandiri dan tidak dapat dikeluarkan.")
            )
        submission._history_user = by
        submission.delete()


def _delimiter(text: str) -> str:
    first_line = text.lstrip().split("\n", 1)[0]
    return ";" if ";" in first_line and "," not in first_line else ","
