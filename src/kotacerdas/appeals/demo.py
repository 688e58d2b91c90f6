"""Demo: Kota Jambi's appeal against the synthetic 2022 results, decided before publication.

Called by the results demo (``kotacerdas.results.demo``) while cycle 2022 is final and computed,
just before it is published: the window opens, ``operator.jambi`` files two items (one with a
PDF, one with a link) and submits, the window closes, and ``admin`` accepts the first item (its
level one step up: the cycle goes through moderation and the results are recomputed) and
rejects the second (the results' computation the acceptance requests is run at once, as the
worker would, so its effect is recorded). Everything goes through the services; afterwards the dates are set to
November 2022 so the register reads like the year it belongs to. Emails stay in memory.
Idempotent: a cycle that already has Kota Jambi's appeal is left as it is.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.test import override_settings
from django.utils import timezone

from kotacerdas.accounts.models import User
from kotacerdas.core.moments import WIB
from kotacerdas.core.pdf import minimal_pdf
from kotacerdas.evaluations.models import Cycle, FinalValue
from kotacerdas.instruments.models import Indicator, IndicatorType
from kotacerdas.results.services import computation

from .models import Appeal, AppealItem, AppealWindow
from .services import decisions, filing, window

SYNTHETIC = "[Data sintetis]"
JAMBI = "15.71"


def appeal_before_publication(cycle: Cycle, admin: User) -> str | None:
    """File and decide Kota Jambi's demo appeal on the final, computed ``cycle``; return a line
    for the demo's output (None when there was nothing to do)."""
    operator = User.objects.filter(username="operator.jambi").first()
    if operator is None or Appeal.objects.filter(cycle=cycle, region__code=JAMBI).exists():
        return None
    raised, kept = _two_indicators(cycle)
    if raised is None or kept is None:
        return None
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        window.open_window(cycle, deadline=timezone.now() + timedelta(days=7), by=admin)
        region = operator.region
        first = filing.save_item(
            cycle,
            region,
            raised,
            category="overlooked",
            reason=f"{SYNTHETIC} SK Dewan Smart City sudah terbit sebelum sesi evaluasi, tetapi tidak dinilai.",
            by=operator,
        )
        pdf = minimal_pdf([SYNTHETIC, f"SK Dewan Smart City Kota Jambi {cycle.year}"])
        filing.add_file(first, ContentFile(pdf, name="SK Dewan Smart City.pdf"), by=operator)
        second = filing.save_item(
            cycle,
            region,
            kept,
            category="rubric",
            reason=f"{SYNTHETIC} Menurut kami tingkat ini sudah tercapai.",
            by=operator,
        )
        filing.add_link(second, "https://jambikota.go.id/", by=operator)
        filing.submit(first.appeal, by=operator)
        window.close_window(cycle, by=admin)
        value = _final(cycle, raised).value + 1
        accepted = decisions.decide(
            first,
            accept=True,
            value=value,
            reason=f"{SYNTHETIC} SK terbukti berlaku sejak Maret {cycle.year}.",
            by=admin,
        )
        # With the immediate backend the computation ran when the decision committed; inside a
        # surrounding transaction (tests) it waits for the commit: run it now (once only).
        computation.run(accepted.computation_id)
        accepted.refresh_from_db()
        decisions.decide(
            second,
            accept=False,
            reason=f"{SYNTHETIC} Data dukung belum menunjukkan penerapan di seluruh perangkat daerah.",
            by=admin,
        )
    _date_in(cycle)
    return (
        f"Sanggahan Kota Jambi {cycle.year}: {raised.code} diterima "
        f"(peringkat {accepted.rank_before} → {accepted.rank_after}), {kept.code} ditolak"
    )


def _final(cycle: Cycle, indicator: Indicator) -> FinalValue:
    return FinalValue.objects.get(
        submission__cycle=cycle, submission__region__code=JAMBI, indicator=indicator
    )


def _two_indicators(cycle: Cycle) -> tuple[Indicator | None, Indicator | None]:
    """Two level indicators of Kota Jambi's below level 5 (a whole level: the first is raised)."""
    finals = (
        FinalValue.objects.filter(
            submission__cycle=cycle,
            submission__region__code=JAMBI,
            indicator__type=IndicatorType.LEVEL,
            value__lt=Decimal(5),
            not_applicable=False,
        )
        .select_related("indicator")
        .order_by("indicator__code")
    )
    chosen = [final.indicator for final in finals if final.value == final.value.to_integral()][:2]
    chosen += [None] * (2 - len(chosen))
    return chosen[0], chosen[1]


def _date_in(cycle: Cycle) -> None:
    """Set the demo appeal's dates to November of the cycle's year (WIB)."""
    opened = datetime(cycle.year, 11, 14, 9, tzinfo=WIB)
    deadline = datetime(cycle.year, 11, 21, 23, 59, tzinfo=WIB)
    AppealWindow.objects.filter(cycle=cycle).update(
        opened_at=opened, deadline=deadline, closed_at=None
    )
    Appeal.objects.filter(cycle=cycle).update(
        created_at=opened + timedelta(days=1), submitted_at=opened + timedelta(days=3)
    )
    AppealItem.objects.filter(appeal__cycle=cycle).update(
        created_at=opened + timedelta(days=1),
        decided_at=datetime(cycle.year, 11, 28, 14, tzinfo=WIB),
    )
