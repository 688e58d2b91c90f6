"""Calibration rounds: cases from earlier answers, blind scoring, the report's figures, the
suggestions' spread, the pages and the API."""

import io
from decimal import Decimal

import krippendorff
import numpy as np
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from kotacerdas.accounts.roles import Role
from kotacerdas.core.errors import Locked, ServiceError
from kotacerdas.evaluations.models import (
    Answer,
    CalibrationState,
    CycleState,
    FinalMethod,
    FinalValue,
    Submission,
)
from kotacerdas.evaluations.services import calibration
from kotacerdas.instruments.models import (
    Crosswalk,
    CrosswalkEntry,
    CrosswalkKind,
    Element,
    Indicator,
    IndicatorType,
    LevelDescriptor,
)
from kotacerdas.regions.models import Region, RegionKind
from tests.conftest import make_user
from tests.factories import assign, make_cycle, make_instrument

pytestmark = pytest.mark.django_db

RATIONALE = "Alasan rahasia: MPP melayani tetapi belum terintegrasi"


def add_level_indicator(instrument, code="ENV.WAS.03"):
    """A second level indicator, in the ENV dimension (the factory has one, in GOV)."""
    element = Element.objects.get(dimension__instrument=instrument, code="ENV.WAS")
    indicator = Indicator.objects.create(
        instrument=instrument,
        element=element,
        code=code,
        order=3,
        question="Sejauh mana bank sampah berjalan?",
        type=IndicatorType.LEVEL,
        aspect="output",
    )
    for level in range(6):
        LevelDescriptor.objects.create(
            indicator=indicator, level=level, description=f"Bank sampah tingkat {level}"
        )
    return indicator


def kota(code, name):
    province, _created = Region.objects.get_or_create(
        code=code.split(".")[0],
        defaults={"name": f"Provinsi {code[:2]}", "kind": RegionKind.PROVINSI},
    )
    return Region.objects.create(code=code, name=name, kind=RegionKind.KOTA, parent=province)


def answer(cycle, region, code, claimed, final=None, text=None):
    submission, _created = Submission.objects.get_or_create(cycle=cycle, region=region)
    indicator = cycle.instrument.indicators.get(code=code)
    given = Answer.objects.create(
        submission=submission,
        indicator=indicator,
        value=Decimal(claimed),
        justification=text
        if text is not None
        else f"{region.name} menjalankan layanan {code} pada tingkat yang diklaim.",
    )
    if final is not None:
        FinalValue.objects.create(
            submission=submission,
            indicator=indicator,
            value=Decimal(str(final)),
            method=FinalMethod.MEAN,
        )
    return given


@pytest.fixture
def previous(db):
    """A published 2021 cycle with two level indicators (GOV and ENV)."""
    cycle = make_cycle(2021, CycleState.PUBLISHED, make_instrument("cal-2021"))
    add_level_indicator(cycle.instrument)
    return cycle


@pytest.fixture
def current(previous):
    """The 2022 cycle, open, its instrument with the same codes."""
    cycle = make_cycle(2022, CycleState.OPEN, make_instrument("cal-2022"))
    add_level_indicator(cycle.instrument)
    cycle.previous = previous
    cycle.save()
    return cycle


@pytest.fixture
def assessors(db):
    return [make_user(f"kal.asesor{n}", Role.ASSESSOR) for n in (1, 2, 3)]


def round_with(current, admin_user, golds, code="GOV.SVC.01"):
    """A draft round with one hand-made case per gold level given."""
    made = calibration.create_round(current, "Kalibrasi 2022", by=admin_user)
    indicator = current.instrument.indicators.get(code=code)
    for gold in golds:
        calibration.add_case(
            made,
            indicator,
            f"Situasi kasus acuan tingkat {gold}",
            gold_level=gold,
            rationale=RATIONALE,
            by=admin_user,
        )
    return made


# --- Preparing a round --------------------------------------------------------------------------


