"""The "results corrected" email tells each region's operators what the correction changed for
their own region (index, national rank, predicate: old → new), that nothing changed, or that the
region is in only one of the versions, in the recipient's language; the comparison is
``corrections.compare_region``.

Version 1 (announced) holds ``INDICES``; version 2 raises Kota Jambi to 85 (3,31 → 4,25, rank
2 → 1, Baik → Memuaskan), pushes Kota Bandung from rank 1 to 2, keeps province Jambi (2,50,
rank 3, Cukup) and leaves Kabupaten Bandung out."""

import pytest
from django.utils import timezone

from kotacerdas.accounts.roles import Role
from kotacerdas.evaluations.models import Submission, SubmissionState
from kotacerdas.results.models import Snapshot
from kotacerdas.results.services import announcements, corrections
from tests.conftest import make_user

from .builders import INDICES, cohort, make_stored_snapshot, publish_cycle

pytestmark = pytest.mark.django_db

CORRECTED = {code: value for code, value in {**INDICES, "15.71": 85.0}.items() if code != "32.04"}
REASON = "Koreksi data dukung Kota Jambi"


@pytest.fixture
def versions():
    """Version 1 announced, version 2 (the correction) released and not yet announced; every
    cohort region enrolled."""
    regions = {region.code: region for region in cohort()}
    first = publish_cycle(2022, INDICES)
    Snapshot.objects.filter(pk=first.pk).update(announced_at=timezone.now())
    for region in regions.values():
        Submission.objects.create(cycle=first.cycle, region=region, state=SubmissionState.SUBMITTED)
    second = make_stored_snapshot(first.cycle, CORRECTED, version=2)
    Snapshot.objects.filter(pk=second.pk).update(note=REASON)
    return first, second, regions


@pytest.fixture
def mails(versions, mailoutbox, django_capture_on_commit_callbacks):
    """The correction announced to one operator of each region (two for Kota Jambi: one reads
    English), as address → body."""
    regions = versions[2]
    for username, code, extra in [
        ("op.jambi", "15.71", {}),
        ("op.jambi.en", "15.71", {"language": "en"}),
        ("op.provinsi", "15", {}),
        ("op.bandung", "32.73", {}),
        ("op.kabbandung", "32.04", {}),
        ("op.kabbandung.en", "32.04", {"language": "en"}),
    ]:
        make_user(username, Role.OPERATOR, region=regions[code], email=f"{username}@go.id", **extra)
    with django_capture_on_commit_callbacks(execute=True):
        (announced,) = announcements.announce_due_releases()
    assert announced.version == 2
    return {message.to[0]: message.body for message in mailoutbox}


def test_a_region_whose_score_changed_reads_old_and_new_values_and_ranks(mails):
    body = mails["op.jambi@go.id"]
    assert "- versi 2: Koreksi data dukung Kota Jambi" in body
    assert (
        "Yang berubah untuk Kota Jambi dari versi 1 (diumumkan sebelumnya) ke versi 2:\n"
        "- Indeks: 3,31 → 4,25\n"
        "- Peringkat nasional: 2 → 1\n"
        "- Predikat: Baik → Memuaskan\n"
    ) in body
    assert "tidak mengubah" not in body


def test_a_region_whose_rank_alone_changed_reads_its_index_as_unchanged(mails):
    body = mails["op.bandung@go.id"]
    assert (
        "- Indeks: 4,00 (tetap)\n- Peringkat nasional: 1 → 2\n- Predikat: Sangat Baik (tetap)\n"
    ) in body


def test_an_unchanged_region_reads_that_nothing_changed_for_it(mails):
    body = mails["op.provinsi@go.id"]
    assert (
        "Koreksi ini tidak mengubah hasil Jambi: indeks 2,50, peringkat nasional 3, predikat "
        "Cukup, sama seperti pada versi 1 yang diumumkan sebelumnya."
    ) in body
    assert "Yang berubah" not in body
    assert "Kota Jambi: " not in body  # nothing about another region's figures


def test_a_region_absent_from_the_new_version_is_told_so(mails):
    body = mails["op.kabbandung@go.id"]
    assert (
        "Kabupaten Bandung tidak lagi termasuk dalam hasil versi 2; pada versi 1 yang diumumkan "
        "sebelumnya: indeks 2,25, peringkat nasional 4, predikat Cukup."
    ) in body


def test_an_english_recipient_reads_english_with_english_numbers(mails):
    body = mails["op.jambi.en@go.id"]
    assert (
        "What changed for Kota Jambi from version 1 (announced before) to version 2:\n"
        "- Index: 3.31 → 4.25\n"
        "- National rank: 2 → 1\n"
        "- Rating: Good → Excellent\n"
    ) in body
    assert "Yang berubah" not in body and "Predikat" not in body
    absent = mails["op.kabbandung.en@go.id"]
    assert (
        "Kabupaten Bandung is no longer in the results of version 2; in version 1, announced "
        "before: index 2.25, national rank 4, rating Fair."
    ) in absent


def test_compare_region_covers_both_one_and_neither_version(versions):
    first, second, _ = versions
    jambi = corrections.compare_region(first, second, "15.71")
    assert (jambi.old_version, jambi.new_version) == (1, 2)
    assert jambi.old == corrections.Standing(3.31, 2, "Baik")
    assert jambi.new == corrections.Standing(4.25, 1, "Memuaskan")
    assert jambi.changed and jambi.index_changed and jambi.rank_changed
    assert jambi.predicate_changed
    province = corrections.compare_region(first, second, "15")
    assert not province.changed and province.old == province.new
    gone = corrections.compare_region(first, second, "32.04")
    assert gone.old == corrections.Standing(2.25, 4, "Cukup") and gone.new is None
    assert gone.changed
    back = corrections.compare_region(second, first, "32.04")  # in the newer one only
    assert back.old is None and back.new.rank == 4
    nowhere = corrections.compare_region(first, second, "99.99")
    assert nowhere.old is None and nowhere.new is None and not nowhere.changed


def test_results_without_predicates_leave_the_predicate_out(versions):
    first, second, _ = versions
    first.regions.update(predicate="")
    second.regions.update(predicate="")
    jambi = corrections.compare_region(first, second, "15.71")
    assert not jambi.has_predicate and not jambi.predicate_changed
