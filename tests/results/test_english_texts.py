"""Instrument texts on the results pages in the reader's language: snapshots store each
indicator's question and each node's name with its English twin, and every results page shows
the English one on English pages and the Indonesian one otherwise. A snapshot stored before the
twins existed still renders, in Indonesian."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from kotacerdas.accounts.roles import Role
from kotacerdas.core.taxonomy import Aspect
from kotacerdas.evaluations.models import AggregationTree
from kotacerdas.instruments.models import Dimension
from kotacerdas.regions.models import Region
from kotacerdas.results.models import RegionResult, Snapshot
from kotacerdas.results.services import compute, reliability
from kotacerdas.results.services.compute import snapshot_nodes
from kotacerdas.results.templatetags.results import in_reader_language
from tests.conftest import make_user

from .builders import make_evaluated_cycle

SAMPLES = 50
# The first element of each dimension in the builders' instrument, in both languages.
ELEMENTS = {
    "Layanan Publik": "Public service",
    "Branding Pariwisata": "Tourism branding",
    "Ekosistem Industri": "Industry",
    "Keselarasan Tata Ruang": "Harmony",
    "Komunitas Masyarakat": "Community",
    "Perlindungan Lingkungan": "Protection",
}
# A dimension whose two names differ (the builders' dimensions carry the programme's name,
# "Smart Governance", in both languages).
GOV_ID, GOV_EN = "Tata kelola pemerintahan", "Government and governance"


def page_in(client, language: str, url: str, **params) -> str:
    """The page at ``url`` read in ``language``, with runs of whitespace made one space."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url, params)
    assert response.status_code == 200, url
    return re.sub(r"\s+", " ", response.content.decode())


def rename_gov(snapshot: Snapshot) -> None:
    """Give the stored GOV dimension a different name in each language."""
    for node in snapshot.nodes:
        if node["code"] == "GOV":
            node["name"], node["name_en"] = GOV_ID, GOV_EN
    snapshot.save(update_fields=["nodes"])


def strip_english(snapshot: Snapshot) -> None:
    """Make ``snapshot`` look like one stored before the English twins: no ``*_en`` keys."""
    snapshot.nodes = [
        {key: value for key, value in node.items() if key != "name_en"} for node in snapshot.nodes
    ]
    snapshot.indicators = [
        {key: value for key, value in row.items() if key != "question_en"}
        for row in snapshot.indicators
    ]
    snapshot.save(update_fields=["nodes", "indicators"])
    for result in RegionResult.objects.filter(snapshot=snapshot):
        result.what_if = [
            {key: value for key, value in item.items() if key != "question_en"}
            for item in result.what_if
        ]
        result.save(update_fields=["what_if"])


@pytest.fixture
def admin(db):
    return make_user("admin.english", Role.ADMIN)


@pytest.fixture
def computed(admin):
    """2022 in final, aggregated along dimensions → elements, with results computed; every level
    indicator at 5 for every region, so the audit flags them."""
    cycle = make_evaluated_cycle(2022, shift=5)
    cycle.aggregate_along = AggregationTree.DIMENSIONS
    cycle.save(update_fields=["aggregate_along"])
    return cycle, compute.compute_results(cycle, by=admin, samples=SAMPLES)


# -- what the snapshot stores ---------------------------------------------------------------


def test_a_computed_snapshot_stores_every_text_with_its_english_twin(computed):
    cycle, snapshot = computed
    questions = {i.code: (i.question, i.question_en) for i in cycle.instrument.indicators.all()}
    assert {row["code"]: (row["question"], row["question_en"]) for row in snapshot.indicators} == (
        questions
    )
    names = {node["code"]: (node["name"], node["name_en"]) for node in snapshot.nodes}
    assert names["GOV.SVC"] == ("Layanan Publik", "Public service")
    assert names["GOV"] == ("Smart Governance", "Smart Governance")
    assert names[Aspect.QUICK_WIN] == ("Quick Win", "Quick Win")
    what_if = [item for result in snapshot.regions.all() for item in result.what_if]
    assert what_if
    for item in what_if:
        assert (item["question"], item["question_en"]) == questions[item["code"]]