def test_only_admins_create_rounds_and_only_before_moderation(current, admin_user, assessor):
    with pytest.raises(PermissionDenied):
        calibration.create_round(current, "Kalibrasi", by=assessor)
    with pytest.raises(ServiceError, match="Judul"):
        calibration.create_round(current, "  ", by=admin_user)
    with pytest.raises(ServiceError, match="Ambang"):
        calibration.create_round(current, "Kalibrasi", pass_threshold="1.5", by=admin_user)
    made = calibration.create_round(current, "Kalibrasi", pass_threshold="0.75", by=admin_user)
    assert (made.state, made.pass_threshold, made.created_by) == (
        CalibrationState.DRAFT,
        Decimal("0.75"),
        admin_user,
    )
    assert made.history.first().history_user == admin_user
    current.state = CycleState.FINAL
    current.save()
    with pytest.raises(Locked, match="sebelum moderasi"):
        calibration.create_round(current, "Terlambat", by=admin_user)


def test_a_case_is_a_level_indicator_of_the_rounds_instrument(current, previous, admin_user):
    made = calibration.create_round(current, "Kalibrasi", by=admin_user)
    yesno = current.instrument.indicators.get(code="GOV.SVC.02")
    with pytest.raises(ServiceError, match="bertingkat"):
        calibration.add_case(made, yesno, "Situasi", by=admin_user)
    other = previous.instrument.indicators.get(code="GOV.SVC.01")
    with pytest.raises(ServiceError, match="bukan bagian"):
        calibration.add_case(made, other, "Situasi", by=admin_user)
    level = current.instrument.indicators.get(code="GOV.SVC.01")
    with pytest.raises(ServiceError, match="Situasi"):
        calibration.add_case(made, level, " ", by=admin_user)
    with pytest.raises(ServiceError, match="0–5"):
        calibration.add_case(made, level, "Situasi", gold_level=6, by=admin_user)
    first = calibration.add_case(made, level, "Situasi satu", by=admin_user)
    second = calibration.add_case(made, level, "Situasi dua", gold_level=2, by=admin_user)
    assert (first.order, first.gold_level, second.order, second.gold_level) == (1, None, 2, 2)


def test_a_case_from_an_answer_masks_the_region_and_takes_the_final_level(
    current, previous, admin_user
):
    semarang = kota("33.74", "Kota Semarang")
    source = answer(previous, semarang, "GOV.SVC.01", 4, final=3)
    made = calibration.create_round(current, "Kalibrasi", by=admin_user)
    case = calibration.case_from_answer(made, source, by=admin_user, rationale="Belum terpadu")
    assert case.gold_level == 3
    assert case.indicator == current.instrument.indicators.get(code="GOV.SVC.01")
    assert case.source_answer == source
    assert "Semarang" not in case.situation and calibration.MASK in case.situation
    with pytest.raises(ServiceError, match="sudah menjadi kasus"):
        calibration.case_from_answer(made, source, by=admin_user)


def test_a_case_from_an_answer_without_a_whole_final_level_needs_one(current, previous, admin_user):
    made = calibration.create_round(current, "Kalibrasi", by=admin_user)
    between = answer(previous, kota("33.74", "Kota Semarang"), "GOV.SVC.01", 3, final=2.5)
    unsettled = answer(previous, kota("35.78", "Kota Surabaya"), "GOV.SVC.01", 3)
    for source in (between, unsettled):
        with pytest.raises(ServiceError, match="isi tingkat acuan"):
            calibration.case_from_answer(made, source, by=admin_user)
    assert calibration.case_from_answer(made, between, gold_level=2, by=admin_user).gold_level == 2
    same_year = answer(current, kota("51.71", "Kota Denpasar"), "GOV.SVC.01", 3, final=3)
    with pytest.raises(ServiceError, match="siklus sebelumnya"):
        calibration.case_from_answer(made, same_year, by=admin_user)


def test_a_crosswalk_decides_which_indicators_still_exist(current, previous, admin_user):
    crosswalk = Crosswalk.objects.create(source=previous.instrument, target=current.instrument)
    CrosswalkEntry.objects.create(
        crosswalk=crosswalk,
        kind=CrosswalkKind.SAME,
        source_code="GOV.SVC.01",
        target_code="GOV.SVC.01",
    )
    CrosswalkEntry.objects.create(
        crosswalk=crosswalk, kind=CrosswalkKind.RETIRED, source_code="ENV.WAS.03"
    )
    made = calibration.create_round(current, "Kalibrasi", by=admin_user)
    retired = answer(previous, kota("33.74", "Kota Semarang"), "ENV.WAS.03", 3, final=3)
    with pytest.raises(ServiceError, match="tidak ada lagi"):
        calibration.case_from_answer(made, retired, by=admin_user)
    assert {i.code for i in calibration.target_indicators(previous, current).values()} == {
        "GOV.SVC.01"
    }


