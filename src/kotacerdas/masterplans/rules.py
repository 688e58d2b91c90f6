"""Who may do what with masterplans, written once: `rules` predicates for single objects and
``visible_programmes(user)`` for lists (the two agree; the permission matrix checks both).

- Admins see and edit every region's masterplan.
- An operator sees and edits only its own region's masterplan (``is_operator_of``).
- An assessor assigned to the region (in any cycle) sees the whole masterplan, read-only.
- Everybody, the public included, sees the *published fields* (``PUBLIC_PROGRAMME_FIELDS``) of
  programmes marked ``published``, and each masterplan's public header (``PUBLIC_MASTERPLAN_FIELDS``).
  Internal notes, KPIs, evidence and history are never public.

Objects: a Region, a Masterplan, a Programme or an Attachment (all carry ``region_id``).
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from kotacerdas.accounts.predicates import (
    is_admin,
    is_assessor,
    is_operator,
    is_operator_of,
    region_id_of,
)

from .models import Programme
from .services.editing import MASTERPLAN_FIELDS, PROGRAMME_FIELDS

# What the public may see (documented in docs/masterplans.md): everything but internal notes
# (and the publication flag itself), plus the quick-win years and the yearly budgets.
PUBLIC_MASTERPLAN_FIELDS = tuple(f for f in MASTERPLAN_FIELDS if f != "internal_notes")
PUBLIC_PROGRAMME_FIELDS = (
    *(f for f in PROGRAMME_FIELDS if f not in {"internal_notes", "published"}),
    "quick_win_years",
    "budgets",
)


@rules.predicate
def is_assessor_of_region(user, target) -> bool:
    """An assessor assigned to review the target's region in some cycle."""
    if not is_assessor(user):
        return False
    region_id = region_id_of(target)
    return region_id is not None and user.assignments.filter(region_id=region_id).exists()


@rules.predicate
def is_published_programme(user, target) -> bool:
    return isinstance(target, Programme) and target.published


can_view_internal = is_admin | is_operator_of | is_assessor_of_region
can_edit = is_admin | is_operator_of

# See the whole masterplan of a region: internal notes, unpublished programmes, KPIs, evidence.
rules.add_perm("masterplans.view_internal", can_view_internal)
# Create and change masterplans, programmes, budgets, KPIs, quick wins, evidence; import XLSX.
rules.add_perm("masterplans.edit", can_edit)
# See one programme's page (the public its published fields only).
rules.add_perm("masterplans.view_programme", is_published_programme | can_view_internal)
# The change history of a masterplan or a programme.
rules.add_perm("masterplans.view_history", can_edit)
# The national dashboard over every programme, published or not (others see published ones).
rules.add_perm("masterplans.view_national_internal", is_admin)


def visible_programmes(user, queryset: QuerySet[Programme] | None = None) -> QuerySet[Programme]:
    """The programmes ``user`` may see in lists: all for admins; for others the published ones
    plus those of the operator's own region or of the regions the assessor is assigned to."""
    queryset = Programme.objects.all() if queryset is None else queryset
    if is_admin(user):
        return queryset
    visible = Q(published=True)
    if is_operator(user):
        visible |= Q(masterplan__region_id=user.region_id)
    elif is_assessor(user):
        visible |= Q(masterplan__region_id__in=user.assignments.values("region_id"))
    return queryset.filter(visible)


def sees_internal(user, region) -> bool:
    """Whether ``user`` sees the whole masterplan of ``region`` (not only published fields)."""
    return user.has_perm("masterplans.view_internal", region)
