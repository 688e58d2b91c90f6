"""The language switch: Indonesian by default, English on request, on the key pages."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

from kotacerdas.accounts.roles import Role
from kotacerdas.evaluations.models import CycleState
from kotacerdas.regions.models import Region
from kotacerdas.results.charts import format_locale
from tests.conftest import make_user
from tests.factories import assign, enrol, make_cycle
from tests.reports.test_documents import pdf_text
from tests.results.builders import INDICES, cohort, publish_cycle
from tests.results.conftest import _fresh_cache  # noqa: F401 (autouse: no cached page carries over)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def switch(client, language: str, next_url: str = "/") -> None:
    response = client.post(reverse("set_language"), {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == language


def english(client, url: str, user=None) -> str:
    """The page at ``url`` after switching to English (signed in as ``user``, if given)."""
    if user is not None:
        client.force_login(user)
    switch(client, "en", url)
    response = client.get(url)
    assert response.status_code == 200
    return text_of(response)


@pytest.fixture
def world(db):
    """Results 2022 published for the five cohort regions (Kota Jambi's index 66.2, i.e. 3,31 on
    the 0–5 scale); cycle 2023 in assessor review with Kota Jambi submitted and assigned."""
    cohort()
    publish_cycle(2022, INDICES)
    jambi = Region.objects.get(code="15.71")
    cycle = make_cycle(2023, state=CycleState.REVIEW)
    (submission,) = enrol(cycle, jambi)
    submission.state = "submitted"
    submission.save()
    operator = make_user("operator.jambi.i18n", Role.OPERATOR, region=jambi)
    assessor = make_user("asesor.i18n", Role.ASSESSOR)
    assign(cycle, jambi, assessor)
    return {"cycle": cycle, "operator": operator, "assessor": assessor}


def test_indonesian_is_the_default_even_for_a_browser_asking_for_english(client, world):
    page = text_of(client.get("/", headers={"accept-language": "en-US,en;q=0.9"}))
    assert '<html lang="id">' in page
    assert "Evaluasi Smart City Pemerintah Daerah" in page
    assert "Smart City Evaluation of Regional Governments" not in page


def test_the_switch_turns_the_page_english_and_back(client, world):
    switch(client, "en", "/daerah/")
    page = text_of(client.get("/daerah/"))
    assert '<html lang="en">' in page
    assert "List of regions" in page and "Search by name or code" in page
    assert "Daftar daerah" not in page
    switch(client, "id", "/daerah/")
    page = text_of(client.get("/daerah/"))
    assert '<html lang="id">' in page and "Daftar daerah" in page


def test_an_unknown_language_in_the_cookie_falls_back_to_indonesian(client, world):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert '<html lang="id">' in text_of(client.get("/"))


def test_the_api_still_follows_accept_language(client, world):
    url = "/api/v1/results/1999/"
    english = client.get(url, headers={"accept-language": "en"})
    indonesian = client.get(url)
    assert english.status_code == indonesian.status_code == 404
    assert english.json()["detail"] == "Not found."
    assert indonesian.json()["detail"] == "Tidak ditemukan."


PUBLIC_PAGES = [
    ("/", ["Smart City Evaluation of Regional Governments", "Registered regions", "Sign in"]),
    ("/daerah/", ["List of regions", "Search by name or code"]),
    ("/akun/masuk/", ["Username", "Password", "Sign in"]),
    ("/hasil/2022/", ["Smart City Ranking 2022", "Rank interval 5–95%", "Kota Jambi"]),
    ("/hasil/2022/daerah/15.71/", ["Scores by dimension and element", "National median"]),
    ("/hasil/2022/metodologi/", ["Index methodology 2022", "2. Normalisation"]),
]


@pytest.mark.parametrize(("url", "expected"), PUBLIC_PAGES)
def test_public_pages_in_english(client, world, url, expected):
    page = english(client, url)
    assert '<html lang="en">' in page
    for text in expected:
        assert text in page
    assert "Skip to content" in page and "Langsung ke isi" not in page


def test_the_ministrys_predicates_follow_the_language(client, world):
    """Kota Jambi (3,31) is "Baik": "Good" on English pages, in the badge and the filter."""
    badge = re.compile(r'<span class="badge[^"]*">([^<]+)</span>')
    for url in ("/hasil/2022/?q=Jambi", "/hasil/2022/daerah/15.71/"):
        assert "Baik" in badge.findall(text_of(client.get(url)))
        page = english(client, url)
        assert "Good" in badge.findall(page) and "Baik" not in badge.findall(page)
        switch(client, "id", url)
    assert '<option value="Baik">Good</option>' in english(client, "/hasil/2022/")


def test_the_self_assessment_in_english(client, world):
    url = reverse("evaluations:submission_form", args=[2023, "15.71"])
    page = english(client, url, world["operator"])
    assert "Self-assessment" in page and "Progress by dimension" in page
    # The service's refusal, translated when raised: the cycle is in assessor review.
    lock = re.search(r'data-testid="lock-reason">(.*?)</p>', page).group(1)
    assert "can only be changed in the Self-assessment stage" in lock
    assert "Assessor review" in lock
    assert "Penilaian mandiri" not in page
    # Indicator texts in English where the instrument has them, Indonesian otherwise.
    assert "How far does the public service mall serve citizens?" in page
    assert "Sejauh mana Mal Pelayanan Publik melayani warga?" not in page
    assert "Apakah ada Perda penyelenggaraan smart city?" in page


def test_the_assessor_workspace_in_english(client, world):
    url = reverse("evaluations:assessor_workspace", args=[2023, "15.71"])
    page = english(client, url, world["assessor"])
    assert "Your score" in page and "Region's answer" in page
    assert "Done scoring" in page
    assert "Penilaian Anda" not in page
    assert "How far does the public service mall serve citizens?" in page


def test_indicator_texts_stay_indonesian_by_default(client, world):
    client.force_login(world["assessor"])
    page = text_of(client.get(reverse("evaluations:assessor_workspace", args=[2023, "15.71"])))
    assert "Sejauh mana Mal Pelayanan Publik melayani warga?" in page
    assert "How far does the public service mall serve citizens?" not in page


def test_numbers_follow_the_language(client, world):
    indonesian = text_of(client.get("/hasil/2022/"))
    row = re.search(r'<tr data-region="15.71">(.*?)</tr>', indonesian).group(1)
    assert "3,31" in row and "3.31" not in row
    switch(client, "en", "/hasil/2022/")
    english = text_of(client.get("/hasil/2022/"))
    row = re.search(r'<tr data-region="15.71">(.*?)</tr>', english).group(1)
    assert "3.31" in row and "3,31" not in row


def test_dates_follow_the_language(client, world):
    cycle = world["cycle"]
    with translation.override("en"):
        english = formats.date_format(cycle.created_at, "DATE_FORMAT")
    with translation.override("id"):
        indonesian = formats.date_format(cycle.created_at, "DATE_FORMAT")
    assert english != indonesian
    assert re.fullmatch(r"[A-Z][a-z]+\.? \d{1,2}, \d{4}", english)
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", indonesian)


def test_charts_number_locale_follows_the_language():
    with translation.override("en"):
        assert format_locale()["decimal"] == "."
    with translation.override("id"):
        assert format_locale()["decimal"] == ","


def test_the_report_card_follows_the_language_and_the_letter_stays_indonesian(client, world):
    url = reverse("reports:report_card", args=[2022, "15.71"])
    indonesian = pdf_text(client.get(url).content)
    assert "Peringkat nasional" in indonesian and "3,31" in indonesian and "Baik" in indonesian
    switch(client, "en", url)
    english = pdf_text(client.get(url).content)
    assert "National rank" in english and "3.31" in english and "Good" in english
    assert "Peringkat nasional" not in english and "Baik" not in english
    client.force_login(world["operator"])
    letter = pdf_text(client.get(reverse("reports:letter", args=[2022, "15.71"])).content)
    assert "Peringkat nasional" in letter and "3,31" in letter
    assert "National rank" not in letter


def test_columns_that_count_are_plural_in_english_and_unchanged_in_indonesian(
    client, world, admin_user
):
    pages = {
        reverse("instruments:list"): "Indikator",
        reverse("evaluations:cycle_detail", args=[world["cycle"].year]): "Asesor",
        reverse("masterplans:national"): "Program",
    }
    counts = {"Indikator": "Indicators", "Asesor": "Assessors", "Program": "Programmes"}
    client.force_login(admin_user)
    for url, column in pages.items():
        page = text_of(client.get(url))
        assert f'class="numeric">{column}</th>' in page
        assert 'href="/daerah/">Daerah</a>' in page
    for url, column in pages.items():
        page = english(client, url)
        assert f'class="numeric">{counts[column]}</th>' in page
        assert 'href="/daerah/">Regions</a>' in page
        assert '">Masterplans</a></li>' in page
    assert 'class="numeric">Regions</th>' in english(client, reverse("masterplans:national"))
