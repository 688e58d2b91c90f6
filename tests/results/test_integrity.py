"""The integrity checks that need the index engine or stored results (outlier assessors,
year-on-year jumps, the index by region kind) and the admin's page that gathers every check:
known flags on hand-built cycles, and a query count that does not grow with the regions."""

import hashlib
from decimal import Decimal

import numpy as np
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from scipy import stats

from kotacerdas.accounts.roles import Role
from kotacerdas.evaluations.models import (
    Answer,
    Assignment,
    Cycle,
    CycleState,
    Evidence,
    EvidenceKindStored,
    FinalMethod,
    FinalValue,
    Score,
    Submission,
    SubmissionState,
)
from kotacerdas.index import spearman
from kotacerdas.instruments.models import IndicatorType
from kotacerdas.regions.models import Region
from kotacerdas.results.services import integrity
from tests import samples
from tests.conftest import make_user

from .builders import (
    INDICES,
    cohort,
    cohort_and_more,
    make_six_instrument,
    make_stored_snapshot,
)

pytestmark = pytest.mark.django_db


def scored_cycle(year: int, codes: list[str], *, strict_by: int = 2) -> Cycle:
    """A cycle in moderation: every region in ``codes`` submitted, answered two levels (and 20
        points on percents) above the assessors' consensus, scored by three assessors of whom the third scores every level
        indicator ``strict_by`` levels (and every percent 20 × ``strict_by`` points) lower; final
        values are the first assessor's. Every region sends one shared PDF and one PDF of its own, and
    writes one justification every region writes and one of its own."""
    cycle = Cycle.objects.create(
        year=year,
        name=f"Evaluasi {year}",
        instrument=make_six_instrument(f"six-{year}"),
        state=CycleState.MODERATION,
    )
    assessors = [
        make_user(f"asesor.{year}.{n}", Role.ASSESSOR, first_name=name)
        for n, name in enumerate(("Asesor Satu", "Asesor Dua", "Asesor Ketat"))
    ]
    indicators = list(cycle.instrument.indicators.all())
    shared = samples.pdf_bytes(f"Dokumen bersama {year}")
    copied = f"Penjelasan bersama {year}: " + "layanan terpadu satu pintu sudah berjalan. " * 3
    for code in codes:
        submission = Submission.objects.create(
            cycle=cycle,
            region_id=_region_id(code),
            state=SubmissionState.SUBMITTED,
        )
        Submission.objects.filter(pk=submission.pk).update(submitted_at=submission.enrolled_at)
        # One justification every region writes word for word, one of its own.
        texts = {indicators[0].pk: copied, indicators[1].pk: f"Penjelasan {code}: " + "x " * 60}
        assignments = [
            Assignment.objects.create(cycle=cycle, region_id=submission.region_id, assessor=a)
            for a in assessors
        ]
        for indicator in indicators:
            level = indicator.type == IndicatorType.LEVEL
            consensus = Decimal(3) if level else Decimal(60)
            step = Decimal(1) if level else Decimal(20)
            claimed = consensus + (2 if level else 20)
            Answer.objects.create(
                submission=submission,
                indicator=indicator,
                value=claimed,
                justification=texts.get(indicator.pk, ""),
            )
            for number, assignment in enumerate(assignments):
                value = consensus - (strict_by * step if number == 2 else 0)
                Score.objects.create(assignment=assignment, indicator=indicator, value=value)
            FinalValue.objects.create(
                submission=submission, indicator=indicator, value=consensus, method=FinalMethod.MEAN
            )
        for content, name in ((shared, "bersama.pdf"), (samples.pdf_bytes(code), "sendiri.pdf")):
            evidence = Evidence(
                submission=submission,
                indicator=indicators[0],
                kind=EvidenceKindStored.FILE,
                original_name=name,
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
            )
            evidence.file.save(name, ContentFile(content), save=False)
            evidence.save()
    return cycle


def _region_id(code: str) -> int:
    from kotacerdas.regions.models import Region

    return Region.objects.get(code=code).pk


COHORT = ["15", "15.71", "15.05", "32.73", "32.04"]


def test_an_assessor_who_always_scores_two_levels_lower_is_an_outlier():
    cohort()
    cycle = scored_cycle(2022, COHORT[:3])
    rows = {row.username: row for row in integrity.outlier_assessors(cycle)}
    strict = rows["asesor.2022.2"]
    # Two levels below two others: 2/3 × 40 points below the mean of the three.
    assert strict.severity == pytest.approx(-80 / 3)
    assert strict.answers == 36 and strict.flagged
    assert strict.z == pytest.approx(-(2**0.5))
    assert not rows["asesor.2022.0"].flagged and not rows["asesor.2022.1"].flagged
    assert rows["asesor.2022.0"].severity == pytest.approx(40 / 3)


def test_an_assessor_half_a_level_apart_is_not_an_outlier():
    rows = integrity.assessor_rows(
        [
            {"assessor": "a", "name": "A", "severity": -10.0, "answers": 50},
            {"assessor": "b", "name": "B", "severity": 10.0, "answers": 50},
            {"assessor": "c", "name": "C", "severity": -30.0, "answers": 4},
        ]
    )
    assert [row.flagged for row in rows] == [False, False, False]  # c: too few answers
    assert [row.username for row in rows] == ["c", "a", "b"]


