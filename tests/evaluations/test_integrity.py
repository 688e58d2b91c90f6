"""Integrity checks on what regions submitted: the same file, link or justification text from
several regions, and large gaps between a region's self-assessment and the settled value
(hand-built cases whose flags are known), and the assessor's badge on a file another region also
sent."""

import hashlib
import re
import unicodedata
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kotacerdas.accounts import demo as accounts_demo
from kotacerdas.accounts.models import User
from kotacerdas.accounts.roles import Role
from kotacerdas.evaluations import demo
from kotacerdas.evaluations.models import (
    Answer,
    CycleState,
    Evidence,
    EvidenceKindStored,
    FinalMethod,
    FinalValue,
    Score,
    SubmissionState,
)
from kotacerdas.evaluations.services import integrity
from kotacerdas.results.services import integrity as checks
from tests import samples
from tests.conftest import make_user
from tests.factories import assign, enrol, make_cycle

pytestmark = pytest.mark.django_db


def add_file(submission, code, content: bytes, name="laporan.pdf", **extra) -> Evidence:
    """A stored PDF with its SHA-256, as the evidence service leaves it."""
    fields = {"sha256": hashlib.sha256(content).hexdigest(), **extra}
    evidence = Evidence(
        submission=submission,
        indicator=submission.cycle.instrument.indicators.get(code=code) if code else None,
        kind=EvidenceKindStored.FILE,
        original_name=name,
        content_type="application/pdf",
        size=len(content),
        **fields,
    )
    evidence.file.save(name, ContentFile(content), save=False)
    evidence.save()
    return evidence


def add_link(submission, code, url) -> Evidence:
    return Evidence.objects.create(
        submission=submission,
        indicator=submission.cycle.instrument.indicators.get(code=code),
        kind=EvidenceKindStored.LINK,
        url=url,
    )


@pytest.fixture
def two_regions(jambi, bandung):
    cycle = make_cycle(2022, CycleState.REVIEW)
    own, other = enrol(cycle, jambi, bandung)
    return cycle, own, other


# --- Files --------------------------------------------------------------------------------------


def test_the_same_pdf_bytes_from_two_regions_is_flagged(two_regions):
    cycle, own, other = two_regions
    content = samples.pdf_bytes("SK Mal Pelayanan Publik")
    add_file(own, "GOV.SVC.01", content, "sk-mpp.pdf")
    add_file(other, "GOV.SVC.02", content, "sk-kami.pdf")
    (shared,) = integrity.shared_files(cycle)
    assert shared.key == hashlib.sha256(content).hexdigest()
    assert shared.regions == [("15.71", "Kota Jambi"), ("32.73", "Kota Bandung")]
    assert [(use.region_code, use.indicator, use.name) for use in shared.uses] == [
        ("15.71", "GOV.SVC.01", "sk-mpp.pdf"),
        ("32.73", "GOV.SVC.02", "sk-kami.pdf"),
    ]


def test_different_bytes_are_not_flagged(two_regions):
    cycle, own, other = two_regions
    add_file(own, "GOV.SVC.01", samples.pdf_bytes("SK MPP Kota Jambi"))
    add_file(other, "GOV.SVC.01", samples.pdf_bytes("SK MPP Kota Bandung"))
    assert integrity.shared_files(cycle) == []


def test_a_region_reusing_its_own_file_is_not_flagged(two_regions, jambi):
    cycle, own, _other = two_regions
    content = samples.pdf_bytes("Masterplan Kota Jambi")
    add_file(own, "GOV.SVC.01", content)
    add_file(own, "ENV.WAS.01", content)
    earlier = make_cycle(2021, CycleState.PUBLISHED)
    (before,) = enrol(earlier, jambi)
    add_file(before, "GOV.SVC.01", content)
    assert integrity.shared_files(cycle) == []


