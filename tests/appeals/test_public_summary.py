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


def test_the_admins_list_says_a_final_cycle_has_no_window_yet_and_a_past_one_had_none(
    client, cycle, admin
):
    """A final cycle's window may still open; a published cycle without one never had one."""
    client.force_login(admin)

    def row():
        page = client.get(reverse("appeals:home")).content.decode()
        return next(part for part in page.split("<tr>") if cycle.name in part)

    assert "belum dibuka" in row() and "tidak ada masa sanggah" not in row()
    Cycle.objects.filter(pk=cycle.pk).update(state=CycleState.PUBLISHED)
    assert "tidak ada masa sanggah" in row() and "belum dibuka" not in row()
