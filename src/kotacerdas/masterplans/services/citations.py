"""Programmes of a region's masterplan cited as evidence for an answer of its self-assessment.

Citing follows the answers' own rules: only the region's operator (``evaluations.edit_submission``)
and only while the self-assessment may change (``evaluations.services.locks.ensure_editable``,
checked under the submission's row lock). Only the region's own programmes can be cited.
Uncitting removes the link; the history keeps it. Whoever may read the self-assessment
(``evaluations.view_submission``: the operator, admins, the assigned assessors) sees citations.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kotacerdas.core.errors import ServiceError
from kotacerdas.evaluations.models import Answer, Submission
from kotacerdas.evaluations.services.locks import ensure_editable, lock_reason

from ..models import Programme, ProgrammeCitation


class CitationRefused(ServiceError):
    """A programme that cannot be cited for this answer (another region's, already cited)."""


def can_edit(answer: Answer, user) -> bool:
    """Whether ``user`` may cite or uncite programmes for ``answer`` now."""
    return user.has_perm("evaluations.edit_submission", answer) and not lock_reason(
        answer.submission
    )


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
        .order_by("-masterplan__start_year", "dimension", "code")
    )


def _lock(answer: Answer, by) -> Submission:
    if not by.has_perm("evaluations.edit_submission", answer):
        raise PermissionDenied(_("Anda tidak dapat mengubah penilaian mandiri daerah ini."))
    submission = (
        Submission.objects.select_for_update().select_related("cycle").get(pk=answer.submission_id)
    )
    ensure_editable(submission)
    return submission


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
