"""Population and area as region data: the packaged file and its loader, size classes, the
region page, the ranking's peer groups, the profile's rank within its size class, the API."""

from decimal import Decimal

import pytest
from django.db.models import Q
from django.urls import reverse

from kotacerdas.regions.models import Region, RegionKind
from kotacerdas.regions.services import (
    POPULATION_CSV,
    REGIONS_CSV,
    RegionFileError,
    load_regions,
    read_population_file,
    read_region_file,
)
from kotacerdas.regions.sizes import SizeClass, class_of, size_class
from kotacerdas.results.models import RegionResult
from tests.results.builders import INDICES, cohort, publish_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db):
    load_regions()


def test_the_packaged_file_covers_exactly_the_register():
    figures = read_population_file(POPULATION_CSV)
    assert set(figures) == {row.code for row in read_region_file(REGIONS_CSV)}
    assert len(figures) == 552


def test_the_loader_fills_all_552_regions_with_their_own_figures(loaded):
    assert Region.objects.count() == 552
    assert not Region.objects.filter(
        Q(population__isnull=True) | Q(area_km2__isnull=True) | ~Q(population_year=2024)
    ).exists()
    kota_jambi = Region.objects.get(code="15.71")
    assert (kota_jambi.population, kota_jambi.area_km2) == (649656, Decimal("169.887"))
    # A province has its own figure (DKI Jakarta's source row was coded "31.0").
    jakarta = Region.objects.get(code="31")
    assert (jakarta.population, jakarta.area_km2) == (11038216, Decimal("661.530"))
    # A code the source wrote as a number ("11.1") is Kabupaten Aceh Singkil, 11.10.
    assert Region.objects.get(code="11.10").area_km2 == Decimal("1851.615")
    assert round(kota_jambi.density) == 3824


def test_the_loader_is_idempotent(loaded):
    report = load_regions()
    assert (report.created, report.updated, report.unchanged) == (0, 0, 552)


def test_a_changed_figure_is_repaired(loaded):
    Region.objects.filter(code="15.71").update(population=1)
    report = load_regions()
    assert report.updated == 1
    assert Region.objects.get(code="15.71").population == 649656


def write(tmp_path, text: str):
    path = tmp_path / "population.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("15.71,-5,169.887", "population '-5' is not a positive whole number"),
        ("15.71,649656,abc", "area_km2 'abc' is not a positive number"),
        ("15.71,649656,1.2345", "at most three decimals"),
        ("15.7,649656,169.887", "code '15.7' is not of the form"),
        ("15,3834439,49023.037", "code 15 appears again (first on line 2)"),
        ("15.71,649656", "expected 3 fields, found 2"),
        ("99.99,1000,1.5", "code 99.99 is not in the region register"),
    ],
)
def test_a_malformed_file_is_rejected_whole_naming_the_line(tmp_path, db, row, message):
    bad = write(
        tmp_path, f"code,population,area_km2\n15,3834439,49023.037\n15.05,457238,5159.623\n{row}\n"
    )
    with pytest.raises(RegionFileError) as raised:
        load_regions(population=bad)
    assert "population.csv, line 4" in str(raised.value) and message in str(raised.value)
    assert Region.objects.count() == 0  # nothing written, not even the register


def test_a_wrong_header_is_rejected(tmp_path, db):
    bad = write(tmp_path, "kode,penduduk,luas\n15,1,1\n")
    with pytest.raises(RegionFileError, match="line 1: expected header"):
        load_regions(population=bad)


def test_a_custom_register_loads_without_the_packaged_figures(tmp_path, db):
    register = tmp_path / "regions.csv"
    register.write_text("code,name,kind,parent_code\n15,Jambi,provinsi,\n", encoding="utf-8")
    load_regions(register, centroids=None, changes=None)
    assert Region.objects.get(code="15").population is None


@pytest.mark.parametrize(
    ("population", "expected"),
    [
        (1, SizeClass.KECIL),
        (99_999, SizeClass.KECIL),
        (100_000, SizeClass.SEDANG),
        (499_999, SizeClass.SEDANG),
        (500_000, SizeClass.BESAR),
        (999_999, SizeClass.BESAR),
        (1_000_000, SizeClass.METROPOLITAN),
        (None, None),
    ],
)
def test_size_classes_at_the_boundaries(population, expected):
    assert class_of(population, RegionKind.KOTA) == expected
    assert class_of(population, RegionKind.KABUPATEN) == expected
    assert class_of(population, RegionKind.PROVINSI) is None


def test_the_bounds_are_a_setting(settings):
    settings.KOTACERDAS_SIZE_BOUNDS = (50_000, 200_000, 2_000_000)
    assert class_of(60_000, RegionKind.KOTA) == SizeClass.SEDANG
    assert class_of(1_500_000, RegionKind.KOTA) == SizeClass.BESAR


def test_packaged_regions_get_their_size_class(loaded):
    regions = {r.code: r for r in Region.objects.filter(code__in=["15", "15.71", "15.72", "12.71"])}
    assert size_class(regions["15"]) is None
    assert size_class(regions["15.71"]) == SizeClass.BESAR  # 649,656
    assert size_class(regions["15.72"]) == SizeClass.SEDANG  # Sungai Penuh, 102,224
    assert regions["12.71"].size_class_label == "Kota metropolitan"  # Medan


