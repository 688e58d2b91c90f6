"""Programmes of a region's masterplan cited as evidence for an answer of its self-assessment.

Citing follows the answers' own rules: only the region's operator (``evaluations.edit_submission``)
and only while the self-assessment may change (``evaluations.services.locks.ensure_editable``,
checked under the submission's row lock). Only the region's own programmes can be cited.
Uncitting removes the link; the history keeps it. Whoever may read the self-assessment
(``evaluations.view_submission``: the operator, admins, the assigned assessors) sees citations.

A programme can be cited for an indicator not answered yet (``cite_for_indicator``): the answers
service creates the empty answer (version 0, see ``answers.ensure_answer``) in the same
transaction. A page shows one box per indicator; ``boxes`` reads every box of a page in a
fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kotacerdas.core.errors import ServiceError
from kotacerdas.evaluations.models import Answer, Submission
from kotacerdas.evaluations.services.answers import ensure_answer
from kotacerdas.evaluations.services.locks import hold_editable, lock_reason
from kotacerdas.instruments.models import Indicator

from ..models import Programme, ProgrammeCitation

CITABLE_ORDER = ("-masterplan__start_year", "dimension", "code")


class CitationRefused(ServiceError):
    """A programme that cannot be cited for this answer (another region's, already cited)."""


def can_edit_submission(submission: Submission, user) -> bool:
    """Whether ``user`` may cite or uncite programmes for the answers of ``submission`` now."""
    return user.has_perm("evaluations.edit_submission", submission) and not lock_reason(submission)


def can_edit(answer: Answer, user) -> bool:
    """Whether ``user`` may cite or uncite programmes for ``answer`` now."""
    return can_edit_submission(answer.submission, user)


def cited(answer: Answer) -> QuerySet[ProgrammeCitation]:
    return answer.programme_citations.select_related("programme__masterplan").order_by(
        "programme__code"
    )


def citable(answer: Answer) -> QuerySet[Programme]:
    """The region's programmes not yet cited for ``answer``, dimension of the indicator first."""
    region_id = answer.submission.region_id
    return (
        Programme.objects.filter(masterplan__region_id=region_id)
        .exclude(citations__answer=answer)
        .select_related("masterplan")
        .order_by(*CITABLE_ORDER)
    )


@dataclass
class CitationBox:
    """The cited-programmes box of one indicator of a self-assessment, as one user sees it:
    the programmes cited for its answer (none while there is no answer) and, for the region's
    operator while the self-assessment may change, the region's programmes still citable."""

    submission: Submission
    indicator: Indicator
    answer: Answer | None
    cited: list[ProgrammeCitation] = field(default_factory=list)
    citable: list[Programme] = field(default_factory=list)
    can_edit: bool = False
    error: str = ""


def boxes(
    submission: Submission, rows: Iterable[tuple[Indicator, Answer | None]], user
) -> dict[int, CitationBox]:
    """The box of each ``(indicator, answer or None)`` of ``submission`` for ``user``, by
    indicator id. Two queries however many rows (the citations of the rows' answers; the
    region's programmes, only when the user may cite), so a page never grows by a query per
    indicator."""
    rows = list(rows)
    editable = can_edit_submission(submission, user)
    answer_ids = [answer.pk for _indicator, answer in rows if answer is not None]
    cited: dict[int, list[ProgrammeCitation]] = defaultdict(list)
    if answer_ids:
        for citation in (
            ProgrammeCitation.objects.filter(answer_id__in=answer_ids)
            .select_related("programme__masterplan")
            .order_by("programme__code")
        ):
            cited[citation.answer_id].append(citation)
    programmes: list[Programme] = []
    if editable:
        programmes = list(
            Programme.objects.filter(masterplan__region_id=submission.region_id)
            .select_related("masterplan")
            .order_by(*CITABLE_ORDER)
        )
    result = {}
    for indicator, answer in rows:
        own = cited.get(answer.pk, []) if answer is not None else []
        taken = {citation.programme_id for citation in own}
        result[indicator.pk] = CitationBox(
            submission=submission,
            indicator=indicator,
            answer=answer,
            cited=own,
            citable=[programme for programme in programmes if programme.pk not in taken],
            can_edit=editable,
        )
    return result


def box(submission: Submission, indicator: Indicator, user) -> CitationBox:
    """The box of one indicator (its answer looked up), for the box's own htmx refresh."""
    answer = Answer.objects.filter(submission=submission, indicator=indicator).first()
    return boxes(submission, [(indicator, answer)], user)[indicator.pk]


def _lock(answer: Answer, by) -> Submission:
    if not by.has_perm("evaluations.edit_submission", answer):
        raise PermissionDenied(_("Anda tidak dapat mengubah penilaian mandiri daerah ini."))
    return hold_editable(answer.submission)


@transaction.atomic
def cite(answer: Answer, programme: Programme, *, by) -> ProgrammeCitation:
    """Cite ``programme`` for ``answer``. Guarantees: the permission and the lock as above; the
    programme belongs to the answer's region; cited at most once (CitationRefused otherwise)."""
    submission = _lock(answer, by)
    if programme.masterplan.region_id != submission.region_id:
        raise CitationRefused(_("Hanya program masterplan daerah sendiri yang dapat dikutip."))
    if ProgrammeCitation.objects.filter(answer=answer, programme=programme).exists():
        raise CitationRefused(
            _("Program %(code)s sudah dikutip untuk jawaban ini.") % {"code": programme.code}
        )
    citation = ProgrammeCitation(answer=answer, programme=programme, cited_by=by)
    citation._history_user = by
    citation.save()
    return citation


@transaction.atomic
def uncite(answer: Answer, programme: Programme, *, by) -> None:
    """Remove the citation of ``programme`` for ``answer`` (permission and lock as ``cite``);
    the history keeps who removed it and when. Nothing happens when it was not cited."""
    _lock(answer, by)
    for citation in ProgrammeCitation.objects.filter(answer=answer, programme=programme):
        citation._history_user = by
        citation.delete()


@transaction.atomic
def cite_for_indicator(
    submission: Submission, indicator: Indicator, programme: Programme, *, by
) -> ProgrammeCitation:
    """Cite ``programme`` for the region's answer to ``indicator``, creating the empty answer
    first when the indicator is not answered yet (``answers.ensure_answer``: version 0, nothing
    answered). Guarantees as ``cite``; a refusal writes nothing, not even the empty answer."""
    answer = ensure_answer(submission, indicator, by=by)
    return cite(answer, programme, by=by)
