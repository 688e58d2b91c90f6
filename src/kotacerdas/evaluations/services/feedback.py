"""The region's settled feedback: weaknesses, strengths and recommendations (kelemahan, kekuatan,
rekomendasi), one item per line.

Each assessor writes their own lists on the Assignment; in moderation the moderator starts from
the union of the assessors' items, edits, and saves the region's Feedback, which is published
with the results.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from kotacerdas.core.errors import ServiceError, StaleVersion
from kotacerdas.core.moments import wib

from ..models import Assignment, Feedback, Submission, SubmissionState
from .moderation import lock_cycle_for_moderation
from .scoring import items

FIELDS = ("weaknesses", "strengths", "recommendations")
MAX_TEXT = 20_000


def union(texts: list[str]) -> str:
    """The items of several one-item-per-line texts, each once (ignoring case and spacing), in
    the order they first appear."""
    seen, merged = set(), []
    for text in texts:
        for item in items(text):
            key = " ".join(item.lower().split())
            if key not in seen:
                seen.add(key)
                merged.append(item)
    return "\n".join(merged)


def draft(submission: Submission) -> dict[str, str]:
    """The texts to start the feedback editor with: the settled feedback when there is one,
    else the union of the region's assessors' items (assessors in username order)."""
    feedback = Feedback.objects.filter(submission=submission).first()
    if feedback is not None and feedback.settled_by_id:
        return {name: getattr(feedback, name) for name in FIELDS}
    panel = Assignment.objects.filter(
        cycle_id=submission.cycle_id, region_id=submission.region_id
    ).order_by("assessor__username")
    return {name: union([getattr(a, name) for a in panel]) for name in FIELDS}


def settle_feedback(
    submission: Submission,
    *,
    weaknesses: str,
    strengths: str,
    recommendations: str,
    version: int,
    by,
) -> Feedback:
    """Save the region's settled feedback and return it.

    Guarantees: only an admin (else PermissionDenied); the cycle is in moderation (else Locked);
    the self-assessment was submitted; each of the three lists has at least one item and at most
    20,000 characters (else ServiceError naming the list); ``version`` is the stored feedback's
    version (0 when there is none), else StaleVersion naming who settled the newer one and when,
    and nothing is written. Items are stored one per line, bullets and blank lines removed; each
    save gets ``version + 1`` and a history record naming ``by``.
    """
    if not by.has_perm("evaluations.moderate", submission):
        raise PermissionDenied(_("Hanya admin yang dapat menetapkan umpan balik."))
    texts = {
        "weaknesses": weaknesses,
        "strengths": strengths,
        "recommendations": recommendations,
    }
    problems = []
    for name, text in texts.items():
        label = Feedback._meta.get_field(name).verbose_name
        texts[name] = "\n".join(items(text))
        if not texts[name]:
            problems.append(_("%(field)s belum berisi satu butir pun.") % {"field": label})
        elif len(texts[name]) > MAX_TEXT:
            problems.append(
                _("%(field)s paling panjang %(max)d karakter.") % {"field": label, "max": MAX_TEXT}
            )
    if problems:
        raise ServiceError(_("Umpan balik belum dapat disimpan."), details=problems)
    with transaction.atomic():
        lock_cycle_for_moderation(submission.cycle_id)
        if not Submission.objects.filter(
            pk=submission.pk, state=SubmissionState.SUBMITTED
        ).exists():
            raise ServiceError(
                _("Penilaian mandiri %(region)s tidak dikirim; tidak ada umpan balik untuknya.")
                % {"region": submission.region.name}
            )
        feedback = Feedback.objects.select_for_update().filter(submission=submission).first()
        if version != (feedback.version if feedback else 0):
            raise stale_feedback(feedback, submission)
        feedback = feedback or Feedback(submission=submission, version=0)
        for name, text in texts.items():
            setattr(feedback, name, text)
        feedback.version += 1
        feedback.settled_by = by
        feedback._history_user = by
        feedback.save()
    return feedback


def stale_feedback(feedback: Feedback | None, submission: Submission) -> StaleVersion:
    """The refusal of feedback saved over a newer version, naming who settled it and when."""
    if feedback is None:  # a client that claims a version of feedback that does not exist
        return StaleVersion(
            _("Umpan balik %(region)s belum pernah ditetapkan; muat ulang halaman.")
            % {"region": submission.region.name}
        )
    who = feedback.settled_by.display_name if feedback.settled_by else _("pengguna lain")
    return StaleVersion(
        _(
            "Umpan balik %(region)s sudah diubah oleh %(who)s pada %(when)s; isian Anda belum "
            "disimpan. Baca versi terbaru, gabungkan, lalu simpan lagi."
        )
        % {"region": submission.region.name, "who": who, "when": wib(feedback.settled_at)}
    )