def test_the_region_page_shows_population_area_density_and_size_class(client, loaded):
    html = client.get(reverse("regions:detail", args=["15.71"])).content.decode()
    assert "Penduduk 649.656 jiwa (2024)" in html
    assert "luas 169,9 km²" in html and "kepadatan 3.824 jiwa/km²" in html
    assert "kelompok ukuran: Kota besar" in html
    province = client.get(reverse("regions:detail", args=["15"])).content.decode()
    assert "Penduduk 3.834.439 jiwa (2024)" in province and "kelompok ukuran" not in province


def test_the_region_page_in_english(client, loaded, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("regions:detail", args=["15.71"])).content.decode()
    assert "Population 649,656 (2024)" in html and "size group: City (large)" in html


def test_the_api_gives_population_area_year_and_size_class(client, loaded):
    body = client.get("/api/v1/regions/15.71/").json()
    assert body["population"] == 649656
    assert body["area_km2"] == "169.887"
    assert body["population_year"] == 2024
    assert body["size_class"] == "besar"
    assert client.get("/api/v1/regions/15/").json()["size_class"] is None


# Peer groups on the ranking and the profile -----------------------------------------------------

POPULATIONS = {
    "15": 3_834_439,
    "15.71": 300_000,  # kota sedang
    "32.73": 450_000,  # kota sedang
    "15.05": 457_238,  # kabupaten sedang
    "32.04": 3_839_721,  # kabupaten metropolitan
}


@pytest.fixture
def peers(db):
    """Cycle 2022 published for the cohort, with populations that make Kota Jambi, Kota Bandung
    and (added) Kota Sungai Penuh three kota sedang; Kota Sungai Penuh ties with Kota Jambi."""
    jambi = {region.code: region for region in cohort()}["15"]
    Region.objects.create(
        code="15.72", name="Kota Sungai Penuh", kind=RegionKind.KOTA, parent=jambi
    )
    for code, population in {**POPULATIONS, "15.72": 102_224}.items():
        Region.objects.filter(code=code).update(population=population, area_km2=Decimal("100"))
    snapshot = publish_cycle(2022, {**INDICES, "15.72": 66.2})
    # National ranks by index: 32.73 (80.0) 1, 15.71 and 15.72 (66.2) tied at 2, 15 (50.0) 4 …
    RegionResult.objects.filter(snapshot=snapshot, region__code="15.72").update(rank=2)
    RegionResult.objects.filter(snapshot=snapshot, region__code="15.71").update(rank=2)
    RegionResult.objects.filter(snapshot=snapshot, region__code="15").update(rank=4)
    return snapshot


def rows_of(html: str) -> list[str]:
    return [part.split('"')[0] for part in html.split('data-region="')[1:]]


def test_the_ranking_filters_by_size_class_with_the_rank_in_the_group(client, peers):
    url = reverse("results:ranking", args=[2022])
    html = client.get(url, {"size": "sedang"}).content.decode()
    # Kota and kabupaten sedang; the provinces and the metropolitan kabupaten are left out.
    assert rows_of(html) == ["32.73", "15.71", "15.72", "15.05"]
    assert "Peringkat dalam kelompok" in html and 'data-testid="peer-note"' in html
    assert "tetap peringkat nasional" in html
    cells = html.split("data-peer-rank>")[1:]
    peer = [cell.split("</strong>")[0].removeprefix("<strong>") for cell in cells]
    # Competition ranking among the kota sedang: 1, 2, 2 (the tie); the kabupaten is alone.
    assert peer == ["1", "2", "2", "1"]
    assert "dari 3 · Kota sedang" in html and "dari 1 · Kabupaten sedang" in html
    narrowed = client.get(url, {"size": "sedang", "kind": "kota"}).content.decode()
    assert rows_of(narrowed) == ["32.73", "15.71", "15.72"]


def test_without_the_size_filter_there_is_no_group_column(client, peers):
    html = client.get(reverse("results:ranking", args=[2022])).content.decode()
    assert "Peringkat dalam kelompok" not in html and "data-peer-rank" not in html
    assert "Kelompok ukuran" in html  # the filter is offered


def test_the_profile_states_the_size_class_and_the_rank_in_it(client, peers):
    html = client.get(reverse("results:profile", args=[2022, "15.72"])).content.decode()
    assert "ke-2 dari 3 kota sedang" in html
    province = client.get(reverse("results:profile", args=[2022, "15"])).content.decode()
    assert 'data-testid="peer-rank"' not in province


def test_cached_pages_follow_new_population_figures(client, peers):
    """Published pages are cached, but their size classes follow the region data: new figures
    reach them once the remembered region fingerprint expires (here: forgotten at once)."""
    from django.core.cache import cache

    url = reverse("results:ranking", args=[2022])
    assert rows_of(client.get(url, {"size": "sedang"}).content.decode()) == [
        "32.73",
        "15.71",
        "15.72",
        "15.05",
    ]
    Region.objects.filter(code="15.71").update(population=1_200_000)  # now metropolitan
    cached = rows_of(client.get(url, {"size": "sedang"}).content.decode())
    assert cached == ["32.73", "15.71", "15.72", "15.05"]  # within the remembered window
    cache.delete("kc:results:regions-version")  # what POINTER_SECONDS' expiry does
    assert rows_of(client.get(url, {"size": "sedang"}).content.decode()) == [
        "32.73",
        "15.72",
        "15.05",
    ]
    assert rows_of(client.get(url, {"size": "metropolitan"}).content.decode()) == ["15.71", "32.04"]
