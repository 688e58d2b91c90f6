"""The public results pages: what they show, for published cycles only."""

import json
import re

import pytest
from django.urls import reverse

from kotacerdas.evaluations.models import CycleState
from kotacerdas.regions.models import Region, RegionKind
from kotacerdas.results.choices import SnapshotState

from .builders import DIMENSION_NAMES, INDICES, cohort, make_stored_snapshot, publish_cycle


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_it_lists_published_cycles_only(client, published):
    draft = publish_cycle(2023, INDICES, published=False)
    draft.cycle.state = CycleState.FINAL
    draft.cycle.save()
    page = text_of(client.get(reverse("results:index")))
    assert "/hasil/2022/" in page
    assert "/hasil/2023/" not in page
    assert "2,50" in page  # the national median index 50 → 2,50 on the 0–5 scale


def test_the_ranking_shows_rank_interval_province_rank_and_improvement(client, db):
    cohort()
    publish_cycle(2021, {code: value - 5 for code, value in INDICES.items()})
    publish_cycle(2022, INDICES, previous={"15.71": 3.06})
    page = text_of(client.get(reverse("results:ranking", args=[2022])))
    row = re.search(r'<tr data-region="15.71">(.*?)</tr>', page).group(1)
    assert "Kota Jambi" in row
    assert "<strong>2</strong>" in row  # second nationally after Kota Bandung
    assert "1–3" in row  # the 5–95% rank interval
    assert "ke-1 dari 2" in row  # rank within its province among its kabupaten/kota
    assert "3,31" in row and "Baik" in row
    assert "+0,25" in row  # 3,31 − 3,06
    assert re.search(r"<th scope=\"col\"[^>]*>GOV</th>", page)


def test_the_best_region_of_each_dimension_is_highlighted(client, published):
    page = text_of(client.get(reverse("results:ranking", args=[2022])))
    assert "Terbaik per dimensi" in page
    awards = page[page.index("Terbaik per dimensi") : page.index("</section>")]
    for name in DIMENSION_NAMES:
        assert name in awards
    assert awards.count("Kota Bandung") == 6  # the best in every dimension of this cohort
    bandung = re.search(r'<tr data-region="32.73">(.*?)</tr>', page).group(1)
    jambi = re.search(r'<tr data-region="15.71">(.*?)</tr>', page).group(1)
    assert bandung.count('class="numeric best"') == 6
    assert "best" not in jambi


@pytest.mark.parametrize(
    ("query", "expected", "absent"),
    [
        ({"province": "15"}, ["Kota Jambi", "Kabupaten Muaro Jambi", ">Jambi</a>"], ["Bandung"]),
        ({"kind": "kota"}, ["Kota Jambi", "Kota Bandung"], ["Kabupaten"]),
        ({"predicate": "Kurang"}, ["Kabupaten Muaro Jambi"], ["Kota Jambi", "Kota Bandung"]),
        ({"predicate": "Cukup"}, ["Kabupaten Bandung", ">Jambi</a>"], ["Kota Jambi", "Muaro"]),
        ({"q": "bandung"}, ["Kota Bandung", "Kabupaten Bandung"], ["Jambi"]),
        ({"q": "15.7"}, ["Kota Jambi"], ["Muaro"]),
    ],
)
def test_the_ranking_filters(client, published, query, expected, absent):
    response = client.get(
        reverse("results:ranking", args=[2022]), query, headers={"HX-Request": "true"}
    )
    page = text_of(response)
    assert "<html" not in page  # htmx gets the table only
    for text in expected:
        assert text in page
    for text in absent:
        assert text not in page


def test_the_ranking_sorts_and_ignores_bad_filters(client, published):
    url = reverse("results:ranking", args=[2022])
    by_name = text_of(client.get(url, {"sort": "name"}))
    names = re.findall(r'<tr data-region="([\d.]+)">', by_name)
    assert names == ["15", "32.04", "15.05", "32.73", "15.71"]  # Jambi, Kab. Bandung, ...
    reverse_rank = text_of(client.get(url, {"sort": "rank", "order": "desc"}))
    assert re.findall(r'<tr data-region="([\d.]+)">', reverse_rank)[0] == "15.05"
    bad = client.get(url, {"province": "99", "sort": "drop table", "kind": "x"})
    assert bad.status_code == 200
    assert len(re.findall(r"<tr data-region=", bad.content.decode())) == 5


