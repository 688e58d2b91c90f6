import pytest
from django.urls import reverse

from kotacerdas.regions.models import Region, RegionKind
from kotacerdas.regions.services import (
    REGIONS_CSV,
    RegionFileError,
    load_regions,
    read_region_file,
)

from .conftest import SHARED_DIR

HEADER = "code,name,kind,parent_code\n"


@pytest.fixture
def loaded(db):
    load_regions()


def test_packaged_list_is_the_shared_official_list():
    assert REGIONS_CSV.read_bytes() == (SHARED_DIR / "data/regions/regions.csv").read_bytes()
    assert (REGIONS_CSV.parent / "SOURCE.md").exists()
    assert "MIT License" in (REGIONS_CSV.parent / "LICENSE-wilayah.md").read_text()


def test_loads_38_provinces_and_514_kabupaten_kota(loaded):
    assert Region.objects.filter(kind=RegionKind.PROVINSI).count() == 38
    assert Region.objects.filter(kind=RegionKind.KABUPATEN).count() == 416
    assert Region.objects.filter(kind=RegionKind.KOTA).count() == 98
    assert Region.objects.count() == 552
    assert not Region.objects.exclude(kind=RegionKind.PROVINSI).filter(parent=None).exists()


def test_jambi_codes(loaded):
    jambi = Region.objects.get(code="15")
    kota_jambi = Region.objects.get(code="15.71")
    assert (jambi.name, jambi.kind) == ("Jambi", RegionKind.PROVINSI)
    assert (kota_jambi.name, kota_jambi.kind) == ("Kota Jambi", RegionKind.KOTA)
    assert kota_jambi.parent == jambi
    assert kota_jambi.province == jambi
    assert kota_jambi.latitude == pytest.approx(-1.6, abs=0.2)


def test_loader_is_idempotent(loaded):
    report = load_regions()
    assert (report.created, report.updated, report.unchanged) == (0, 0, 552)


def test_loader_repairs_a_changed_name(loaded):
    Region.objects.filter(code="15.71").update(name="Kota Jambi (lama)")
    report = load_regions()
    assert report.updated == 1
    assert Region.objects.get(code="15.71").name == "Kota Jambi"


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("15,Jambi,provinsi,\n15.71,Kota Jambi,kota\n", 3, "expected 4 fields"),
        ("15,Jambi,provinsi,\n15.7X,Kota Jambi,kota,15\n", 3, "not of the form"),
        ("15,Jambi,provinsi,\n15.71,Kota Jambi,kotamadya,15\n", 3, "kind 'kotamadya'"),
        ("15,Jambi,provinsi,\n15.71,Kota Jambi,kota,16\n", 3, "parent_code 15"),
        ("15,Jambi,provinsi,\n16.71,Kota X,kota,16\n", 3, "parent province 16"),
        ("15,Jambi,provinsi,\n15,Jambi lagi,provinsi,\n", 3, "appears again"),
        ("15,,provinsi,\n", 2, "name is empty"),
    ],
)
def test_loader_rejects_a_bad_file_naming_the_line_and_writes_nothing(
    db, tmp_path, body, line, message
):
    bad = tmp_path / "regions.csv"
    bad.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(RegionFileError) as error:
        load_regions(bad, centroids=None)
    assert f"regions.csv, line {line}" in str(error.value)
    assert message in str(error.value)
    assert Region.objects.count() == 0


def test_loader_rejects_a_wrong_header(tmp_path):
    bad = tmp_path / "r.csv"
    bad.write_text("kode,nama\n15,Jambi\n", encoding="utf-8")
    with pytest.raises(RegionFileError, match=r"r\.csv, line 1: expected header"):
        read_region_file(bad)


def test_a_bad_row_late_in_the_file_leaves_the_table_untouched(loaded, tmp_path):
    rows = REGIONS_CSV.read_text(encoding="utf-8").splitlines()
    rows[1] = rows[1].replace("Aceh", "Aceh Baru")
    rows.append("99.99,Kota Fiksi,kotamadya,99")
    bad = tmp_path / "regions.csv"
    bad.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(RegionFileError, match="line 554"):
        load_regions(bad, centroids=None)
    assert Region.objects.get(code="11").name == "Aceh"


def test_region_list_page_lists_552_regions(client, loaded):
    response = client.get(reverse("regions:list"))
    assert response.status_code == 200
    assert response.context["total"] == 552
    assert 'data-count="552">552 daerah<' in response.content.decode()


