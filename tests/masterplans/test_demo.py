"""The demo step: Kota Jambi's real masterplan facts, synthetic (labelled) plans elsewhere,
valid by the models' own rules, and idempotent."""

import pytest

from kotacerdas.core.taxonomy import ProgramKind
from kotacerdas.masterplans import demo
from kotacerdas.masterplans.models import Budget, KpiValue, Masterplan, Programme, QuickWin
from kotacerdas.regions.services import load_regions


@pytest.fixture
def loaded(db):
    load_regions()
    demo.load()


def test_kota_jambi_masterplan_facts(loaded):
    masterplan = Masterplan.objects.get(region__code="15.71")
    assert (masterplan.start_year, masterplan.end_year) == (2018, 2022)
    assert masterplan.legal_basis == "Perda No. 1 Tahun 2019 tentang Penyelenggaraan Smart City"
    wins_2022 = QuickWin.objects.filter(programme__masterplan=masterplan, year=2022)
    by_dimension = {q.programme.dimension: q.programme.name for q in wins_2022}
    assert by_dimension == {
        "GOV": "Mal Pelayanan Publik (MPP)",
        "BRA": "Wisata Danau Sipin",
        "SOC": "Perpustakaan komunitas",
        "ECO": "Pakar Kasih",
        "LIV": "Kampung Bantar",
        "ENV": "Pemanfaatan gas metana TPA Talang Gulo",
    }
    wins_2020 = QuickWin.objects.filter(programme__masterplan=masterplan, year=2020)
    assert sorted(q.programme.name for q in wins_2020) == ["SIPADEK", "SIPATEN"]
    kinds = set(masterplan.programmes.values_list("kind", flat=True))
    assert kinds == set(ProgramKind.values)
    assert KpiValue.objects.filter(kpi__programme__masterplan=masterplan).count() > 10
    assert "sintetis" in masterplan.internal_notes


def test_other_regions_are_synthetic_and_labelled(loaded):
    others = Masterplan.objects.exclude(region__code="15.71")
    assert others.count() == len(demo.OTHER_REGIONS) >= 20
    assert all("sintetis" in m.title and m.summary == demo.SYNTHETIC for m in others)
    assert (
        Programme.objects.filter(masterplan__in=others).exclude(description=demo.SYNTHETIC).count()
        == 0
    )


def test_demo_data_obeys_the_model_rules(loaded):
    for model in (Masterplan, Programme, Budget, KpiValue, QuickWin):
        for row in model.objects.all():
            row.full_clean()


def test_demo_is_idempotent(loaded):
    counts = [m.objects.count() for m in (Masterplan, Programme, Budget, KpiValue, QuickWin)]
    history = Programme.history.count()
    demo.load()
    assert [
        m.objects.count() for m in (Masterplan, Programme, Budget, KpiValue, QuickWin)
    ] == counts
    assert Programme.history.count() == history
