"""Demo masterplans: Kota Jambi's, on its real legal basis and quick wins, and synthetic ones
(clearly labelled) for twenty other regions.

Real facts (../shared/docs/product.md "Demo data", domain.md §1.4): Perda Kota Jambi No. 1 Tahun
2019 tentang Penyelenggaraan Smart City; roadmap 2018–2022; programmes grouped as regulation,
infrastructure, applications, ICT human resources and cooperation; 2022 quick wins MPP (Smart
Governance), Wisata Danau Sipin (Smart Branding), perpustakaan komunitas (Smart Society), Pakar
Kasih (Smart Economy), Kampung Bantar (Smart Living), methane at TPA Talang Gulo (Smart
Environment); 2020 quick wins SIPATEN and SIPADEK. Everything else (budgets, KPIs, agencies,
descriptions, the other programmes, and every other region's masterplan) is synthetic and says so.
The other regions are those the evaluation demo enrols in its 2022 cycle.

Idempotent: rows are found by their natural keys and only created when missing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from kotacerdas.core.taxonomy import ELEMENT_BY_CODE
from kotacerdas.evaluations.demo import DEMO_REGIONS_2022
from kotacerdas.regions.models import Region, RegionKind

from .choices import LegalBasisKind, MasterplanStatus, ProgrammeStatus
from .models import Budget, Kpi, KpiValue, Masterplan, Programme, QuickWin

SYNTHETIC = "Data sintetis untuk demo, bukan data resmi daerah."
JAMBI_NOTE = (
    "Dasar hukum, periode dan quick win sesuai sumber publik; anggaran, IKU, OPD dan uraian "
    "adalah data sintetis untuk demo."
)
MILLION = 1_000_000

# The regions the evaluation demo enrols in the 2022 cycle beside Kota Jambi (provinces,
# kabupaten and kota across the archipelago), so both demos speak of the same regions.
OTHER_REGIONS = tuple(code for code in DEMO_REGIONS_2022 if code != "15.71")


@dataclass(frozen=True)
class Plan:
    """One demo programme: budgets {year: (planned, realised)} in millions of rupiah and KPIs
    (code, name, unit, direction, {year: (target, realisation)})."""

    code: str
    name: str
    element: str
    kind: str
    agency: str
    start: int
    end: int
    status: str
    description: str = ""
    quick_wins: tuple[int, ...] = ()
    budgets: dict[int, tuple[int, int]] = field(default_factory=dict)
    kpis: tuple[tuple, ...] = ()
    published: bool = True


JAMBI_PROGRAMMES = (
    Plan(
        "GOV-REG-01",
        "Perda Penyelenggaraan Smart City",
        "GOV.POL",
        "regulation",
        "Bagian Hukum Setda",
        2018,
        2019,
        ProgrammeStatus.DONE,
        "Perda Kota Jambi No. 1 Tahun 2019 tentang Penyelenggaraan Smart City.",
        budgets={2018: (150, 140), 2019: (200, 195)},
    ),
    Plan(
        "GOV-REG-02",
        "Peraturan Wali Kota Satu Data Kota Jambi",
        "GOV.POL",
        "regulation",
        "Diskominfo",
        2020,
        2021,
        ProgrammeStatus.DONE,
        budgets={2020: (120, 110), 2021: (80, 80)},
    ),
    Plan(
        "GOV-INF-01",
        "Mal Pelayanan Publik (MPP)",
        "GOV.SVC",
        "infrastructure",
        "DPMPTSP",
        2020,
        2022,
        ProgrammeStatus.DONE,
        "Satu gedung untuk layanan perizinan dan administrasi lintas instansi.",
        quick_wins=(2022,),
        budgets={2020: (2_500, 2_300), 2021: (4_000, 3_900), 2022: (1_500, 1_650)},
        kpis=(
            (
                "MPP-LAYANAN",
                "Jenis layanan di MPP",
                "layanan",
                "up",
                {2021: (150, 160), 2022: (250, 262)},
            ),
        ),
    ),
    Plan(
        "GOV-INF-02",
        "Jambi City Operation Centre (JCOC)",
        "GOV.BUR",
        "infrastructure",
        "Diskominfo",
        2019,
        2022,
        ProgrammeStatus.IN_PROGRESS,
        "Pusat kendali kota: CCTV, dasbor layanan, pengaduan warga.",
        budgets={
            2019: (3_000, 2_700),
            2020: (1_500, 1_100),
            2021: (1_200, 1_150),
            2022: (1_000, 700),
        },
        kpis=(
            (
                "JCOC-CCTV",
                "Titik CCTV terhubung",
                "titik",
                "up",
                {2020: (100, 84), 2021: (150, 152), 2022: (200, 171)},
            ),
        ),
    ),
    Plan(
        "GOV-APP-01",
        "SIPATEN",
        "GOV.SVC",
        "application",
        "Bagian Tata Pemerintahan",
        2019,
        2020,
        ProgrammeStatus.DONE,
        "Aplikasi layanan administrasi terpadu kecamatan (quick win 2020).",
        quick_wins=(2020,),
        budgets={2019: (350, 340), 2020: (250, 240)},
        kpis=(
            (
                "SIPATEN-PENGGUNA",
                "Permohonan diproses daring",
                "permohonan",
                "up",
                {2020: (5_000, 6_200), 2021: (8_000, 9_100)},
            ),
        ),
    ),
    Plan(
        "GOV-APP-02",
        "SIPADEK",
        "GOV.SVC",
        "application",
        "Diskominfo",
        2019,
        2020,
        ProgrammeStatus.DONE,
        "Aplikasi layanan (quick win 2020).",
        quick_wins=(2020,),
        budgets={2019: (300, 280), 2020: (200, 200)},
    ),
    Plan(
        "BRA-COO-01",
        "Wisata Danau Sipin",
        "BRA.TOU",
        "cooperation",
        "Dinas Pariwisata",
        2021,
        2022,
        ProgrammeStatus.DONE,
        "Penataan dan promosi kawasan wisata Danau Sipin bersama komunitas dan pelaku usaha.",
        quick_wins=(2022,),
        budgets={2021: (1_800, 1_700), 2022: (900, 870)},
        kpis=(
            (
                "SIPIN-KUNJUNGAN",
                "Kunjungan wisatawan",
                "orang",
                "up",
                {2021: (40_000, 35_500), 2022: (60_000, 64_300)},
            ),
        ),
    ),
    Plan(
        "ECO-APP-01",
        "Pakar Kasih",
        "ECO.WEL",
        "application",
        "Dinas Koperasi dan UKM",
        2021,
        2022,
        ProgrammeStatus.DONE,
        "Program pemberdayaan ekonomi warga (quick win 2022).",
        quick_wins=(2022,),
        budgets={2021: (600, 560), 2022: (750, 720)},
        kpis=(
            ("PAKAR-UMKM", "UMKM terdampingi", "UMKM", "up", {2021: (200, 214), 2022: (400, 371)}),
        ),
    ),
    Plan(
        "LIV-COO-01",
        "Kampung Bantar",
        "LIV.HAR",
        "cooperation",
        "Bappeda",
        2021,
        2022,
        ProgrammeStatus.DONE,
        "Penataan kampung bersama warga (quick win 2022).",
        quick_wins=(2022,),
        budgets={2021: (700, 690), 2022: (500, 480)},
    ),
    Plan(
        "LIV-APP-01",
        "Aplikasi informasi angkutan kota",
        "LIV.MOB",
        "application",
        "Dinas Perhubungan",
        2020,
        2022,
        ProgrammeStatus.STALLED,
        budgets={2020: (400, 150), 2021: (300, 0)},
        published=False,
    ),
    Plan(
        "SOC-COO-01",
        "Perpustakaan komunitas",
        "SOC.LEA",
        "cooperation",
        "Dinas Perpustakaan dan Kearsipan",
        2021,
        2022,
        ProgrammeStatus.DONE,
        "Perpustakaan yang dikelola komunitas di kelurahan (quick win 2022).",
        quick_wins=(2022,),
        budgets={2021: (450, 430), 2022: (350, 350)},
        kpis=(
            (
                "PERPUS-TITIK",
                "Perpustakaan komunitas aktif",
                "titik",
                "up",
                {2021: (10, 12), 2022: (20, 18)},
            ),
        ),
    ),
    Plan(
        "SOC-SDM-01",
        "Pelatihan literasi digital ASN dan warga",
        "SOC.LEA",
        "ict_hr",
        "Diskominfo",
        2019,
        2022,
        ProgrammeStatus.IN_PROGRESS,
        budgets={2019: (150, 140), 2020: (100, 60), 2021: (150, 150), 2022: (200, 180)},
        kpis=(
            (
                "LITERASI-PESERTA",
                "Peserta pelatihan",
                "orang",
                "up",
                {2019: (300, 320), 2020: (300, 210), 2021: (500, 540), 2022: (600, 610)},
            ),
        ),
    ),
    Plan(
        "GOV-SDM-01",
        "Sertifikasi SDM TIK Diskominfo",
        "GOV.BUR",
        "ict_hr",
        "Diskominfo",
        2020,
        2022,
        ProgrammeStatus.IN_PROGRESS,
        budgets={2020: (120, 100), 2022: (150, 90)},
    ),
    Plan(
        "ENV-INF-01",
        "Pemanfaatan gas metana TPA Talang Gulo",
        "ENV.WAS",
        "infrastructure",
        "Dinas Lingkungan Hidup",
        2020,
        2022,
        ProgrammeStatus.DONE,
        "Gas metana dari TPA Talang Gulo disalurkan ke rumah warga sekitar (quick win 2022).",
        quick_wins=(2022,),
        budgets={2020: (800, 760), 2021: (1_200, 1_180), 2022: (600, 590)},
        kpis=(
            (
                "METANA-RUMAH",
                "Rumah tangga penerima gas metana",
                "KK",
                "up",
                {2021: (100, 120), 2022: (200, 236)},
            ),
            (
                "TPA-TON",
                "Sampah ke TPA per hari",
                "ton",
                "down",
                {2020: (400, 410), 2021: (380, 372), 2022: (360, 355)},
            ),
        ),
    ),
    Plan(
        "ENV-COO-01",
        "Kerja sama bank sampah dengan perguruan tinggi",
        "ENV.PRO",
        "cooperation",
        "Dinas Lingkungan Hidup",
        2022,
        2022,
        ProgrammeStatus.PLANNED,
        budgets={2022: (250, 0)},
    ),
)

# Templates of synthetic programmes: (name, element, kind, agency).
SYNTHETIC_PROGRAMMES = (
    ("Mal Pelayanan Publik", "GOV.SVC", "infrastructure", "DPMPTSP"),
    ("Aplikasi pengaduan warga terpadu", "GOV.SVC", "application", "Diskominfo"),
    ("Peraturan kepala daerah tentang Satu Data", "GOV.POL", "regulation", "Bagian Hukum Setda"),
    ("Command center kota", "GOV.BUR", "infrastructure", "Diskominfo"),
    ("Sertifikasi SDM TIK aparatur", "GOV.BUR", "ict_hr", "BKPSDM"),
    ("Portal promosi pariwisata", "BRA.TOU", "application", "Dinas Pariwisata"),
    ("Festival budaya bersama komunitas", "BRA.TOU", "cooperation", "Dinas Pariwisata"),
    ("Katalog produk unggulan daerah", "BRA.BUS", "application", "Dinas Perindustrian"),
    ("Penataan wajah koridor kota", "BRA.APP", "infrastructure", "Dinas PUPR"),
    ("QRIS di pasar tradisional", "ECO.TRX", "cooperation", "Dinas Perdagangan"),
    ("Pelatihan UMKM go digital", "ECO.WEL", "ict_hr", "Dinas Koperasi dan UKM"),
    ("Kawasan industri kreatif", "ECO.IND", "infrastructure", "Dinas Perindustrian"),
    ("Telemedisin puskesmas", "LIV.HEA", "application", "Dinas Kesehatan"),
    ("Sistem parkir elektronik", "LIV.MOB", "infrastructure", "Dinas Perhubungan"),
    ("Peraturan rencana tata ruang digital", "LIV.HAR", "regulation", "Dinas PUPR"),
    ("Perpustakaan digital", "SOC.LEA", "application", "Dinas Perpustakaan"),
    ("Literasi digital pelajar", "SOC.LEA", "ict_hr", "Dinas Pendidikan"),
    ("CCTV dan panggilan darurat 112", "SOC.SEC", "infrastructure", "Satpol PP"),
    ("Forum komunitas warga daring", "SOC.COM", "cooperation", "Diskominfo"),
    ("Bank sampah digital", "ENV.WAS", "application", "Dinas Lingkungan Hidup"),
    ("Penerangan jalan tenaga surya", "ENV.ENE", "infrastructure", "Dinas Perhubungan"),
    ("Pemantauan kualitas udara", "ENV.PRO", "infrastructure", "Dinas Lingkungan Hidup"),
    ("Kerja sama pengelolaan sampah regional", "ENV.WAS", "cooperation", "Dinas Lingkungan Hidup"),
    ("Peraturan pengurangan sampah plastik", "ENV.PRO", "regulation", "Bagian Hukum Setda"),
)


def _legal_kind(region: Region) -> str:
    if region.kind == RegionKind.PROVINSI:
        return LegalBasisKind.PERGUB
    if region.kind == RegionKind.KABUPATEN:
        return LegalBasisKind.PERBUP
    return LegalBasisKind.PERWAL


def _status(rng: random.Random, end: int, current: int) -> str:
    if end < current:
        return rng.choices(
            [ProgrammeStatus.DONE, ProgrammeStatus.STALLED, ProgrammeStatus.CANCELLED], [8, 1, 1]
        )[0]
    return rng.choices(
        [
            ProgrammeStatus.IN_PROGRESS,
            ProgrammeStatus.PLANNED,
            ProgrammeStatus.DONE,
            ProgrammeStatus.STALLED,
        ],
        [5, 2, 2, 1],
    )[0]


def synthetic_plans(region: Region, start: int, end: int) -> list[Plan]:
    """A plausible, reproducible set of programmes for ``region`` (seeded by its code)."""
    rng = random.Random(f"kotacerdas-masterplan-{region.code}")
    count = rng.randint(10, 16)
    plans = []
    for number, (name, element, kind, agency) in enumerate(
        rng.sample(SYNTHETIC_PROGRAMMES, count), 1
    ):
        first = rng.randint(start, end - 1)
        last = min(end, first + rng.randint(0, 3))
        status = _status(rng, last, end)
        budgets = {}
        for year in range(first, last + 1):
            planned = rng.randrange(100, 3_000, 10)
            share = rng.uniform(0.55, 1.08) if status != ProgrammeStatus.PLANNED else 0
            budgets[year] = (planned, int(planned * share))
        quick_wins = (first,) if rng.random() < 0.3 else ()
        target = rng.choice((10, 50, 100, 500, 1_000))
        kpi_values = {
            year: (
                target * (year - first + 1),
                int(target * (year - first + 1) * rng.uniform(0.7, 1.2)),
            )
            for year in range(first, last + 1)
        }
        dimension = element.split(".")[0]
        plans.append(
            Plan(
                f"{dimension}-{number:02d}",
                name,
                element,
                kind,
                agency,
                first,
                last,
                status,
                SYNTHETIC,
                quick_wins,
                budgets,
                (
                    (
                        "IKU-1",
                        f"Capaian {ELEMENT_BY_CODE[element].name_id.lower()}",
                        "unit",
                        "up",
                        kpi_values,
                    ),
                ),
                published=rng.random() < 0.85,
            )
        )
    return plans


def _ensure_programme(masterplan: Masterplan, plan: Plan) -> None:
    programme, created = Programme.objects.get_or_create(
        masterplan=masterplan,
        code=plan.code,
        defaults={
            "name": plan.name,
            "description": plan.description,
            "dimension": plan.element.split(".")[0],
            "element": plan.element,
            "kind": plan.kind,
            "agency": plan.agency,
            "start_year": plan.start,
            "end_year": plan.end,
            "status": plan.status,
            "published": plan.published,
        },
    )
    if not created:
        return
    for year, (planned, realised) in plan.budgets.items():
        Budget.objects.create(
            programme=programme, year=year, planned=planned * MILLION, realised=realised * MILLION
        )
    for year in plan.quick_wins:
        QuickWin.objects.create(programme=programme, year=year)
    for code, name, unit, direction, values in plan.kpis:
        kpi = Kpi.objects.create(
            programme=programme, code=code, name=name, unit=unit, direction=direction
        )
        for year, (target, realisation) in values.items():
            if masterplan.start_year <= year <= masterplan.end_year:
                KpiValue.objects.create(
                    kpi=kpi, year=year, target=Decimal(target), realisation=Decimal(realisation)
                )


def _ensure_masterplan(region: Region, start: int, end: int, **fields) -> Masterplan:
    masterplan, _created = Masterplan.objects.get_or_create(
        region=region, start_year=start, defaults={"end_year": end, **fields}
    )
    return masterplan


@transaction.atomic
def load() -> list[str]:
    """Create the demo masterplans that are missing; return a line per region for printing."""
    jambi = Region.objects.get(code="15.71")
    masterplan = _ensure_masterplan(
        jambi,
        2018,
        2022,
        title="Masterplan Smart City Kota Jambi 2018–2022",
        status=MasterplanStatus.ENDED,
        legal_basis_kind=LegalBasisKind.PERDA,
        legal_basis_number="1",
        legal_basis_year=2019,
        legal_basis_title="Penyelenggaraan Smart City",
        summary=(
            "Peta jalan smart city Kota Jambi sejak 2018, dengan pengembangan regulasi, "
            "infrastruktur, aplikasi, SDM TIK dan kerja sama antarlembaga. " + JAMBI_NOTE
        ),
        internal_notes=JAMBI_NOTE,
    )
    for plan in JAMBI_PROGRAMMES:
        _ensure_programme(masterplan, plan)
    lines = [f"Kota Jambi: {masterplan.programmes.count()} programmes (2018–2022)"]
    for code in OTHER_REGIONS:
        region = Region.objects.get(code=code)
        start = random.Random(f"kotacerdas-period-{code}").choice((2018, 2019, 2020))
        end = start + 4
        masterplan = _ensure_masterplan(
            region,
            start,
            end,
            title=f"Masterplan Smart City {region.name} {start}–{end} (sintetis)",
            status=MasterplanStatus.ADOPTED,
            legal_basis_kind=_legal_kind(region),
            legal_basis_number=str(random.Random(code).randint(5, 60)),
            legal_basis_year=start,
            legal_basis_title="Masterplan Smart City (sintetis)",
            summary=SYNTHETIC,
            internal_notes=SYNTHETIC,
        )
        for plan in synthetic_plans(region, start, end):
            _ensure_programme(masterplan, plan)
    lines.append(f"{len(OTHER_REGIONS)} other regions: synthetic masterplans (labelled)")
    return lines
