"""The statistical audit of a cycle's index ("Audit statistik indeks"): service, page, workbook,
API, and last year's flags on the instrument being revised."""

from io import BytesIO

import numpy as np
import pandas as pd
import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from rest_framework.test import APIClient

from kotacerdas.accounts.roles import Role
from kotacerdas.evaluations.models import FinalValue
from kotacerdas.instruments.models import Crosswalk, CrosswalkEntry, CrosswalkKind
from kotacerdas.results.services import compute, index_audit
from tests.conftest import make_user

from .builders import make_evaluated_cycle, make_six_instrument

SAMPLES = 50


@pytest.fixture
def admin(db):
    return make_user("admin.audit", Role.ADMIN)


@pytest.fixture
def computed(admin):
    """2022 in final with results computed; every level indicator at 5 for every region (the
    percents keep their spread)."""
    cycle = make_evaluated_cycle(2022, shift=5)
    return cycle, compute.compute_results(cycle, by=admin, samples=SAMPLES)


def _finals(cycle) -> pd.DataFrame:
    rows = FinalValue.objects.filter(submission__cycle=cycle).values_list(
        "submission__region__code", "indicator__code", "value"
    )
    frame = pd.DataFrame(list(rows), columns=["unit", "indicator", "value"])
    frame["value"] = frame["value"].astype(float)
    return frame.pivot(index="unit", columns="indicator", values="value")


def test_the_audit_reads_the_snapshot_and_matches_pandas(computed):
    cycle, snapshot = computed
    found = index_audit.audit_snapshot(snapshot)
    finals = _finals(cycle)
    assert found.units == 5 and found.tree == "aspects"
    by_code = {row.code: row for row in found.indicators}
    assert set(by_code) == set(finals.columns)
    for code, row in by_code.items():
        column = finals[code]
        assert row.stats["answered"] == 5
        assert row.stats["mean"] == pytest.approx(column.mean())
        assert row.stats["sd"] == pytest.approx(column.std(ddof=1), nan_ok=True)
        assert row.stats["distinct"] == column.nunique()
    # The index's correlations come from the stored scores.
    stored = {r.region.code: r for r in snapshot.regions.select_related("region")}
    units = sorted(stored)
    element = [stored[u].scores[by_code["ENV.01"].parent] for u in units]
    percent = [next(v["score"] for v in stored[u].values if v["code"] == "ENV.02") for u in units]
    expected = np.corrcoef(percent, element)[0, 1]
    assert by_code["ENV.02"].pearson_parent == pytest.approx(expected)
    # Alpha of the root over the dimensions, by the textbook formula.
    dims = pd.DataFrame(
        {d.code: [stored[u].scores[d.code] for u in units] for d in found.nodes if d.level == 1}
    )
    k = dims.shape[1]
    alpha = k / (k - 1) * (1 - dims.var(ddof=1).sum() / dims.sum(axis=1).var(ddof=1))
    assert found.alpha[0].code == "INDEX" and found.alpha[0].alpha == pytest.approx(alpha)


def test_levels_everyone_reaches_are_flagged_first_with_what_to_do(computed):
    _cycle, snapshot = computed
    found = index_audit.audit_snapshot(snapshot)
    flagged = [row for row in found.indicators if row.flagged]
    assert flagged and found.indicators[: len(flagged)] == flagged
    levels = [row for row in found.indicators if row.type == "level"]
    for row in levels:
        if row.stats["distinct"] == 1:
            codes = [flag.code for flag in row.flags]
            assert codes[:2] == ["ceiling", "constant"]
            assert row.stats["ceiling"] == 1.0
            assert "100 % daerah di nilai tertinggi" in row.flags[0].text
            assert "menaikkan rubrik" in row.flags[0].text


