"""The cycle's state machine: draft → open → review → moderation → final → published → archived.

Only an admin moves a cycle. Each move checks the preconditions of the state it goes to
(``CHECKS``) and lists every one that is missing, naming the regions and indicators; then it runs
what entering that state does (``ON_ENTER``: freeze the instrument, enqueue the preparation of
moderation; the results app adds the publication of the results, whose release is announced to
the regions). ``WARNINGS`` lists what a move leaves behind without blocking it (regions that
never submitted, regions whose extension has not passed).
A final cycle may step back to moderation with a reason; nothing leaves ``published`` except to
``archived``. Other apps extend the checks by appending to ``CHECKS[state]`` (e.g. the results
app: "results computed" before publication).

Who moved the cycle, when and why is recorded by django-simple-history on the Cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.accounts.predicates import is_admin
from kotacerdas.core.errors import ServiceError
from kotacerdas.core.moments import wib
from kotacerdas.instruments.models import Dimension, Element, Indicator, IndicatorType

from ..models import Cycle, CycleState, Submission, SubmissionState

Check = Callable[[Cycle], list[str]]
Effect = Callable[[Cycle, object], None]

FORWARD: dict[str, str] = {
    CycleState.DRAFT: CycleState.OPEN,
    CycleState.OPEN: CycleState.REVIEW,
    CycleState.REVIEW: CycleState.MODERATION,
    CycleState.MODERATION: CycleState.FINAL,
    CycleState.FINAL: CycleState.PUBLISHED,
    CycleState.PUBLISHED: CycleState.ARCHIVED,
}
# Steps back an admin may take, always with a reason.
BACKWARD: dict[str, str] = {
    CycleState.FINAL: CycleState.MODERATION,
}


class TransitionRefused(ServiceError):
    """A transition whose preconditions are not met; ``details`` lists each missing one."""


# --- Preconditions ------------------------------------------------------------------------------


def _regions_enrolled(cycle: Cycle) -> list[str]:
    if not cycle.submissions.exists():
        return [_("Belum ada daerah yang didaftarkan pada siklus ini.")]
    return []


def _instrument_complete(cycle: Cycle) -> list[str]:
    """Indicators exist, every dimension and element has some, weights are positive, every
    level indicator has its six level descriptors, every aspect in use has a weight."""
    instrument = cycle.instrument
    indicators = Indicator.objects.filter(instrument=instrument)
    if not indicators.exists():
        return [_("Instrumen «%(name)s» belum memiliki indikator.") % {"name": instrument}]
    problems = []
    for dimension in Dimension.objects.filter(instrument=instrument, elements__isnull=True):
        problems.append(_("Dimensi %(code)s belum memiliki elemen.") % {"code": dimension.code})
    empty_elements = Element.objects.filter(dimension__instrument=instrument).exclude(
        indicators__isnull=False
    )
    for element in empty_elements:
        problems.append(_("Elemen %(code)s belum memiliki indikator.") % {"code": element.code})
    weightless = [
        *(f"{d.code}" for d in Dimension.objects.filter(instrument=instrument, weight__lte=0)),
        *(
            f"{e.code}"
            for e in Element.objects.filter(dimension__instrument=instrument, weight__lte=0)
        ),
        *(f"{i.code}" for i in indicators.filter(weight__lte=0)),
    ]
    if weightless:
        problems.append(
            _("Bobot harus lebih dari 0: %(codes)s.") % {"codes": ", ".join(weightless)}
        )
    levels = indicators.filter(type=IndicatorType.LEVEL).annotate(n=Count("levels")).order_by()
    for indicator in levels.filter(n__lt=6).prefetch_related("levels"):
        have = {descriptor.level for descriptor in indicator.levels.all()}
        missing = ", ".join(str(level) for level in range(6) if level not in have)
        problems.append(
            _("Indikator %(code)s belum memiliki deskripsi tingkat %(levels)s.")
            % {"code": indicator.code, "levels": missing}
        )
    weighted = {row.aspect: row.weight for row in instrument.aspects.all()}
    for aspect in indicators.order_by("aspect").values_list("aspect", flat=True).distinct():
        if weighted.get(aspect, 0) <= 0:
            codes = indicators.filter(aspect=aspect).values_list("code", flat=True)
            problems.append(
                _("Aspek %(aspect)s belum berbobot, padahal dipakai oleh %(codes)s.")
                % {"aspect": aspect, "codes": ", ".join(codes[:5])}
            )
    return problems


def _submission_deadline_set(cycle: Cycle) -> list[str]:
    if cycle.submission_deadline is None:
        return [_("Batas waktu penilaian mandiri belum diisi (Pengaturan siklus).")]
    if cycle.submission_deadline <= timezone.now():
        return [_("Batas waktu penilaian mandiri sudah lewat; atur batas yang baru.")]
    return []


def _enough_assessors(cycle: Cycle) -> list[str]:
    """Every enrolled region has at least ``cycle.min_assessors`` assessors assigned."""
    submissions = (
        Submission.objects.filter(cycle=cycle)
        .select_related("region")
        .annotate(
            assessors=Count(
                "region__assignments", filter=Q(region__assignments__cycle=cycle), distinct=True
            )
        )
        .order_by("region__code")
    )
    return [
        _("%(region)s (%(code)s): %(have)d dari %(need)d asesor.")
        % {
            "region": submission.region.name,
            "code": submission.region.code,
            "have": submission.assessors,
            "need": cycle.min_assessors,
        }
        for submission in submissions
        if submission.assessors < cycle.min_assessors
    ]


def _no_submission_returned(cycle: Cycle) -> list[str]:
    """A returned self-assessment is still being corrected by its region."""
    returned = cycle.submissions.filter(state=SubmissionState.RETURNED).select_related("region")
    return [
        _("%(region)s (%(code)s): penilaian mandiri masih dikembalikan untuk diperbaiki.")
        % {"region": submission.region.name, "code": submission.region.code}
        for submission in returned.order_by("region__code")
    ]


def _moderation_prepared(cycle: Cycle) -> list[str]:
    """The automatic final values are prepared (the background preparation is done)."""
    from . import preparation

    if preparation.is_prepared(cycle):
        return []
    return [preparation.not_ready_message(preparation.current(cycle))]


def _moderation_settled(cycle: Cycle) -> list[str]:
    from . import moderation

    return list(moderation.unresolved(cycle))


CHECKS: dict[str, list[Check]] = {
    CycleState.DRAFT: [],
    CycleState.OPEN: [_regions_enrolled, _instrument_complete, _submission_deadline_set],
    CycleState.REVIEW: [_enough_assessors],
    CycleState.MODERATION: [_no_submission_returned],
    CycleState.FINAL: [_moderation_prepared, _moderation_settled],
    CycleState.PUBLISHED: [],
    CycleState.ARCHIVED: [],
}


# --- Warnings: what a move leaves behind, shown to the admin but never blocking ----------------


def _never_submitted(cycle: Cycle) -> list[str]:
    """Regions that never sent their self-assessment (still a draft): once the cycle leaves
    "open" their answers lock, and moderation and the results count only submitted regions.
    A region still under a running extension is named once, by :func:`_extension_running`."""
    drafts = (
        cycle.submissions.filter(state=SubmissionState.DRAFT)
        .exclude(pk__in=_running_extensions(cycle).values("pk"))
        .select_related("region")
    )
    return [
        _(
            "%(region)s (%(code)s) belum pernah mengirim penilaian mandiri; isiannya akan "
            "terkunci dan daerah ini tidak ikut dimoderasi dan diperingkat."
        )
        % {"region": submission.region.name, "code": submission.region.code}
        for submission in drafts.order_by("region__code")
    ]


def _running_extensions(cycle: Cycle):
    """Draft submissions whose extension runs past both now and the cycle's own deadline."""
    after = max(filter(None, [timezone.now(), cycle.submission_deadline]))
    return cycle.submissions.filter(state=SubmissionState.DRAFT, deadline_extended_to__gt=after)


