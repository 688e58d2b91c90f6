"""Who may do what with instruments, written once as `rules` predicates.

The model permissions (``instruments.add_instrument``, ``change_instrument``, ``change_crosswalk``,
...) come from ``Meta.rules_permissions`` in models.py: admins edit. Reading a rubric is one more
rule: a draft instrument is the ministry's work in progress and only admins see it; once frozen (its
cycle has opened) every signed-in user may read it, since operators answer it and assessors score
against it. Anonymous visitors see neither; the public methodology belongs to the results pages.
"""

from __future__ import annotations

import rules
from django.db.models import QuerySet

from kotacerdas.accounts.predicates import is_admin, is_signed_in

from .models import Instrument


@rules.predicate
def is_frozen_instrument(user, instrument) -> bool:
    return instrument is not None and instrument.is_frozen


# Read an instrument's tree and rubrics, download it as YAML/XLSX (obj: Instrument)
rules.add_perm("instruments.view_rubric", is_admin | (is_signed_in & is_frozen_instrument))


def visible_instruments(user) -> QuerySet[Instrument]:
    """The instruments ``user`` may read: all for admins, frozen ones for other signed-in users."""
    if is_admin(user):
        return Instrument.objects.all()
    if is_signed_in(user):
        return Instrument.objects.filter(frozen_at__isnull=False)
    return Instrument.objects.none()
