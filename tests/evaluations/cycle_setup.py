"""Builders for the operator and cycle side tests: an open cycle, complete answers."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from kotacerdas.evaluations.models import (
    Answer,
    Cycle,
    CycleState,
    Evidence,
    EvidenceKindStored,
    Submission,
)
from kotacerdas.instruments.models import IndicatorType
from tests import samples
from tests.factories import enrol, make_cycle

VALUES = {
    IndicatorType.LEVEL: Decimal(3),
    IndicatorType.YESNO: Decimal(1),
    IndicatorType.PERCENT: Decimal("72.5"),
    IndicatorType.NUMBER: Decimal(180),
}


def open_cycle(*regions, year: int = 2022, deadline: timedelta = timedelta(days=7)) -> Cycle:
    """A cycle in state open (instrument frozen) with the regions enrolled and a deadline."""
    cycle = make_cycle(year, state=CycleState.OPEN)
    cycle.submission_deadline = timezone.now() + deadline
    cycle.save()
    cycle.instrument.frozen_at = timezone.now()
    cycle.instrument.save()
    enrol(cycle, *regions)
    return cycle


def submission_of(cycle: Cycle, region) -> Submission:
    return Submission.objects.select_related("cycle", "region").get(cycle=cycle, region=region)


def answer_everything(submission: Submission, by=None) -> None:
    """A valid answer to every indicator and a PDF for every required evidence (models only)."""
    for indicator in submission.cycle.instrument.indicators.all():
        Answer.objects.create(
            submission=submission,
            indicator=indicator,
            value=VALUES[indicator.type],
            justification=f"Jawaban sintetis {indicator.code}",
            updated_by=by,
        )
        if indicator.evidence_required:
            add_pdf(submission, indicator, by)


def add_pdf(submission: Submission, indicator, by=None, name: str = "laporan.pdf") -> Evidence:
    evidence = Evidence(
        submission=submission,
        indicator=indicator,
        kind=EvidenceKindStored.FILE,
        original_name=name,
        content_type="application/pdf",
        size=len(samples.pdf_bytes()),
        uploaded_by=by,
    )
    evidence.file.save(f"abc-{name}", ContentFile(samples.pdf_bytes()), save=False)
    evidence.save()
    return evidence
