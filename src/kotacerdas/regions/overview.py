"""What the public page of a region shows besides its name: its published results across cycles
and its masterplans. Both come from the services that decide what is public
(``results.services.published`` and ``masterplans.rules``), so nothing unpublished appears."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q

from kotacerdas.masterplans.models import Masterplan
from kotacerdas.masterplans.rules import visible_programmes
from kotacerdas.results.models import RegionResult
from kotacerdas.results.services import published

from .models import Region


@dataclass
class RegionOverview:
    """A region's published results (newest cycle first) and its masterplans (newest first),
    each masterplan with the number of its published programmes."""

    results: list[RegionResult] = field(default_factory=list)
    masterplans: list[Masterplan] = field(default_factory=list)


def overview(region: Region) -> RegionOverview:
    """The public overview of ``region``.

    Guarantees: results only from the current published snapshot of public cycles (as the
    ranking and profile pages show them); masterplans with their public header, and a count of
    the programmes the public may see (published ones), whoever asks.
    """
    results = list(reversed(published.region_history(region)))
    public = visible_programmes(AnonymousUser()).values("pk")
    masterplans = list(
        region.masterplans.annotate(
            published_programmes=Count("programmes", filter=Q(programmes__in=public))
        ).order_by("-start_year", "-pk")
    )
    return RegionOverview(results=results, masterplans=masterplans)