def test_the_admin_page_lists_flags_tables_and_the_cycle_selector(client, admin, computed):
    client.force_login(admin)
    response = client.get(reverse("results:audit"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="flagged-table"' in html
    assert "efek plafon" in html and "100 % daerah di nilai tertinggi" in html
    assert 'data-alpha="INDEX"' in html and 'data-testid="node-table"' in html
    assert '<option value="2022" selected>' in html
    assert client.get(reverse("results:audit"), {"tahun": "1999"}).status_code == 404
    assert (
        f'href="{reverse("results:audit")}'
        in client.get(reverse("results:manage")).content.decode()
    )


def test_the_page_says_when_no_cycle_has_results(client, admin):
    client.force_login(admin)
    html = client.get(reverse("results:audit")).content.decode()
    assert 'data-testid="audit-empty"' in html
    assert client.get(reverse("results:audit_xlsx")).status_code == 404


def test_the_workbook_has_a_sheet_per_table_with_frozen_headers(client, admin, computed):
    client.force_login(admin)
    response = client.get(reverse("results:audit_xlsx"), {"tahun": 2022})
    assert response.status_code == 200
    assert 'filename="audit-statistik-2022-v1.xlsx"' in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == [
        "Indikator",
        "Korelasi agregat",
        "Alpha Cronbach",
        "Pasangan redundan",
    ]
    for sheet in book.worksheets:
        assert sheet.freeze_panes is not None and sheet.freeze_panes.endswith("2")
    rows = list(book["Indikator"].values)
    assert rows[0][:6] == ("Kode", "Pertanyaan", "Jenis", "Induk", "Tanda", "Penjelasan")
    assert len(rows) == 13
    assert "efek plafon" in rows[1][4]


def test_the_api_returns_the_audit_to_admins_only(admin, computed):
    api = APIClient()
    api.force_authenticate(admin)
    response = api.get("/api/v1/cycles/2022/audit/")
    assert response.status_code == 200
    data = response.json()
    assert (data["year"], data["version"], data["units"], data["tree"]) == (2022, 1, 5, "aspects")
    first = data["indicators"][0]
    assert first["flags"][0]["flag"] == "ceiling" and first["ceiling"] == 1.0
    assert data["thresholds"]["redundant"] == 0.9
    assert data["alpha"][0]["code"] == "INDEX"
    assert api.get("/api/v1/cycles/1999/audit/").status_code == 404
    operator = make_user("asesor.audit", Role.ASSESSOR)
    api.force_authenticate(operator)
    assert api.get("/api/v1/cycles/2022/audit/").status_code == 403


def test_the_next_instrument_shows_last_years_flags_of_carried_indicators(client, admin, computed):
    cycle, _snapshot = computed
    revised = make_six_instrument("six-2023")
    crosswalk = Crosswalk.objects.create(source=cycle.instrument, target=revised)
    CrosswalkEntry.objects.create(
        crosswalk=crosswalk, kind=CrosswalkKind.SAME, source_code="ENV.01", target_code="ENV.01"
    )
    CrosswalkEntry.objects.create(
        crosswalk=crosswalk, kind=CrosswalkKind.SAME, source_code="GOV.01", target_code="GOV.01"
    )
    found = index_audit.previous_flags(revised)
    assert found is not None and found.cycle == cycle
    assert found.flags["ENV.01"][0] == "ENV.01" and "ceiling" in found.flags["ENV.01"][1]
    assert set(found.flags) <= {"ENV.01", "GOV.01"}
    client.force_login(admin)
    html = client.get(reverse("instruments:detail", args=[revised.code])).content.decode()
    assert 'data-testid="previous-audit"' in html
    assert 'data-previous-flags="ENV.01"' in html
    assert "2022: efek plafon" in html
    # Without a crosswalk (the earlier instrument itself), nothing is shown.
    html = client.get(reverse("instruments:detail", args=[cycle.instrument.code])).content.decode()
    assert 'data-testid="previous-audit"' not in html


def test_no_previous_flags_without_results_in_the_earlier_cycle(admin):
    earlier = make_evaluated_cycle(2022)
    revised = make_six_instrument("six-2023")
    Crosswalk.objects.create(source=earlier.instrument, target=revised)
    assert index_audit.previous_flags(revised) is None


def test_a_snapshot_stored_without_its_trees_is_audited_along_a_rebuilt_tree(published):
    published.config.pop("trees")
    published.save(update_fields=["config"])
    found = index_audit.audit_snapshot(published)
    assert found.units == 5 and len(found.indicators) == 12
    # Every region has the same stored values: each indicator is constant.
    assert all("constant" in [flag.code for flag in row.flags] for row in found.indicators)
    aspects = {node["code"] for node in published.nodes if node["kind"] == "aspect"}
    assert found.tree == "aspects" and {row.code for row in found.nodes} == aspects


def test_the_engine_result_is_cached_per_snapshot_and_worded_per_language(
    computed, admin, django_assert_num_queries
):
    cycle, snapshot = computed
    first = index_audit.audit_snapshot(snapshot)
    with django_assert_num_queries(0):  # no region row is read again
        again = index_audit.audit_snapshot(snapshot)
        flags = index_audit.snapshot_flags(snapshot)  # the instrument page's question
    worded = {row.code: [flag.code for flag in row.flags] for row in first.indicators}
    assert flags and flags == {code: codes for code, codes in worded.items() if codes}
    assert again.indicators == first.indicators
    with translation.override("en"):
        english = index_audit.audit_snapshot(snapshot)
    text = next(flag.text for row in english.indicators for flag in row.flags)
    assert text.isascii() and "regions" in text
    # A new computation is a new snapshot, audited on its own values: every level back to 0.
    FinalValue.objects.filter(submission__cycle=cycle, indicator__type="level").update(value=0)
    recomputed = compute.compute_results(cycle, by=admin, samples=SAMPLES)
    assert recomputed.pk != snapshot.pk
    before = {row.code: row for row in first.indicators if row.type == "level"}
    after = {row.code: row for row in index_audit.audit_snapshot(recomputed).indicators}
    assert before and all(row.stats["mean"] == 5 for row in before.values())
    assert all(after[code].stats["mean"] == 0 for code in before)
    assert all("floor" in [flag.code for flag in after[code].flags] for code in before)
