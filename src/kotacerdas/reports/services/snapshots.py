"""Which snapshot the command line reports on."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kotacerdas.core.errors import ServiceError
from kotacerdas.evaluations.models import Cycle
from kotacerdas.results.models import Snapshot
from kotacerdas.results.services import publication, published


def for_command(year: int) -> Snapshot:
    """The public snapshot of ``year``, or else its latest computed one (documents say DRAF).

    Raises ServiceError when the cycle does not exist or has no results yet.
    """
    cycle = Cycle.objects.filter(year=year).first()
    if cycle is None:
        raise ServiceError(_("Tidak ada siklus tahun %(year)s.") % {"year": year})
    snapshot = published.current_snapshot(cycle, preview=True) or publication.latest(cycle)
    if snapshot is None:
        raise ServiceError(
            _("Hasil siklus %(year)s belum dihitung (kotacerdas compute --cycle %(year)s).")
            % {"year": year}
        )
    return snapshot