def test_region_list_counts_in_english_with_the_plural(client, loaded):
    client.cookies["django_language"] = "en"
    page = client.get(reverse("regions:list")).content.decode()
    assert 'data-count="552">552 regions<' in page
    one = client.get(reverse("regions:list"), {"q": "15.71"}).content.decode()
    assert 'data-count="1">1 region<' in one


def test_region_list_search_by_name_and_code(client, loaded):
    by_name = client.get(reverse("regions:list"), {"q": "kota jambi"})
    assert [r.code for r in by_name.context["page"]] == ["15.71"]
    by_code = client.get(reverse("regions:list"), {"q": "15.71"})
    assert [r.code for r in by_code.context["page"]] == ["15.71"]


def test_region_list_filters_by_kind_and_province(client, loaded):
    response = client.get(reverse("regions:list"), {"province": "15", "kind": "kota"})
    assert {r.code for r in response.context["page"]} == {"15.71", "15.72"}


def test_region_list_htmx_returns_only_the_table(client, loaded):
    response = client.get(reverse("regions:list"), {"q": "Jambi"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body
    assert "Kota Jambi" in body


def test_region_detail_page(client, loaded):
    response = client.get(reverse("regions:detail", args=["15.71"]))
    body = response.content.decode()
    assert "Kota Jambi" in body and "Jambi" in body and "15.71" in body
    province = client.get(reverse("regions:detail", args=["15"]))
    assert len(province.context["children"]) == 11


def test_region_detail_unknown_code_is_404(client, db):
    assert client.get(reverse("regions:detail", args=["99.99"])).status_code == 404


def test_a_region_page_shows_its_province_its_published_results_and_its_masterplan(client, db):
    import re

    from kotacerdas.evaluations.models import Cycle, CycleState
    from tests.masterplans.builders import make_masterplan, make_programme
    from tests.results.builders import (
        INDICES,
        cohort,
        make_six_instrument,
        make_stored_snapshot,
        publish_cycle,
    )

    cohort()
    publish_cycle(2021, INDICES)
    unpublished = Cycle.objects.create(
        year=2022, name="Evaluasi 2022", instrument=make_six_instrument(), state=CycleState.FINAL
    )
    make_stored_snapshot(unpublished, INDICES, published=False)
    jambi = Region.objects.get(code="15.71")
    masterplan = make_masterplan(jambi)
    make_programme(masterplan, "P1")
    make_programme(masterplan, "P2")
    make_programme(masterplan, "P3", published=False)

    page = re.sub(
        r"\s+", " ", client.get(reverse("regions:detail", args=["15.71"])).content.decode()
    )
    assert 'Provinsi <a href="/daerah/15/" data-testid="province">Jambi</a>' in page
    assert '<a href="/hasil/2021/daerah/15.71/">2021</a>' in page
    assert "3,31" in page  # Kota Jambi's index 66.2 on the 0–5 scale
    assert "/hasil/2022/" not in page and 'data-year="2022"' not in page
    assert f'<a href="/masterplan/{masterplan.pk}/">2018–2022</a>' in page
    assert "2 program dipublikasikan" in page
    assert "Catatan rahasia" not in page

    province = client.get(reverse("regions:detail", args=["15"]))
    text = province.content.decode()
    assert "2 kabupaten/kota" in text
    assert 'href="/daerah/15.71/">Kota Jambi</a>' in text and "Kabupaten Muaro Jambi" in text
    assert '<a href="/hasil/2021/daerah/15/">2021</a>' in text
    assert "Daerah ini belum memiliki masterplan" in text


def test_a_region_page_in_english(client, db):
    from django.conf import settings

    from tests.results.builders import INDICES, cohort, publish_cycle

    cohort()
    publish_cycle(2021, INDICES)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("regions:detail", args=["15.71"])).content.decode()
    assert '<a href="/daerah/">Regions</a>' in page  # the breadcrumb names the list
    assert "Published evaluation results" in page and "3.31" in page
    assert "This region has no masterplan on Kota Cerdas yet." in page


def test_a_region_without_published_results_says_so(client, db):
    from tests.results.builders import cohort

    cohort()
    page = client.get(reverse("regions:detail", args=["32.73"])).content.decode()
    assert "Belum ada hasil evaluasi yang dipublikasikan untuk daerah ini." in page
    assert "Kota Bandung" in page
