"""The instrument pages as an admin and as other signed-in users see them."""

import io

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kotacerdas.instruments.models import Crosswalk, Instrument
from kotacerdas.instruments.services import export_xlsx, freeze, suggest_crosswalk
from tests.factories import make_instrument

from .test_yaml import BAD, SMALL


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def detail(instrument) -> str:
    return reverse("instruments:detail", kwargs={"code": instrument.code})


def test_the_list_shows_admins_every_instrument_and_others_only_frozen_ones(
    client, admin_user, assessor
):
    draft, frozen = make_instrument("draf-2023"), make_instrument("beku-2022")
    freeze(frozen)
    client.force_login(admin_user)
    page = client.get(reverse("instruments:list")).content.decode()
    assert "draf-2023" in page and "beku-2022" in page and "Impor YAML atau XLSX" in page
    client.force_login(assessor)
    page = client.get(reverse("instruments:list")).content.decode()
    assert "beku-2022" in page and "draf-2023" not in page and "Impor YAML" not in page
    assert client.get(detail(draft)).status_code == 403


def test_the_list_puts_the_newest_cycle_first_then_the_name_and_says_so(admin_client):
    """Created in an order unlike the cycles' (as the demo does): the page and the Django
    admin still list by cycle year, newest first, an instrument no cycle uses yet on top."""
    import re

    from tests.factories import make_cycle

    make_cycle(2022, instrument=make_instrument("b-2022"))
    make_cycle(2018, instrument=make_instrument("a-2018"))
    make_cycle(2023, instrument=make_instrument("c-2023"))
    make_instrument("z-draf")
    make_instrument("y-draf")
    page = admin_client.get(reverse("instruments:list")).content.decode()
    expected = ["y-draf", "z-draf", "c-2023", "b-2022", "a-2018"]
    assert re.findall(r'data-code="([^"]+)"', page) == expected
    assert '<th scope="col" aria-sort="descending">Siklus' in page
    assert "siklus terbaru dulu" in page
    admin_page = admin_client.get(reverse("admin:instruments_instrument_changelist"))
    assert [obj.code for obj in admin_page.context["cl"].result_list] == expected


def test_the_detail_page_shows_the_tree_rubrics_and_aspect_weights(
    admin_client, default_instrument
):
    page = admin_client.get(detail(default_instrument)).content.decode()
    assert "<strong>GOV</strong> Smart Governance" in page
    assert '<code>ENV.ENE</code> <span lang="id">Tata Kelola Energi</span>' in page
    assert '<code>GOV.SVC.01</code> <span lang="id">Sejauh mana Mal Pelayanan Publik' in page
    assert "MPP ditetapkan dengan SK kepala daerah" in page  # a level descriptor
    assert "The MPP is established by a decree" in page  # its English text
    assert "poin IKM" in page and "60 – 100" in page  # a number's unit and goalposts
    assert "Makin rendah makin baik" in page  # a lower-is-better number
    assert "Gambar/foto" in page  # evidence kinds by their names
    assert 'data-testid="aspect-sum">100<' in page
    assert "60 indikator" in page
    assert page.count('<details class="indicator"') == 60
    assert 'name="quick_win"' in page  # a draft: the weights can be edited
    assert "Salin sebagai instrumen baru" in page


def test_a_frozen_instrument_is_read_only_on_the_page_and_refuses_writes(admin_client, db):
    instrument = make_instrument()
    freeze(instrument)
    page = admin_client.get(detail(instrument)).content.decode()
    assert 'data-testid="frozen"' in page
    assert 'name="quick_win"' not in page and "Simpan bobot aspek" not in page
    assert "Ubah di admin" not in page
    url = reverse("instruments:aspects", kwargs={"code": instrument.code})
    response = admin_client.post(url, {"baseline": "50"}, follow=True)
    assert "sudah dibekukan" in response.content.decode()
    assert instrument.aspects.get(aspect="baseline").weight == 10


def test_aspect_weights_are_saved_from_the_detail_page(admin_client, db):
    instrument = make_instrument()
    url = reverse("instruments:aspects", kwargs={"code": instrument.code})
    weights = {"baseline": "15", "output": "15", "outcome": "30", "impact": "30", "quick_win": "10"}
    response = admin_client.post(url, weights, follow=True)
    assert "Bobot aspek disimpan." in response.content.decode()
    assert instrument.aspects.get(aspect="baseline").weight == 15
    response = admin_client.post(url, {**weights, "output": "-2"}, follow=True)
    assert "Output: harus lebih besar dari 0" in response.content.decode()
    assert instrument.aspects.get(aspect="output").weight == 15


