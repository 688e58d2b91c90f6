"""After publication the appeals pages follow the release, not the cycle's state: a region sees
no figures of a version under embargo (first publication or correction), the public aggregate
waits for the release, and admins preview with the embargo banner."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from kotacerdas.appeals.services import register
from kotacerdas.evaluations.models import CycleState
from kotacerdas.evaluations.services import lifecycle
from kotacerdas.results.models import Snapshot
from kotacerdas.results.services import publication

from .conftest import SAMPLES, close_by_deadline


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def under_embargo(cycle, admin, open_window):
    """The window has passed; cycle 2022 published, released tomorrow."""
    close_by_deadline(open_window)
    release = timezone.now() + timedelta(days=1)
    lifecycle.transition(cycle, CycleState.PUBLISHED, by=admin, release_at=release)
    cycle.refresh_from_db()
    return cycle


def release_now(cycle) -> None:
    Snapshot.objects.filter(cycle=cycle, state="published").update(released_at=timezone.now())


def test_a_region_sees_no_figures_of_a_publication_under_embargo(
    client, under_embargo, admin, jambi_operator
):
    url = reverse("appeals:region", args=[2022, "15.71"])
    client.force_login(jambi_operator)
    page = text_of(client.get(url))
    assert "hasil versi 1" not in page and "Nilai akhir setiap indikator" not in page
    assert "Hasil siklus ini dirilis ke publik pada" in page

    client.force_login(admin)  # the admins' preview, marked
    page = text_of(client.get(url))
    assert "hasil versi 1" in page and "Diembargo hingga" in page

    release_now(under_embargo)
    client.force_login(jambi_operator)
    page = text_of(client.get(url))
    assert "hasil versi 1" in page and "Hasil siklus ini dirilis" not in page
    assert "Diembargo" not in page and "Hasil sementara" not in page


def test_a_correction_under_embargo_reaches_no_region_before_its_release(
    client, under_embargo, admin, jambi_operator
):
    release_now(under_embargo)
    publication.republish(
        under_embargo,
        by=admin,
        reason="Koreksi",
        samples=SAMPLES,
        release_at=timezone.now() + timedelta(days=1),
    )
    url = reverse("appeals:region", args=[2022, "15.71"])
    client.force_login(jambi_operator)
    page = text_of(client.get(url))
    assert "hasil versi 1" in page and "hasil versi 2" not in page
    client.force_login(admin)
    assert "hasil versi 2" in text_of(client.get(url))


def test_the_public_aggregate_waits_for_the_release(client, under_embargo, admin):
    assert register.summary(under_embargo) is None
    assert register.summary(under_embargo, preview=True) is not None
    assert APIClient().get("/api/v1/results/2022/appeals/").status_code == 404
    client.force_login(admin)  # the preview carries the line it will show
    methodology = text_of(client.get(reverse("results:methodology", args=[2022])))
    assert "Tidak ada daerah yang mengajukan sanggahan." in methodology

    release_now(under_embargo)
    client.logout()
    methodology = text_of(client.get(reverse("results:methodology", args=[2022])))
    assert "Tidak ada daerah yang mengajukan sanggahan." in methodology
    assert APIClient().get("/api/v1/results/2022/appeals/").json()["appeals"] == 0
