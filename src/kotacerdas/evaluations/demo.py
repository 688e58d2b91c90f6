"""Synthetic evaluation data for ``kotacerdas demo``, clearly labelled "[Data sintetis]".

``load`` (the demo step) builds the 2022 cycle from the default instrument, in review, so the
assessor workspace is live: Kota Jambi (15.71) with its real facts (Perda Kota Jambi No. 1 of
2019, roadmap since 2018, the 2022 quick wins, the virtual session of 3 October 2022) and 25
other real regions with plausible generated answers, small PDF evidence, the demo assessors
``asesor1`` and ``asesor2`` with their scores (some disagreeing) and regions in different
states. ``build_demo_cycle`` is reusable for other years and states (up to published).

For the integrity checks (docs/integrity.md) the data holds one reused file in every cycle from
2021 on (Kota Sungai Penuh's evidence for the public service mall is a copy of Kota Jambi's), one
near-duplicate justification in 2023 (Kota Yogyakarta's rewording of Kabupaten Sleman's) and,
where a cycle is built with ``strict=...``, a third, synthetic assessor (``asesor3``, who cannot
sign in) who scores the given regions about two levels below their own answers: an outlier.

Everything is generated from a seed, so running the demo again gives the same data; a row is
written only when it differs from what the demo wants, so a second run adds no history.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Model
from simple_history.utils import bulk_create_with_history

from kotacerdas.accounts.models import User
from kotacerdas.accounts.roles import Role
from kotacerdas.core.moments import WIB
from kotacerdas.core.pdf import minimal_pdf
from kotacerdas.instruments import services as instrument_services
from kotacerdas.instruments.models import Indicator, IndicatorType, Instrument
from kotacerdas.regions.models import Region

from .models import (
    Answer,
    Assignment,
    ConflictOfInterest,
    Cycle,
    CycleState,
    Evidence,
    EvidenceKindStored,
    Score,
    Submission,
    SubmissionState,
    VirtualSession,
)
from .services import cycles, feedback, moderation

SYNTHETIC = "[Data sintetis]"
JAMBI = "15.71"
DEMO_ASSESSORS = ("asesor1", "asesor2")
# The outlier of the integrity checks: (username, first name, last name); no password.
STRICT_ASSESSOR = ("asesor3", "Asesor", "Tiga")
# The regions the strict assessor scores in the live demo cycle (all submit).
STRICT_REGIONS = ("12.71", "32.73", "33.74", "35.78", "51.71", "73.71")
# How much lower the strict assessor scores, on the 0–1 quality scale (0.4 = two levels).
STRICT_SHIFT = -0.4
# (region, indicator) → the region whose file it submits instead of its own (same bytes).
COPIED_EVIDENCE = {("15.72", "GOV.SVC.01"): "15.71"}
# (region, indicator) → the region whose justification it writes word for word (Kota Jambi's
# facts only): the "same text" integrity check.
COPIED_JUSTIFICATION = {("15.72", "GOV.SVC.01"): JAMBI}
# The "near-duplicate" integrity check: in the live cycle (2023) Kota Yogyakarta's justification
# for the complaints channel is Kabupaten Sleman's with its own name and two words changed ("dua
# hari kerja", "setiap pekan"): Jaccard 0.82 on word 3-grams once the names are masked. Only in
# that year, so the page shows one pair, not every year's copy. (year, region, indicator) → text.
NEAR_COPY_YEAR = 2023
SLEMAN_COMPLAINTS = (
    "Pengaduan warga Kabupaten Sleman diterima melalui SP4N-LAPOR!, aplikasi pengaduan daerah, "
    "layanan WhatsApp dan akun media sosial resmi, lalu diteruskan admin Dinas Komunikasi dan "
    "Informatika kepada perangkat daerah terkait paling lambat satu hari kerja. Setiap aduan "
    "dipantau melalui dasbor tindak lanjut Sleman, rekapitulasinya dibahas dalam rapat pimpinan "
    "setiap bulan, dan hasil penyelesaiannya disampaikan kembali kepada pelapor serta diumumkan "
    "di laman resmi daerah."
)
YOGYAKARTA_COMPLAINTS = (
    "Pengaduan warga Kota Yogyakarta diterima melalui SP4N-LAPOR!, aplikasi pengaduan daerah, "
    "layanan WhatsApp dan akun media sosial resmi, lalu diteruskan admin Dinas Komunikasi dan "
    "Informatika kepada perangkat daerah terkait paling lambat dua hari kerja. Setiap aduan "
    "dipantau melalui dasbor tindak lanjut Yogyakarta, rekapitulasinya dibahas dalam rapat "
    "pimpinan setiap pekan, dan hasil penyelesaiannya disampaikan kembali kepada pelapor serta "
    "diumumkan di laman resmi daerah."
)
NEAR_COPIED_JUSTIFICATION = {
    (NEAR_COPY_YEAR, "34.04", "SOC.COM.01"): SLEMAN_COMPLAINTS,
    (NEAR_COPY_YEAR, "34.71", "SOC.COM.01"): YOGYAKARTA_COMPLAINTS,
}
ORDER = list(CycleState.values)

# Kota Jambi and 25 other real regions: provinces, kabupaten and kota across the archipelago.
DEMO_REGIONS_2022 = [
    JAMBI,
    "15",  # Jambi
    "32",  # Jawa Barat
    "51",  # Bali
    "64",  # Kalimantan Timur
    "73",  # Sulawesi Selatan
    "12.71",  # Kota Medan
    "15.05",  # Kabupaten Muaro Jambi
    "15.72",  # Kota Sungai Penuh
    "32.72",  # Kota Sukabumi
    "32.73",  # Kota Bandung
    "33.05",  # Kabupaten Kebumen
    "33.27",  # Kabupaten Pemalang
    "33.74",  # Kota Semarang
    "33.76",  # Kota Tegal
    "34.04",  # Kabupaten Sleman
    "34.71",  # Kota Yogyakarta
    "35.07",  # Kabupaten Malang
    "35.10",  # Kabupaten Banyuwangi
    "35.78",  # Kota Surabaya
    "51.03",  # Kabupaten Badung
    "51.71",  # Kota Denpasar
    "52.01",  # Kabupaten Lombok Barat
    "63.71",  # Kota Banjarmasin
    "64.02",  # Kabupaten Kutai Kartanegara
    "73.71",  # Kota Makassar
]
# In the 2022 demo (review): two regions never submitted, one was returned for corrections.
NOT_SUBMITTED_2022 = ("52.01", "64")
RETURNED_2022 = ("33.76",)

# Kota Jambi's real 2022 facts (../shared/docs/product.md, "Demo data"), by indicator code of
# the default instrument: (level, justification).
JAMBI_FACTS = {
    "GOV.POL.01": (
        4,
        "Smart city Kota Jambi berdasar Perda Kota Jambi Nomor 1 Tahun 2019 tentang "
        "Penyelenggaraan Smart City; masterplan (roadmap) smart city disusun sejak 2018 untuk "
        "periode 2018–2022.",
    ),
    "GOV.SVC.01": (
        4,
        "Mal Pelayanan Publik (MPP) Kota Jambi, quick win Smart Governance 2022, menyatukan "
        "layanan perizinan, kependudukan dan instansi vertikal di satu tempat.",
    ),
    "GOV.SVC.03": (
        4,
        "Quick win Smart Governance 2022: Mal Pelayanan Publik (MPP) Kota Jambi.",
    ),
    "BRA.TOU.03": (
        3,
        "Quick win Smart Branding 2022: penataan destinasi Wisata Danau Sipin.",
    ),
    "ECO.IND.02": (3, "Quick win Smart Economy 2022: program Pakar Kasih."),
    "LIV.HEA.04": (3, "Quick win Smart Living 2022: Kampung Bantar."),
    "SOC.LEA.01": (3, "Quick win Smart Society 2022: perpustakaan komunitas."),
    "ENV.WAS.02": (
        4,
        "Quick win Smart Environment 2022: pemanfaatan gas metana di TPA Talang Gulo.",
    ),
}
JAMBI_SESSION = datetime(2022, 10, 3, 9, 0, tzinfo=WIB)

WEAKNESSES = [
    "Forum Smart City belum bertemu secara rutin",
    "Sebagian jawaban belum didukung data dukung yang sah dan lengkap",
    "Anggaran APBD untuk program masterplan masih kecil",
    "Belum ada rencana aksi pengembangan SDM TIK",
    "Integrasi data antarperangkat daerah belum berjalan",
    "Indeks SPBE masih di bawah rata-rata nasional",
    "Keberlanjutan program saat pergantian kepala daerah belum dijamin",
]
STRENGTHS = [
    "Komitmen kepala daerah terhadap smart city kuat",
    "Dasar hukum penyelenggaraan smart city sudah ditetapkan",
    "Quick win dirasakan manfaatnya oleh warga",
    "Kolaborasi dengan perguruan tinggi dan komunitas aktif",
    "Jumlah layanan publik daring bertambah dibanding tahun lalu",
    "Pusat komando daerah sudah beroperasi",
]
RECOMMENDATIONS = [
    "Jadwalkan Forum Smart City paling sedikit dua kali setahun",
    "Lengkapi data dukung dengan dokumen resmi yang bertanggal dan ditandatangani",
    "Susun rencana aksi SDM TIK lima tahunan",
    "Ukur dampak quick win melalui survei warga",
    "Integrasikan data layanan ke portal Satu Data daerah",
    "Gunakan SNI ISO 37122:2019 sebagai acuan indikator kota cerdas",
]
JAMBI_JUDGEMENT = {
    "strengths": [
        "Perda Kota Jambi No. 1 Tahun 2019 memberi dasar hukum yang kuat",
        "Roadmap smart city dijalankan sejak 2018",
        "Enam quick win 2022 mencakup keenam dimensi (MPP, Danau Sipin, Pakar Kasih, Kampung "
        "Bantar, perpustakaan komunitas, gas metana TPA Talang Gulo)",
    ],
    "weaknesses": [
        "Dampak quick win belum diukur dengan survei warga",
        "Forum Smart City belum bertemu secara rutin",
    ],
    "recommendations": [
        "Ukur manfaat MPP dan Kampung Bantar melalui survei kepuasan warga",
        "Perluas pemanfaatan gas metana TPA Talang Gulo bagi rumah tangga sekitar",
    ],
}


@dataclass
class DemoReport:
    """What ``build_demo_cycle`` built, for the demo command's output."""

    cycle: Cycle
    regions: int = 0
    answers: int = 0
    evidence: int = 0
    scores: int = 0
    written: int = 0
    states: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        states = ", ".join(f"{n} {label}" for label, n in self.states.items())
        return [
            f"{self.cycle} ({self.cycle.get_state_display()}): {self.regions} daerah ({states}), "
            f"{self.answers} jawaban, {self.evidence} data dukung PDF, {self.scores} nilai asesor "
            f"[data sintetis]",
        ]