def test_another_region_s_file_from_an_earlier_cycle_is_flagged(two_regions, bandung):
    cycle, own, _other = two_regions
    content = samples.pdf_bytes("Laporan Bandung 2021")
    earlier = make_cycle(2021, CycleState.PUBLISHED)
    (before,) = enrol(earlier, bandung)
    add_file(before, "GOV.SVC.01", content)
    add_file(own, "GOV.SVC.01", content)
    (shared,) = integrity.shared_files(cycle)
    assert [(use.year, use.region_code) for use in shared.uses] == [
        (2021, "32.73"),
        (2022, "15.71"),
    ]
    # The earlier cycle shows the same pair from its side.
    assert len(integrity.shared_files(earlier)) == 1


def test_superseded_files_and_files_without_a_digest_are_not_compared(two_regions):
    cycle, own, other = two_regions
    content = samples.pdf_bytes("Laporan lama")
    add_file(own, "GOV.SVC.01", content, superseded=True)
    add_file(other, "GOV.SVC.01", content)
    add_file(own, "GOV.SVC.02", b"%PDF-1.4 tanpa sidik", sha256="")
    add_file(other, "GOV.SVC.02", b"%PDF-1.4 tanpa sidik", sha256="")
    assert integrity.shared_files(cycle) == []


# --- Links --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "normal"),
    [
        (
            "HTTPS://www.Example.go.id:443/data/?b=2&a=1&utm_source=x#top",
            "example.go.id/data?a=1&b=2",
        ),
        ("http://example.go.id/data", "example.go.id/data"),
        ("https://example.go.id:8080/data/", "example.go.id:8080/data"),
        ("https://jdih.example.go.id/perda?id=7&fbclid=abc", "jdih.example.go.id/perda?id=7"),
    ],
)
def test_links_are_normalised(url, normal):
    assert integrity.normalise_url(url) == normal


def test_the_same_link_cited_by_two_regions_is_listed(two_regions):
    cycle, own, other = two_regions
    add_link(own, "GOV.SVC.01", "https://www.mpp.example.go.id/layanan/")
    add_link(other, "GOV.SVC.02", "http://mpp.example.go.id/layanan?utm_medium=email")
    add_link(own, "ENV.WAS.01", "https://jambikota.example.go.id/sampah")
    add_link(own, "ENV.WAS.02", "https://jambikota.example.go.id/sampah/")
    (shared,) = integrity.shared_links(cycle)
    assert shared.key == "mpp.example.go.id/layanan"
    assert shared.regions == [("15.71", "Kota Jambi"), ("32.73", "Kota Bandung")]


# --- Texts --------------------------------------------------------------------------------------

LONG = (
    "Mal Pelayanan Publik telah beroperasi sejak 2021 dan menyatukan layanan perizinan, "
    "kependudukan serta instansi vertikal di satu gedung."
)


def write(submission, code, text) -> Answer:
    return Answer.objects.create(
        submission=submission,
        indicator=submission.cycle.instrument.indicators.get(code=code),
        value=Decimal(3),
        justification=text,
    )


def test_the_same_long_text_from_two_regions_is_flagged(two_regions):
    cycle, own, other = two_regions
    write(own, "GOV.SVC.01", LONG)
    write(other, "GOV.SVC.02", "  " + LONG.upper().replace(",", " ,"))
    (shared,) = integrity.shared_texts(cycle)
    assert shared.text == LONG
    assert shared.regions == [("15.71", "Kota Jambi"), ("32.73", "Kota Bandung")]
    assert [(use.region_code, use.year, use.indicator) for use in shared.uses] == [
        ("15.71", 2022, "GOV.SVC.01"),
        ("32.73", 2022, "GOV.SVC.02"),
    ]


def test_the_same_short_text_is_not_flagged(two_regions):
    cycle, own, other = two_regions
    short = "Sudah ada dan berjalan sesuai peraturan daerah yang berlaku."
    assert len(integrity.normalise_text(short)) < integrity.MIN_TEXT_LENGTH
    write(own, "GOV.SVC.01", short)
    write(other, "GOV.SVC.01", short)
    assert integrity.shared_texts(cycle) == []