def test_two_assessors_on_the_same_panels_mirror_each_other():
    rows = integrity.assessor_rows(
        [
            {"assessor": "a", "name": "A", "severity": -20.0, "answers": 40},
            {"assessor": "b", "name": "B", "severity": 20.0, "answers": 40},
        ]
    )
    assert all(row.flagged for row in rows) and all(row.z is None for row in rows)


def test_year_on_year_jumps_beyond_the_threshold_are_flagged():
    cohort()
    cycle = Cycle.objects.create(year=2023, name="2023", instrument=make_six_instrument("j-2023"))
    # Display scale 0–5: Kota Jambi 2.0 → 3.31 is +26.2 on 0–100; Bandung 3.8 → 4.0 is +4.
    snapshot = make_stored_snapshot(
        cycle,
        {"15.71": 66.2, "32.73": 80.0, "15": 50.0},
        previous={"15.71": 2.0, "32.73": 3.8, "15": 3.5},
    )
    jumps = integrity.index_jumps(snapshot)
    assert [(jump.region.code, round(jump.change, 1)) for jump in jumps] == [
        ("15.71", 26.2),
        ("15", -20.0),
    ]


def test_the_index_by_region_kind():
    check = integrity.correlation_ratio({"kota": [80.0, 82.0], "kabupaten": [40.0, 42.0]})
    assert check.share == pytest.approx(1600 / 1604) and check.flagged
    assert [(group.kind, group.median) for group in check.groups] == [
        ("kabupaten", 41.0),
        ("kota", 81.0),
    ]
    mixed = integrity.correlation_ratio({"kota": [40.0, 80.0], "kabupaten": [42.0, 82.0]})
    assert mixed.share == pytest.approx(4 / 1604) and not mixed.flagged
    assert integrity.correlation_ratio({"kota": [40.0, 80.0, 60.0]}) is None