def load() -> list[str]:
    """Demo step: the 2022 cycle in review (see the module docstring). Idempotent."""
    report = build_demo_cycle(
        2022,
        state=CycleState.REVIEW,
        regions=DEMO_REGIONS_2022,
        seed=2022,
        not_submitted=NOT_SUBMITTED_2022,
        returned=RETURNED_2022,
        session_day=date(2022, 9, 26),
    )
    return report.lines()


@transaction.atomic
def build_demo_cycle(
    year: int,
    *,
    state: str,
    regions: Sequence[str],
    seed: int,
    not_submitted: Iterable[str] = (),
    returned: Iterable[str] = (),
    assessors: Sequence[str] = DEMO_ASSESSORS,
    instrument: Instrument | None = None,
    name: str = "",
    session_day: date | None = None,
    review_finished: bool | None = None,
    strict: Sequence[str] = (),
) -> DemoReport:
    """Build (or bring back to its generated content) the synthetic cycle of ``year``.

    ``regions``: region codes to enrol (they must be in the register); ``not_submitted``: codes
    that answered only part of the instrument and never submitted; ``returned``: codes whose
    submission was returned (only while the cycle is open or in review). ``assessors``:
    usernames of existing assessor accounts assigned to every region. ``instrument``: defaults
    to the packaged default instrument under code ``kc-<year>``. In review, the last assessor
    has scored only part of some regions unless ``review_finished``; from moderation on every
    score is in and the automatic final values are prepared (in moderation the queue stays
    open); from final on every queued indicator and every region's feedback is settled with a
    reason. The cycle ends in ``state``. ``strict``: codes of submitting regions that the
    synthetic ``STRICT_ASSESSOR`` also scores, about two levels below their answers (an outlier
    for the integrity checks). Idempotent and deterministic for a given ``seed``.
    """
    if ORDER.index(state) >= ORDER.index(CycleState.MODERATION) and returned:
        raise ValueError("a returned submission blocks moderation; pass returned=() for " + state)
    admin = User.objects.get(username="admin")
    panel = [User.objects.get(username=username, role=Role.ASSESSOR) for username in assessors]
    strict_assessor = _strict_assessor() if strict else None
    cycle = _cycle(year, name, instrument, admin, session_day)
    if state != CycleState.DRAFT:
        instrument_services.freeze(cycle.instrument)
    indicators = list(
        Indicator.objects.filter(instrument=cycle.instrument)
        .select_related("element__dimension")
        .prefetch_related("levels")
    )
    not_submitted, returned = set(not_submitted), set(returned)
    finished = review_finished if review_finished is not None else state != CycleState.REVIEW
    report = DemoReport(cycle=cycle)
    operators = {user.region_id: user for user in User.objects.filter(role=Role.OPERATOR)}
    for number, code in enumerate(regions):
        region = Region.objects.get(code=code)
        rng = random.Random(f"{seed}:{code}")
        maturity = 3.3 if code == JAMBI else rng.uniform(1.3, 4.2)
        if code in not_submitted:
            wanted_state = SubmissionState.DRAFT
        elif code in returned:
            wanted_state = SubmissionState.RETURNED
        else:
            wanted_state = SubmissionState.SUBMITTED
        submission = _submission(cycle, region, admin, number, wanted_state, operators, report)
        values = _answers(
            submission, indicators, rng, maturity, report, operators.get(region.pk), year
        )
        _evidence(submission, indicators, report, operators.get(region.pk))
        # Every enrolled region has its panel (review needs one), scored or not.
        assignments = [
            _put(
                Assignment,
                {"cycle": cycle, "region": region, "assessor": a},
                {"assigned_by": admin},
                report,
            )
            for a in panel
        ]
        if wanted_state == SubmissionState.DRAFT:
            continue  # nothing submitted, nothing scored
        partial = not finished and number % 3 == 1
        _scores(assignments, indicators, values, rng, partial, report)
        if code in strict:
            extra = _put(
                Assignment,
                {"cycle": cycle, "region": region, "assessor": strict_assessor},
                {"assigned_by": admin},
                report,
            )
            _strict_scores(
                extra, indicators, values, random.Random(f"{seed}:{code}:strict"), report
            )
            assignments_scored = [*assignments, extra]
        else:
            assignments_scored = assignments
        _date_scores(assignments_scored, number, year)
        _judgements(assignments, rng, code, report, complete=not partial)
        _session(cycle, region, panel, number, session_day, report)
    # One declared conflict of interest, on a region outside the demo cohort.
    conflict_region = Region.objects.filter(code="33.71").first()
    if conflict_region is not None and panel:
        _put(
            ConflictOfInterest,
            {"assessor": panel[-1], "region": conflict_region},
            {"reason": f"{SYNTHETIC} Pernah menjadi tenaga ahli pemerintah daerah ini"},
            report,
        )
    if ORDER.index(state) >= ORDER.index(CycleState.MODERATION):
        _set(cycle, {"state": CycleState.MODERATION}, report)
        moderation.prepare(cycle)
    if ORDER.index(state) > ORDER.index(CycleState.MODERATION):
        _settle_everything(cycle, admin, report)
    _set(cycle, {"state": state}, report)
    if state in (CycleState.PUBLISHED, CycleState.ARCHIVED) and cycle.published_at is None:
        _set(cycle, {"published_at": datetime(year, 12, 15, 10, tzinfo=WIB)}, report)
    report.regions = len(regions)
    report.states = {
        str(SubmissionState(value).label): n
        for value in SubmissionState.values
        if (n := cycle.submissions.filter(state=value).count())
    }
    return report