def test_the_stored_names_do_not_depend_on_the_language_of_the_computation(computed):
    cycle, snapshot = computed
    with translation.override("en"):
        in_english = snapshot_nodes(cycle.instrument)
    assert in_english == snapshot.nodes
    aspects = [node for node in in_english if node["kind"] == "aspect"]
    for node in aspects:
        label = Aspect(node["code"]).label
        with translation.override("id"):
            assert node["name"] == str(label)
        with translation.override("en"):
            assert node["name_en"] == str(label)


def test_the_filter_falls_back_to_indonesian_without_an_english_twin():
    old = {"question": "Tingkat kematangan"}
    new = {"question": "Tingkat kematangan", "question_en": "Maturity level"}
    with translation.override("en"):
        assert in_reader_language(old, "question") == "Tingkat kematangan"
        assert in_reader_language({**new, "question_en": ""}, "question") == "Tingkat kematangan"
        assert in_reader_language(new, "question") == "Maturity level"
    with translation.override("id"):
        assert in_reader_language(new, "question") == "Tingkat kematangan"
    assert in_reader_language(None, "question") == ""


# -- the public pages -----------------------------------------------------------------------


def test_the_profile_shows_questions_element_and_dimension_names_in_english(client, published):
    rename_gov(published)
    url = reverse("results:profile", args=[2022, "15.71"])
    english = page_in(client, "en", url)
    # What would raise the index (the stored what-if), the element table, the charts' tables.
    assert "Maturity level of Smart Branding" in english
    assert "Tingkat kematangan" not in english
    for indonesian, name in ELEMENTS.items():
        assert f">{name}<" in english and indonesian not in english
    assert english.count(GOV_EN) >= 3 and GOV_ID not in english  # table, radar, bars
    indonesian = page_in(client, "id", url)
    assert "Tingkat kematangan Smart Branding" in indonesian
    assert "Maturity level" not in indonesian
    for name, english_name in ELEMENTS.items():
        assert name in indonesian and f">{english_name}<" not in indonesian
    assert indonesian.count(GOV_ID) >= 3 and GOV_EN not in indonesian


def test_the_ranking_names_the_dimensions_in_english(client, published):
    rename_gov(published)
    url = reverse("results:ranking", args=[2022])
    english = page_in(client, "en", url)
    assert f'title="{GOV_EN}"' in english  # the column header
    assert f'<span class="muted">{GOV_EN}</span>' in english  # the best of each dimension
    assert GOV_ID not in english
    # The table alone (htmx) as well, in its own cache entry.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    table = client.get(url, {"sort": "name"}, HTTP_HX_REQUEST="true").content.decode()
    assert f'title="{GOV_EN}"' in table and GOV_ID not in table
    indonesian = page_in(client, "id", url)
    assert f'title="{GOV_ID}"' in indonesian and GOV_EN not in indonesian


def test_the_methodology_names_dimensions_and_elements_in_english(client, published):
    rename_gov(published)
    url = reverse("results:methodology", args=[2022])
    english = page_in(client, "en", url)
    assert GOV_EN in english and GOV_ID not in english
    for indonesian, name in ELEMENTS.items():
        assert f">{name}<" in english and indonesian not in english
    indonesian = page_in(client, "id", url)
    assert GOV_ID in indonesian and GOV_EN not in indonesian
    assert all(name in indonesian for name in ELEMENTS)


def test_a_snapshot_stored_without_english_twins_renders_in_indonesian(client, published):
    strip_english(published)
    for url in (
        reverse("results:profile", args=[2022, "15.71"]),
        reverse("results:ranking", args=[2022]),
        reverse("results:methodology", args=[2022]),
    ):
        english = page_in(client, "en", url)
        assert "Smart Governance" in english
        assert "Public service" not in english
    profile = page_in(client, "en", reverse("results:profile", args=[2022, "15.71"]))
    assert "Tingkat kematangan Smart Branding" in profile and "Layanan Publik" in profile
    assert "Maturity level" not in profile


# -- the region's own results ---------------------------------------------------------------


