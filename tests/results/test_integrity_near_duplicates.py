"""Near-duplicate justifications on the integrity page ("Penjelasan yang sangat mirip dari
beberapa daerah"): a neighbour's text with the region's name and a word changed is found, exact
copies, the region's own texts, other indicators and quoted rubric levels are not."""

from decimal import Decimal

import pytest
from django.urls import reverse

from kotacerdas.evaluations.models import Answer, CycleState
from kotacerdas.evaluations.services import integrity
from kotacerdas.regions.models import Region, RegionKind
from kotacerdas.results.services import integrity as checks
from tests.factories import enrol, make_cycle

pytestmark = pytest.mark.django_db

# 36 words about Kota Jambi's service mall; Kota Bandung's copy names itself and changes a word.
JAMBI_TEXT = (
    "Mal Pelayanan Publik Kota Jambi telah beroperasi sejak 2021 dan menyatukan layanan "
    "perizinan, kependudukan, perpajakan daerah serta instansi vertikal di satu gedung. "
    "Antrean dipantau setiap hari dan hasil survei kepuasan masyarakat diumumkan setiap "
    "triwulan di laman Kota Jambi."
)
BANDUNG_TEXT = JAMBI_TEXT.replace("Kota Jambi", "Kota Bandung").replace("setiap hari", "tiap hari")


@pytest.fixture
def two_regions(jambi, bandung):
    cycle = make_cycle(2022, CycleState.REVIEW)
    own, other = enrol(cycle, jambi, bandung)
    return cycle, own, other


def write(submission, code, text) -> Answer:
    return Answer.objects.create(
        submission=submission,
        indicator=submission.cycle.instrument.indicators.get(code=code),
        value=Decimal(3),
        justification=text,
    )


def test_a_neighbour_s_text_with_its_name_and_a_word_changed_is_a_near_duplicate(two_regions):
    cycle, own, other = two_regions
    first = write(own, "GOV.SVC.01", JAMBI_TEXT)
    second = write(other, "GOV.SVC.01", BANDUNG_TEXT)
    (group,) = integrity.near_duplicate_texts(cycle)
    assert group.regions == [("15.71", "Kota Jambi"), ("32.73", "Kota Bandung")]
    assert [(use.answer_id, use.text) for use in group.uses] == [
        (first.pk, JAMBI_TEXT),
        (second.pk, BANDUNG_TEXT),
    ]
    # 34 shingles each once the names are masked; "tiap" replaces three of them: 31 / 37.
    assert group.lowest == group.highest == pytest.approx(31 / 37)
    assert integrity.shared_texts(cycle) == []  # not an exact copy


def test_the_region_s_name_and_code_are_masked():
    names = integrity.region_names("Kota Sungai Penuh", "15.72")
    assert names == ["kota sungai penuh", "sungai penuh", "15 72"]
    text = "Di Kota Sungai Penuh (15.72) MPP Sungai Penuh sudah beroperasi."
    assert integrity.comparable_text(text, names) == (
        "di _daerah_ _daerah_ mpp _daerah_ sudah beroperasi"
    )


def test_dissimilar_texts_from_two_regions_are_not_near_duplicates(two_regions):
    cycle, own, other = two_regions
    write(own, "GOV.SVC.01", JAMBI_TEXT)
    write(
        other,
        "GOV.SVC.01",
        "Kota Bandung melayani perizinan melalui aplikasi daring yang terhubung dengan "
        "sistem nasional, dan gerai fisik hanya dibuka untuk konsultasi dengan janji temu.",
    )
    assert integrity.near_duplicate_texts(cycle) == []


def test_exact_copies_stay_in_their_own_check(two_regions):
    cycle, own, other = two_regions
    write(own, "GOV.SVC.01", JAMBI_TEXT)
    write(other, "GOV.SVC.01", JAMBI_TEXT.upper())
    assert len(integrity.shared_texts(cycle)) == 1
    assert integrity.near_duplicate_texts(cycle) == []


def test_an_exact_copy_and_a_near_copy_are_each_listed_in_their_own_check(two_regions):
    cycle, own, other = two_regions
    province = Region.objects.get(code="15")
    third = Region.objects.create(
        code="15.72", name="Kota Sungai Penuh", kind=RegionKind.KOTA, parent=province
    )
    (third_submission,) = enrol(cycle, third)
    write(own, "GOV.SVC.01", JAMBI_TEXT)
    write(other, "GOV.SVC.01", JAMBI_TEXT)
    write(third_submission, "GOV.SVC.01", JAMBI_TEXT.replace("Kota Jambi", "Kota Sungai Penuh"))
    (group,) = integrity.near_duplicate_texts(cycle)
    # Identical once each region's own name is masked; Kota Bandung's copy still names Kota
    # Jambi, so it is not that similar to Kota Sungai Penuh's, and its exact copy is listed
    # by the exact check only.
    assert [code for code, _name in group.regions] == ["15.71", "15.72"]
    assert group.highest == 1.0
    (exact,) = integrity.shared_texts(cycle)
    assert [code for code, _name in exact.regions] == ["15.71", "32.73"]