def test_the_profile_shows_scores_ranks_feedback_and_charts(client, published):
    response = client.get(reverse("results:profile", args=[2022, "15.71"]))
    page = text_of(response)
    assert "<h1>Kota Jambi</h1>" in page
    assert 'data-testid="index">3,31<' in page
    assert "Baik" in page
    assert "interval 5–95%: 1–3" in page
    assert "ke-1 dari 2 kabupaten/kota di Jambi" in page
    for name in DIMENSION_NAMES:
        assert name in page
    assert "Kelemahan Kota Jambi: data belum terintegrasi" in page
    assert "Kekuatan Kota Jambi: Mal Pelayanan Publik" in page
    assert "Rekomendasi Kota Jambi: satu data daerah" in page
    assert "BRA.01" in page and "+0,125" in page  # the what-if
    assert "Catatan rahasia asesor" not in page  # notes are never public
    assert "Median nasional" in page and "Median kota" in page
    # Charts: a JSON data block per chart and a table alternative.
    for chart in ("chart-radar", "chart-dimensions", "chart-aspects", "chart-trend"):
        match = re.search(
            rf'<script id="{chart}-spec" type="application/json">(.*?)</script>', page
        )
        assert match, chart
        payload = json.loads(match.group(1))
        assert "spec" in payload and payload["formatLocale"]["decimal"] == ","
    assert "Tabel data: Skor enam dimensi" in page
    assert reverse("reports:report_card", args=[2022, "15.71"]) in page


def test_the_profile_trend_covers_every_published_cycle(client, db):
    cohort()
    publish_cycle(2020, {code: value - 10 for code, value in INDICES.items()})
    publish_cycle(2021, {code: value - 5 for code, value in INDICES.items()})
    publish_cycle(2022, INDICES, previous={"15.71": 3.06})
    page = text_of(client.get(reverse("results:profile", args=[2022, "15.71"])))
    payload = json.loads(
        re.search(
            r'<script id="chart-trend-spec" type="application/json">(.*?)</script>', page
        ).group(1)
    )
    years = {row["year"] for data in payload["spec"]["datasets"].values() for row in data}
    assert {"2020", "2021", "2022"} <= years
    assert "sebanding: +0,25 (cakupan 80%)" in page


def test_the_profile_of_a_region_not_evaluated_is_404(client, published):
    Region.objects.create(
        code="15.02",
        name="Kabupaten Merangin",
        kind=RegionKind.KABUPATEN,
        parent=Region.objects.get(code="15"),
    )
    assert client.get(reverse("results:profile", args=[2022, "15.02"])).status_code == 404
    assert client.get(reverse("results:profile", args=[2022, "99.99"])).status_code == 404


def test_the_methodology_page_comes_from_the_snapshot_config(client, published):
    page = text_of(client.get(reverse("results:methodology", args=[2022])))
    assert "Aspek evaluasi (Baseline, Output, Outcome, Impact, Quick Win)" in page
    assert "Rata-rata aritmetika berbobot" in page
    assert "30,0%" in page  # Outcome's share of the aspect weights
    assert "Memuaskan" in page and "4,20" in page
    assert "f" * 64 in page  # the fingerprint
    assert "12 indikator" in page


def test_the_map_has_two_choropleths_and_the_boundaries(client, published):
    page = text_of(client.get(reverse("results:map", args=[2022])))
    for chart, level in (("map-provinces", "provinsi"), ("map-kabkota", "kabkota")):
        match = re.search(
            rf'<script id="{chart}-spec" type="application/json">(.*?)</script>', page
        )
        spec = json.loads(match.group(1))["spec"]
        assert reverse("results:boundaries", args=[level]) in json.dumps(spec)
    assert "Kota Jambi" in page  # the table alternative
    provinces = client.get(reverse("results:boundaries", args=["provinsi"]))
    assert provinces["Content-Type"] == "application/geo+json"
    assert len(json.loads(provinces.content)["features"]) == 38
    kabkota = json.loads(client.get(reverse("results:boundaries", args=["kabkota"])).content)
    assert len(kabkota["features"]) == 514
    assert client.get(reverse("results:boundaries", args=["desa"])).status_code == 404


