"""The survey demo step: a closed 2022 survey with Kota Jambi's responses, an open 2023 one;
everything synthetic is labelled; a second run adds nothing."""

import pytest
from django.core.management import call_command

from kotacerdas.accounts import demo as accounts_demo
from kotacerdas.core.demo import DEMO_STEPS
from kotacerdas.evaluations import demo as evaluation_demo
from kotacerdas.masterplans import demo as masterplan_demo
from kotacerdas.results import demo as results_demo
from kotacerdas.surveys import demo
from kotacerdas.surveys.models import SurveyResponse, SurveyWindow


def test_the_step_follows_the_results_step():
    assert DEMO_STEPS.index("kotacerdas.surveys.demo.load") > DEMO_STEPS.index(
        "kotacerdas.results.demo.load"
    )


@pytest.mark.django_db
def test_the_demo_survey_is_labelled_and_idempotent(client):
    call_command("load_regions", verbosity=0)
    accounts_demo.load()
    masterplan_demo.load()
    evaluation_demo.load()
    results_demo.load()
    demo.load()
    past = SurveyWindow.objects.get(cycle__year=2022)
    live = SurveyWindow.objects.get(cycle__year=2023)
    assert past.state() == "closed" and live.is_open()
    jambi = SurveyResponse.objects.filter(window=past, region__code="15.71")
    per_programme = sorted(jambi.filter(programme=p).count() for p in {r.programme for r in jambi})
    assert per_programme == sorted(demo.JAMBI_SIZES)
    comments = SurveyResponse.objects.exclude(comment="").values_list("comment", flat=True)
    assert comments and all(c.startswith("[Data sintetis]") for c in comments)
    assert SurveyResponse.objects.filter(window=past).exclude(region__code="15.71").exists()
    assert SurveyResponse.objects.filter(window=live).exists()
    count = SurveyResponse.objects.count()
    lines = demo.load()
    assert SurveyResponse.objects.count() == count
    assert "0 tanggapan sintetis ditambahkan" in lines[0]
    # The figures reach Kota Jambi's public 2022 profile; the methane programme stays below n.
    page = client.get("/hasil/2022/daerah/15.71/").content.decode()
    assert "Survei warga tentang quick win" in page and "belum cukup tanggapan" in page
    assert "[Data sintetis]" not in page.split("Survei warga tentang quick win")[1]