def _extension_running(cycle: Cycle) -> list[str]:
    """Regions still working under an extension that has not passed: leaving "open" now locks
    their self-assessment before the moment they were promised. An extension that the cycle's
    own (later) deadline has overtaken is not named: it promises nothing more."""
    extended = _running_extensions(cycle).select_related("region").order_by("region__code")
    return [
        _(
            "%(region)s (%(code)s) mendapat perpanjangan batas waktu sampai %(when)s dan belum "
            "mengirim; pindah tahap sekarang menguncinya lebih awal."
        )
        % {
            "region": submission.region.name,
            "code": submission.region.code,
            "when": wib(submission.deadline_extended_to),
        }
        for submission in extended
    ]


WARNINGS: dict[str, list[Check]] = {
    CycleState.REVIEW: [_extension_running, _never_submitted],
}


# --- What entering a state does -----------------------------------------------------------------


def _freeze_instrument(cycle: Cycle, by) -> None:
    from kotacerdas.instruments import services as instrument_services

    instrument_services.freeze(cycle.instrument)


def _prepare_moderation(cycle: Cycle, by) -> None:
    """Enqueue the preparation of the automatic final values (a background task: at national
    scale it outlasts a request); moderation decisions wait until it is done."""
    from . import preparation

    preparation.begin(cycle, by=by)