def test_the_same_region_and_other_indicators_are_not_compared(two_regions, jambi):
    cycle, own, other = two_regions
    write(own, "GOV.SVC.01", JAMBI_TEXT)
    write(own, "GOV.SVC.02", JAMBI_TEXT.replace("setiap hari", "tiap hari"))
    write(other, "ENV.WAS.01", BANDUNG_TEXT)  # another indicator
    earlier = make_cycle(2021, CycleState.PUBLISHED)
    (before,) = enrol(earlier, jambi)
    write(before, "GOV.SVC.01", JAMBI_TEXT.replace("2021", "2020"))  # its own text last year
    assert integrity.near_duplicate_texts(cycle) == []


def test_another_region_s_near_copy_from_an_earlier_cycle_is_found(two_regions, bandung):
    cycle, own, _other = two_regions
    earlier = make_cycle(2021, CycleState.PUBLISHED)
    (before,) = enrol(earlier, bandung)
    write(before, "GOV.SVC.01", BANDUNG_TEXT)
    write(before, "GOV.SVC.02", "Teks lain yang tidak mirip dengan apa pun di siklus ini. " * 2)
    write(own, "GOV.SVC.01", JAMBI_TEXT)
    (group,) = integrity.near_duplicate_texts(cycle)
    assert [(use.year, use.region_code) for use in group.uses] == [(2021, "32.73"), (2022, "15.71")]


def test_earlier_cycles_are_compared_in_batches_with_three_queries(
    two_regions, bandung, monkeypatch, django_assert_num_queries
):
    cycle, own, _other = two_regions
    monkeypatch.setattr(integrity, "PROBE_BATCH", 2)  # several batches from a few answers
    unrelated = "Teks lain yang tidak mirip dengan apa pun di siklus ini, nomor {0}. " * 2
    for year in (2020, 2021):
        (before,) = enrol(make_cycle(year, CycleState.PUBLISHED), bandung)
        write(before, "ENV.WAS.01", unrelated.format(year))
        write(before, "GOV.SVC.02", unrelated.format(year + 10))
        if year == 2021:
            write(before, "GOV.SVC.01", BANDUNG_TEXT)  # in the second of three batches
    write(own, "GOV.SVC.01", JAMBI_TEXT)
    with django_assert_num_queries(3):
        (group,) = integrity.near_duplicate_texts(cycle)
    assert [(use.year, use.region_code) for use in group.uses] == [(2021, "32.73"), (2022, "15.71")]
    assert group.highest == pytest.approx(31 / 37)


def test_quoting_the_same_rubric_level_is_not_a_near_duplicate(two_regions):
    cycle, own, other = two_regions
    rubric = "Terintegrasi lintas perangkat daerah dan terukur"  # level 4 of GOV.SVC.01
    for submission in (own, other):
        name = submission.region.name
        write(
            submission,
            "GOV.SVC.01",
            f"[Data sintetis] {name} berada pada tingkat 4 menurut rubrik penilaian: {rubric}.",
        )
    assert integrity.near_duplicate_texts(cycle) == []


def test_the_page_lists_near_duplicates_with_their_similarity(client, admin_user, two_regions):
    cycle, own, other = two_regions
    write(own, "GOV.SVC.01", JAMBI_TEXT)
    write(other, "GOV.SVC.01", BANDUNG_TEXT)
    client.force_login(admin_user)
    html = client.get(reverse("results:integrity", args=[cycle.year])).content.decode()
    assert 'data-check="near">1<' in html and 'data-check="texts">0<' in html
    assert html.count('data-testid="near-duplicate"') == 1
    assert "84%" in html  # 31/37 = 83.8%
    assert "rangkaian tiga kata 80% atau lebih" in html  # the threshold, the sign joined
    assert "Mal Pelayanan Publik Kota Bandung" in html
    report = checks.report(cycle)
    assert len(report.open["near"]) == 1 and report.reviewed["near"] == []


def test_the_result_is_computed_once_until_an_answer_changes(two_regions, monkeypatch):
    cycle, own, other = two_regions
    write(own, "GOV.SVC.01", JAMBI_TEXT)
    copy = write(other, "GOV.SVC.01", BANDUNG_TEXT)
    computed = []
    compute = integrity.near_duplicate_texts

    def counted(*args, **kwargs):
        computed.append(args[0].year)
        return compute(*args, **kwargs)

    monkeypatch.setattr(integrity, "near_duplicate_texts", counted)
    first = integrity.cached_near_duplicate_texts(cycle)
    again = integrity.cached_near_duplicate_texts(cycle)
    assert computed == [2022]
    assert [group.key for group in again] == [group.key for group in first] and len(first) == 1
    assert checks.report(cycle).near[0].key == first[0].key and computed == [2022]

    # Bandung rewrites its text: the next reading computes again and finds nothing.
    copy.justification = (
        "Kota Bandung membangun layanan terpadu di setiap kecamatan dengan aplikasi antrean "
        "daring, petugas keliling untuk warga lanjut usia, dan laporan kinerja bulanan yang "
        "dibahas bersama camat serta lurah di seluruh wilayah kota."
    )
    copy.save()
    assert integrity.cached_near_duplicate_texts(cycle) == []
    assert computed == [2022, 2022]
    # A new answer anywhere, even in another cycle, changes the fingerprint too.
    before = integrity.answers_fingerprint()
    write(own, "GOV.SVC.02", "Singkat.")
    assert integrity.answers_fingerprint() != before
