"""Reviewed flags on the integrity page: an admin marks a flag of any kind as reviewed with a
note; it is shown apart with who, when and the note while the flag is unchanged, shows up again
when it changes, and the mark can be taken back (with history)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kotacerdas.accounts.roles import Role
from kotacerdas.core.errors import ServiceError
from kotacerdas.evaluations.models import Answer, CycleState
from kotacerdas.regions.models import Region, RegionKind
from kotacerdas.results.choices import FlagKind
from kotacerdas.results.models import FlagReview
from kotacerdas.results.services import integrity, reviews
from tests.conftest import make_user
from tests.factories import enrol, make_cycle

from .builders import cohort, cohort_and_more, make_stored_snapshot
from .test_integrity import COHORT, scored_cycle

pytestmark = pytest.mark.django_db

TEXT = (
    "Mal Pelayanan Publik telah beroperasi sejak 2021 dan menyatukan layanan perizinan, "
    "kependudukan serta instansi vertikal di satu gedung."
)


@pytest.fixture
def copied(jambi, bandung):
    """A cycle where Kota Jambi and Kota Bandung wrote the same justification."""
    cycle = make_cycle(2022, CycleState.REVIEW)
    for submission in enrol(cycle, jambi, bandung):
        Answer.objects.create(
            submission=submission,
            indicator=cycle.instrument.indicators.get(code="GOV.SVC.01"),
            value=Decimal(3),
            justification=TEXT,
        )
    return cycle


def the_text_flag(cycle):
    (shared,) = integrity.report(cycle).texts
    return shared.flag


def test_every_kind_of_flag_can_be_reviewed_and_stays_reviewed(admin_user):
    cohort()
    cycle = scored_cycle(2022, COHORT)
    make_stored_snapshot(
        cycle, {"15.71": 66.2, "32.73": 80.0, "15": 50.0}, published=False, previous={"15.71": 2.0}
    )
    before = integrity.report(cycle)
    kinds = {item.flag.kind for items in before.open.values() for item in items}
    assert {"file", "text", "near", "gap", "assessor", "jump"} <= kinds
    counts = {name: len(items) for name, items in before.open.items()}
    for name, items in before.open.items():
        for item in items:
            reviews.mark_reviewed(
                cycle,
                kind=item.flag.kind,
                fingerprint=item.flag.fingerprint,
                note=f"Sudah diperiksa: {name}",
                by=admin_user,
            )
    after = integrity.report(cycle)
    assert all(items == [] for items in after.open.values())
    assert {name: len(items) for name, items in after.reviewed.items()} == counts
    (gap_row, *_rest) = after.reviewed["gaps"]
    assert gap_row.flag.review.note == "Sudah diperiksa: gaps"
    assert gap_row.flag.review.reviewed_by == admin_user


def test_a_new_region_joining_the_group_shows_the_flag_again(copied, admin_user):
    flag = the_text_flag(copied)
    reviews.mark_reviewed(
        copied, kind=flag.kind, fingerprint=flag.fingerprint, note="Templat provinsi", by=admin_user
    )
    assert the_text_flag(copied).review is not None
    province = Region.objects.get(code="15")
    third = Region.objects.create(
        code="15.72", name="Kota Sungai Penuh", kind=RegionKind.KOTA, parent=province
    )
    (submission,) = enrol(copied, third)
    Answer.objects.create(
        submission=submission,
        indicator=copied.instrument.indicators.get(code="GOV.SVC.01"),
        value=Decimal(2),
        justification=TEXT,
    )
    report = integrity.report(copied)
    assert len(report.open["texts"]) == 1 and report.reviewed["texts"] == []
    assert report.texts[0].flag.fingerprint != flag.fingerprint
    assert FlagReview.objects.filter(cycle=copied).count() == 1  # the old review is kept


def test_the_admin_reviews_and_unreviews_from_the_page_without_javascript(
    client, admin_user, copied
):
    flag = the_text_flag(copied)
    client.force_login(admin_user)
    page = reverse("results:integrity", args=[copied.year])
    data = {"kind": flag.kind, "fingerprint": flag.fingerprint, "note": "Sudah diklarifikasi"}
    response = client.post(reverse("results:integrity_review", args=[copied.year]), data)
    assert response.status_code == 302 and response["Location"] == f"{page}#teks"
    html = client.get(page).content.decode()
    assert 'data-check="texts">0<' in html and 'data-reviewed="texts">1<' in html
    assert 'data-testid="reviewed-texts"' in html and "«Sudah diklarifikasi»" in html
    assert admin_user.get_full_name() in html or admin_user.username in html
    response = client.post(
        reverse("results:integrity_unreview", args=[copied.year]),
        {"kind": flag.kind, "fingerprint": flag.fingerprint},
    )
    assert response.status_code == 302
    html = client.get(page).content.decode()
    assert 'data-check="texts">1<' in html and 'data-reviewed="texts">0<' in html
    assert not FlagReview.objects.exists()
    history = FlagReview.history.order_by("history_date")
    assert [row.history_type for row in history] == ["+", "-"]
    assert {row.history_user for row in history} == {admin_user}


def test_with_htmx_the_review_box_is_answered_in_place(client, admin_user, copied):
    flag = the_text_flag(copied)
    client.force_login(admin_user)
    headers = {"HX-Request": "true"}
    response = client.post(
        reverse("results:integrity_review", args=[copied.year]),
        {"kind": flag.kind, "fingerprint": flag.fingerprint, "note": "Perda provinsi yang sama"},
        headers=headers,
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'data-reviewed="yes"' in html
    assert "«Perda provinsi yang sama»" in html and "<html" not in html
    response = client.post(
        reverse("results:integrity_unreview", args=[copied.year]),
        {"kind": flag.kind, "fingerprint": flag.fingerprint},
        headers=headers,
    )
    assert 'data-reviewed="no"' in response.content.decode()


def test_a_review_needs_a_note(client, admin_user, copied):
    flag = the_text_flag(copied)
    client.force_login(admin_user)
    response = client.post(
        reverse("results:integrity_review", args=[copied.year]),
        {"kind": flag.kind, "fingerprint": flag.fingerprint, "note": "  "},
        follow=True,
    )
    assert "Catatan tinjauan" in response.content.decode()
    assert not FlagReview.objects.exists()
    with pytest.raises(ServiceError, match="Catatan tinjauan wajib"):
        reviews.mark_reviewed(
            copied, kind=flag.kind, fingerprint=flag.fingerprint, note="", by=admin_user
        )
    with pytest.raises(ServiceError, match="paling panjang 300"):
        reviews.mark_reviewed(
            copied, kind=flag.kind, fingerprint=flag.fingerprint, note="x" * 301, by=admin_user
        )


def test_the_service_checks_the_fingerprint_the_kind_and_the_role(copied, admin_user):
    with pytest.raises(ServiceError, match="Sidik tanda «abc»"):
        reviews.mark_reviewed(
            copied, kind=FlagKind.TEXT, fingerprint="abc", note="x", by=admin_user
        )
    with pytest.raises(ServiceError, match="Jenis tanda «nope»"):
        reviews.mark_reviewed(copied, kind="nope", fingerprint="a" * 64, note="x", by=admin_user)
    assessor = make_user("asesor.review", Role.ASSESSOR)
    with pytest.raises(PermissionDenied):
        reviews.mark_reviewed(
            copied, kind=FlagKind.TEXT, fingerprint="a" * 64, note="x", by=assessor
        )
    with pytest.raises(PermissionDenied):
        reviews.unmark(copied, fingerprint="a" * 64, by=assessor)
    assert reviews.unmark(copied, fingerprint="a" * 64, by=admin_user) is False


def test_marking_again_replaces_the_note(copied, admin_user):
    flag = the_text_flag(copied)
    for note in ("Pertama", "Kedua"):
        reviews.mark_reviewed(
            copied, kind=flag.kind, fingerprint=flag.fingerprint, note=note, by=admin_user
        )
    (review,) = FlagReview.objects.all()
    assert review.note == "Kedua" and review.history.count() == 2


def test_two_admins_reviewing_at_the_same_moment_both_succeed_and_the_later_note_stands(
    copied, admin_user, monkeypatch
):
    """The race made deterministic: the other admin's review is inserted after this admin's
    read found none (nothing to lock) and before this admin's insert."""
    flag = the_text_flag(copied)
    other = make_user("admin.lain", Role.ADMIN)
    read = reviews._locked
    reads = []

    def raced(cycle, fingerprint):
        found = read(cycle, fingerprint)
        reads.append(found)
        if len(reads) == 1:  # this admin's first read found nothing; the other's insert lands
            monkeypatch.setattr(reviews, "_locked", read)
            reviews.mark_reviewed(
                cycle, kind=flag.kind, fingerprint=fingerprint, note="Catatan lain", by=other
            )
            monkeypatch.setattr(reviews, "_locked", raced)
        return found

    monkeypatch.setattr(reviews, "_locked", raced)
    review = reviews.mark_reviewed(
        copied, kind=flag.kind, fingerprint=flag.fingerprint, note="Catatan saya", by=admin_user
    )
    assert reads[0] is None and reads[-1] is not None  # lost the insert, then updated theirs
    (stored,) = FlagReview.objects.all()
    assert stored.pk == review.pk
    assert (stored.note, stored.reviewed_by) == ("Catatan saya", admin_user)
    assert [
        (h.history_type, h.note, h.history_user) for h in stored.history.order_by("history_id")
    ] == [
        ("+", "Catatan lain", other),
        ("~", "Catatan saya", admin_user),
    ]


