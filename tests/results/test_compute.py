"""Computing a cycle's results with the index engine, storing, publishing and republishing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse

from kotacerdas import index
from kotacerdas.accounts.roles import Role
from kotacerdas.core.errors import ServiceError
from kotacerdas.evaluations.models import CycleState, FinalMethod, FinalValue
from kotacerdas.evaluations.services import lifecycle
from kotacerdas.instruments.models import Crosswalk, CrosswalkEntry, CrosswalkKind
from kotacerdas.results.choices import SnapshotState
from kotacerdas.results.models import RegionResult
from kotacerdas.results.services import compute, inputs, publication
from tests.conftest import make_user

from .builders import DIMENSION_NAMES, make_evaluated_cycle

SAMPLES = 200


@pytest.fixture
def admin(db):
    return make_user("admin.compute", Role.ADMIN)


@pytest.fixture
def cycle(db):
    return make_evaluated_cycle(2022)


def test_it_stores_a_snapshot_with_every_part_of_the_result(cycle, admin):
    snapshot = compute.compute_results(cycle, by=admin, samples=SAMPLES)
    assert snapshot.version == 1
    assert snapshot.state == SnapshotState.COMPUTED
    assert len(snapshot.fingerprint) == 64
    assert snapshot.engine_version.startswith("kotacerdas.index/")
    assert snapshot.config["engine"]["aggregate"] == "arithmetic"
    assert snapshot.config["aggregate_along"] == "aspects"
    assert [n["name"] for n in snapshot.nodes if n["kind"] == "dimension"] == DIMENSION_NAMES
    results = {r.region.code: r for r in snapshot.regions.select_related("region")}
    assert set(results) == {"15", "15.71", "15.05", "32.73", "32.04"}
    bandung, jambi, muaro = results["32.73"], results["15.71"], results["15.05"]
    assert bandung.rank == 1 and muaro.rank == 5
    assert bandung.index > jambi.index > muaro.index
    assert jambi.display == pytest.approx(round(jambi.index / 20, 2))
    # Both breakdowns are stored: aspects and dimensions with elements.
    assert {"GOV", "GOV.SVC", "output", "impact"} <= set(jambi.scores)
    # Ranks within the province (kabupaten/kota only) and within the kind.
    assert jambi.rank_province == 1 and muaro.rank_province == 2
    assert results["15"].rank_province is None
    assert jambi.rank_kind == 2 and bandung.rank_kind == 1
    # Monte Carlo intervals contain the rank and the score.
    assert jambi.rank_low <= jambi.rank <= jambi.rank_high
    assert jambi.score_low <= jambi.index <= jambi.score_high
    assert snapshot.summary["uncertainty"]["samples"] == SAMPLES
    assert set(snapshot.summary["uncertainty"]["sensitivity"]) <= set(
        index.uncertainty.__globals__["ASSUMPTIONS"]
    )
    # Agreement per indicator and dimension, severity of both assessors.
    agreement = snapshot.summary["agreement"]
    assert set(agreement["by_dimension"]) == {"GOV", "BRA", "ECO", "LIV", "SOC", "ENV"}
    assert len(agreement["by_indicator"]) == 12
    assert {row["assessor"] for row in agreement["severity"]} == {"asesor.2022.1", "asesor.2022.2"}
    # What-if, final values, notes and feedback per region.
    assert jambi.what_if and jambi.what_if[0]["gain"] > 0
    assert jambi.what_if == sorted(jambi.what_if, key=lambda row: -row["gain"])
    assert {row["code"] for row in jambi.values} == {
        f"{d}.0{n}" for d in ("GOV", "BRA", "ECO", "LIV", "SOC", "ENV") for n in (1, 2)
    }
    assert jambi.notes["GOV.01"] == ["Catatan asesor.2022.1 GOV.01", "Catatan asesor.2022.2 GOV.01"]
    assert jambi.feedback["weaknesses"] == [
        "Integrasi data Kota Jambi belum berjalan",
        "Anggaran TIK terbatas",
    ]
    # Descriptive summary for the pages.
    assert snapshot.summary["regions"] == 5
    assert snapshot.summary["best"]["GOV"][0]["code"] == "32.73"


def test_the_index_is_the_weighted_mean_of_the_final_values(cycle, admin):
    """By hand, along the aspects (10/20/30/30/10, equal indicator weights): a level scores
    level × 20, a percent as is; the mean of two assessors (e.g. 2,5) is the final value."""
    snapshot = compute.compute_results(cycle, by=admin, samples=SAMPLES)
    weights = {"baseline": 10, "output": 20, "outcome": 30, "impact": 30, "quick_win": 10}
    for result in snapshot.regions.select_related("region"):
        by_aspect = {}
        for final in FinalValue.objects.filter(
            submission__cycle=cycle, submission__region=result.region
        ).select_related("indicator"):
            value = float(final.value)
            score = value * 20 if final.indicator.type == "level" else value
            by_aspect.setdefault(final.indicator.aspect, []).append(score)
        expected = sum(
            weights[aspect] * sum(scores) / len(scores) for aspect, scores in by_aspect.items()
        ) / sum(weights[aspect] for aspect in by_aspect)
        assert result.index == pytest.approx(expected, abs=1e-6)
        for aspect, scores in by_aspect.items():
            assert result.scores[aspect] == pytest.approx(sum(scores) / len(scores), abs=1e-6)


def test_a_moderated_value_is_used_as_decided(cycle, admin):
    final = FinalValue.objects.get(submission__region__code="15.05", indicator__code="GOV.01")
    final.value = 5
    final.method = FinalMethod.MODERATED
    final.reason = "Bukti MPP terverifikasi saat kunjungan"
    final.save()
    data = inputs.build_inputs(cycle)
    rows = data.values[(data.values.unit == "15.05") & (data.values.indicator == "GOV.01")]
    assert rows.to_dict("records") == [
        {
            "unit": "15.05",
            "indicator": "GOV.01",
            "value": 5.0,
            "assessor": "final",
            "not_applicable": False,
        }
    ]
    jambi_rows = data.values[(data.values.unit == "15.71") & (data.values.indicator == "GOV.01")]
    assert sorted(jambi_rows.assessor) == ["asesor.2022.1", "asesor.2022.2"]


def test_it_refuses_a_cycle_that_is_not_final_and_non_admins(db, admin):
    review = make_evaluated_cycle(2021, state=CycleState.MODERATION)
    with pytest.raises(ServiceError, match="tahap Final"):
        compute.compute_results(review, by=admin)
    with pytest.raises(PermissionDenied):
        compute.compute_results(review, by=make_user("op", Role.ASSESSOR))
    assert not review.result_snapshots.exists()


def test_each_computation_is_a_new_version_and_reproducible(cycle, admin):
    first = compute.compute_results(cycle, by=admin, samples=SAMPLES)
    second = compute.compute_results(cycle, by=admin, samples=SAMPLES)
    assert (first.version, second.version) == (1, 2)
    assert first.fingerprint == second.fingerprint
    a = {r.region_id: (r.index, r.rank_low, r.rank_high) for r in first.regions.all()}
    b = {r.region_id: (r.index, r.rank_low, r.rank_high) for r in second.regions.all()}
    assert a == b


def test_publication_needs_current_results_and_freezes_them(
    cycle, admin, django_capture_on_commit_callbacks
):
    problems = lifecycle.check(cycle, CycleState.PUBLISHED)
    assert any("Hasil belum dihitung" in problem for problem in problems)
    snapshot = compute.compute_results(cycle, by=admin, samples=SAMPLES)
    assert lifecycle.check(cycle, CycleState.PUBLISHED) == []
    # A final value changes after the computation: the results are stale.
    final = FinalValue.objects.filter(submission__cycle=cycle).first()
    final.value = 0
    final.save()
    assert any("usang" in problem for problem in lifecycle.check(cycle, CycleState.PUBLISHED))
    snapshot = compute.compute_results(cycle, by=admin, samples=SAMPLES)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.transition(cycle, CycleState.PUBLISHED, by=admin)
    snapshot.refresh_from_db()
    assert snapshot.state == SnapshotState.PUBLISHED and snapshot.published_at is not None
    numbers = list(
        snapshot.regions.order_by("region__code").values_list("letter_number", flat=True)
    )
    assert numbers[0].startswith("B-1001/DJAI/AI.01.04/")
    assert len(set(numbers)) == 5


def test_republishing_makes_a_new_public_version(
    client, cycle, admin, django_capture_on_commit_callbacks
):
    compute.compute_results(cycle, by=admin, samples=SAMPLES)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.transition(cycle, CycleState.PUBLISHED, by=admin)
    url = reverse("results:profile", args=[2022, "15.71"])
    assert client.get(url).status_code == 200
    cycle.refresh_from_db()
    with pytest.raises(ServiceError, match="Alasan"):
        publication.republish(cycle, by=admin, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        new = publication.republish(
            cycle, by=admin, reason="Koreksi data Kota Jambi", samples=SAMPLES
        )
    assert new.version == 2 and new.state == SnapshotState.PUBLISHED and new.note
    first = cycle.result_snapshots.get(version=1)
    assert first.state == SnapshotState.PUBLISHED  # kept, unchanged
    page = client.get(reverse("results:methodology", args=[2022])).content.decode()
    assert "Koreksi data Kota Jambi" in page


def test_progress_on_the_comparable_subset_and_the_previous_index(
    db, admin, django_capture_on_commit_callbacks
):
    before = make_evaluated_cycle(2021)
    compute.compute_results(before, by=admin, samples=SAMPLES)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.transition(before, CycleState.PUBLISHED, by=admin)
    after = make_evaluated_cycle(2022, previous=before, shift=1)
    crosswalk = Crosswalk.objects.create(source=before.instrument, target=after.instrument)
    for dimension in ("GOV", "BRA", "ECO", "LIV", "SOC", "ENV"):
        CrosswalkEntry.objects.create(
            crosswalk=crosswalk,
            kind=CrosswalkKind.SAME,
            source_code=f"{dimension}.01",
            target_code=f"{dimension}.01",
        )
        # The percent indicators are marked retired and new: not comparable.
        CrosswalkEntry.objects.create(
            crosswalk=crosswalk, kind=CrosswalkKind.RETIRED, source_code=f"{dimension}.02"
        )
        CrosswalkEntry.objects.create(
            crosswalk=crosswalk, kind=CrosswalkKind.NEW, target_code=f"{dimension}.02"
        )
    snapshot = compute.compute_results(after, by=admin, samples=SAMPLES)
    comparable = snapshot.summary["comparable"]
    assert comparable["previous_year"] == 2021
    assert comparable["indicators"] == 6
    assert 0 < comparable["coverage"] < 1
    jambi = snapshot.regions.get(region__code="15.71")
    old = before.result_snapshots.get().regions.get(region__code="15.71")
    assert jambi.previous_display == pytest.approx(old.display)
    assert jambi.improvement == pytest.approx(round(jambi.display - old.display, 2))
    assert jambi.comparable_display > jambi.comparable_previous_display  # every level up by one
    assert jambi.comparable_coverage == comparable["coverage"]


def test_the_compute_command(cycle, capsys):
    call_command("compute", "--cycle", "2022", "--samples", str(SAMPLES))
    assert "results version 1 for 5 regions" in capsys.readouterr().out
    assert RegionResult.objects.filter(snapshot__cycle=cycle).count() == 5
    with pytest.raises(CommandError, match="No cycle for the year 1999"):
        call_command("compute", "--cycle", "1999")


def test_the_admin_computes_from_the_dashboard(
    client, cycle, admin, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    page = client.get(reverse("results:dashboard", args=[2022])).content.decode()
    assert "Hitung hasil" in page and "Hasil belum dihitung" in page
    assert 'data-state="submitted">5<' in page
    assert 'data-testid="agreement-table"' in page
    # No audit to link to before a result exists (the audit page has no such cycle: a 404).
    assert 'data-testid="audit-link"' not in page and 'data-testid="audit-later"' in page
    # The button requests a background computation; the immediate backend runs it on commit.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("results:compute", args=[2022]), {"samples": SAMPLES}, follow=True
        )
    assert "sedang dihitung di latar belakang" in response.content.decode()
    page = client.get(reverse("results:dashboard", args=[2022])).content.decode()
    assert "Versi terakhir: 1" in page and "terkini" in page
    audit = f'<a href="{reverse("results:audit")}?tahun=2022" data-testid="audit-link">'
    assert audit in page
    assert client.get(f"{reverse('results:audit')}?tahun=2022").status_code == 200
    assert cycle.result_snapshots.get().regions.count() == 5
    preview = client.get(reverse("results:preview", args=[2022])).content.decode()
    assert "Kota Jambi" in preview and "belum dipublikasikan" in preview
    # Not public before publication.
    client.logout()
    assert client.get(reverse("results:ranking", args=[2022])).status_code == 404


def test_agreement_counts_each_disputed_answer_once(cycle):
    """Two assessors 3 levels apart on one answer is one disputed answer (not two values);
    an answer where they agree is not counted."""
    import pandas as pd

    scores = pd.DataFrame(
        [
            ("15.71", "GOV.01", 1.0, "a"),
            ("15.71", "GOV.01", 4.0, "b"),
            ("32.73", "GOV.01", 3.0, "a"),
            ("32.73", "GOV.01", 3.0, "b"),
            ("15.71", "GOV.02", 2.0, "a"),
            ("15.71", "GOV.02", 2.0, "b"),
        ],
        columns=["unit", "indicator", "value", "assessor"],
    )
    result = inputs.agreement(cycle, scores)
    assert result.pairs == {"GOV.01": 1}
    assert result.disagreements == 1