def test_opening_needs_a_case_and_every_gold_level(current, admin_user):
    made = calibration.create_round(current, "Kalibrasi", by=admin_user)
    with pytest.raises(ServiceError, match="paling sedikit satu kasus"):
        calibration.open_round(made, by=admin_user)
    indicator = current.instrument.indicators.get(code="GOV.SVC.01")
    case = calibration.add_case(made, indicator, "Situasi", by=admin_user)
    with pytest.raises(ServiceError) as refused:
        calibration.open_round(made, by=admin_user)
    assert refused.value.details == ["1. GOV.SVC.01"]
    calibration.update_case(case, gold_level=2, rationale="Karena", by=admin_user)
    opened = calibration.open_round(made, by=admin_user)
    assert opened.state == CalibrationState.OPEN and opened.opened_at is not None
    with pytest.raises(Locked, match="sudah dibuka"):
        calibration.update_case(case, gold_level=3, rationale="", by=admin_user)
    with pytest.raises(Locked):
        calibration.add_case(made, indicator, "Situasi lain", gold_level=1, by=admin_user)


# --- Scoring ------------------------------------------------------------------------------------


def test_assessors_score_only_while_open_and_may_change_their_score(
    current, admin_user, assessors, operator
):
    made = round_with(current, admin_user, [2])
    case = made.cases.get()
    with pytest.raises(Locked, match="belum dibuka"):
        calibration.score(case, level=2, by=assessors[0])
    calibration.open_round(made, by=admin_user)
    for outsider in (admin_user, operator):
        with pytest.raises(PermissionDenied):
            calibration.score(case, level=2, by=outsider)
    with pytest.raises(ServiceError, match="0–5"):
        calibration.score(case, level=7, by=assessors[0])
    calibration.score(case, level=1, note="ragu", by=assessors[0])
    mine = calibration.score(case, level=3, by=assessors[0])
    assert (mine.level, case.scores.count(), mine.history.count()) == (3, 1, 2)
    calibration.close_round(made, by=admin_user)
    with pytest.raises(Locked, match="tidak sedang dibuka"):
        calibration.score(case, level=2, by=assessors[0])
    assert case.scores.get().level == 3


def test_an_assessor_sees_no_gold_while_open(current, admin_user, assessors):
    made = round_with(current, admin_user, [4])
    calibration.open_round(made, by=admin_user)
    calibration.score(made.cases.get(), level=1, by=assessors[1])
    rows = calibration.assessor_view(made, assessors[0])
    assert (rows[0].gold_level, rows[0].rationale, rows[0].score) == (None, "", None)
    assert [d.level for d in rows[0].descriptors] == [0, 1, 2, 3, 4, 5]
    calibration.close_round(made, by=admin_user)
    rows = calibration.assessor_view(made, assessors[1])
    assert (rows[0].gold_level, rows[0].rationale, rows[0].deviation) == (4, RATIONALE, -3)


# --- The report ---------------------------------------------------------------------------------


@pytest.fixture
def scored_round(current, admin_user, assessors):
    """Gold 1, 3, 5. asesor1: 1, 4, 5; asesor2: 0, 1, 3; asesor3: 1, —, 2."""
    made = round_with(current, admin_user, [1, 3, 5])
    calibration.open_round(made, by=admin_user)
    cases = list(made.cases.order_by("order"))
    levels = {0: [1, 4, 5], 1: [0, 1, 3], 2: [1, None, 2]}
    for who, given in levels.items():
        for case, level in zip(cases, given, strict=True):
            if level is not None:
                calibration.score(case, level=level, by=assessors[who])
    calibration.close_round(made, by=admin_user)
    return made


