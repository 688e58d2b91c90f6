"""Assigning assessors to enrolled regions, and conflicts of interest.

An assessor reviews a region of a cycle only through an Assignment. Assignments change while the
cycle is a draft, open or in review; once moderation has started the panel of every region is
fixed. An assessor is never assigned to a region for which a conflict of interest is declared
(by the assessor or by an admin), and an assignment that already holds scores is never removed,
so no assessor's work is lost.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from kotacerdas.accounts.models import User
from kotacerdas.accounts.predicates import is_admin, is_assessor
from kotacerdas.accounts.roles import Role
from kotacerdas.core.errors import Locked, ServiceError
from kotacerdas.regions.models import Region

from ..models import Assignment, ConflictOfInterest, Cycle, CycleState, Score, Submission

ASSIGN_STATES = frozenset({CycleState.DRAFT, CycleState.OPEN, CycleState.REVIEW})
MAX_REASON = 300


class AssignmentRefused(ServiceError):
    """An assignment that may not be made or removed (conflict, not enrolled, scores exist)."""


def assessors() -> QuerySet[User]:
    """Every active assessor account, by username."""
    return User.objects.filter(role=Role.ASSESSOR, is_active=True).order_by("username")


def _ensure_admin(by) -> None:
    if not is_admin(by):
        raise PermissionDenied(_("Hanya admin yang dapat mengatur penugasan asesor."))


def _ensure_assignable(cycle: Cycle) -> None:
    if cycle.state not in ASSIGN_STATES:
        raise Locked(
            _(
                "Penugasan asesor hanya dapat diubah sampai tahap Penilaian asesor; siklus "
                "%(cycle)s sudah pada tahap %(state)s."
            )
            % {"cycle": cycle, "state": cycle.get_state_display()}
        )


def _conflict(assessor: User, region: Region) -> ConflictOfInterest | None:
    return ConflictOfInterest.objects.filter(assessor=assessor, region=region).first()


def assign(cycle: Cycle, region: Region, assessor: User, *, by) -> Assignment:
    """Assign ``assessor`` to review ``region`` in ``cycle`` and return the assignment.

    Guarantees: only an admin (else PermissionDenied); the cycle is a draft, open or in review
    (else Locked); ``assessor`` is an active assessor, ``region`` is enrolled in the cycle and no
    conflict of interest is declared between them (else AssignmentRefused naming the conflict's
    reason). Assigning twice returns the existing assignment.
    """
    _ensure_admin(by)
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        _ensure_assignable(locked)
        if not (is_assessor(assessor) and assessor.is_active):
            raise AssignmentRefused(
                _("%(user)s bukan akun asesor yang aktif.") % {"user": assessor.display_name}
            )
        if not Submission.objects.filter(cycle=locked, region=region).exists():
            raise AssignmentRefused(
                _("%(region)s tidak terdaftar pada siklus %(cycle)s.")
                % {"region": region.name, "cycle": locked}
            )
        conflict = _conflict(assessor, region)
        if conflict is not None:
            raise AssignmentRefused(
                _(
                    "%(user)s tidak dapat ditugaskan ke %(region)s: ada konflik kepentingan "
                    "(%(reason)s)."
                )
                % {"user": assessor.display_name, "region": region.name, "reason": conflict.reason}
            )
        assignment, _created = Assignment.objects.get_or_create(
            cycle=locked,
            region=region,
            assessor=assessor,
            defaults={"assigned_by": by},
        )
    return assignment


def unassign(assignment: Assignment, *, by) -> None:
    """Remove an assignment.

    Guarantees: only an admin (else PermissionDenied); the cycle is a draft, open or in review
    (else Locked); the assessor has not scored anything in it yet (else AssignmentRefused: the
    scores would be lost). The assessor is also taken off the region's session.
    """
    _ensure_admin(by)
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=assignment.cycle_id)
        _ensure_assignable(cycle)
        scored = Score.objects.filter(assignment=assignment).count()
        if scored:
            raise AssignmentRefused(
                _(
                    "%(user)s sudah mengisi %(count)d nilai untuk %(region)s; penugasan tidak "
                    "dapat dicabut agar nilai itu tidak hilang."
                )
                % {
                    "user": assignment.assessor.display_name,
                    "count": scored,
                    "region": assignment.region.name,
                }
            )
        for session in cycle.sessions.filter(region_id=assignment.region_id):
            session.assessors.remove(assignment.assessor)
        assignment.delete()


def load(cycle: Cycle) -> dict[User, int]:
    """Each active assessor's number of regions in ``cycle`` (0 for those without any)."""
    counts = Counter(
        dict(
            Assignment.objects.filter(cycle=cycle)
            .values_list("assessor_id")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    return {assessor: counts[assessor.pk] for assessor in assessors()}


def assessors_short(cycle: Cycle) -> dict[Region, int]:
    """The enrolled regions that have fewer than ``cycle.min_assessors`` assessors, with how
    many are still missing. Empty when every region's panel is complete."""
    have = dict(
        Assignment.objects.filter(cycle=cycle)
        .values_list("region_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    regions = Region.objects.filter(submissions__cycle=cycle).order_by("code")
    return {
        region: cycle.min_assessors - have.get(region.pk, 0)
        for region in regions
        if have.get(region.pk, 0) < cycle.min_assessors
    }


@dataclass
class AutoAssignReport:
    """What ``auto_assign`` did: the assignments made and the regions still short."""

    created: list[Assignment]
    short: dict[Region, int]


def auto_assign(cycle: Cycle, *, by) -> AutoAssignReport:
    """Complete every enrolled region's panel up to ``cycle.min_assessors``, spreading the load.

    Regions are served in code order; for each missing place the eligible assessor (active, not
    already on the panel, no declared conflict) with the fewest regions in this cycle is chosen,
    ties broken by username, so the result is the same every time. Existing assignments are kept.
    Guarantees: only an admin, only while assignments may change; everything in one transaction;
    regions that could not be completed (too few eligible assessors) are reported, not hidden.
    """
    _ensure_admin(by)
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        _ensure_assignable(locked)
        pool = list(assessors())
        loads = {assessor.pk: n for assessor, n in load(locked).items()}
        panels: dict[int, set[int]] = {}
        for region_id, assessor_id in Assignment.objects.filter(cycle=locked).values_list(
            "region_id", "assessor_id"
        ):
            panels.setdefault(region_id, set()).add(assessor_id)
        conflicts: set[tuple[int, int]] = set(
            ConflictOfInterest.objects.values_list("assessor_id", "region_id")
        )
        created = []
        for region in Region.objects.filter(submissions__cycle=locked).order_by("code"):
            panel = panels.setdefault(region.pk, set())
            while len(panel) < locked.min_assessors:
                eligible = [
                    assessor
                    for assessor in pool
                    if assessor.pk not in panel and (assessor.pk, region.pk) not in conflicts
                ]
                if not eligible:
                    break
                chosen = min(eligible, key=lambda a: (loads[a.pk], a.username))
                created.append(
                    Assignment.objects.create(
                        cycle=locked, region=region, assessor=chosen, assigned_by=by
                    )
                )
                panel.add(chosen.pk)
                loads[chosen.pk] += 1
    return AutoAssignReport(created=created, short=assessors_short(cycle))


# --- Conflicts of interest ----------------------------------------------------------------------


def declare_conflict(assessor: User, region: Region, reason: str, *, by) -> ConflictOfInterest:
    """Record that ``assessor`` may not review ``region`` (e.g. own province, former employer).

    Guarantees: the assessor declares for themself, an admin for any assessor (else
    PermissionDenied); the reason is required (else ServiceError). The assessor's assignments to
    the region in cycles still being assessed (draft, open, review) are withdrawn when they hold
    no scores; if one holds scores the declaration is refused and names the cycle, so that an
    admin decides what happens to that work. Declaring the same conflict again updates its reason.
    """
    if not (is_admin(by) or (is_assessor(by) and by.pk == assessor.pk)):
        raise PermissionDenied(_("Konflik kepentingan dinyatakan oleh asesor sendiri atau admin."))
    if not is_assessor(assessor):
        raise ServiceError(_("%(user)s bukan akun asesor.") % {"user": assessor.display_name})
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Alasan konflik kepentingan wajib diisi."))
    if len(reason) > MAX_REASON:
        raise ServiceError(_("Alasan paling panjang %(max)d karakter.") % {"max": MAX_REASON})
    with transaction.atomic():
        open_assignments = Assignment.objects.select_for_update().filter(
            assessor=assessor, region=region, cycle__state__in=ASSIGN_STATES
        )
        for assignment in open_assignments.select_related("cycle"):
            if assignment.scores.exists():
                raise AssignmentRefused(
                    _(
                        "%(user)s sudah menilai %(region)s pada siklus %(cycle)s; minta admin "
                        "mencabut penugasan itu sebelum menyatakan konflik kepentingan."
                    )
                    % {
                        "user": assessor.display_name,
                        "region": region.name,
                        "cycle": assignment.cycle,
                    }
                )
        for assignment in open_assignments:
            for session in assignment.cycle.sessions.filter(region=region):
                session.assessors.remove(assessor)
            assignment.delete()
        try:
            with transaction.atomic():
                conflict, created = ConflictOfInterest.objects.get_or_create(
                    assessor=assessor, region=region, defaults={"reason": reason}
                )
        except IntegrityError:  # declared at the same moment elsewhere
            conflict, created = (
                ConflictOfInterest.objects.get(assessor=assessor, region=region),
                False,
            )
        if not created and conflict.reason != reason:
            conflict.reason = reason
            conflict._history_user = by
            conflict.save(update_fields=["reason"])
    return conflict


def withdraw_conflict(conflict: ConflictOfInterest, *, by) -> None:
    """Delete a declared conflict (admin only; the history keeps the record)."""
    if not is_admin(by):
        raise PermissionDenied(_("Hanya admin yang dapat mencabut konflik kepentingan."))
    conflict._history_user = by
    conflict.delete()


def conflicts_visible_to(user) -> QuerySet[ConflictOfInterest]:
    """The conflicts a user may see: an admin all of them, an assessor their own."""
    conflicts = ConflictOfInterest.objects.select_related("assessor", "region").order_by(
        "assessor__username", "region__code"
    )
    if is_admin(user):
        return conflicts
    if is_assessor(user):
        return conflicts.filter(assessor=user)
    return conflicts.none()


# --- Reading ------------------------------------------------------------------------------------


def assignments_of(assessor: User) -> QuerySet[Assignment]:
    """An assessor's own assignments, newest cycle first."""
    return (
        Assignment.objects.filter(assessor=assessor)
        .select_related("cycle", "region", "region__parent")
        .order_by("-cycle__year", "region__code")
    )


@dataclass
class PanelRow:
    """One enrolled region on the assignment page: its panel and who could still join it."""

    submission: Submission
    assignments: list[Assignment]
    candidates: list[tuple[User, int]]
    conflicted: list[User]
    missing: int


def panels(cycle: Cycle, *, province: str = "") -> list[PanelRow]:
    """The assignment page's rows: every enrolled region (optionally of one province, by its
    two-digit code) with its assessors, the eligible candidates with their load, and the
    assessors who declared a conflict with it."""
    submissions = (
        Submission.objects.filter(cycle=cycle).select_related("region").order_by("region__code")
    )
    if province:
        submissions = submissions.filter(region__code__startswith=province[:2])
    pool = load(cycle)
    by_region: dict[int, list[Assignment]] = {}
    for assignment in Assignment.objects.filter(cycle=cycle).select_related("assessor"):
        by_region.setdefault(assignment.region_id, []).append(assignment)
    conflicts: dict[int, set[int]] = {}
    for assessor_id, region_id in ConflictOfInterest.objects.values_list(
        "assessor_id", "region_id"
    ):
        conflicts.setdefault(region_id, set()).add(assessor_id)
    rows = []
    for submission in submissions:
        panel = by_region.get(submission.region_id, [])
        on_panel = {a.assessor_id for a in panel}
        blocked = conflicts.get(submission.region_id, set())
        rows.append(
            PanelRow(
                submission=submission,
                assignments=panel,
                candidates=[
                    (assessor, n)
                    for assessor, n in sorted(pool.items(), key=lambda p: (p[1], p[0].username))
                    if assessor.pk not in on_panel and assessor.pk not in blocked
                ],
                conflicted=[a for a in pool if a.pk in blocked],
                missing=max(0, cycle.min_assessors - len(panel)),
            )
        )
    return rows
