"""Creating a cycle (default instrument or a copy of an earlier one) and its settings."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from kotacerdas.core.errors import Locked, ServiceError
from kotacerdas.evaluations.forms import CycleSettingsForm
from kotacerdas.evaluations.models import (
    AggregationMethod,
    AggregationTree,
    Cycle,
    CycleState,
    FinalRule,
)
from kotacerdas.evaluations.services import cycles
from tests.factories import enrol, make_cycle

pytestmark = pytest.mark.django_db


def test_a_cycle_starts_from_the_default_instrument(admin_user):
    cycle = cycles.create_cycle(2022, "", by=admin_user)
    assert cycle.name == "Evaluasi Smart City 2022"
    assert cycle.state == CycleState.DRAFT
    assert cycle.instrument.code == "kc-2022"
    assert not cycle.instrument.is_frozen
    assert set(cycle.instrument.dimensions.values_list("code", flat=True)) == {
        "GOV",
        "BRA",
        "ECO",
        "LIV",
        "SOC",
        "ENV",
    }
    assert cycle.instrument.indicators.count() >= 54
    assert cycle.history.get().history_user == admin_user


def test_a_cycle_can_copy_an_earlier_cycles_instrument_and_method(admin_user):
    earlier = make_cycle(2022, state=CycleState.PUBLISHED)
    earlier.aggregate_along = AggregationTree.DIMENSIONS
    earlier.aggregation = AggregationMethod.GEOMETRIC
    earlier.final_rule = FinalRule.MEDIAN
    earlier.min_assessors = 3
    earlier.save()
    cycle = cycles.create_cycle(2023, "Evaluasi 2023", copy_from=earlier, by=admin_user)
    assert cycle.previous == earlier
    assert cycle.instrument.based_on == earlier.instrument
    assert sorted(cycle.instrument.indicators.values_list("code", flat=True)) == sorted(
        earlier.instrument.indicators.values_list("code", flat=True)
    )
    assert (cycle.aggregate_along, cycle.aggregation, cycle.final_rule, cycle.min_assessors) == (
        AggregationTree.DIMENSIONS,
        AggregationMethod.GEOMETRIC,
        FinalRule.MEDIAN,
        3,
    )


def test_one_cycle_per_year_and_only_admins(admin_user, operator):
    make_cycle(2022)
    with pytest.raises(ServiceError) as info:
        cycles.create_cycle(2022, "", by=admin_user)
    assert info.value.details == ["Siklus tahun 2022 sudah ada."]
    with pytest.raises(PermissionDenied):
        cycles.create_cycle(2024, "", by=operator)
    assert Cycle.objects.count() == 1


def test_settings_change_with_a_history_record(admin_user):
    cycle = make_cycle(2022)
    deadline = timezone.now() + timedelta(days=30)
    cycles.update_settings(
        cycle, {"submission_deadline": deadline, "min_assessors": 3}, by=admin_user
    )
    cycle.refresh_from_db()
    assert (cycle.submission_deadline, cycle.min_assessors) == (deadline, 3)
    assert cycle.history.latest().history_user == admin_user


def test_nothing_changes_after_publication(admin_user):
    cycle = make_cycle(2022, state=CycleState.PUBLISHED)
    with pytest.raises(Locked, match="sudah dipublikasikan"):
        cycles.update_settings(cycle, {"name": "Lain"}, by=admin_user)


def test_the_method_is_fixed_once_final(admin_user):
    cycle = make_cycle(2022, state=CycleState.FINAL)
    with pytest.raises(Locked, match="metode agregasi"):
        cycles.update_settings(cycle, {"aggregation": AggregationMethod.GEOMETRIC}, by=admin_user)
    cycles.update_settings(cycle, {"name": "Evaluasi SC 2022 (final)"}, by=admin_user)
    assert Cycle.objects.get(pk=cycle.pk).name == "Evaluasi SC 2022 (final)"


def test_the_previous_cycle_must_be_earlier(admin_user):
    cycle = make_cycle(2022)
    later = make_cycle(2023)
    with pytest.raises(ServiceError, match="tahun yang lebih awal"):
        cycles.update_settings(cycle, {"previous": later}, by=admin_user)


def settings_data(**overrides):
    data = {
        "name": "Evaluasi Smart City 2022",
        "submission_deadline": "2022-09-30T23:59",
        "review_deadline": "2022-10-15T23:59",
        "aggregate_along": "aspects",
        "aggregation": "arithmetic",
        "missing_policy": "zero",
        "final_rule": "mean",
        "display_scale": "5",
        "predicate_bands": "Memuaskan: 4,2\nSangat Baik: 3.5\nBaik: 2.6\nCukup: 1.8\nKurang: 0",
        "disagreement_levels": "2",
        "disagreement_points": "20",
        "min_assessors": "2",
    }
    return {**data, **overrides}


def test_the_settings_form_reads_predicate_bands_lines():
    cycle = make_cycle(2022)
    form = CycleSettingsForm(settings_data(), instance=cycle)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["predicate_bands"] == [
        {"label": "Memuaskan", "min": 4.2},
        {"label": "Sangat Baik", "min": 3.5},
        {"label": "Baik", "min": 2.6},
        {"label": "Cukup", "min": 1.8},
        {"label": "Kurang", "min": 0.0},
    ]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"predicate_bands": "Baik 2.6\nKurang: 0"}, "predicate_bands", "Baris 1"),
        ({"predicate_bands": "Baik: 2.6\nCukup: 1"}, "predicate_bands", "bermula dari 0"),
        ({"predicate_bands": "Baik: 7\nKurang: 0"}, "predicate_bands", "melebihi skala"),
        ({"predicate_bands": "Baik: 2\nBaik: 0"}, "predicate_bands", "harus berbeda"),
        ({"review_deadline": "2022-09-01T10:00"}, "review_deadline", "Harus sesudah"),
        ({"min_assessors": "0"}, "min_assessors", ""),
    ],
)
def test_the_settings_form_names_bad_input(overrides, field, message):
    cycle = make_cycle(2022)
    form = CycleSettingsForm(settings_data(**overrides), instance=cycle)
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_settings_over_http(client, admin_user):
    cycle = make_cycle(2022)
    client.force_login(admin_user)
    url = reverse("evaluations:cycle_settings", args=[2022])
    assert "Memuaskan: 4.2" in client.get(url).content.decode()
    response = client.post(url, settings_data(min_assessors="3", disagreement_levels="1.5"))
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.min_assessors == 3
    assert cycle.disagreement_levels == Decimal("1.5")
    assert timezone.localtime(cycle.submission_deadline).strftime("%Y-%m-%d %H:%M") == (
        "2022-09-30 23:59"
    )


def test_create_over_http_from_an_earlier_cycle(client, admin_user):
    earlier = make_cycle(2022)
    client.force_login(admin_user)
    page = client.get(reverse("evaluations:cycle_create")).content.decode()
    assert "Instrumen bawaan (model 2022)" in page
    assert "Salinan instrumen Evaluasi Smart City 2022" in page
    response = client.post(
        reverse("evaluations:cycle_create"),
        {"year": "2023", "name": "Evaluasi Smart City 2023", "copy_from": earlier.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluations:cycle_detail", args=[2023])
    assert Cycle.objects.get(year=2023).previous == earlier


def test_the_cycle_list_shows_cycles_with_their_state(client, admin_user):
    make_cycle(2022, state=CycleState.REVIEW)
    client.force_login(admin_user)
    page = client.get(reverse("evaluations:cycle_list")).content.decode()
    assert "Evaluasi Smart City 2022" in page
    assert "Penilaian asesor" in page


def test_the_cycle_list_puts_the_newest_year_first(client, admin_user, jambi):
    for year in (2020, 2023, 2021):
        cycle = make_cycle(year)
    enrol(cycle, jambi)  # a count per cycle: the query aggregates
    client.force_login(admin_user)
    response = client.get(reverse("evaluations:cycle_list"))
    assert [c.year for c in response.context["cycles"]] == [2023, 2021, 2020]
    # The count column says what it counts.
    client.cookies["django_language"] = "en"
    page = client.get(reverse("evaluations:cycle_list")).content.decode()
    assert '<th scope="col" class="numeric">Registered regions</th>' in page


def test_the_cycle_page_counts_the_instruments_indicators_with_the_plural(client, admin_user):
    cycle = make_cycle(2022)
    total = cycle.instrument.indicators.count()
    assert total > 1
    client.force_login(admin_user)
    page = client.get(reverse("evaluations:cycle_detail", args=[2022])).content.decode()
    assert f"({total} indikator)" in page
    client.cookies["django_language"] = "en"
    page = client.get(reverse("evaluations:cycle_detail", args=[2022])).content.decode()
    assert f"({total} indicators)" in page
