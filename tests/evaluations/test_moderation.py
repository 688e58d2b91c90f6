"""Moderation: automatic final values, the queue, settling, feedback and what blocks "final"."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from kotacerdas.accounts.roles import Role
from kotacerdas.core.errors import Locked, ServiceError, StaleVersion
from kotacerdas.evaluations.models import (
    Answer,
    CycleState,
    FinalMethod,
    FinalRule,
    FinalValue,
    Score,
    SubmissionState,
)
from kotacerdas.evaluations.services import feedback, moderation
from kotacerdas.evaluations.services.moderation import QueueReason
from tests.conftest import make_user
from tests.factories import assign, enrol, make_cycle


@pytest.fixture
def setup(jambi, bandung):
    cycle = make_cycle(state=CycleState.MODERATION)
    own, other = enrol(cycle, jambi, bandung)
    own.state = other.state = SubmissionState.SUBMITTED
    own.save()
    other.save()
    a = make_user("asesor1", Role.ASSESSOR, first_name="Asesor", last_name="Satu")
    b = make_user("asesor2", Role.ASSESSOR, first_name="Asesor", last_name="Dua")
    panels = {
        "15.71": assign(cycle, jambi, a, b),
        "32.73": assign(cycle, bandung, a, b),
    }
    return cycle, own, other, panels


def score(assignment, code, value=None, not_applicable=False, note=""):
    indicator = assignment.cycle.instrument.indicators.get(code=code)
    return Score.objects.create(
        assignment=assignment,
        indicator=indicator,
        value=None if value is None else Decimal(value),
        not_applicable=not_applicable,
        note=note,
    )


def score_all(panel, values: dict[str, tuple]):
    """values: code → (first assessor's value, second's); "na" for not applicable, "" for a
    score without a value, None for no score at all."""
    for code, pair in values.items():
        for assignment, value in zip(panel, pair, strict=True):
            if value == "na":
                score(assignment, code, not_applicable=True)
            elif value == "":  # a score row with a note but no value yet
                score(assignment, code, note="Menunggu wawancara")
            elif value is not None:
                score(assignment, code, value)


def final(submission, code):
    return FinalValue.objects.filter(submission=submission, indicator__code=code).first()


AGREEING = {
    "GOV.SVC.01": (3, 4),
    "GOV.SVC.02": (1, 1),
    "ENV.WAS.01": (70, 85),
    "ENV.WAS.02": (300, 450),
}


def test_agreeing_assessors_give_the_mean(setup):
    cycle, own, _other, panels = setup
    score_all(panels["15.71"], AGREEING)
    moderation.prepare(cycle)
    assert final(own, "GOV.SVC.01").value == Decimal("3.5")
    assert final(own, "GOV.SVC.01").method == FinalMethod.MEAN
    assert final(own, "GOV.SVC.02").value == Decimal(1)
    assert final(own, "ENV.WAS.01").value == Decimal("77.5")
    # 300 vs 450 tonnes with goalposts 0–1000: 15 points apart, within 20.
    assert final(own, "ENV.WAS.02").value == Decimal(375)


def test_levels_two_apart_are_queued(setup):
    cycle, own, _other, panels = setup
    score_all(panels["15.71"], {**AGREEING, "GOV.SVC.01": (2, 4)})
    moderation.prepare(cycle)
    assert final(own, "GOV.SVC.01") is None
    items = moderation.queue(cycle, region_code="15.71")
    assert [(i.indicator.code, i.reason) for i in items] == [
        ("GOV.SVC.01", QueueReason.DISAGREEMENT)
    ]
    assert [p.score.value for p in items[0].scores] == [Decimal(2), Decimal(4)]
    assert items[0].spread == Decimal(40)


def test_median_rule(setup, db):
    cycle, own, _other, panels = setup
    cycle.final_rule = FinalRule.MEDIAN
    cycle.save()
    third = make_user("asesor3", Role.ASSESSOR)
    panel = [*panels["15.71"], *assign(cycle, own.region, third)]
    score_all(panel, {"GOV.SVC.01": (3, 3, 4), "ENV.WAS.01": (60, 62, 75)})
    moderation.prepare(cycle)
    assert final(own, "GOV.SVC.01").value == Decimal(3)
    assert final(own, "GOV.SVC.01").method == FinalMethod.MEDIAN
    assert final(own, "ENV.WAS.01").value == Decimal(62)


def test_numbers_are_compared_after_normalisation_by_goalposts(setup):
    cycle, own, other, panels = setup
    # 100 vs 350 tonnes on 0–1000: 25 points apart → queued.
    score_all(panels["15.71"], {"ENV.WAS.02": (100, 350)})
    # 100 vs 300: exactly 20 points → agreed.
    score_all(panels["32.73"], {"ENV.WAS.02": (100, 300)})
    moderation.prepare(cycle)
    assert final(own, "ENV.WAS.02") is None
    assert final(other, "ENV.WAS.02").value == Decimal(200)
    queued = moderation.queue(cycle, reason=QueueReason.DISAGREEMENT)
    assert [(i.region.code, i.indicator.code, i.spread) for i in queued] == [
        ("15.71", "ENV.WAS.02", Decimal(25))
    ]


def test_direction_does_not_hide_a_gap(setup):
    cycle, *_rest = setup
    indicator = cycle.instrument.indicators.get(code="ENV.WAS.02")
    indicator.direction = 1
    assert moderation.spread_points(indicator, [Decimal(100), Decimal(350)]) == Decimal(25)
    indicator.goal_min = indicator.goal_max = None
    # Without goalposts: the relative difference.
    assert moderation.spread_points(indicator, [Decimal(100), Decimal(200)]) == Decimal(50)


def test_missing_scores_and_not_applicable_disagreements_are_queued_worst_first(setup):
    cycle, _own, _other, panels = setup
    score_all(
        panels["15.71"],
        {
            "GOV.SVC.01": (3, None),
            "GOV.SVC.02": ("na", 1),
            "ENV.WAS.01": (50, 80),
            "ENV.WAS.02": ("", ""),
        },
    )
    moderation.prepare(cycle)
    items = moderation.queue(cycle, region_code="15.71")
    assert [(i.indicator.code, i.reason) for i in items] == [
        ("GOV.SVC.02", QueueReason.NOT_APPLICABLE),
        ("GOV.SVC.01", QueueReason.MISSING),
        ("ENV.WAS.02", QueueReason.MISSING),
        ("ENV.WAS.01", QueueReason.DISAGREEMENT),
    ]
    assert moderation.queue(cycle, dimension_code="ENV", region_code="15.71")[0].indicator.code == (
        "ENV.WAS.02"
    )


def test_all_not_applicable_is_a_final_not_applicable(setup):
    cycle, own, _other, panels = setup
    score_all(panels["15.71"], {"GOV.SVC.02": ("na", "na")})
    moderation.prepare(cycle)
    settled = final(own, "GOV.SVC.02")
    assert settled.not_applicable and settled.value is None


def test_prepare_is_idempotent_and_never_touches_a_moderated_value(setup, admin_user):
    cycle, own, _other, panels = setup
    score_all(panels["15.71"], {**AGREEING, "GOV.SVC.01": (1, 4)})
    moderation.prepare(cycle)
    moderation.settle(
        own,
        cycle.instrument.indicators.get(code="GOV.SVC.01"),
        value=Decimal(3),
        reason="Bukti MPP lengkap",
        by=admin_user,
    )
    count = FinalValue.objects.count()
    history = FinalValue.history.count()
    moderation.prepare(cycle)
    assert FinalValue.objects.count() == count
    assert FinalValue.history.count() == history
    assert final(own, "GOV.SVC.01").method == FinalMethod.MODERATED


def test_prepare_follows_scores_that_changed(setup):
    cycle, own, _other, panels = setup
    score_all(panels["15.71"], {"GOV.SVC.01": (3, 4)})
    moderation.prepare(cycle)
    assert final(own, "GOV.SVC.01").value == Decimal("3.5")
    Score.objects.filter(indicator__code="GOV.SVC.01", assignment=panels["15.71"][1]).update(
        value=Decimal(5)
    )
    moderation.prepare(cycle)
    assert final(own, "GOV.SVC.01") is None  # 3 vs 5: back in the queue


def test_settle_records_the_moderators_decision(setup, admin_user):
    cycle, own, _other, panels = setup
    score_all(panels["15.71"], {"GOV.SVC.01": (2, 4)})
    Answer.objects.create(
        submission=own, indicator=cycle.instrument.indicators.get(code="GOV.SVC.01"), value=5
    )
    moderation.prepare(cycle)
    (item,) = [
        i for i in moderation.queue(cycle, region_code="15.71") if i.indicator.code == "GOV.SVC.01"
    ]
    assert item.answer.value == Decimal(5)
    settled = moderation.settle(
        own,
        item.indicator,
        value=Decimal(3),
        reason="Wawancara menguatkan tingkat 3",
        by=admin_user,
    )
    assert (settled.method, settled.value, settled.decided_by, settled.version) == (
        FinalMethod.MODERATED,
        Decimal(3),
        admin_user,
        1,
    )
    assert "GOV.SVC.01" not in [
        i.indicator.code for i in moderation.queue(cycle, region_code="15.71")
    ]


def test_settle_refuses_without_reason_bad_values_and_stale_versions(setup, admin_user, assessor):
    cycle, own, _other, _panels = setup
    level = cycle.instrument.indicators.get(code="GOV.SVC.01")
    with pytest.raises(ServiceError, match="Alasan"):
        moderation.settle(own, level, value=Decimal(3), reason=" ", by=admin_user)
    with pytest.raises(ServiceError, match="antara 0 dan 5"):
        moderation.settle(own, level, value=Decimal(7), reason="x", by=admin_user)
    with pytest.raises(PermissionDenied):
        moderation.settle(own, level, value=Decimal(3), reason="x", by=assessor)
    moderation.settle(own, level, value=Decimal(3), reason="pertama", by=admin_user)
    with pytest.raises(StaleVersion):
        moderation.settle(
            own, level, value=Decimal(2), reason="kedua, dari antrean lama", by=admin_user
        )
    assert final(own, "GOV.SVC.01").reason == "pertama"
    moderation.settle(own, level, value=Decimal(2), reason="kedua", by=admin_user, version=1)
    assert final(own, "GOV.SVC.01").value == Decimal(2)


@pytest.mark.parametrize("state", [CycleState.REVIEW, CycleState.FINAL, CycleState.PUBLISHED])
def test_settle_only_in_moderation(setup, admin_user, state):
    cycle, own, _other, _panels = setup
    cycle.state = state
    cycle.save()
    own.refresh_from_db()
    with pytest.raises(Locked, match="Moderasi"):
        moderation.settle(
            own, cycle.instrument.indicators.first(), value=Decimal(1), reason="x", by=admin_user
        )
    assert not FinalValue.objects.exists()


def test_feedback_starts_from_the_union_of_the_assessors_items(setup, admin_user):
    _cycle, own, _other, panels = setup
    first, second = panels["15.71"]
    first.weaknesses = "Forum smart city belum rutin\nAnggaran TIK kecil"
    second.weaknesses = "- anggaran TIK  kecil\nSDM TIK kurang"
    first.strengths = "Perda No. 1 Tahun 2019"
    second.recommendations = "Bentuk Dewan Smart City"
    first.save()
    second.save()
    draft = feedback.draft(own)
    assert draft["weaknesses"].splitlines() == [
        "Forum smart city belum rutin",
        "Anggaran TIK kecil",
        "SDM TIK kurang",
    ]
    saved = feedback.settle_feedback(
        own,
        weaknesses=draft["weaknesses"],
        strengths=draft["strengths"],
        recommendations="• Bentuk Dewan Smart City\n\n",
        version=0,
        by=admin_user,
    )
    assert saved.recommendations == "Bentuk Dewan Smart City"
    assert feedback.draft(own)["recommendations"] == "Bentuk Dewan Smart City"


def test_feedback_needs_every_list(setup, admin_user):
    _cycle, own, _other, _panels = setup
    with pytest.raises(ServiceError) as refused:
        feedback.settle_feedback(
            own, weaknesses="a", strengths=" ", recommendations="", version=0, by=admin_user
        )
    assert len(refused.value.details) == 2


def test_unresolved_lists_queue_items_and_feedback(setup, admin_user):
    cycle, own, other, panels = setup
    for panel in panels.values():
        score_all(panel, AGREEING)
    Score.objects.filter(assignment=panels["15.71"][0], indicator__code="GOV.SVC.01").update(
        value=Decimal(1)
    )
    moderation.prepare(cycle)
    problems = moderation.unresolved(cycle)
    assert problems == [
        "Kota Jambi (15.71) · GOV.SVC.01: Penilaian asesor berbeda (1; 4)",
        "Kota Jambi (15.71): umpan balik (kelemahan, kekuatan, rekomendasi) belum ditetapkan.",
        "Kota Bandung (32.73): umpan balik (kelemahan, kekuatan, rekomendasi) belum ditetapkan.",
    ]
    moderation.settle(
        own,
        cycle.instrument.indicators.get(code="GOV.SVC.01"),
        value=Decimal(3),
        reason="Sepakat tingkat 3",
        by=admin_user,
    )
    for submission in (own, other):
        feedback.settle_feedback(
            submission,
            weaknesses="a",
            strengths="b",
            recommendations="c",
            version=0,
            by=admin_user,
        )
    assert moderation.unresolved(cycle) == []


def test_unresolved_reports_agreement_that_prepare_has_not_settled(setup):
    cycle, _own, _other, panels = setup
    score_all(panels["15.71"], {"GOV.SVC.01": (3, 3)})
    problems = moderation.unresolved(cycle)
    assert any("1 indikator sudah disepakati" in p for p in problems)


def test_regions_that_did_not_submit_are_not_moderated(setup):
    cycle, _own, other, panels = setup
    other.state = SubmissionState.DRAFT
    other.save()
    score_all(panels["32.73"], AGREEING)
    moderation.prepare(cycle)
    assert not FinalValue.objects.filter(submission=other).exists()
    assert all(item.region.code == "15.71" for item in moderation.queue(cycle))


# --- The moderation pages ----------------------------------------------------------------------


def test_the_queue_page_shows_each_assessor_and_the_self_assessment(
    client, setup, admin_user, settings
):
    from django.urls import reverse

    cycle, own, _other, panels = setup
    score_all(panels["15.71"], {**AGREEING, "GOV.SVC.01": (2, 4)})
    panels["15.71"][1].scores.filter(indicator__code="GOV.SVC.01").update(note="MPP belum daring")
    Answer.objects.create(
        submission=own,
        indicator=cycle.instrument.indicators.get(code="GOV.SVC.01"),
        value=5,
        justification="MPP melayani semua instansi",
    )
    moderation.prepare(cycle)
    client.force_login(admin_user)
    url = reverse("evaluations:moderation_queue", args=[cycle.year])
    page = client.get(url, {"region": "15.71"}).content.decode()
    assert 'data-testid="queue-15.71-GOV.SVC.01"' in page
    assert "Asesor Satu" in page and "Asesor Dua" in page
    assert "MPP belum daring" in page and "MPP melayani semua instansi" in page
    assert "selisih 40 poin" in page
    assert 'data-testid="queue-15.71-ENV.WAS.01"' not in page
    filtered = client.get(url, {"reason": "missing", "region": "15.71"}).content.decode()
    assert 'data-testid="queue-15.71-GOV.SVC.01"' not in filtered
    # The question in the moderator's language.
    mpp = cycle.instrument.indicators.get(code="GOV.SVC.01")
    assert f'<p class="indicator-question">{mpp.question}</p>' in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(url, {"region": "15.71"}).content.decode()
    assert f'<p class="indicator-question">{mpp.question_en}</p>' in page


def test_the_automatic_final_value_button_stands_apart_from_the_filters(client, setup, admin_user):
    """The button's form is an inline form (no margin); a class, not style="", gives it the
    space below that separates it from the filters."""
    import re
    from pathlib import Path

    from django.contrib.staticfiles import finders
    from django.urls import reverse

    cycle, _own, _other, panels = setup
    score_all(panels["15.71"], AGREEING)
    moderation.prepare(cycle)
    client.force_login(admin_user)
    page = client.get(reverse("evaluations:moderation_queue", args=[cycle.year])).content.decode()
    form = re.search(r'<form[^>]*action="[^"]*/hitung/"[^>]*>', page).group(0)
    assert 'class="inline-form form-own-line"' in form and "style=" not in form
    css = Path(finders.find("kotacerdas/kotacerdas.css")).read_text(encoding="utf-8")
    assert ".inline-form.form-own-line { margin-bottom: var(--pico-spacing); }" in css


def test_settling_with_htmx_replaces_the_item(client, setup, admin_user):
    from django.urls import reverse

    cycle, own, _other, panels = setup
    score_all(panels["15.71"], {"GOV.SVC.01": (2, 4)})
    client.force_login(admin_user)
    url = reverse("evaluations:moderation_settle", args=[cycle.year, "15.71", "GOV.SVC.01"])
    headers = {"HX-Request": "true"}
    refused = client.post(url, {"value": "3", "reason": "", "version": "0"}, headers=headers)
    assert refused.status_code == 422 and "Alasan" in refused.content.decode()
    response = client.post(
        url, {"value": "3", "reason": "Sesuai hasil wawancara", "version": "0"}, headers=headers
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#item-{own.pk}-{final_indicator(cycle).pk}"
    assert "Sesuai hasil wawancara" in response.content.decode()
    stale = client.post(
        url, {"value": "2", "reason": "Dari tab lama", "version": "0"}, headers=headers
    )
    assert stale.status_code == 409
    assert final(own, "GOV.SVC.01").value == Decimal(3)


def final_indicator(cycle):
    return cycle.instrument.indicators.get(code="GOV.SVC.01")


def test_the_region_page_and_the_feedback_editor(client, setup, admin_user):
    from django.urls import reverse

    cycle, own, _other, panels = setup
    first, second = panels["15.71"]
    first.weaknesses = "Forum smart city belum rutin"
    second.weaknesses = "Anggaran TIK kecil"
    first.save()
    second.save()
    score_all(panels["15.71"], {"GOV.SVC.01": (3, 4)})
    moderation.prepare(cycle)
    client.force_login(admin_user)
    region_page = client.get(reverse("evaluations:moderation_region", args=[cycle.year, "15.71"]))
    assert "3,5" in region_page.content.decode() or "3.5" in region_page.content.decode()
    url = reverse("evaluations:feedback_edit", args=[cycle.year, "15.71"])
    page = client.get(url).content.decode()
    assert "Forum smart city belum rutin\nAnggaran TIK kecil" in page
    response = client.post(
        url,
        {
            "weaknesses": "Forum smart city belum rutin",
            "strengths": "Perda No. 1 Tahun 2019",
            "recommendations": "Bentuk Dewan Smart City",
            "version": "0",
        },
    )
    assert response.status_code == 302
    assert own.feedback.strengths == "Perda No. 1 Tahun 2019"
