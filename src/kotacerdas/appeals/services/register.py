"""The appeals register: what stands between a cycle and publication, the admin's list, the
public aggregate, and the wiring into the lifecycle and the menu.

- ``appeals_settled`` is appended to the lifecycle's ``CHECKS[published]``: a cycle is not
  published while its reply window is open or a submitted appeal has an undecided item, and the
  check names every such region.
- ``summary`` is the only thing the public sees, and only once the cycle's results are released
  (``results.services.published``, the single release decision): counts, never a region's
  name, reason or evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotacerdas.accounts.predicates import is_admin, is_assessor, is_operator
from kotacerdas.core.moments import wib
from kotacerdas.evaluations.models import Assignment, Cycle, CycleState
from kotacerdas.results.services import published

from ..choices import AppealState, Decision
from ..models import Appeal, AppealItem, AppealWindow


def appeals_settled(cycle: Cycle) -> list[str]:
    """The lifecycle's precondition for ``published``: the window is not open, and every
    submitted appeal is decided. One line per problem, naming the regions."""
    problems = []
    window = AppealWindow.objects.filter(cycle=cycle).first()
    if window is not None and window.is_open():
        problems.append(
            _("Masa sanggah masih dibuka sampai %(when)s; tunggu batasnya atau tutup masa sanggah.")
            % {"when": wib(window.ends_at)}
        )
    pending = (
        Appeal.objects.filter(cycle=cycle, state=AppealState.SUBMITTED)
        .select_related("region")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=AppealItem.objects.filter(decision=Decision.PENDING).select_related(
                    "indicator"
                ),
                to_attr="pending_items",
            )
        )
        .order_by("region__code")
    )
    for appeal in pending:
        codes = ", ".join(item.indicator.code for item in appeal.pending_items)
        problems.append(
            _("%(region)s (%(code)s): sanggahan belum diputus (%(indicators)s).")
            % {"region": appeal.region.name, "code": appeal.region.code, "indicators": codes}
        )
    return problems


def visible_appeals(user) -> QuerySet[Appeal]:
    """The appeals ``user`` may list: admins all, an operator its region's, an assessor those of
    the regions assigned to it (in the same cycle), anyone else none."""
    appeals = Appeal.objects.select_related("cycle", "region").order_by(
        "-cycle__year", "region__code"
    )
    if is_admin(user):
        return appeals
    if is_operator(user):
        return appeals.filter(region_id=user.region_id)
    if is_assessor(user):
        assigned = Assignment.objects.filter(
            assessor=user, cycle_id=OuterRef("cycle_id"), region_id=OuterRef("region_id")
        )
        return appeals.filter(Exists(assigned))
    return appeals.none()


def cycle_appeals(cycle: Cycle) -> QuerySet[Appeal]:
    """Every appeal of the cycle with its items (and their indicator and decider) and evidence,
    by region code: the register."""
    return (
        Appeal.objects.filter(cycle=cycle)
        .select_related("region", "submitted_by")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=AppealItem.objects.select_related(
                    "indicator", "decided_by"
                ).prefetch_related("evidence"),
            )
        )
        .order_by("region__code")
    )


@dataclass(frozen=True)
class Summary:
    """The public aggregate of a cycle's appeals."""

    appeals: int
    items: int
    accepted: int
    rejected: int


def summary(cycle: Cycle, *, preview: bool = False) -> Summary | None:
    """Counts of the cycle's submitted appeals and their items' decisions; None until the
    cycle's results are released (regions' appeals are not public business until the results
    are; a publication under embargo is not a release: ``published.current_snapshot``, with
    ``preview`` for the admins' preview) and for a cycle that never had a reply window (nothing
    to report)."""
    if published.current_snapshot(cycle, preview=preview) is None:
        return None
    if not AppealWindow.objects.filter(cycle=cycle).exists():
        return None
    filed = Appeal.objects.filter(cycle=cycle).exclude(state=AppealState.DRAFT)
    counts = AppealItem.objects.filter(appeal__in=filed).aggregate(
        items=Count("pk"),
        accepted=Count("pk", filter=Q(decision=Decision.ACCEPTED)),
        rejected=Count("pk", filter=Q(decision=Decision.REJECTED)),
    )
    return Summary(appeals=filed.count(), **counts)


def register_with_lifecycle() -> None:
    """Add ``appeals_settled`` to the lifecycle's checks before publication (once)."""
    from kotacerdas.evaluations.services import lifecycle

    checks = lifecycle.CHECKS.setdefault(CycleState.PUBLISHED, [])
    if appeals_settled not in checks:
        checks.append(appeals_settled)


def register_navigation() -> None:
    """Add "Sanggahan" to the menu of admins, operators and assessors (once)."""
    from kotacerdas.core.context_processors import NAVIGATION

    entry = (
        gettext_lazy("Sanggahan"),
        "appeals:home",
        lambda user: is_admin(user) or is_operator(user) or is_assessor(user),
    )
    if not any(url_name == "appeals:home" for _label, url_name, _visible in NAVIGATION):
        NAVIGATION.append(entry)