def test_the_operator_reads_the_indicators_and_notes_in_english(client, published):
    operator = make_user("op.english", Role.OPERATOR, region=Region.objects.get(code="15.71"))
    client.force_login(operator)
    url = reverse("results:my_results")
    english = page_in(client, "en", url)
    table = english.split('data-testid="notes-table"')[1].split("</table>")[0]
    assert "Maturity level of Smart Governance" in table
    assert "Share of Smart Environment services that are digital" in table
    assert "Tingkat kematangan" not in english and "Persentase layanan" not in english
    indonesian = page_in(client, "id", url)
    table = indonesian.split('data-testid="notes-table"')[1].split("</table>")[0]
    assert "Tingkat kematangan Smart Governance" in table
    assert "Maturity level" not in indonesian and "Share of" not in indonesian


def test_the_operator_page_falls_back_to_indonesian_for_an_old_snapshot(client, published):
    strip_english(published)
    operator = make_user("op.english", Role.OPERATOR, region=Region.objects.get(code="15.71"))
    client.force_login(operator)
    english = page_in(client, "en", reverse("results:my_results"))
    assert "Tingkat kematangan Smart Governance" in english and "Maturity level" not in english


# -- the admins' pages ----------------------------------------------------------------------


def test_the_dashboard_agreement_table_is_in_english(client, admin):
    make_evaluated_cycle(2022)
    client.force_login(admin)
    url = reverse("results:dashboard", args=[2022])
    english = page_in(client, "en", url)
    table = english.split('data-testid="agreement-table"')[1].split("</table>")[0]
    assert "Maturity level of Smart Governance" in table
    assert "Tingkat kematangan" not in table and "Persentase layanan" not in table
    indonesian = page_in(client, "id", url)
    table = indonesian.split('data-testid="agreement-table"')[1].split("</table>")[0]
    assert "Tingkat kematangan Smart Governance" in table and "Maturity level" not in table


def test_the_audit_names_indicators_and_aggregates_in_english(client, admin, computed):
    client.force_login(admin)
    url = reverse("results:audit")
    english = page_in(client, "en", url, tahun=2022)
    flagged = english.split('data-testid="flagged-table"')[1].split("</table>")[0]
    assert "Maturity level of Smart Governance" in flagged  # flagged: everyone at level 5
    assert 'title="Share of Smart Governance services that are digital"' in english
    assert "Tingkat kematangan" not in english and "Persentase layanan" not in english
    for indonesian, name in ELEMENTS.items():
        assert name in english and indonesian not in english
    indonesian = page_in(client, "id", url, tahun=2022)
    assert "Tingkat kematangan Smart Governance" in indonesian
    assert "Maturity level" not in indonesian
    assert all(name in indonesian for name in ELEMENTS)


def test_the_audit_of_an_old_snapshot_falls_back_to_indonesian(client, admin, computed):
    _cycle, snapshot = computed
    strip_english(snapshot)
    client.force_login(admin)
    english = page_in(client, "en", reverse("results:audit"), tahun=2022)
    assert "Tingkat kematangan Smart Governance" in english and "Layanan Publik" in english
    assert "Maturity level" not in english and "Public service" not in english


def test_the_reliability_report_is_in_english(client, admin):
    cycle = make_evaluated_cycle(2022)
    Dimension.objects.filter(instrument=cycle.instrument, code="GOV").update(
        name=GOV_ID, name_en=GOV_EN
    )
    client.force_login(admin)
    url = reverse("results:reliability")
    english = page_in(client, "en", url)
    table = english.split('data-testid="indicator-table"')[1].split("</table>")[0]
    assert "Maturity level of Smart Governance" in table and "Tingkat kematangan" not in table
    assert GOV_EN in english and GOV_ID not in english  # the cycle table and the chart
    indonesian = page_in(client, "id", url)
    table = indonesian.split('data-testid="indicator-table"')[1].split("</table>")[0]
    assert "Tingkat kematangan Smart Governance" in table and "Maturity level" not in table
    assert GOV_ID in indonesian and GOV_EN not in indonesian
    # The level descriptors shown under a flagged rubric.
    row = next(row for row in reliability.report().indicators if row.levels)
    with translation.override("en"):
        assert next(text for _level, text in row.reader_levels) == "None yet"
    with translation.override("id"):
        assert next(text for _level, text in row.reader_levels) == "Belum ada"