def test_the_demo_label_does_not_make_short_texts_long_enough(two_regions):
    cycle, own, other = two_regions
    padded = "[Data sintetis] " * 8 + "Sudah ada."
    assert len(padded) >= integrity.MIN_TEXT_LENGTH
    write(own, "GOV.SVC.01", padded)
    write(other, "GOV.SVC.01", padded)
    assert integrity.shared_texts(cycle) == []


def test_different_texts_are_not_flagged(two_regions):
    cycle, own, other = two_regions
    write(own, "GOV.SVC.01", LONG)
    write(other, "GOV.SVC.01", LONG.replace("2021", "2020"))  # near-duplicates are not found
    assert integrity.shared_texts(cycle) == []


def test_a_region_reusing_its_own_text_is_not_flagged(two_regions, jambi):
    cycle, own, _other = two_regions
    write(own, "GOV.SVC.01", LONG)
    write(own, "GOV.SVC.02", LONG)
    earlier = make_cycle(2021, CycleState.PUBLISHED)
    (before,) = enrol(earlier, jambi)
    write(before, "GOV.SVC.01", LONG)
    assert integrity.shared_texts(cycle) == []


def test_another_region_s_text_from_an_earlier_cycle_is_flagged(two_regions, bandung):
    cycle, own, _other = two_regions
    earlier = make_cycle(2021, CycleState.PUBLISHED)
    (before,) = enrol(earlier, bandung)
    write(before, "GOV.SVC.01", f"[Data sintetis] {LONG}")
    write(own, "GOV.SVC.01", LONG)
    write(own, "GOV.SVC.02", "Teks lain yang " * 10)  # no match anywhere: not listed
    (shared,) = integrity.shared_texts(cycle)
    assert [(use.year, use.region_code) for use in shared.uses] == [
        (2021, "32.73"),
        (2022, "15.71"),
    ]
    assert len(integrity.shared_texts(earlier)) == 1


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        (
            "[Data sintetis]  MPP   Kota Jambi -- sudah BEROPERASI.",
            "mpp kota jambi sudah beroperasi",
        ),
        ("[data SINTETIS] Capaian 72,5% (2022)", "capaian 72 5 2022"),
        ("Layanan\n\tterpadu; «satu pintu»!", "layanan terpadu satu pintu"),
        ("ＭＰＰ  Kota", "mpp kota"),  # full-width letters (NFKC)
        ("snake_case und Straße", "snake case und strasse"),
        ("[Data sintetis]", ""),
    ],
)
def test_texts_are_normalised(text, normal):
    assert integrity.normalise_text(text) == normal