def test_the_report_equals_the_hand_computed_figures(scored_round, assessors):
    report = calibration.report(scored_round)
    rows = {a.assessor.username: a for a in report.assessors}
    one, two, three = (rows[f"kal.asesor{n}"] for n in (1, 2, 3))
    # asesor1: deviations 0, +1, 0
    assert (one.scored, one.total, one.exact, one.within_one) == (3, 3, 2 / 3, 1.0)
    assert (one.mean_deviation, one.mean_absolute, one.passed) == (1 / 3, 1 / 3, True)
    # asesor2: deviations -1, -2, -2: strict
    assert (two.exact, two.within_one, two.mean_deviation, two.mean_absolute) == (
        0.0,
        1 / 3,
        -5 / 3,
        5 / 3,
    )
    assert not two.passed
    # asesor3: deviations 0, -3; one case not scored
    assert (three.scored, three.within_one, three.mean_deviation, three.passed) == (
        2,
        0.5,
        -1.5,
        False,
    )
    first, second, third = report.cases
    assert first.distribution == [1, 2, 0, 0, 0, 0] and first.exact == 2 / 3
    assert (first.within_one, first.unclear) == (1.0, False)
    assert (second.distribution, second.within_one, second.unclear) == (
        [0, 1, 0, 0, 1, 0],
        0.5,
        False,
    )
    assert (third.distribution, third.within_one, third.unclear) == (
        [0, 0, 1, 1, 0, 1],
        1 / 3,
        True,
    )
    assert (report.passed, report.unclear) == (1, 1)


def test_alpha_equals_the_krippendorff_package_with_the_gold_as_a_rater(scored_round):
    nan = np.nan
    data = np.array([[1, 3, 5], [1, 4, 5], [0, 1, 3], [1, nan, 2]], dtype=float)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal")
    assert calibration.report(scored_round).alpha == pytest.approx(expected, abs=1e-9)


def test_the_status_of_an_assessor_in_the_latest_closed_round(
    current, scored_round, assessors, admin_user
):
    latecomer = make_user("kal.asesor4", Role.ASSESSOR)
    statuses = [calibration.calibration_status(current, u) for u in [*assessors, latecomer]]
    assert statuses == ["passed", "failed", "failed", "not_taken"]
    # A newer round still open does not count; one without a closed round has no status.
    round_with(current, admin_user, [2])
    assert calibration.calibration_status(current, assessors[0]) == "passed"
    scored_round.cycle.calibration_rounds.all().delete()
    assert calibration.calibration_status(current, assessors[0]) is None