def test_a_bad_upload_shows_every_problem_and_writes_nothing(admin_client, db):
    upload = SimpleUploadedFile("instrumen.yaml", BAD.encode())
    response = admin_client.post(reverse("instruments:import"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "11 masalah ditemukan; tidak ada yang disimpan." in page
    assert (
        "dimensions[0].elements[0].indicators[1].weight (baris 19): harus lebih besar dari 0"
        in page
    )
    assert Instrument.objects.count() == 0


def test_a_good_upload_creates_the_instrument(admin_client, db):
    upload = SimpleUploadedFile("instrumen.yml", SMALL.encode())
    response = admin_client.post(
        reverse("instruments:import"), {"file": upload, "code": "unggah", "name": "Unggahan"}
    )
    instrument = Instrument.objects.get(code="unggah")
    assert response["Location"] == detail(instrument)
    assert instrument.name == "Unggahan" and instrument.indicators.count() == 2


def test_an_xlsx_upload_is_read_as_a_workbook(admin_client, default_instrument):
    upload = SimpleUploadedFile("instrumen.xlsx", export_xlsx(default_instrument))
    response = admin_client.post(
        reverse("instruments:import"), {"file": upload, "code": "dari-xlsx"}
    )
    assert response.status_code == 302
    assert Instrument.objects.get(code="dari-xlsx").indicators.count() == 60


def test_other_file_types_are_refused_by_the_form(admin_client, db):
    upload = SimpleUploadedFile("instrumen.exe", b"MZ")
    page = admin_client.post(reverse("instruments:import"), {"file": upload}).content.decode()
    assert "Pilih berkas .yaml, .yml atau .xlsx." in page


def test_signed_in_users_download_a_frozen_instrument(client, operator, default_instrument):
    freeze(default_instrument)
    client.force_login(operator)
    kwargs = {"code": default_instrument.code}
    response = client.get(reverse("instruments:export_yaml", kwargs=kwargs))
    assert response["Content-Disposition"] == 'attachment; filename="kc-2022.yaml"'
    assert yaml.safe_load(response.content)["code"] == "kc-2022"
    response = client.get(reverse("instruments:export_xlsx", kwargs=kwargs))
    assert response["Content-Disposition"] == 'attachment; filename="kc-2022.xlsx"'
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert "indicators" in book.sheetnames


def test_copying_from_the_page_creates_a_draft_and_its_crosswalk(admin_client, default_instrument):
    freeze(default_instrument)
    url = reverse("instruments:copy", kwargs={"code": default_instrument.code})
    page = admin_client.get(url).content.decode()
    assert 'value="kc-2023"' in page  # the next year's code is proposed
    response = admin_client.post(url, {"code": "kc-2023", "name": "Instrumen 2023"})
    copy = Instrument.objects.get(code="kc-2023")
    assert response["Location"] == detail(copy)
    assert copy.based_on == default_instrument and not copy.is_frozen
    assert Crosswalk.objects.get(source=default_instrument, target=copy).entries.count() == 60
    page = admin_client.post(url, {"code": "kc-2023", "name": "Lagi"}).content.decode()
    assert "instrumen dengan kode kc-2023 sudah ada" in page


def _formset(rows: list[dict]) -> dict:
    data = {"entries-TOTAL_FORMS": str(len(rows)), "entries-INITIAL_FORMS": str(len(rows))}
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"entries-{index}-{key}"] = value
    return data


@pytest.fixture
def crosswalk(db):
    old, new = make_instrument("lama"), make_instrument("baru")
    retired = new.indicators.get(code="ENV.WAS.01")
    retired.code = "ENV.WAS.09"
    retired.save()
    return suggest_crosswalk(old, new)


def test_the_crosswalk_page_turns_a_retired_and_a_new_row_into_a_rename(admin_client, crosswalk):
    url = reverse("instruments:crosswalk", kwargs={"pk": crosswalk.pk})
    page = admin_client.get(url).content.decode()
    assert 'value="ENV.WAS.09"' in page and "Dihapus: 1" in page and "Baru: 1" in page
    rows = [
        {"kind": "same", "source_code": "GOV.SVC.01", "target_code": "GOV.SVC.01"},
        {"kind": "renamed", "source_code": "ENV.WAS.01", "target_code": "ENV.WAS.09"},
        {"kind": "new", "target_code": "ENV.WAS.09", "DELETE": "on"},
    ]
    response = admin_client.post(url, _formset(rows))
    assert response.status_code == 302
    assert set(crosswalk.entries.values_list("kind", "source_code", "target_code")) == {
        ("same", "GOV.SVC.01", "GOV.SVC.01"),
        ("renamed", "ENV.WAS.01", "ENV.WAS.09"),
    }


def test_the_crosswalk_page_lists_every_problem_and_keeps_the_entries(admin_client, crosswalk):
    url = reverse("instruments:crosswalk", kwargs={"pk": crosswalk.pk})
    before = crosswalk.entries.count()
    rows = [
        {"kind": "same", "source_code": "GOV.SVC.01", "target_code": "GOV.SVC.02"},
        {"kind": "new", "target_code": "NOPE.01"},
    ]
    page = admin_client.post(url, _formset(rows)).content.decode()
    assert "entri 1 (target_code): jenis same berarti kodenya sama; gunakan renamed" in page
    assert "entri 2 (target_code): indikator NOPE.01 tidak ada di instrumen" in page
    assert crosswalk.entries.count() == before


def test_the_crosswalk_csv_downloads_and_a_bad_upload_is_listed(admin_client, crosswalk):
    kwargs = {"pk": crosswalk.pk}
    csv_text = admin_client.get(reverse("instruments:crosswalk_export", kwargs=kwargs)).content
    assert csv_text.decode().startswith("kind,source_code,target_code,rescale,note\n")
    bad = SimpleUploadedFile("cw.csv", b"kind,source_code,target_code,rescale,note\nsame,A,A,,\n")
    page = admin_client.post(
        reverse("instruments:crosswalk_import", kwargs=kwargs), {"file": bad}
    ).content.decode()
    assert "baris 2 (source_code): indikator A tidak ada di instrumen" in page
    good = SimpleUploadedFile("cw.csv", csv_text)
    response = admin_client.post(
        reverse("instruments:crosswalk_import", kwargs=kwargs), {"file": good}
    )
    assert response.status_code == 302


def test_the_crosswalk_start_page_suggests_a_crosswalk(admin_client, db):
    old, new = make_instrument("lama"), make_instrument("baru")
    response = admin_client.post(
        reverse("instruments:crosswalk_start"), {"source": old.pk, "target": new.pk}
    )
    crosswalk = Crosswalk.objects.get(source=old, target=new)
    assert response["Location"] == reverse("instruments:crosswalk", kwargs={"pk": crosswalk.pk})
    assert crosswalk.entries.filter(kind="same").count() == 4
    page = admin_client.post(
        reverse("instruments:crosswalk_start"), {"source": old.pk, "target": old.pk}
    ).content.decode()
    assert "Pilih dua instrumen yang berbeda." in page


def test_the_crosswalk_start_page_lists_crosswalks_by_instrument_code(admin_client, db):
    a, b, c = make_instrument("kc-2018"), make_instrument("kc-2019"), make_instrument("kc-2020")
    for source, target in ((b, c), (a, b)):
        Crosswalk.objects.create(source=source, target=target)
    response = admin_client.get(reverse("instruments:crosswalk_start"))
    pairs = [(cw.source.code, cw.target.code) for cw in response.context["crosswalks"]]
    assert pairs == [("kc-2018", "kc-2019"), ("kc-2019", "kc-2020")]


def test_the_instrument_page_marks_the_language_of_each_text(admin_client, settings):
    """The page shows the Indonesian source and its English twin side by side, each marked with
    its language (WCAG 3.1.2), so that a screen reader reads it with the right voice whatever
    the page's language."""
    instrument = make_instrument("lang-2022")
    indicator = instrument.indicators.get(code="GOV.SVC.01")
    indicator.question_en = "How far does the public service mall serve residents?"
    indicator.save()
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = admin_client.get(detail(instrument)).content.decode()
    assert '<html lang="en"' in page
    assert '<span lang="id">Sejauh mana Mal Pelayanan Publik melayani warga?</span>' in page
    assert '<span lang="id">Layanan Publik</span>' in page
    assert (
        '<p lang="en" class="muted">How far does the public service mall serve residents?</p>'
        in page
    )