@pytest.mark.parametrize(
    "name",
    ["results:ranking", "results:methodology", "results:map"],
)
def test_unpublished_results_are_never_shown(client, db, name):
    cohort()
    snapshot = publish_cycle(2022, INDICES, published=False)
    cycle = snapshot.cycle
    for state in (CycleState.FINAL, CycleState.PUBLISHED):
        cycle.state = state
        cycle.save()
        assert client.get(reverse(name, args=[2022])).status_code == 404


def test_a_snapshot_of_an_unpublished_cycle_never_leaks_even_if_marked(client, db):
    cohort()
    snapshot = publish_cycle(2022, INDICES)
    cycle = snapshot.cycle
    cycle.state = CycleState.FINAL  # stepped back: no longer public
    cycle.save()
    for url in (
        reverse("results:ranking", args=[2022]),
        reverse("results:profile", args=[2022, "15.71"]),
        reverse("results:export", args=[2022, "csv"]),
        reverse("results:region_export", args=[2022, "15.71", "json"]),
        reverse("reports:report_card", args=[2022, "15.71"]),
        reverse("reports:national", args=[2022]),
    ):
        assert client.get(url).status_code == 404, url


def test_the_public_sees_the_highest_published_version(client, published):
    make_stored_snapshot(published.cycle, {**INDICES, "15.71": 90.0}, version=2)
    make_stored_snapshot(published.cycle, {**INDICES, "15.71": 10.0}, version=3, published=False)
    page = text_of(client.get(reverse("results:profile", args=[2022, "15.71"])))
    assert 'data-testid="index">4,50<' in page
    assert published.cycle.result_snapshots.filter(state=SnapshotState.PUBLISHED).count() == 2


def test_the_ranking_has_pages_of_a_hundred(client, db):
    for province_code, count in (("11", 99), ("12", 21)):
        province = Region.objects.create(
            code=province_code, name=f"Provinsi {province_code}", kind=RegionKind.PROVINSI
        )
        for number in range(1, count + 1):
            Region.objects.create(
                code=f"{province_code}.{number:02d}",
                name=f"Kabupaten Uji {province_code}.{number:02d}",
                kind=RegionKind.KABUPATEN,
                parent=province,
            )
    codes = list(Region.objects.filter(parent__isnull=False).values_list("code", flat=True))
    publish_cycle(2022, {code: 90 - n * 0.5 for n, code in enumerate(codes)})
    url = reverse("results:ranking", args=[2022])
    first = text_of(client.get(url))
    assert len(re.findall(r"<tr data-region=", first)) == 100
    assert "halaman 1 dari 2" in first and "?page=2" in first
    second = text_of(client.get(url, {"page": 2}))
    ranks = re.findall(
        r'<tr data-region="[^"]+"> <td class="numeric"><strong>(\d+)</strong>', second
    )
    assert ranks[0] == "101" and len(ranks) == 20
    assert len(re.findall(r"<tr data-region=", text_of(client.get(url, {"page": 99})))) == 20


def test_the_profile_lists_the_years_published_quick_wins(client, published):
    from tests.masterplans.builders import make_masterplan, make_programme

    masterplan = make_masterplan(Region.objects.get(code="15.71"))
    make_programme(masterplan, "GOV-01", name="Mal Pelayanan Publik (MPP)", quick_wins=(2022,))
    make_programme(
        masterplan, "ENV-01", element="ENV.WAS", name="Gas metana TPA", quick_wins=(2021,)
    )
    make_programme(
        masterplan, "SOC-01", element="SOC.LEA", name="Rahasia", published=False, quick_wins=(2022,)
    )
    page = text_of(client.get(reverse("results:profile", args=[2022, "15.71"])))
    wins = page[page.index("Quick win 2022") : page.index("Catatan asesor")]
    assert "Mal Pelayanan Publik (MPP)" in wins and "Smart Governance" in wins
    assert "Gas metana" not in wins  # a 2021 quick win
    assert "Rahasia" not in wins  # not published in the masterplan