def test_the_workbook_holds_the_reports_figures(scored_round):
    book = load_workbook(io.BytesIO(calibration.to_xlsx(calibration.report(scored_round))))
    assessors_sheet, cases_sheet = book["Asesor"], book["Kasus"]
    rows = {row[0]: row for row in assessors_sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["kal.asesor2"][2:8] == pytest.approx((3, 3, 0.0, 1 / 3, -5 / 3, 5 / 3))
    assert rows["kal.asesor2"][8] == "Tidak" and rows["kal.asesor1"][8] == "Ya"
    third = next(cases_sheet.iter_rows(min_row=4, values_only=True))
    assert third[:9] == (3, "GOV.SVC.01", 5, 0, 0, 1, 1, 0, 1) and third[-1] == "Ya"


# --- Suggestions --------------------------------------------------------------------------------


def test_suggestions_spread_over_levels_and_dimensions(current, previous, admin_user):
    regions = [kota(f"33.{n:02d}", f"Kota Uji {n}") for n in range(71, 79)]
    # Eight regions × two indicators; final levels 0..5 on both, plus unusable ones.
    for k, region in enumerate(regions):
        answer(previous, region, "GOV.SVC.01", 3, final=k % 6)
        answer(previous, region, "ENV.WAS.03", 3, final=(k + 3) % 6)
    answer(previous, kota("35.78", "Kota Surabaya"), "GOV.SVC.01", 3, final=2.5)
    answer(previous, kota("51.71", "Kota Denpasar"), "GOV.SVC.01", 3, final=1, text="")
    made = calibration.create_round(current, "Kalibrasi", by=admin_user)
    picked = calibration.suggest_cases(made, 6)
    assert sorted(s.gold_level for s in picked) == [0, 1, 2, 3, 4, 5]
    dimensions = [s.indicator.element.dimension.code for s in picked]
    assert dimensions.count("GOV") == 3 and dimensions.count("ENV") == 3
    assert all(s.indicator.instrument_id == current.instrument_id for s in picked)
    names = {s.answer.submission.region.name for s in picked}
    assert not names & {"Kota Surabaya", "Kota Denpasar"}
    assert [s.answer.pk for s in calibration.suggest_cases(made, 6)] == [
        s.answer.pk for s in picked
    ]
    # Once used, an answer is not proposed again.
    calibration.case_from_answer(made, picked[0].answer, by=admin_user)
    assert picked[0].answer.pk not in {s.answer.pk for s in calibration.suggest_cases(made, 12)}
    assert len(calibration.suggest_cases(made, 12)) == 12


def test_no_suggestion_without_a_published_previous_cycle(current, previous, admin_user):
    previous.state = CycleState.FINAL
    previous.save()
    made = calibration.create_round(current, "Kalibrasi", by=admin_user)
    assert calibration.suggest_cases(made, 6) == []


# --- Pages --------------------------------------------------------------------------------------


def test_the_assessor_page_hides_the_gold_while_open_and_shows_it_after(
    client, current, admin_user, assessors
):
    made = round_with(current, admin_user, [4])
    case = made.cases.get()
    calibration.open_round(made, by=admin_user)
    client.force_login(assessors[0])
    home = client.get(reverse("evaluations:assessor_home")).content.decode()
    url = reverse("evaluations:calibration_take", kwargs={"pk": made.pk})
    assert url in home and "perlu dinilai" in home
    page = client.get(url).content.decode()
    assert "Situasi kasus acuan tingkat 4" in page and "Bank sampah" not in page
    assert RATIONALE not in page
    assert 'data-testid="outcome-1"' not in page and "Tingkat Anda" not in page
    assert 'name="level"' in page
    score_url = reverse("evaluations:calibration_score", kwargs={"pk": made.pk, "case": case.pk})
    saved = client.post(score_url, {"level": "3", "note": "cukup"}, headers={"HX-Request": "true"})
    assert saved.status_code == 200 and "tersimpan" in saved.content.decode()
    assert case.scores.get(assessor=assessors[0]).level == 3
    calibration.close_round(made, by=admin_user)
    refused = client.post(score_url, {"level": "4"}, headers={"HX-Request": "true"})
    assert refused.status_code == 423 and case.scores.get().level == 3
    page = client.get(url).content.decode()
    assert RATIONALE in page and 'data-testid="outcome-1"' in page
    assert "badge-good" in page and 'name="level"' not in page


def test_the_assessor_page_of_a_draft_is_not_found(client, current, admin_user, assessor):
    made = round_with(current, admin_user, [4])
    client.force_login(assessor)
    assert (
        client.get(reverse("evaluations:calibration_take", kwargs={"pk": made.pk})).status_code
        == 404
    )


def test_the_admin_prepares_a_round_on_the_web(client, current, previous, admin_user):
    source = answer(previous, kota("33.74", "Kota Semarang"), "GOV.SVC.01", 4, final=3)
    client.force_login(admin_user)
    detail = client.get(reverse("evaluations:cycle_detail", kwargs={"year": 2022}))
    assert reverse("evaluations:calibration_list", kwargs={"year": 2022}) in detail.content.decode()
    created = client.post(
        reverse("evaluations:calibration_create", kwargs={"year": 2022}),
        {"title": "Kalibrasi Juli", "pass_threshold": "0.8"},
    )
    made = current.calibration_rounds.get()
    assert created.url == reverse(
        "evaluations:calibration_detail", kwargs={"year": 2022, "pk": made.pk}
    )
    page = client.get(created.url, {"saran": "6"}).content.decode()
    assert 'data-testid="suggestions"' in page and "Kota Semarang" in page
    client.post(
        reverse("evaluations:calibration_suggested_add", kwargs={"year": 2022, "pk": made.pk}),
        {"answer": [source.pk]},
    )
    client.post(
        reverse("evaluations:calibration_case_add", kwargs={"year": 2022, "pk": made.pk}),
        {
            "indicator": "ENV.WAS.03",
            "situation": "Bank sampah di tiap kelurahan",
            "gold_level": "2",
        },
    )
    assert [(c.indicator.code, c.gold_level) for c in made.cases.all()] == [
        ("GOV.SVC.01", 3),
        ("ENV.WAS.03", 2),
    ]
    case = made.cases.get(order=2)
    client.post(
        reverse(
            "evaluations:calibration_case_edit",
            kwargs={"year": 2022, "pk": made.pk, "case": case.pk},
        ),
        {"gold_level": "1", "rationale": "Baru sebagian kelurahan"},
    )
    case.refresh_from_db()
    assert (case.gold_level, case.rationale) == (1, "Baru sebagian kelurahan")
    page = client.get(created.url).content.decode()
    assert "Diambil dari jawaban Kota Semarang (2021)" in page
    client.post(reverse("evaluations:calibration_open", kwargs={"year": 2022, "pk": made.pk}))
    made.refresh_from_db()
    assert made.state == CalibrationState.OPEN


def test_the_report_page_highlights_failed_assessors_and_unclear_cases(
    client, scored_round, admin_user
):
    client.force_login(admin_user)
    url = reverse("evaluations:calibration_report", kwargs={"year": 2022, "pk": scored_round.pk})
    page = client.get(url).content.decode()
    assert 'data-testid="assessor-kal.asesor2" class="calibration-failed"' in page
    assert 'data-testid="assessor-kal.asesor1">' in page
    assert 'data-testid="case-3" class="calibration-unclear"' in page
    assert "rubrik perlu diperjelas" in page
    assert '<p class="ops-figure" data-testid="passed">1 / 3</p>' in page
    xlsx = client.get(
        reverse("evaluations:calibration_report_xlsx", kwargs={"year": 2022, "pk": scored_round.pk})
    )
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames == ["Asesor", "Kasus"]


def test_the_assignment_page_warns_about_assessors_who_did_not_pass(
    client, current, scored_round, assessors, admin_user, jambi
):
    current.state = CycleState.REVIEW
    current.save()
    Submission.objects.create(cycle=current, region=jambi)
    assign(current, jambi, assessors[0], assessors[1])
    make_user("kal.asesor4", Role.ASSESSOR)
    client.force_login(admin_user)
    page = client.get(
        reverse("evaluations:assignment_panel", kwargs={"year": 2022})
    ).content.decode()
    assert 'data-testid="calibration-failed-kal.asesor2"' in page
    assert 'data-testid="calibration-missing-kal.asesor4"' in page
    assert "calibration-failed-kal.asesor1" not in page


# --- API ----------------------------------------------------------------------------------------


def test_the_api_lists_the_rounds_with_their_report(client, scored_round, admin_user):
    client.force_login(admin_user)
    data = client.get("/api/v1/cycles/2022/calibration/").json()
    assert len(data) == 1
    item = data[0]
    assert (item["state"], item["cases"], item["passed"], item["unclear"]) == ("closed", 3, 1, 1)
    assert item["alpha"] == pytest.approx(calibration.report(scored_round).alpha)
    two = next(a for a in item["assessors"] if a["assessor"] == "kal.asesor2")
    assert (two["within_one"], two["mean_deviation"], two["passed"]) == (
        pytest.approx(1 / 3),
        pytest.approx(-5 / 3),
        False,
    )
    assert item["case_results"][2]["distribution"] == [0, 0, 1, 1, 0, 1]


def test_admins_read_rounds_cases_and_scores_in_the_django_admin(client, scored_round, admin_user):
    client.force_login(admin_user)
    for model in ("calibrationround", "calibrationcase", "calibrationscore"):
        page = client.get(f"/admin/evaluations/{model}/")
        assert page.status_code == 200, model
        assert client.get(f"/admin/evaluations/{model}/add/").status_code == 403
    case = scored_round.cases.first()
    history = client.get(f"/admin/evaluations/calibrationcase/{case.pk}/history/")
    assert history.status_code == 200