def test_fingerprints_depend_on_what_the_flag_concerns():
    jump = integrity.Jump(result=None, previous=40.0, current=60.0)
    jump_fingerprint = reviews.fingerprint(FlagKind.JUMP, _with_region(jump, "15.71"))
    moved = integrity.Jump(result=None, previous=40.0, current=61.0)
    assert reviews.fingerprint(FlagKind.JUMP, _with_region(moved, "15.71")) != jump_fingerprint
    again = integrity.Jump(result=None, previous=40.0, current=60.04)
    assert reviews.fingerprint(FlagKind.JUMP, _with_region(again, "15.71")) == jump_fingerprint
    severity = integrity.AssessorSeverity("a", "A", -20.2, 40)
    assert reviews.fingerprint(FlagKind.ASSESSOR, severity) != reviews.fingerprint(
        FlagKind.ASSESSOR, integrity.AssessorSeverity("a", "A", -20.2, 41)
    )


def _with_region(jump, code):
    class Result:
        region = Region(code=code, name=code)

    jump.result = Result()
    return jump


def test_the_size_flag_is_reviewed_and_shows_again_when_the_correlation_moves(admin_user):
    indices = cohort_and_more(4)
    ordered = sorted((code for code in indices if "." in code), key=lambda code: indices[code])
    for n, code in enumerate(ordered):
        Region.objects.filter(code=code).update(population=50_000 * (n + 1), area_km2=100)
    cycle = scored_cycle(2022, COHORT[:2])
    make_stored_snapshot(cycle, indices, published=False)
    (flagged,) = integrity.report(cycle).open["sizes"]
    assert flagged.flag.kind == FlagKind.SIZE
    reviews.mark_reviewed(
        cycle,
        kind=FlagKind.SIZE,
        fingerprint=flagged.flag.fingerprint,
        note="Kota besar memang lebih siap",
        by=admin_user,
    )
    report = integrity.report(cycle)
    assert report.open["sizes"] == [] and len(report.reviewed["sizes"]) == 1
    # Two neighbours swap populations: rho moves (1.00 → 0.98), the flag is open again.
    Region.objects.filter(code=ordered[3]).update(population=50_000 * 5)
    Region.objects.filter(code=ordered[4]).update(population=50_000 * 4)
    again = integrity.report(cycle)
    assert len(again.open["sizes"]) == 1
    assert again.open["sizes"][0].flag.fingerprint != flagged.flag.fingerprint
