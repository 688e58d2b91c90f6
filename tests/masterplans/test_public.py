"""What the public sees: only published programmes, only their public fields."""

from django.urls import reverse
from django.utils import translation

from kotacerdas.accounts.roles import Role
from kotacerdas.evaluations.models import Assignment
from kotacerdas.masterplans import rules
from kotacerdas.masterplans.forms import element_choices
from kotacerdas.masterplans.models import Programme
from tests.conftest import make_user
from tests.factories import make_cycle


def test_public_programme_page_has_public_fields_only(client, programmes):
    mpp, _sipin, hidden = programmes
    page = client.get(mpp.get_absolute_url()).content.decode()
    for public in (
        "Mal Pelayanan Publik",
        "Smart Governance",
        "Infrastruktur",
        "Diskominfo",
        "2018–2022",
        "Selesai",
        "2022",
        "Rp 1.000.000.000",
    ):
        assert public in page, public
    for internal in (
        "Catatan rahasia program",
        "IKU K1",
        "Indikator kinerja",
        "Bukti (data dukung)",
        "Riwayat",
    ):
        assert internal not in page, internal
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_operator_sees_internal_fields_of_own_region_only(
    client, programmes, operator, other_operator
):
    mpp, _sipin, hidden = programmes
    client.force_login(operator)
    page = client.get(mpp.get_absolute_url()).content.decode()
    assert "Catatan rahasia program" in page and "IKU K1" in page and "Ubah program" in page
    assert client.get(hidden.get_absolute_url()).status_code == 200
    client.force_login(other_operator)
    page = client.get(mpp.get_absolute_url()).content.decode()
    assert "Catatan rahasia program" not in page and "Ubah program" not in page
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_masterplan_page_hides_internal_notes_and_unpublished(client, masterplan, programmes):
    page = client.get(masterplan.get_absolute_url()).content.decode()
    assert "Perda No. 1 Tahun 2019 tentang Penyelenggaraan Smart City" in page
    assert "Wisata Danau Sipin" in page
    assert "Program internal gas metana" not in page
    assert "Catatan rahasia masterplan" not in page
    assert "Ekspor XLSX" not in page


def test_masterplan_page_says_what_each_dimension_covers_in_the_readers_language(
    client, masterplan, programmes, settings
):
    page = client.get(masterplan.get_absolute_url()).content.decode()
    assert '<small class="muted">Pemasaran daerah</small>' in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(masterplan.get_absolute_url()).content.decode()
    assert '<small class="muted">Regional marketing</small>' in page
    assert "Pemasaran daerah" not in page


def test_catalogue_finds_published_programmes_across_regions(client, programmes, operator):
    page = client.get(reverse("masterplans:catalogue"), {"q": "mal pelayanan"}).content.decode()
    assert "Mal Pelayanan Publik" in page and 'data-count="1">1 program<' in page
    page = client.get(reverse("masterplans:catalogue"), {"q": "metana"}).content.decode()
    assert 'data-count="0">0 program<' in page
    client.force_login(operator)
    page = client.get(
        reverse("masterplans:catalogue"), {"q": "metana"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert 'data-count="1">1 program<' in page
    assert "<html" not in page  # the htmx partial
    page = client.get(
        reverse("masterplans:catalogue"), {"dimension": "BRA", "quick_win_year": "2022"}
    ).content.decode()
    assert "Wisata Danau Sipin" in page and "Mal Pelayanan Publik" not in page


def test_visible_programmes_per_role(
    programmes, jambi, operator, other_operator, admin_user, assessor
):
    codes = lambda user: set(rules.visible_programmes(user).values_list("code", flat=True))  # noqa: E731
    from django.contrib.auth.models import AnonymousUser

    assert codes(AnonymousUser()) == {"GOV-01", "BRA-01"}
    assert codes(other_operator) == {"GOV-01", "BRA-01"}
    assert codes(operator) == codes(admin_user) == {"GOV-01", "BRA-01", "ENV-01"}
    assert codes(assessor) == {"GOV-01", "BRA-01"}
    Assignment.objects.create(cycle=make_cycle(2022), region=jambi, assessor=assessor)
    assert codes(assessor) == {"GOV-01", "BRA-01", "ENV-01"}
    hidden = Programme.objects.get(code="ENV-01")
    assert assessor.has_perm("masterplans.view_internal", hidden)
    assert not assessor.has_perm("masterplans.edit", hidden)
    other = make_user("asesor.lain", Role.ASSESSOR)
    assert not other.has_perm("masterplans.view_internal", hidden)


def test_element_names_follow_the_readers_language(client, programmes):
    mpp, _sipin, _hidden = programmes
    catalogue = reverse("masterplans:catalogue")
    page = client.get(catalogue, {"q": "mal pelayanan"}).content.decode()
    assert "Layanan Publik" in page
    assert "Layanan Publik" in client.get(mpp.get_absolute_url()).content.decode()
    client.cookies["django_language"] = "en"
    page = client.get(catalogue, {"q": "mal pelayanan"}).content.decode()
    assert "Public service" in page and "Layanan Publik" not in page
    page = client.get(mpp.get_absolute_url()).content.decode()
    assert "Public service" in page and "Layanan Publik" not in page


def test_the_programme_forms_element_choices_follow_the_language():
    with translation.override("en"):
        english = dict(dict(element_choices()[1:])["Smart Governance"])
    with translation.override("id"):
        indonesian = dict(dict(element_choices()[1:])["Smart Governance"])
    assert english["GOV.SVC"] == "GOV.SVC Public service"
    assert indonesian["GOV.SVC"] == "GOV.SVC Layanan Publik"


def test_the_catalogue_counts_programmes_with_the_plural(client, programmes):
    # The count is one translatable phrase with its plural ("%(n)s program": "1 programme",
    # "2 programmes" once the English catalogue has it), the number also in data-count.
    catalogue = reverse("masterplans:catalogue")
    page = client.get(catalogue, {"q": "mal pelayanan"}).content.decode()
    assert 'data-count="1">1 program<' in page
    count = Programme.objects.filter(published=True).count()
    assert count > 1
    page = client.get(catalogue).content.decode()
    assert f'data-count="{count}">{count} program<' in page
