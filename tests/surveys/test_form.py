"""The public survey form: validation and its Indonesian errors, the honeypot, one response per
programme per browser, the daily limit per address, the window, and what is stored."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kotacerdas.core.errors import ServiceError
from kotacerdas.evaluations.models import CycleState
from kotacerdas.surveys.models import SurveyResponse
from kotacerdas.surveys.services import submission
from tests.factories import make_cycle

from .builders import make_quick_wins, open_window

YEAR = 2030


@pytest.fixture
def survey(jambi):
    cycle = make_cycle(YEAR, CycleState.REVIEW)
    programmes = make_quick_wins(jambi, YEAR)
    return open_window(cycle), programmes


def url(code="15.71"):
    return reverse("surveys:region", kwargs={"year": YEAR, "code": code})


def answer(programme, knows="ya", used="ya", rating="4", comment=""):
    prefix = f"p{programme.pk}"
    data = {f"{prefix}-knows": knows, f"{prefix}-used": used, f"{prefix}-comment": comment}
    if rating:
        data[f"{prefix}-rating"] = rating
    return data


def test_it_lists_the_quick_wins_with_the_three_questions(client, survey):
    _window, programmes = survey
    page = client.get(url()).content.decode()
    for programme in programmes:
        assert programme.name in page
    assert "Apakah Anda mengetahui program ini?" in page
    assert "Seberapa besar program ini memperbaiki layanan/kehidupan Anda?" in page
    assert "csrfmiddlewaretoken" in page
    assert 'name="situs_web"' in page


def test_the_form_speaks_the_readers_language(client, survey, settings):
    """Every text of the form follows the reader's language, the comment's limit included."""
    page = client.get(url()).content.decode()
    assert "Paling banyak 1000 karakter. Hanya dibaca pemerintah daerah" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(url()).content.decode()
    assert "At most 1000 characters. Read only by the regional government" in page
    assert "Paling banyak" not in page and "Apakah Anda mengetahui program ini?" not in page


def test_it_stores_answers_and_thanks(client, survey):
    _window, (mpp, sipin, _library) = survey
    data = {**answer(mpp, comment="Antrean lebih pendek"), **answer(sipin, used="tidak", rating="")}
    response = client.post(url(), data, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:thanks", kwargs={"year": YEAR, "code": "15.71"})
    rows = {row.programme_id: row for row in SurveyResponse.objects.all()}
    assert set(rows) == {mpp.pk, sipin.pk}  # the empty block is skipped
    assert (rows[mpp.pk].knows, rows[mpp.pk].used, rows[mpp.pk].rating) == (True, True, 4)
    assert rows[mpp.pk].comment == "Antrean lebih pendek"
    assert (rows[sipin.pk].used, rows[sipin.pk].rating) == (False, None)
    # Privacy: only the salted fingerprint, never the address.
    day = submission.day_of()
    assert rows[mpp.pk].fingerprint == submission.fingerprint("203.0.113.7", mpp.pk, day)
    assert rows[mpp.pk].fingerprint != rows[sipin.pk].fingerprint
    assert all(
        "203.0.113.7" not in str(v) for v in SurveyResponse.objects.values().first().values()
    )
    thanks = client.get(response["Location"]).content.decode()
    assert "Terima kasih atas tanggapan Anda" in thanks
    assert "Masih ada 1 program yang belum Anda tanggapi." in thanks


def test_fingerprint_is_salted(survey, settings):
    _window, (mpp, *_rest) = survey
    day = submission.day_of()
    settings.SURVEY_FINGERPRINT_SALT = "garam-satu"
    first = submission.fingerprint("203.0.113.7", mpp.pk, day)
    settings.SURVEY_FINGERPRINT_SALT = "garam-dua"
    assert submission.fingerprint("203.0.113.7", mpp.pk, day) != first


def test_errors_name_what_is_missing(client, survey):
    _window, (mpp, sipin, _library) = survey
    data = {**answer(mpp, knows="", used="ya", rating=""), **answer(sipin, used="")}
    page = client.post(url(), data).content.decode()
    assert "Pilih Ya atau Tidak: apakah Anda mengetahui program ini?" in page
    assert "Beri nilai 1–5 karena Anda pernah memanfaatkan atau merasakan manfaatnya." in page
    assert "Pilih Ya atau Tidak: apakah Anda pernah memanfaatkan program ini?" in page
    assert not SurveyResponse.objects.exists()


def test_an_empty_form_and_bad_values_are_refused(client, survey):
    _window, (mpp, *_rest) = survey
    page = client.post(url(), {}).content.decode()
    assert "Isi jawaban untuk setidaknya satu program." in page
    page = client.post(url(), answer(mpp, rating="9", comment="x" * 1001)).content.decode()
    assert "Nilai harus salah satu dari 1, 2, 3, 4 atau 5." in page
    assert "Komentar paling banyak 1000 karakter (sekarang 1001)." in page
    assert not SurveyResponse.objects.exists()


def test_honeypot_refuses_politely_and_saves_nothing(client, survey):
    _window, (mpp, *_rest) = survey
    page = client.post(url(), {**answer(mpp), "situs_web": "http://spam.example"})
    assert page.status_code == 200
    assert "Maaf, tanggapan ini tidak dapat kami terima." in page.content.decode()
    assert not SurveyResponse.objects.exists()


def test_one_response_per_programme_per_browser(client, survey):
    _window, (mpp, sipin, _library) = survey
    client.post(url(), answer(mpp))
    assert SurveyResponse.objects.count() == 1
    page = client.get(url()).content.decode()
    assert "Sudah Anda tanggapi dari peramban ini" in page
    assert f'name="p{mpp.pk}-knows"' not in page  # no form for it any more
    # Posting it again anyway (a crafted request) is refused, naming the programme.
    page = client.post(url(), {**answer(mpp), **answer(sipin)}).content.decode()
    assert "Anda sudah menanggapi «Mal Pelayanan Publik» dari peramban ini." in page
    assert SurveyResponse.objects.count() == 1
    # The other programmes remain open to this browser.
    client.post(url(), answer(sipin))
    assert SurveyResponse.objects.count() == 2


def test_a_tampered_cookie_counts_as_none(client, survey):
    window, (mpp, *_rest) = survey
    client.cookies[submission.cookie_name(window)] = f"{mpp.pk}:forged"
    assert f'name="p{mpp.pk}-knows"' in client.get(url()).content.decode()


def test_daily_limit_per_address_and_programme(client, survey, settings):
    settings.SURVEY_MAX_PER_DAY = 2
    _window, (mpp, sipin, _library) = survey
    for _ in range(2):
        client.cookies.clear()  # a new browser each time, the same address
        assert client.post(url(), answer(mpp), REMOTE_ADDR="198.51.100.9").status_code == 302
    client.cookies.clear()
    page = client.post(url(), answer(mpp), REMOTE_ADDR="198.51.100.9").content.decode()
    assert "hari ini sudah ada 2 tanggapan untuk «Mal Pelayanan Publik»" in page
    assert "Silakan coba lagi besok." in page
    assert SurveyResponse.objects.filter(programme=mpp).count() == 2
    # Another programme from that address, or the same from another address, is accepted.
    assert client.post(url(), answer(sipin), REMOTE_ADDR="198.51.100.9").status_code == 302
    client.cookies.clear()
    assert client.post(url(), answer(mpp), REMOTE_ADDR="198.51.100.10").status_code == 302


def test_the_limit_counts_one_day_in_wib(survey, jambi, settings):
    settings.SURVEY_MAX_PER_DAY = 1
    window, (mpp, *_rest) = survey
    answers = [submission.Answer(mpp, True, True, 3)]
    submission.submit(window, jambi, answers, client_ip="192.0.2.1")
    tomorrow = timezone.now() + timedelta(days=1)
    window.ends_at = tomorrow + timedelta(days=1)
    window.save()
    assert submission.submit(window, jambi, answers, client_ip="192.0.2.1", now=tomorrow)


def test_closed_and_upcoming_windows_say_when(client, survey):
    window, (mpp, *_rest) = survey
    window.ends_at = timezone.now() - timedelta(hours=1)
    window.starts_at = window.ends_at - timedelta(days=3)
    window.save()
    page = client.get(url()).content.decode()
    assert "Survei ini sudah ditutup pada" in page
    assert "Kirim tanggapan" not in page
    page = client.post(url(), answer(mpp)).content.decode()
    assert "Survei ini tidak sedang dibuka." in page
    window.starts_at = timezone.now() + timedelta(days=2)
    window.ends_at = window.starts_at + timedelta(days=5)
    window.save()
    page = client.get(url()).content.decode()
    assert "Survei dibuka pada" in page and "WIB" in page
    assert not SurveyResponse.objects.exists()


def test_only_published_quick_wins_of_the_region_are_asked(client, survey, jambi, bandung):
    window, _programmes = survey
    (hidden,) = make_quick_wins(jambi, YEAR, ["Program internal"], published=False)
    (other,) = make_quick_wins(bandung, YEAR, ["Program Bandung"])
    assert "Program internal" not in client.get(url()).content.decode()
    page = client.post(url(), answer(other)).content.decode()
    assert "Isi jawaban untuk setidaknya satu program." in page  # unknown fields are ignored
    with pytest.raises(ServiceError, match="bukan quick win 2030 Kota Jambi"):
        submission.submit(
            window, jambi, [submission.Answer(hidden, True, False, None)], client_ip="x"
        )
    assert not SurveyResponse.objects.exists()


def test_no_window_is_a_404(client, jambi):
    make_cycle(YEAR, CycleState.REVIEW)
    assert client.get(url()).status_code == 404


def test_a_post_without_the_csrf_token_is_refused(survey):
    _window, (mpp, *_rest) = survey
    response = Client(enforce_csrf_checks=True).post(url(), answer(mpp))
    assert response.status_code == 403
    assert not SurveyResponse.objects.exists()