ON_ENTER: dict[str, list[Effect]] = {
    CycleState.OPEN: [_freeze_instrument],
    CycleState.MODERATION: [_prepare_moderation],
    # Entering published: the results app publishes the snapshot (``ON_ENTER`` extended by
    # ``results.services.publication``); the regions are told at the release, not here.
}


# --- The service --------------------------------------------------------------------------------


def targets(cycle: Cycle) -> list[str]:
    """The states the cycle may move to from where it is (forward first)."""
    return [state for state in (FORWARD.get(cycle.state), BACKWARD.get(cycle.state)) if state]


def next_state(cycle: Cycle) -> str | None:
    """The state the cycle moves on to (its forward step), or None once archived."""
    return FORWARD.get(cycle.state)


def is_backward(cycle: Cycle, to_state: str) -> bool:
    return BACKWARD.get(cycle.state) == to_state


def check(cycle: Cycle, to_state: str) -> list[str]:
    """Every reason the cycle cannot move to ``to_state`` now, in Indonesian; empty when it can."""
    if to_state not in targets(cycle):
        return [
            _("Siklus pada tahap %(from)s tidak dapat pindah ke tahap %(to)s.")
            % {"from": cycle.get_state_display(), "to": _label(to_state)}
        ]
    if is_backward(cycle, to_state):
        return []
    return [problem for rule in CHECKS.get(to_state, []) for problem in rule(cycle)]


def warnings(cycle: Cycle, to_state: str) -> list[str]:
    """What moving forward to ``to_state`` leaves behind (e.g. regions that never submitted),
    in Indonesian; these never block the move. Empty for a step back or an impossible move."""
    if to_state not in targets(cycle) or is_backward(cycle, to_state):
        return []
    return [warning for rule in WARNINGS.get(to_state, []) for warning in rule(cycle)]


def transition(
    cycle: Cycle, to_state: str, *, by, reason: str = "", release_at: datetime | None = None
) -> Cycle:
    """Move the cycle to ``to_state`` and return it.

    Guarantees: only an admin (else PermissionDenied); the move is allowed from the current
    state and every precondition holds (else TransitionRefused listing each missing one); a step
    back needs a reason; the state change and what entering the state does (freezing the
    instrument, recording the preparation of moderation, stamping ``published_at``) happen in one
    transaction; emails go out and the preparation's background task is enqueued only after it
    commits. The history records ``by`` and the reason. ``release_at`` (moving to published
    only): when the public sees the results (an embargo until then; default now), validated and
    stored by the results' effect (``results.services.publication``).
    """
    if not is_admin(by):
        raise PermissionDenied(_("Hanya admin yang dapat memindahkan tahap siklus."))
    reason = reason.strip()
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().select_related("instrument").get(pk=cycle.pk)
        problems = check(locked, to_state)
        if not problems and is_backward(locked, to_state) and not reason:
            problems = [_("Alasan wajib diisi untuk kembali ke tahap sebelumnya.")]
        if problems:
            raise TransitionRefused(
                _("Siklus %(cycle)s belum dapat pindah ke tahap %(to)s.")
                % {"cycle": locked, "to": _label(to_state)},
                details=problems,
            )
        backward = is_backward(locked, to_state)
        from_label = locked.get_state_display()
        locked.state = to_state
        if to_state == CycleState.PUBLISHED:
            locked.published_at = timezone.now()
        locked._history_user = by
        locked._change_reason = reason or f"{from_label} → {_label(to_state)}"
        locked.save(update_fields=["state", "published_at"])
        locked._release_at = release_at if to_state == CycleState.PUBLISHED else None
        if not backward:
            for effect in ON_ENTER.get(to_state, []):
                effect(locked, by)
    return locked


def _label(state: str) -> str:
    return str(CycleState(state).label)
