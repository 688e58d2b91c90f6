"""Who sees the survey's figures and comments: the public only on the profile of a published
cycle and never the comments; the region's operator, its assessor in the cycle and admins at
any time, with comments; the links in the operator's and assessor's pages."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from kotacerdas.accounts.roles import Role
from kotacerdas.evaluations.models import CycleState
from kotacerdas.surveys.models import SurveyWindow
from kotacerdas.surveys.services import visibility
from tests.conftest import make_user
from tests.factories import assign, enrol, make_cycle
from tests.results.builders import publish_cycle

from .builders import add_responses, make_quick_wins, open_window

SECRET = "Petugas loket meminta uang tambahan"
RATED = [(True, True, r) for r in (5, 4, 4, 3, 5, 2, 4, 5, 3, 4)]


@pytest.fixture
def published_survey(jambi, bandung, settings):
    """A published cycle (2031) with Kota Jambi's quick wins and ten responses about the first,
    one with a comment; a closed window."""
    cache.clear()
    settings.SURVEY_MIN_RESPONSES = 10
    snapshot = publish_cycle(2031, {"15.71": 66.0, "32.73": 72.0})
    jambi = snapshot.regions.get(region__code="15.71").region
    programmes = make_quick_wins(jambi, 2031)
    window = open_window(snapshot.cycle, days_before=30, days_after=-1)
    add_responses(window, programmes[0], RATED, comment=SECRET)
    return snapshot.cycle, jambi, programmes


def test_the_public_profile_shows_figures_but_never_comments(client, published_survey):
    _cycle, _jambi, programmes = published_survey
    page = client.get(reverse("results:profile", args=[2031, "15.71"])).content.decode()
    assert "Survei warga tentang quick win" in page
    assert "tidak masuk perhitungan indeks" in page
    assert programmes[0].name in page
    assert '3,90 <small class="muted survey-ci">(3,19–4,61)</small>' in page  # t interval, by hand
    # Rounded, not truncated: the Wilson interval of 10 of 10 reaches 100%.
    assert '100% <small class="muted survey-ci">(72%–100%)</small>' in page
    assert "belum cukup tanggapan" in page  # the other two programmes have no responses
    assert SECRET not in page


def test_the_api_gives_figures_without_comments(client, published_survey):
    body = client.get("/api/v1/surveys/2031/15.71/").json()
    first = body["programmes"][0]
    assert first["n"] == 10
    assert first["rating"]["value"] == pytest.approx(3.9)
    assert first["rating"]["low"] == pytest.approx(3.188629, abs=1e-5)
    assert first["knows"]["value"] == 1.0
    assert [item["count"] for item in first["distribution"]] == [0, 1, 2, 4, 3]
    assert body["programmes"][1]["knows"]["value"] is None
    assert SECRET not in str(body)
    year = client.get("/api/v1/surveys/2031/").json()
    assert [r["region"]["code"] for r in year["results"]] == ["15.71"]
    assert year["results"][0]["overall"]["n"] == 10
    assert year["minimum_responses"] == 10
    assert SECRET not in str(year)


def test_the_year_api_is_paginated_by_region_code(client, published_survey, bandung):
    cycle, _jambi, programmes = published_survey
    window = cycle.survey_window
    bandung_programmes = make_quick_wins(bandung, 2031, names=("Bandung Command Center",))
    add_responses(window, bandung_programmes[0], RATED[:4])
    first = client.get("/api/v1/surveys/2031/", {"page_size": 1}).json()
    assert (first["count"], first["previous"]) == (2, None)
    assert first["next"].endswith("/api/v1/surveys/2031/?page=2&page_size=1")
    assert [r["region"]["code"] for r in first["results"]] == ["15.71"]
    assert first["results"][0]["programmes"][0]["code"] == programmes[0].code
    assert (first["year"], first["minimum_responses"]) == (2031, 10)
    second = client.get(first["next"]).json()
    assert second["next"] is None and second["previous"]
    assert [r["region"]["code"] for r in second["results"]] == ["32.73"]
    assert second["results"][0]["overall"]["n"] == 4  # only Bandung's responses
    whole = client.get("/api/v1/surveys/2031/").json()  # 50 a page by default
    assert [r["region"]["code"] for r in whole["results"]] == ["15.71", "32.73"]
    assert client.get("/api/v1/surveys/2031/", {"page": 3, "page_size": 1}).status_code == 404


def test_before_publication_the_public_sees_nothing(client, jambi, bandung):
    cycle = make_cycle(2032, CycleState.REVIEW)
    programmes = make_quick_wins(jambi, 2032)
    window = open_window(cycle)
    add_responses(window, programmes[0], RATED, comment=SECRET)
    assert not visibility.is_public(cycle)
    assert visibility.public_region_survey(2032, jambi) is None
    assert client.get("/api/v1/surveys/2032/").status_code == 404
    assert client.get("/api/v1/surveys/2032/15.71/").status_code == 404
    results = reverse("surveys:results", args=[2032, "15.71"])
    assert client.get(results).status_code == 302  # to the sign-in page
    form = client.get(reverse("surveys:region", args=[2032, "15.71"])).content.decode()
    assert SECRET not in form and "3,90" not in form
    other = make_user("op.bandung", Role.OPERATOR, region=bandung)
    client.force_login(other)
    assert client.get(results).status_code == 403
    assert client.get("/api/v1/surveys/2032/15.71/").status_code == 404


@pytest.mark.parametrize("role", ["admin", "operator", "assessor"])
def test_region_parties_see_figures_and_comments_any_time(client, jambi, role):
    cycle = make_cycle(2032, CycleState.REVIEW)
    programmes = make_quick_wins(jambi, 2032)
    window = open_window(cycle)
    add_responses(window, programmes[0], RATED, comment=SECRET)
    user = {
        "admin": lambda: make_user("adm", Role.ADMIN),
        "operator": lambda: make_user("op", Role.OPERATOR, region=jambi),
        "assessor": lambda: make_user("as", Role.ASSESSOR),
    }[role]()
    if role == "assessor":
        assign(cycle, jambi, user)
    client.force_login(user)
    page = client.get(reverse("surveys:results", args=[2032, "15.71"])).content.decode()
    assert SECRET in page
    assert "3,90" in page
    assert "Publik belum melihat angka ini" in page
    assert client.get("/api/v1/surveys/2032/15.71/").json()["overall"]["n"] == 10


def test_an_assessor_of_another_cycle_does_not_see_comments(client, jambi):
    cycle = make_cycle(2032, CycleState.REVIEW)
    other_cycle = make_cycle(2033, CycleState.OPEN)
    make_quick_wins(jambi, 2032)
    open_window(cycle)
    assessor = make_user("as", Role.ASSESSOR)
    assign(other_cycle, jambi, assessor)
    client.force_login(assessor)
    assert client.get(reverse("surveys:results", args=[2032, "15.71"])).status_code == 403


def test_operator_and_assessor_pages_link_to_the_survey(client, jambi):
    cycle = make_cycle(2032, CycleState.REVIEW)
    enrol(cycle, jambi)
    programmes = make_quick_wins(jambi, 2032)
    add_responses(open_window(cycle), programmes[0], RATED[:3])
    operator = make_user("op", Role.OPERATOR, region=jambi)
    client.force_login(operator)
    page = client.get(reverse("evaluations:submission_form", args=[2032, "15.71"])).content.decode()
    link = reverse("surveys:results", args=[2032, "15.71"])
    assert link in page and "3 tanggapan" in page
    assessor = make_user("as", Role.ASSESSOR)
    assign(cycle, jambi, assessor)
    client.force_login(assessor)
    page = client.get(
        reverse("evaluations:assessor_workspace", args=[2032, "15.71"])
    ).content.decode()
    assert link in page and "aspek Impact" in page


def test_the_profile_invites_to_an_open_survey_about_the_region(client, published_survey):
    _cycle, jambi, _programmes = published_survey
    later = make_cycle(2032, CycleState.REVIEW)
    make_quick_wins(jambi, 2032, ["Bank sampah"])
    open_window(later)
    page = client.get(reverse("results:profile", args=[2031, "15.71"])).content.decode()
    assert reverse("surveys:region", args=[2032, "15.71"]) in page
    assert "Isi survei quick win 2032" in page
    SurveyWindow.objects.filter(cycle=later).delete()
    page = client.get(reverse("results:profile", args=[2031, "15.71"])).content.decode()
    assert "Isi survei quick win" not in page