def test_the_page_shows_every_kind_of_flag(client, admin_user):
    cohort()
    cycle = scored_cycle(2022, COHORT)
    make_stored_snapshot(
        cycle, {"15.71": 66.2, "32.73": 80.0, "15": 50.0}, published=False, previous={"15.71": 2.0}
    )
    client.force_login(admin_user)
    page = client.get(reverse("results:integrity", args=[2022]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-check="files">1<' in html
    assert 'data-check="texts">1<' in html
    assert html.count('data-testid="shared-text"') == 1 and "Penjelasan bersama 2022" in html
    assert 'data-check="gaps">5<' in html  # every region two levels above…
    assert 'data-check="assessors">1<' in html
    assert 'data-check="jumps">1<' in html
    assert "bersama.pdf" in html and "sendiri.pdf" not in html
    assert 'data-assessor="asesor.2022.2"' in html and "lebih ketat" in html
    report = integrity.report(cycle)
    # …on the six level indicators; the percents are 20 points above, not more: not flagged.
    assert {len(row.flagged) for row in report.gaps} == {6}


def test_the_cycle_and_results_pages_link_to_the_checks(client, admin_user):
    cohort()
    scored_cycle(2022, COHORT[:2])
    client.force_login(admin_user)
    target = reverse("results:integrity", args=[2022])
    for name in ("evaluations:cycle_detail", "results:dashboard"):
        assert target in client.get(reverse(name, args=[2022])).content.decode()


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_page_s_queries_do_not_grow_with_the_regions(client, admin_user):
    indices = cohort_and_more(4)
    small = scored_cycle(2022, COHORT[:2])
    large = scored_cycle(2023, list(indices))
    for cycle, codes in ((small, COHORT[:2]), (large, list(indices))):
        make_stored_snapshot(
            cycle,
            {code: indices[code] for code in codes},
            published=False,
            previous=dict.fromkeys(codes, 2.0),
        )
    client.force_login(admin_user)
    counts = [
        count_queries(client, reverse("results:integrity", args=[cycle.year]))
        for cycle in (small, large)
    ]
    assert counts[0] == counts[1], counts
    report = integrity.report(large)
    assert len(report.gaps) == 9
    assert len(report.texts) == 1 and len(report.texts[0].regions) == 9


# Index and region size ---------------------------------------------------------------------------


def test_the_size_statistics_are_scipy_s_spearman():
    index = [30.0, 45.0, 52.0, 61.0, 70.0, 88.0]
    population = [80_000, 150_000, 120_000, 600_000, 900_000, 2_500_000]
    found = spearman(index, np.log(population))
    expected = stats.spearmanr(index, np.log(population))
    assert found.rho == pytest.approx(expected.statistic)
    assert found.p_value == pytest.approx(expected.pvalue)
    assert found.n == 6
    assert spearman([1.0, 2.0, float("nan"), 4.0], [2.0, 1.0, 5.0, 3.0]).n == 3
    assert spearman([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]) is None
    assert spearman([1.0, 2.0], [2.0, 1.0]) is None


def test_an_index_that_follows_population_is_flagged_and_one_that_does_not_is_not():
    # Eight kabupaten/kota: the index rises with population (rho = 1, p < 0.05) …
    populations = [60_000, 90_000, 150_000, 300_000, 450_000, 700_000, 1_200_000, 3_000_000]
    areas = [100.0, 3000.0, 200.0, 2500.0, 150.0, 4000.0, 300.0, 5000.0]
    following = [
        (20.0 + 8 * n, population, area)
        for n, (population, area) in enumerate(zip(populations, areas, strict=True))
    ]
    group = integrity.size_group("kabkota", following)
    expected = stats.spearmanr([row[0] for row in following], np.log(populations))
    assert group.population.rho == pytest.approx(expected.statistic) == pytest.approx(1.0)
    assert group.population.p_value == pytest.approx(expected.pvalue) and group.flagged
    density = [population / area for population, area in zip(populations, areas, strict=True)]
    assert group.density.rho == pytest.approx(
        stats.spearmanr([row[0] for row in following], density).statistic
    )
    # … and an index unrelated to population and density is not flagged.
    unrelated = [50.0, 20.0, 70.0, 35.0, 40.0, 65.0, 30.0, 55.0]
    rows = [(value, row[1], row[2]) for value, row in zip(unrelated, following, strict=True)]
    calm = integrity.size_group("kabkota", rows)
    assert abs(calm.population.rho) < integrity.SIZE_RHO and not calm.flagged
    assert calm.population.rho == pytest.approx(
        stats.spearmanr(unrelated, np.log(populations)).statistic
    )
    # Regions without a population are counted apart; fewer than three complete: no group.
    assert integrity.size_group("kabkota", [*rows, (10.0, None, None)]).missing == 1
    assert integrity.size_group("kabkota", rows[:2]) is None


def sized_snapshot(indices: dict[str, float], populations: dict[str, int]):
    """Cycle 2022 (computed) of the cohort plus added kabupaten, with populations and an area."""
    for code, population in populations.items():
        Region.objects.filter(code=code).update(population=population, area_km2=Decimal("100"))
    cycle = scored_cycle(2022, COHORT[:2])
    return cycle, make_stored_snapshot(cycle, indices, published=False)


def test_the_page_flags_an_index_that_follows_size(client, admin_user):
    indices = cohort_and_more(4)
    kabkota = [code for code in indices if "." in code]
    # Population ranked like the index: rho = 1 over the eight kabupaten/kota.
    ordered = sorted(kabkota, key=lambda code: indices[code])
    populations = {code: 50_000 * (n + 1) for n, code in enumerate(ordered)}
    cycle, _snapshot = sized_snapshot(indices, populations)
    check = integrity.report(cycle).sizes
    (group,) = check.groups  # two provinces: fewer than MIN_PROVINCES, no province group
    assert group.scope == "kabkota" and group.regions == 8
    assert group.population.rho == pytest.approx(1.0) and check.flagged
    client.force_login(admin_user)
    html = client.get(reverse("results:integrity", args=[2022])).content.decode()
    assert 'data-check="sizes">1<' in html
    assert "indeks mungkin hanya mencerminkan ukuran daerah" in html
    assert 'data-scope="kabkota"' in html and "+1,00" in html


def test_the_page_does_not_flag_an_index_unrelated_to_size(client, admin_user):
    indices = cohort_and_more(4)
    kabkota = sorted(code for code in indices if "." in code)
    sizes = [300_000, 80_000, 1_500_000, 120_000, 600_000, 90_000, 200_000, 2_000_000]
    populations = dict(zip(kabkota, sizes, strict=True))
    cycle, _snapshot = sized_snapshot(indices, populations)
    check = integrity.report(cycle).sizes
    assert not check.flagged
    client.force_login(admin_user)
    html = client.get(reverse("results:integrity", args=[2022])).content.decode()
    assert 'data-check="sizes">0<' in html and 'data-testid="size-table"' in html
    assert "indeks mungkin hanya mencerminkan ukuran daerah" not in html


def test_without_population_data_the_size_check_says_so(client, admin_user):
    cohort()
    cycle = scored_cycle(2022, COHORT[:2])
    make_stored_snapshot(cycle, INDICES, published=False)
    assert integrity.report(cycle).sizes is None
    client.force_login(admin_user)
    html = client.get(reverse("results:integrity", args=[2022])).content.decode()
    assert "Belum ada hasil dengan data penduduk untuk tiga daerah atau lebih." in html


def test_the_gaps_name_their_indicators_in_the_reader_s_language(client, admin_user):
    cohort()
    scored_cycle(2022, COHORT)
    client.force_login(admin_user)
    url = reverse("results:integrity", args=[2022])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    gaps = english.split('data-gap="GOV.01"')[1].split("</tr>")[0]
    assert "Maturity level of Smart Governance" in gaps
    assert "Tingkat kematangan" not in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    indonesian = client.get(url).content.decode()
    gaps = indonesian.split('data-gap="GOV.01"')[1].split("</tr>")[0]
    assert "Tingkat kematangan Smart Governance" in gaps
    assert "Maturity level" not in indonesian