# Mostly ASCII (the fast path), with punctuation, spaces, underscores, the demo label in two
# cases, other scripts, and characters that become ASCII once normalised (ß, full-width M, ſ).
_PIECES = st.sampled_from(
    [
        *["a", "Z", "09", " ", "_", "-", ".", "[", "]", "\t", "\n", "\x0b", "\x1c", "\x7f"],
        *["ß", "Ｍ", "\u017f", "[Data sintetis]", "[data SINTETIS]", "Kota Jambi"],
    ]
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # a shared, loaded machine
@given(st.lists(_PIECES | st.characters(), max_size=20).map("".join) | st.text(max_size=40))
def test_the_ascii_fast_path_normalises_as_the_definition_does(text):
    # The definition: NFKC, case folded, every run of non-word characters or "_" one space.
    defined = unicodedata.normalize("NFKC", integrity._DEMO_LABEL.sub(" ", text)).casefold()
    defined = re.sub(r"[\W_]+", " ", defined).strip()
    assert integrity.normalise_text(text) == defined


def test_text_key_ignores_short_texts_and_normalises_long_ones():
    assert integrity.text_key("Sudah ada.") is None
    assert integrity.text_key(LONG) == integrity.text_key(f"[Data sintetis] {LONG.lower()}!")
    assert integrity.text_key(LONG) is not None


# --- Self-assessment against the settled value --------------------------------------------------


def settle(submission, code, value, *, not_applicable=False):
    FinalValue.objects.create(
        submission=submission,
        indicator=submission.cycle.instrument.indicators.get(code=code),
        value=None if value is None else Decimal(value),
        not_applicable=not_applicable,
        method=FinalMethod.MEAN,
    )


def answer(submission, code, value, *, not_applicable=False):
    Answer.objects.create(
        submission=submission,
        indicator=submission.cycle.instrument.indicators.get(code=code),
        value=None if value is None else Decimal(value),
        not_applicable=not_applicable,
    )


def submitted(*submissions):
    for submission in submissions:
        submission.state = SubmissionState.SUBMITTED
        submission.submitted_at = submission.enrolled_at
        submission.save()


def test_a_gap_of_two_levels_is_flagged_and_one_level_is_not(two_regions):
    cycle, own, other = two_regions
    submitted(own, other)
    answer(own, "GOV.SVC.01", 4)
    settle(own, "GOV.SVC.01", 2)
    answer(other, "GOV.SVC.01", 3)
    settle(other, "GOV.SVC.01", 2)
    rows = {row.region.code: row for row in integrity.self_assessment_gaps(cycle)}
    (gap,) = rows["15.71"].flagged
    assert (gap.indicator.code, gap.levels, gap.points, gap.kind) == (
        "GOV.SVC.01",
        Decimal(2),
        Decimal("40.0"),
        integrity.GapKind.HIGHER,
    )
    assert rows["15.71"].bias == Decimal("40.0")
    assert rows["32.73"].flagged == [] and rows["32.73"].compared == 1
    assert rows["32.73"].bias == Decimal("20.0")


def test_other_types_are_flagged_beyond_twenty_points(two_regions):
    cycle, own, _other = two_regions
    submitted(own)
    answer(own, "ENV.WAS.01", "80")  # percent: 30 points above
    settle(own, "ENV.WAS.01", "50")
    answer(own, "ENV.WAS.02", "400")  # tonnes, lower is better, 0–1000: 20 points, not more
    settle(own, "ENV.WAS.02", "600")
    answer(own, "GOV.SVC.02", None, not_applicable=True)  # "not applicable" disputed
    settle(own, "GOV.SVC.02", "0")
    (row,) = integrity.self_assessment_gaps(cycle)
    flagged = {gap.indicator.code: gap for gap in row.flagged}
    assert set(flagged) == {"ENV.WAS.01", "GOV.SVC.02"}
    assert flagged["ENV.WAS.01"].points == Decimal("30.0")
    assert flagged["GOV.SVC.02"].kind == integrity.GapKind.NOT_APPLICABLE
    assert row.compared == 3
    # Claiming fewer tonnes than settled is rating itself higher: +20 and +30 → bias +25.
    assert row.bias == Decimal("25.0")


def test_before_moderation_the_assessors_mean_is_a_provisional_reference(two_regions, assessor):
    cycle, own, _other = two_regions
    submitted(own)
    answer(own, "GOV.SVC.01", 5)
    second = make_user("asesor.kedua", Role.ASSESSOR)
    indicator = cycle.instrument.indicators.get(code="GOV.SVC.01")
    for assignment, value in zip(assign(cycle, own.region, assessor, second), (3, 2), strict=True):
        Score.objects.create(assignment=assignment, indicator=indicator, value=Decimal(value))
    (row,) = integrity.self_assessment_gaps(cycle)
    assert row.provisional == 1
    (gap,) = row.flagged
    assert gap.reference == Decimal("2.5") and gap.levels == Decimal("2.5")


def test_regions_that_never_submitted_are_not_compared(two_regions):
    cycle, own, _other = two_regions
    answer(own, "GOV.SVC.01", 5)
    settle(own, "GOV.SVC.01", 0)
    assert integrity.self_assessment_gaps(cycle) == []


# --- The assessor's badge -----------------------------------------------------------------------


def test_the_assessor_sees_which_other_region_sent_the_same_file(
    client, two_regions, assessor, operator
):
    cycle, own, other = two_regions
    content = samples.pdf_bytes("SK Mal Pelayanan Publik")
    add_file(own, "GOV.SVC.01", content, "sk-mpp.pdf")
    add_file(other, "GOV.SVC.01", content, "sk-bandung-rahasia.pdf")
    add_file(own, "GOV.SVC.02", samples.pdf_bytes("Perda Kota Jambi"), "perda.pdf")
    assign(cycle, own.region, assessor)
    client.force_login(assessor)
    page = client.get(reverse("evaluations:assessor_workspace", args=[2022, "15.71"]))
    html = page.content.decode()
    assert html.count('data-testid="shared-evidence"') == 1
    assert "Berkas yang sama juga dikirim oleh: Kota Bandung (2022)" in html
    assert "sk-bandung-rahasia.pdf" not in html  # the region, never the other region's file

    client.force_login(operator)
    form = client.get(reverse("evaluations:submission_form", args=[2022, "15.71"]))
    assert form.status_code == 200
    assert "Berkas yang sama" not in form.content.decode()


def test_shared_with_lists_other_regions_only(two_regions):
    _cycle, own, other = two_regions
    content = samples.pdf_bytes("Dokumen bersama")
    mine = add_file(own, "GOV.SVC.01", content)
    add_file(own, "GOV.SVC.02", content)
    add_file(other, "GOV.SVC.01", content)
    shared = integrity.shared_with(own)
    assert shared[mine.pk] == [integrity.SharedWith("32.73", "Kota Bandung", 2022)]
    assert integrity.shared_with(other)  # and the other way round


# --- The demo shows something -------------------------------------------------------------------


def test_the_demo_holds_a_copied_file_a_copied_text_a_near_copy_and_a_strict_assessor(db):
    call_command("load_regions", verbosity=0)
    accounts_demo.load()
    cycle = demo.build_demo_cycle(
        2023,
        state=CycleState.REVIEW,
        regions=["15.71", "15.72", "32.73", "34.04", "34.71", "35.78", "51.71"],
        seed=2023,
        review_finished=True,
        strict=("32.73", "35.78"),
    ).cycle
    (shared,) = integrity.shared_files(cycle)
    assert [code for code, _name in shared.regions] == ["15.71", "15.72"]
    (text,) = integrity.shared_texts(cycle)
    assert [(use.region_code, use.indicator) for use in text.uses] == [
        ("15.71", "GOV.SVC.01"),
        ("15.72", "GOV.SVC.01"),
    ]
    flagged = [row.username for row in checks.outlier_assessors(cycle) if row.flagged]
    assert flagged == [demo.STRICT_ASSESSOR[0]]
    assert not User.objects.get(username="asesor3").has_usable_password()
    # Kota Yogyakarta reworded Kabupaten Sleman's text: the report's near-duplicate section.
    (near,) = checks.report(cycle).open["near"]
    assert [(use.region_code, use.indicator, use.year) for use in near.uses] == [
        ("34.04", "SOC.COM.01", 2023),
        ("34.71", "SOC.COM.01", 2023),
    ]
    assert near.lowest == near.highest == pytest.approx(53 / 65)  # 0.815: two words changed
    assert "Kota Yogyakarta" in near.uses[1].text and "Sleman" not in near.uses[1].text
    # Only in the live year: another year's cycle plants nothing.
    earlier = demo.build_demo_cycle(
        2022, state=CycleState.REVIEW, regions=["34.04", "34.71"], seed=2022
    ).cycle
    assert integrity.near_duplicate_texts(earlier) == []
