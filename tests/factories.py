"""Small builders for tests: an instrument, a cycle, enrolment and assignment.

They write through the models directly (not the services), so tests of a service can set up the
state before it without depending on the service under test.
"""

from decimal import Decimal

from kotacerdas.core.taxonomy import Aspect
from kotacerdas.evaluations.models import Assignment, Cycle, CycleState, Submission
from kotacerdas.instruments.models import (
    AspectWeight,
    Dimension,
    Element,
    Indicator,
    IndicatorType,
    Instrument,
    LevelDescriptor,
)

LEVEL_TEXT = [
    "Belum ada",
    "Dirintis, ad hoc",
    "Direncanakan dan terdokumentasi",
    "Diterapkan di seluruh organisasi, terstandar",
    "Terintegrasi lintas perangkat daerah dan terukur",
    "Dioptimalkan, terus ditingkatkan dan direplikasi",
]


def make_instrument(code: str = "test-2022") -> Instrument:
    """Two dimensions (GOV, ENV), one element each, and four indicators of every type:

    - GOV.SVC.01 level (Output), evidence document required
    - GOV.SVC.02 yes/no (Outcome), may be not applicable
    - ENV.WAS.01 percent (Impact)
    - ENV.WAS.02 number, tonnes, lower is better, goalposts 0–1000 (Quick Win)
    """
    instrument = Instrument.objects.create(code=code, name=f"Instrumen uji {code}")
    for aspect, weight in [
        (Aspect.BASELINE, 10),
        (Aspect.OUTPUT, 20),
        (Aspect.OUTCOME, 30),
        (Aspect.IMPACT, 30),
        (Aspect.QUICK_WIN, 10),
    ]:
        AspectWeight.objects.create(instrument=instrument, aspect=aspect, weight=weight)
    gov = Dimension.objects.create(
        instrument=instrument, code="GOV", name="Smart Governance", order=1
    )
    env = Dimension.objects.create(
        instrument=instrument, code="ENV", name="Smart Environment", order=2
    )
    svc = Element.objects.create(dimension=gov, code="GOV.SVC", name="Layanan Publik", order=1)
    was = Element.objects.create(dimension=env, code="ENV.WAS", name="Sampah dan Limbah", order=1)
    level = Indicator.objects.create(
        instrument=instrument,
        element=svc,
        code="GOV.SVC.01",
        order=1,
        question="Sejauh mana Mal Pelayanan Publik melayani warga?",
        question_en="How far does the public service mall serve citizens?",
        type=IndicatorType.LEVEL,
        aspect=Aspect.OUTPUT,
        evidence_kinds=["document"],
        evidence_required=True,
    )
    for number, text in enumerate(LEVEL_TEXT):
        LevelDescriptor.objects.create(indicator=level, level=number, description=text)
    Indicator.objects.create(
        instrument=instrument,
        element=svc,
        code="GOV.SVC.02",
        order=2,
        question="Apakah ada Perda penyelenggaraan smart city?",
        type=IndicatorType.YESNO,
        aspect=Aspect.OUTCOME,
        allow_not_applicable=True,
    )
    Indicator.objects.create(
        instrument=instrument,
        element=was,
        code="ENV.WAS.01",
        order=1,
        question="Persentase sampah yang terkelola",
        type=IndicatorType.PERCENT,
        aspect=Aspect.IMPACT,
        unit="%",
    )
    Indicator.objects.create(
        instrument=instrument,
        element=was,
        code="ENV.WAS.02",
        order=2,
        question="Sampah yang dibuang ke TPA per hari",
        type=IndicatorType.NUMBER,
        aspect=Aspect.QUICK_WIN,
        unit="ton",
        direction=-1,
        goal_min=Decimal(0),
        goal_max=Decimal(1000),
    )
    return instrument


def make_cycle(year: int = 2022, state: str = CycleState.DRAFT, instrument=None) -> Cycle:
    instrument = instrument or make_instrument(f"test-{year}")
    return Cycle.objects.create(
        year=year, name=f"Evaluasi Smart City {year}", instrument=instrument, state=state
    )


def enrol(cycle: Cycle, *regions) -> list[Submission]:
    return [Submission.objects.create(cycle=cycle, region=region) for region in regions]


def assign(cycle: Cycle, region, *assessors) -> list[Assignment]:
    return [
        Assignment.objects.create(cycle=cycle, region=region, assessor=assessor)
        for assessor in assessors
    ]
