"""The region's session card on the operator's self-assessment page and the assessor workspace."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from kotacerdas.evaluations.models import CycleState, VirtualSession
from tests.evaluations.cycle_setup import open_cycle
from tests.factories import assign

pytestmark = pytest.mark.django_db
FORM = ("evaluations:submission_form", [2022, "15.71"])


def page(client, user) -> str:
    client.force_login(user)
    return client.get(reverse(FORM[0], args=FORM[1])).content.decode()


def test_the_form_shows_the_regions_session_card(client, operator, jambi, assessor):
    cycle = open_cycle(jambi)
    assign(cycle, jambi, assessor)
    session = VirtualSession.objects.create(
        cycle=cycle,
        region=jambi,
        starts_at=datetime(2022, 10, 3, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta")),
        duration_minutes=120,
        meeting_url="https://meet.example.org/jambi-2022",
    )
    session.assessors.add(assessor)
    for user in (operator, assessor):
        html = page(client, user)
        card = html.split('data-testid="session-card"')[1].split("</article>")[0]
        assert "Senin, 3 Oktober 2022 pukul 09.00 WIB · 120 menit" in card
        assert "https://meet.example.org/jambi-2022" in card
        assert reverse("evaluations:session_ics", args=[2022, "15.71"]) in card


def test_no_card_before_the_session_is_scheduled(client, operator, jambi):
    open_cycle(jambi)
    assert 'data-testid="session-card"' not in page(client, operator)


def test_the_assessor_workspace_shows_the_same_card(client, jambi, assessor):
    cycle = open_cycle(jambi)
    cycle.state = CycleState.REVIEW
    cycle.save()
    assign(cycle, jambi, assessor)
    VirtualSession.objects.create(
        cycle=cycle,
        region=jambi,
        starts_at=datetime(2022, 10, 3, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta")),
        location="Ruang rapat Diskominfo Kota Jambi",
    )
    client.force_login(assessor)
    html = client.get(reverse("evaluations:assessor_workspace", args=[2022, "15.71"])).content
    card = html.decode().split('data-testid="session-card"')[1].split("</article>")[0]
    assert "Senin, 3 Oktober 2022 pukul 09.00 WIB" in card
    assert "Ruang rapat Diskominfo Kota Jambi" in card


def test_the_form_names_elements_in_the_readers_language(client, operator, jambi):
    cycle = open_cycle(jambi)
    cycle.instrument.dimensions.get(code="GOV").elements.filter(code="GOV.SVC").update(
        name_en="Public service"
    )
    assert "<h3>GOV.SVC · Layanan Publik</h3>" in page(client, operator)
    client.cookies["django_language"] = "en"
    english = page(client, operator)
    assert "<h3>GOV.SVC · Public service</h3>" in english
    # An element without an English name keeps its Indonesian one.
    assert "<h3>ENV.WAS · Sampah dan Limbah</h3>" in english


def test_the_form_names_the_evidence_kinds_asked_for(client, operator, jambi):
    cycle = open_cycle(jambi)
    cycle.instrument.indicators.filter(code="GOV.SVC.01").update(
        evidence_kinds=["document", "link"]
    )
    html = page(client, operator)
    assert '<small class="muted">(Dokumen, Tautan)</small>' in html
    assert "(document" not in html
    client.cookies["django_language"] = "en"
    assert '<small class="muted">(Document, Link)</small>' in page(client, operator)


def test_the_assessor_workspace_names_elements_in_the_readers_language(client, jambi, assessor):
    cycle = open_cycle(jambi)
    cycle.state = CycleState.REVIEW
    cycle.save()
    assign(cycle, jambi, assessor)
    cycle.instrument.dimensions.get(code="GOV").elements.filter(code="GOV.SVC").update(
        name_en="Public service"
    )
    client.force_login(assessor)
    url = reverse("evaluations:assessor_workspace", args=[2022, "15.71"])
    assert "<h3>GOV.SVC · Layanan Publik</h3>" in client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    assert "<h3>GOV.SVC · Public service</h3>" in client.get(url).content.decode()
