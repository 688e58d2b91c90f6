"""The public sees counts only, only after publication, and only for a cycle that had a window."""

from django.urls import reverse

from kotacerdas.appeals.services import filing, register
from kotacerdas.evaluations.models import Cycle, CycleState


def test_nothing_is_public_before_publication(cycle, jambi_operator, open_window):
    item = filing.save_item(
        cycle,
        jambi_operator.region,
        cycle.instrument.indicators.get(code="GOV.01"),
        reason="x",
        by=jambi_operator,
    )
    filing.submit(item.appeal, by=jambi_operator)
    assert register.summary(cycle) is None


def test_a_published_cycle_without_a_window_shows_no_line(client, cycle):
    Cycle.objects.filter(pk=cycle.pk).update(state=CycleState.PUBLISHED)
    cycle.refresh_from_db()
    assert register.summary(cycle) is None


def test_a_published_cycle_whose_window_had_no_appeal_says_so(client, cycle, open_window):
    from kotacerdas.results.services.publication import publish_snapshot

    Cycle.objects.filter(pk=cycle.pk).update(state=CycleState.PUBLISHED)
    cycle.refresh_from_db()
    publish_snapshot(cycle, None)
    page = client.get(reverse("results:methodology", kwargs={"year": 2022})).content.decode()
    assert "Tidak ada daerah yang mengajukan sanggahan." in page
