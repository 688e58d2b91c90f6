"""Keeping a masterplan: validation (years in the period, money, element of the dimension),
stale versions, permissions, warnings and the history of every change."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kotacerdas.core.errors import StaleVersion
from kotacerdas.masterplans.models import Budget, Programme
from kotacerdas.masterplans.services import editing
from kotacerdas.masterplans.services.editing import YearAmounts
from kotacerdas.masterplans.services.history import programme_history

PROGRAMME = {
    "code": "GOV-09",
    "name": "Aplikasi perizinan daring",
    "description": "",
    "dimension": "GOV",
    "element": "GOV.SVC",
    "kind": "application",
    "agency": "DPMPTSP",
    "start_year": 2019,
    "end_year": 2021,
    "status": "planned",
    "published": True,
    "internal_notes": "",
}


def test_operator_creates_a_programme_with_quick_wins(masterplan, operator):
    programme = editing.save_programme(
        masterplan, data=PROGRAMME, quick_win_years=[2020, 2021], by=operator
    )
    assert list(programme.quick_wins.values_list("year", flat=True)) == [2020, 2021]
    assert programme.history.first().history_user == operator


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start_year": 2017}, "start_year"),
        ({"end_year": 2023}, "end_year"),
        ({"element": "ENV.WAS"}, "element"),
        ({"kind": "satellite"}, "kind"),
    ],
)
def test_programme_validation_names_the_field(masterplan, operator, change, field):
    with pytest.raises(ValidationError) as error:
        editing.save_programme(masterplan, data={**PROGRAMME, **change}, by=operator)
    assert field in error.value.message_dict
    assert not Programme.objects.exists()


def test_quick_win_outside_the_period_is_refused(masterplan, operator):
    with pytest.raises(ValidationError) as error:
        editing.save_programme(masterplan, data=PROGRAMME, quick_win_years=[2024], by=operator)
    assert "2024" in str(error.value)
    assert not Programme.objects.exists()  # atomic: the programme was not kept either


def test_operator_of_another_region_may_not_edit(masterplan, other_operator):
    with pytest.raises(PermissionDenied):
        editing.save_programme(masterplan, data=PROGRAMME, by=other_operator)
    with pytest.raises(PermissionDenied):
        editing.update_masterplan(masterplan, data={"title": "x"}, version=1, by=other_operator)


def test_admin_may_edit_any_region(masterplan, admin_user):
    programme = editing.save_programme(masterplan, data=PROGRAMME, by=admin_user)
    assert programme.pk


def test_stale_version_is_refused_and_nothing_overwritten(programmes, operator):
    mpp = programmes[0]
    editing.save_programme(
        mpp.masterplan, data={"name": "Nama pertama"}, programme=mpp, version=1, by=operator
    )
    with pytest.raises(StaleVersion):
        editing.save_programme(
            mpp.masterplan, data={"name": "Nama kedua"}, programme=mpp, version=1, by=operator
        )
    assert Programme.objects.get(pk=mpp.pk).name == "Nama pertama"


def test_period_change_that_strands_data_is_refused(masterplan, programmes, operator):
    with pytest.raises(ValidationError) as error:
        editing.update_masterplan(
            masterplan, data={"start_year": 2018, "end_year": 2021}, version=1, by=operator
        )
    assert "GOV-01" in str(error.value)


def test_budgets_warn_where_realisation_exceeds_plan(programmes, operator):
    mpp = programmes[0]
    warnings = editing.set_budgets(
        mpp,
        [
            YearAmounts(2021, Decimal(100), Decimal(90)),
            YearAmounts(2022, Decimal(100), Decimal(120)),
            YearAmounts(2020, None, None),
        ],
        by=operator,
    )
    assert warnings == ["Tahun 2022: realisasi melebihi rencana anggaran."]
    assert {(b.year, b.planned, b.realised) for b in Budget.objects.filter(programme=mpp)} == {
        (2021, 100, 90),
        (2022, 100, 120),
    }


def test_negative_money_and_years_outside_are_refused(programmes, operator):
    mpp = programmes[0]
    with pytest.raises(ValidationError):
        editing.set_budgets(mpp, [YearAmounts(2021, Decimal(-1), Decimal(0))], by=operator)
    with pytest.raises(ValidationError):
        editing.set_budgets(mpp, [YearAmounts(2030, Decimal(1), Decimal(0))], by=operator)
    assert Budget.objects.get(programme=mpp, year=2021).planned == 1_000_000_000


def test_budget_form_accepts_indonesian_thousands_and_refuses_negative(
    client, programmes, operator
):
    mpp = programmes[0]
    client.force_login(operator)
    url = reverse("masterplans:budgets", args=[mpp.pk])
    data = {"first_2021": "1.250.000", "second_2021": "Rp 1.500.000"}
    response = client.post(url, data, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "Tahun 2021: realisasi melebihi rencana anggaran." in page
    assert Budget.objects.get(programme=mpp, year=2021).planned == 1_250_000
    assert not Budget.objects.filter(programme=mpp, year=2022).exists()  # emptied
    response = client.post(
        url, {"first_2021": "-5", "second_2021": "0"}, headers={"HX-Request": "true"}
    )
    assert "tidak boleh negatif" in response.content.decode()
    assert Budget.objects.get(programme=mpp, year=2021).planned == 1_250_000


def test_programme_form_over_htmx(client, masterplan, operator):
    client.force_login(operator)
    url = reverse("masterplans:programme_create", args=[masterplan.pk])
    data = {**PROGRAMME, "published": "on", "quick_win_years": ["2020"], "end_year": 2025}
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "di luar periode masterplan 2018–2022" in response.content.decode()
    data["end_year"] = 2021
    response = client.post(url, data, headers={"HX-Request": "true"})
    programme = Programme.objects.get(code="GOV-09")
    assert response["HX-Redirect"] == programme.get_absolute_url()
    assert programme.dimension == "GOV"


def test_kpi_with_targets_and_realisations(programmes, operator):
    mpp = programmes[1]
    kpi = editing.save_kpi(
        mpp,
        data={"code": "PENGUNJUNG", "name": "Pengunjung", "unit": "orang", "direction": "up"},
        values=[
            YearAmounts(2021, Decimal(1000), Decimal(1200)),
            YearAmounts(2022, Decimal(2000), None),
        ],
        by=operator,
    )
    assert [(v.year, v.achieved) for v in kpi.values.all()] == [(2021, True), (2022, None)]
    with pytest.raises(ValidationError):
        editing.save_kpi(
            mpp,
            data={"code": "X", "name": "X", "unit": "u", "direction": "up"},
            values=[YearAmounts(2022, None, Decimal(3))],
            by=operator,
        )


def test_history_shows_who_changed_what(client, programmes, operator, admin_user, other_operator):
    mpp = programmes[0]
    editing.save_programme(
        mpp.masterplan, data={"status": "stalled"}, programme=mpp, version=1, by=operator
    )
    editing.set_budgets(mpp, [YearAmounts(2021, Decimal(7), Decimal(7))], by=admin_user)
    entries = programme_history(mpp)
    changes = [(e.who, e.what, [(c.field, c.old, c.new) for c in e.changes]) for e in entries[:2]]
    assert (
        "admin.test",
        "Anggaran 2021",
        [("anggaran rencana (Rp)", "1000000000", "7"), ("realisasi (Rp)", "950000000", "7")],
    ) in changes
    assert ("operator.test", "Program GOV-01", [("status", "Selesai", "Terhenti")]) in changes
    url = reverse("masterplans:programme_history", args=[mpp.pk])
    client.force_login(operator)
    page = client.get(url).content.decode()
    assert "Terhenti" in page and "Selesai" in page
    client.force_login(other_operator)
    assert client.get(url).status_code == 403