# --- Writing only what differs ------------------------------------------------------------------


def _differs(obj: Model, name: str, value) -> bool:
    """Whether ``obj.name`` is not ``value``; a relation is compared by key, without a query."""
    field = obj._meta.get_field(name)
    if field.is_relation and field.many_to_one:
        return getattr(obj, field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def _set(obj: Model, values: dict, report: DemoReport) -> Model:
    """Give ``obj`` these field values, saving (with a history record) only when one differs."""
    changed = [name for name, value in values.items() if _differs(obj, name, value)]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
        report.written += 1
    return obj


def _put(model: type[Model], lookup: dict, values: dict, report: DemoReport) -> Model:
    """The row matching ``lookup``, created or brought to ``values``."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        report.written += 1
        return obj
    return _set(obj, values, report)


# --- The cycle, its regions and their answers ---------------------------------------------------


def _cycle(
    year: int, name: str, instrument: Instrument | None, admin, session_day: date | None
) -> Cycle:
    cycle = Cycle.objects.filter(year=year).first()
    name = name or f"Evaluasi Smart City {year} {SYNTHETIC}"
    if cycle is None:
        if instrument is None:
            cycle = cycles.create_cycle(year, name, by=admin)
        else:
            cycle = Cycle.objects.create(year=year, name=name, instrument=instrument)
    schedule = {
        "name": name,
        "opens_on": date(year, 7, 1),
        "submission_deadline": datetime(year, 8, 31, 23, 59, tzinfo=WIB),
        "review_deadline": datetime(year, 10, 31, 23, 59, tzinfo=WIB),
        "moderation_deadline": datetime(year, 11, 30, 23, 59, tzinfo=WIB),
        "publication_date": date(year, 12, 15),
    }
    _set(cycle, schedule, DemoReport(cycle=cycle))
    return cycle


def _submission(cycle, region, admin, number, wanted_state, operators, report) -> Submission:
    submission = _put(
        Submission, {"cycle": cycle, "region": region}, {"enrolled_by": admin}, report
    )
    operator = operators.get(region.pk)
    values = {"state": wanted_state}
    if wanted_state in (SubmissionState.SUBMITTED, SubmissionState.RETURNED):
        values["submitted_at"] = datetime(cycle.year, 8, 10, 10, tzinfo=WIB) + timedelta(
            days=number % 20, hours=number % 7
        )
        values["submitted_by"] = operator
    if wanted_state == SubmissionState.RETURNED:
        values["returned_at"] = datetime(cycle.year, 9, 20, 14, tzinfo=WIB)
        values["returned_by"] = admin
        values["return_reason"] = (
            f"{SYNTHETIC} Data dukung indikator layanan publik tidak terbaca; unggah ulang "
            "dokumen yang ditandatangani."
        )
    return _set(submission, values, report)


def _answer_value(indicator: Indicator, rng: random.Random, maturity: float) -> Decimal | None:
    """A plausible value for a region of the given maturity (0–5)."""
    quality = max(0.0, min(1.0, (maturity + rng.uniform(-1.2, 1.2)) / 5))
    if indicator.type == IndicatorType.LEVEL:
        return Decimal(round(quality * 5))
    if indicator.type == IndicatorType.YESNO:
        return Decimal(1 if quality > 0.4 else 0)
    if indicator.type == IndicatorType.PERCENT:
        return Decimal(str(round(quality * 100, 1)))
    return _from_quality(indicator, quality)


def _from_quality(indicator: Indicator, quality: float) -> Decimal:
    """A number whose normalised score is ``quality`` (0–1) given the goalposts and direction."""
    low = float(indicator.goal_min if indicator.goal_min is not None else 0)
    high = float(indicator.goal_max if indicator.goal_max is not None else 100)
    share = quality if indicator.direction >= 0 else 1 - quality
    return Decimal(str(round(low + share * (high - low), 2)))


def _quality(indicator: Indicator, value: Decimal) -> float:
    """The inverse of ``_from_quality`` (and of level/5, percent/100, yes/no)."""
    if indicator.type == IndicatorType.LEVEL:
        return float(value) / 5
    if indicator.type == IndicatorType.YESNO:
        return float(value)
    if indicator.type == IndicatorType.PERCENT:
        return float(value) / 100
    low = float(indicator.goal_min if indicator.goal_min is not None else 0)
    high = float(indicator.goal_max if indicator.goal_max is not None else 100)
    share = (float(value) - low) / (high - low) if high != low else 0.0
    return share if indicator.direction >= 0 else 1 - share


def _justification(
    indicator: Indicator, region: Region, value: Decimal | None, na: bool, year: int
) -> str:
    copied = COPIED_JUSTIFICATION.get((region.code, indicator.code)) == JAMBI
    if (region.code == JAMBI or copied) and indicator.code in JAMBI_FACTS:
        return f"{SYNTHETIC} {JAMBI_FACTS[indicator.code][1]}"
    planted = NEAR_COPIED_JUSTIFICATION.get((year, region.code, indicator.code))
    if planted is not None and not na:
        return f"{SYNTHETIC} {planted}"
    if na:
        return (
            f"{SYNTHETIC} Tidak berlaku bagi {region.name}: kewenangan ini tidak ada pada daerah."
        )
    if indicator.type == IndicatorType.LEVEL:
        descriptor = next(
            (d.description for d in indicator.levels.all() if d.level == int(value)), ""
        )
        return f"{SYNTHETIC} {region.name} berada pada tingkat {int(value)}: {descriptor}"
    if indicator.type == IndicatorType.YESNO:
        return (
            f"{SYNTHETIC} Sudah ditetapkan dan berjalan di {region.name}."
            if value
            else f"{SYNTHETIC} Belum ada di {region.name}; direncanakan dalam masterplan."
        )
    unit = "%" if indicator.type == IndicatorType.PERCENT else f" {indicator.unit}".rstrip()
    return (
        f"{SYNTHETIC} Capaian {decimal_comma(value)}{unit} tercatat pada "
        f"{_report_place(region, indicator)} laporan perangkat daerah {region.name} tahun berjalan."
    )


def _report_place(region: Region, indicator: Indicator) -> str:
    """Where in the region's report its figure for ``indicator`` is cited ("tabel 7 halaman 42").

    Fixed per region and indicator by a hash (not the seeded generator, whose draws stay as they
    were), so that two regions with the same figure do not write the same sentence: the filler
    would otherwise show on the integrity page as near-duplicates (identical once the region's
    name is masked) and bury the planted case (``NEAR_COPIED_JUSTIFICATION``)."""
    number = int.from_bytes(hashlib.sha256(f"{region.code}:{indicator.code}".encode()).digest())
    return f"tabel {1 + number % 40} halaman {12 + number // 40 % 180}"


def decimal_comma(value: Decimal) -> str:
    """A number as Indonesian text writes it (``72,5``)."""
    return f"{value.normalize():f}".replace(".", ",")


def _answers(submission, indicators, rng, maturity, report, operator, year) -> dict[int, tuple]:
    """Write the region's answers (in the cycle of ``year``); return indicator id → (value,
    not_applicable)."""
    region = submission.region
    existing = {a.indicator_id: a for a in Answer.objects.filter(submission=submission)}
    answered = (
        indicators[: len(indicators) * 2 // 3]
        if submission.state == SubmissionState.DRAFT
        else indicators
    )
    values, new = {}, []
    for indicator in answered:
        na = indicator.allow_not_applicable and region.is_province and rng.random() < 0.5
        value = None if na else _answer_value(indicator, rng, maturity)
        if region.code == JAMBI and indicator.code in JAMBI_FACTS and not na:
            level = JAMBI_FACTS[indicator.code][0]
            value = Decimal(level) if indicator.type == IndicatorType.LEVEL else value
        values[indicator.pk] = (value, na)
        fields = {
            "value": value,
            "not_applicable": na,
            "justification": _justification(indicator, region, value, na, year),
            "updated_by": operator,
        }
        answer = existing.get(indicator.pk)
        if answer is None:
            new.append(Answer(submission=submission, indicator=indicator, version=1, **fields))
        else:
            _set(answer, fields, report)
    if new:
        bulk_create_with_history(new, Answer, batch_size=500)
        report.written += len(new)
    report.answers += len(answered)
    return values


# --- Evidence: small generated PDFs (kotacerdas.core.pdf) ----------------------------------------


# Kota Jambi's documents with a validity date, by indicator code: years after the cycle's year
# (and month, day). The MPP operating decree of 2022 lapsed in March, before the deadline, so
# assessors see it as expired ("kedaluwarsa sejak 3 Maret 2022").
JAMBI_VALID_UNTIL = {"GOV.SVC.01": (0, 3, 3), "GOV.SVC.03": (2, 12, 31), "ECO.IND.02": (1, 6, 30)}


def _valid_until(region_code: str, indicator_code: str, year: int) -> date | None:
    """The demo validity date of a Kota Jambi document (JAMBI_VALID_UNTIL), else None."""
    if region_code != JAMBI or indicator_code not in JAMBI_VALID_UNTIL:
        return None
    years, month, day = JAMBI_VALID_UNTIL[indicator_code]
    return date(year + years, month, day)


def _evidence(submission, indicators, report, operator) -> None:
    """A PDF for every indicator that requires evidence (and Kota Jambi's quick wins)."""
    region = submission.region
    wanted = [
        i
        for i in indicators
        if i.evidence_required or (region.code == JAMBI and i.code in JAMBI_FACTS)
    ]
    if submission.state == SubmissionState.DRAFT:
        wanted = wanted[: len(wanted) // 2]
    for indicator in wanted:
        copied = COPIED_EVIDENCE.get((region.code, indicator.code))
        source = Region.objects.get(code=copied) if copied else region
        title = (
            JAMBI_FACTS[indicator.code][1]
            if source.code == JAMBI and indicator.code in JAMBI_FACTS
            else indicator.question
        )
        content = minimal_pdf(
            [
                "DATA SINTETIS - dokumen contoh demo Kota Cerdas",
                f"{source.name} ({source.code}) - evaluasi {submission.cycle.year}",
                f"Indikator {indicator.code}",
                title[:90],
            ]
        )
        filename = f"demo-{indicator.code.lower()}.pdf"
        # A copy is stored under its own path, so an older demo's file is never mistaken for it.
        stored = f"demo-{indicator.code.lower()}-salinan.pdf" if copied else filename
        path = f"evidence/{submission.cycle.year}/{region.code}/{stored}"
        if not default_storage.exists(path):
            path = default_storage.save(path, ContentFile(content))
        _put(
            Evidence,
            {"submission": submission, "indicator": indicator, "original_name": filename},
            {
                "kind": EvidenceKindStored.FILE,
                "file": path,
                "content_type": "application/pdf",
                "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
                "description": f"{SYNTHETIC} Dokumen contoh",
                "uploaded_by": operator,
                "valid_until": _valid_until(region.code, indicator.code, submission.cycle.year),
            },
            report,
        )
        report.evidence += 1


# --- Assessors: scores, judgements, sessions ----------------------------------------------------


def _assessor_value(indicator, value, na, rng, shift) -> tuple[Decimal | None, bool]:
    """An assessor's value near the region's own: usually a little lower (self-assessments are
    generous), ``shift`` moves it further on the 0–1 scale."""
    if na:
        return None, True
    if value is None:
        value = _answer_value(indicator, rng, 2.5)
    if indicator.type == IndicatorType.YESNO:
        return (Decimal(1 - int(value)) if abs(shift) >= 0.4 else value), False
    quality = max(0.0, min(1.0, _quality(indicator, value) - rng.choice([0, 0, 0.1, 0.2]) + shift))
    if indicator.type == IndicatorType.LEVEL:
        return Decimal(round(quality * 5)), False
    if indicator.type == IndicatorType.PERCENT:
        return Decimal(str(round(quality * 100, 1))), False
    return _from_quality(indicator, quality), False


def _scores(assignments, indicators, values, rng, partial, report) -> None:
    for position, assignment in enumerate(assignments):
        existing = {s.indicator_id: s for s in Score.objects.filter(assignment=assignment)}
        last = position == len(assignments) - 1
        scored = indicators[: len(indicators) // 2] if partial and last else indicators
        new = []
        for indicator in scored:
            value, na = values.get(indicator.pk, (None, False))
            # The second and later assessors sometimes disagree clearly (two levels or more).
            shift = 0.0
            if position and rng.random() < 0.06:
                shift = 0.45 if rng.random() < 0.5 else -0.45
            elif position:
                shift = rng.choice([-0.1, 0, 0, 0.1])
            score_value, score_na = _assessor_value(indicator, value, na, rng, shift)
            fields = {
                "value": score_value,
                "not_applicable": score_na,
                "note": f"{SYNTHETIC} Sesuai data dukung dan wawancara."
                if rng.random() < 0.2
                else "",
                "evidence_missing": indicator.evidence_required and rng.random() < 0.1,
            }
            score = existing.get(indicator.pk)
            if score is None:
                new.append(Score(assignment=assignment, indicator=indicator, version=1, **fields))
            else:
                _set(score, fields, report)
        if new:
            bulk_create_with_history(new, Score, batch_size=500)
            report.written += len(new)
        report.scores += len(scored)


def _date_scores(assignments, number: int, year: int) -> None:
    """Date the scores as if saved during the review period: the ``number``-th region on the
    second day of September plus two days per region (wrapping within eight weeks), each
    assessor an hour after the previous one. Without it every score would carry the moment of
    the load, and the reliability report could not follow an assessor through the period."""
    day = datetime(year, 9, 2, 9, tzinfo=WIB) + timedelta(days=(2 * number) % 56)
    for position, assignment in enumerate(assignments):
        when = day + timedelta(hours=position)
        Score.objects.filter(assignment=assignment).exclude(updated_at=when).update(updated_at=when)


def _strict_assessor() -> User:
    """The synthetic strict assessor (created once, without a usable password)."""
    username, first, last = STRICT_ASSESSOR
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            role=Role.ASSESSOR,
            first_name=first,
            last_name=last,
            institution=f"{SYNTHETIC} Asesor contoh pemeriksaan integritas",
            email=f"{username}@demo.kotacerdas.local",
        )
        user.set_unusable_password()
        user.save()
    return user


def _strict_scores(assignment, indicators, values, rng, report) -> None:
    """Every indicator scored about two levels below the region's answer (yes/no: no)."""
    existing = {s.indicator_id: s for s in Score.objects.filter(assignment=assignment)}
    new = []
    for indicator in indicators:
        value, na = values.get(indicator.pk, (None, False))
        if indicator.type == IndicatorType.YESNO and not na:
            score_value, score_na = Decimal(0), False
        else:
            score_value, score_na = _assessor_value(indicator, value, na, rng, STRICT_SHIFT)
        fields = {"value": score_value, "not_applicable": score_na}
        score = existing.get(indicator.pk)
        if score is None:
            new.append(Score(assignment=assignment, indicator=indicator, version=1, **fields))
        else:
            _set(score, fields, report)
    if new:
        bulk_create_with_history(new, Score, batch_size=500)
        report.written += len(new)
    report.scores += len(indicators)


def _judgements(assignments, rng, code, report, *, complete: bool) -> None:
    for position, assignment in enumerate(assignments):
        if code == JAMBI:
            texts = {name: list(lines) for name, lines in JAMBI_JUDGEMENT.items()}
            if position:
                texts["weaknesses"].append(WEAKNESSES[1])
        else:
            texts = {
                "weaknesses": rng.sample(WEAKNESSES, 2),
                "strengths": rng.sample(STRENGTHS, 2),
                "recommendations": rng.sample(RECOMMENDATIONS, 2),
            }
        fields = {
            name: "\n".join([f"{SYNTHETIC} {lines[0]}", *lines[1:]])
            for name, lines in texts.items()
        }
        fields["interview_notes"] = (
            f"{SYNTHETIC} Sesi daring 3 Oktober 2022 bersama Sekda, Kepala Diskominfo dan Tim "
            "Pelaksana Smart City; region memaparkan enam quick win 2022."
            if code == JAMBI
            else f"{SYNTHETIC} Wawancara daring bersama Tim Pelaksana Smart City."
        )
        last = position == len(assignments) - 1
        if complete or not last:
            fields["completed_at"] = datetime(assignment.cycle.year, 10, 20, 17, tzinfo=WIB)
        else:
            fields["completed_at"] = None
        _set(assignment, fields, report)


def _session(cycle, region, panel, number, session_day, report) -> None:
    if region.code == JAMBI and cycle.year == JAMBI_SESSION.year:
        starts_at = JAMBI_SESSION
    else:
        day = session_day or date(cycle.year, 9, 26)
        starts_at = datetime.combine(
            day + timedelta(days=number % 14), time(9 + 2 * (number % 3), 0), tzinfo=WIB
        )
    session = _put(
        VirtualSession,
        {"cycle": cycle, "region": region},
        {
            "starts_at": starts_at,
            "duration_minutes": 90,
            "meeting_url": f"https://meet.example.org/kotacerdas-{cycle.year}-"
            f"{region.code.replace('.', '-')}",
            "note": f"{SYNTHETIC} Sesi evaluasi daring.",
        },
        report,
    )
    if set(session.assessors.all()) != set(panel):
        session.assessors.set(panel)


# --- Moderation for cycles beyond review --------------------------------------------------------


def _settle_everything(cycle: Cycle, admin, report: DemoReport) -> None:
    """Settle every queued indicator (the panel's median, or "not applicable") and every
    region's feedback (the union of its assessors' items), as a moderator would."""
    for item in moderation.queue(cycle):
        values = sorted(
            p.score.value for p in item.scores if p.scored and p.score.value is not None
        )
        if item.reason == moderation.QueueReason.NOT_APPLICABLE or not values:
            value, na = None, item.indicator.allow_not_applicable
            if not na:
                value = Decimal(0)
        else:
            value, na = values[len(values) // 2], False
        moderation.settle(
            item.submission,
            item.indicator,
            value=value,
            not_applicable=na,
            reason=f"{SYNTHETIC} Diputuskan setelah membandingkan data dukung dan wawancara.",
            by=admin,
        )
        report.written += 1
    for submission in cycle.submissions.filter(state=SubmissionState.SUBMITTED):
        settled = getattr(submission, "feedback", None)
        if settled is not None and settled.settled_by_id:
            continue
        draft = feedback.draft(submission)
        feedback.settle_feedback(
            submission,
            weaknesses=draft["weaknesses"] or f"{SYNTHETIC} -",
            strengths=draft["strengths"] or f"{SYNTHETIC} -",
            recommendations=draft["recommendations"] or f"{SYNTHETIC} -",
            version=settled.version if settled is not None else 0,
            by=admin,
        )
        report.written += 1


__all__ = [
    "DEMO_REGIONS_2022",
    "STRICT_REGIONS",
    "DemoReport",
    "build_demo_cycle",
    "load",
    "minimal_pdf",
]
