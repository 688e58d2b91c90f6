"""The right of reply from the window's opening to publication, over HTTP."""

from datetime import timedelta
from decimal import Decimal

from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format

from kotacerdas.appeals.choices import AppealState, Decision
from kotacerdas.appeals.models import Appeal, AppealItem, AppealWindow
from kotacerdas.evaluations.models import Cycle, CycleState, FinalMethod, FinalValue
from kotacerdas.evaluations.services import lifecycle
from kotacerdas.results.models import Snapshot
from tests import samples

from .conftest import close_by_deadline


def region_url(name: str, code: str = "15.71", **extra) -> str:
    return reverse(f"appeals:{name}", kwargs={"year": 2022, "code": code, **extra})


def test_it_runs_from_the_window_to_publication(
    client, cycle, admin, jambi_operator, django_capture_on_commit_callbacks
):
    # The admin opens the window for a week (WIB); the operators are told.
    client.force_login(admin)
    later = timezone.localtime() + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("appeals:window_open", kwargs={"year": 2022}),
            {"date": later.date().isoformat(), "time": "23:59"},
        )
    assert response.status_code == 302
    window = AppealWindow.objects.get(cycle=cycle)
    assert window.is_open()
    assert any("op@jambikota.example" in message.to for message in mail.outbox)

    # Publication waits for the window.
    problems = lifecycle.check(cycle, CycleState.PUBLISHED)
    assert any("Masa sanggah masih dibuka" in problem for problem in problems)

    # The operator sees the region's own provisional result and files one item with a PDF.
    client.force_login(jambi_operator)
    page = client.get(region_url("region"))
    assert page.status_code == 200
    assert "Hasil sementara" in page.content.decode()
    before = cycle.result_snapshots.get(version=1).regions.get(region__code="15.71")
    assert f"peringkat nasional {before.rank}" in page.content.decode()
    client.post(
        region_url("item_save"),
        {"indicator": "GOV.01", "category": "new_evidence", "reason": "SK Dewan Smart City 2022."},
    )
    client.post(
        region_url("evidence_upload", indicator="GOV.01"),
        {
            "file": samples.upload("SK Dewan Smart City.pdf", samples.pdf_bytes()),
            "description": "SK",
        },
    )
    client.post(
        region_url("evidence_link", indicator="GOV.01"), {"url": "https://jambikota.go.id/sk"}
    )
    response = client.post(region_url("submit"))
    assert response.status_code == 302
    appeal = Appeal.objects.get(cycle=cycle, region__code="15.71")
    assert appeal.state == AppealState.SUBMITTED
    assert appeal.snapshot.version == 1
    item = appeal.items.get()
    assert [e.kind for e in item.evidence.all()] == ["file", "link"]
    stored = item.evidence.get(kind="file")
    assert stored.content_type == "application/pdf" and len(stored.sha256) == 64

    # The deadline passes: nothing more is filed.
    close_by_deadline(window)
    response = client.post(
        region_url("item_save"), {"indicator": "ENV.01", "category": "other", "reason": "Terlambat"}
    )
    assert not AppealItem.objects.filter(indicator__code="ENV.01").exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("sudah ditutup" in message for message in messages)

    # Still blocked: Kota Jambi's appeal is undecided, and the check names it.
    problems = lifecycle.check(cycle, CycleState.PUBLISHED)
    assert problems == ["Kota Jambi (15.71): sanggahan belum diputus (GOV.01)."]

    # The admin accepts the item with a new final value: the value, its reason and history, the
    # cycle's round trip through moderation and a new snapshot, with the effect recorded.
    client.force_login(admin)
    page = client.get(region_url("region")).content.decode()
    assert "Simpan putusan" in page and "SK Dewan Smart City.pdf" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            region_url("decide", indicator="GOV.01"),
            {
                "decision": "accepted",
                "value": "5",
                "reason": "SK terbukti berlaku sejak Maret 2022.",
            },
        )
    assert response.status_code == 302
    final = FinalValue.objects.get(
        submission__cycle=cycle, submission__region__code="15.71", indicator__code="GOV.01"
    )
    assert final.value == Decimal(5)
    assert final.method == FinalMethod.MODERATED
    assert "SK terbukti berlaku" in final.reason
    assert final.history.first().history_user == admin
    assert final.history.count() >= 2
    cycle.refresh_from_db()
    assert cycle.state == CycleState.FINAL
    states = list(cycle.history.order_by("-history_date").values_list("state", flat=True)[:2])
    assert states == [CycleState.FINAL, CycleState.MODERATION]
    item.refresh_from_db()
    assert item.decision == Decision.ACCEPTED
    assert (item.value_before, item.value_after) == (Decimal(4), Decimal(5))
    assert item.snapshot_before.version == 1 and item.snapshot_after.version == 2
    after = Snapshot.objects.get(cycle=cycle, version=2).regions.get(region__code="15.71")
    assert item.display_before == before.display and item.display_after == after.display
    assert item.display_after > item.display_before
    assert (item.rank_before, item.rank_after) == (before.rank, after.rank)
    assert item.history.count() >= 2
    assert Appeal.objects.get(pk=appeal.pk).state == AppealState.DECIDED
    assert [message.to for message in mail.outbox] == [["op@jambikota.example"]]
    assert "Diterima" in mail.outbox[0].subject

    # The register shows it; publication is now allowed and the public sees only counts.
    page = client.get(region_url("region")).content.decode()
    change = number_format(abs(item.display_change), 2)
    assert f"(+{change})" in page and "," in change  # Indonesian decimal comma, with its sign
    register = client.get(reverse("appeals:register", kwargs={"year": 2022})).content.decode()
    assert "Kota Jambi" in register and "GOV.01" in register and "Diterima" in register
    # The region as elsewhere: its name, then its code in small print (not "Kota Jambi (15.71)").
    shown = '>Kota Jambi</a> <small class="muted">15.71</small>'
    assert shown in register and "Kota Jambi (15.71)" not in register
    assert lifecycle.check(cycle, CycleState.PUBLISHED) == []
    client.post(
        reverse("evaluations:cycle_transition", kwargs={"year": 2022}), {"to_state": "published"}
    )
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.PUBLISHED
    client.logout()
    methodology = client.get(reverse("results:methodology", kwargs={"year": 2022})).content.decode()
    assert "Sanggahan diajukan oleh 1 daerah, berisi 1 butir: 1 diterima, 0 ditolak." in methodology
    assert "SK Dewan Smart City" not in methodology and "Kota Jambi (15.71)" not in methodology


def test_a_rejected_item_changes_nothing_but_records_the_decision(
    client, cycle, admin, jambi_operator, open_window
):
    client.force_login(jambi_operator)
    client.post(
        region_url("item_save"),
        {"indicator": "ENV.02", "category": "rubric", "reason": "Salah rubrik"},
    )
    client.post(region_url("submit"))
    client.force_login(admin)
    client.post(
        region_url("decide", indicator="ENV.02"),
        {"decision": "rejected", "reason": "Rubrik benar."},
    )
    item = AppealItem.objects.get()
    assert item.decision == Decision.REJECTED
    assert item.snapshot_before == item.snapshot_after
    assert item.rank_before == item.rank_after and item.ranks_changed == 0
    assert item.value_before == item.value_after
    assert Snapshot.objects.filter(cycle=cycle).count() == 1
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.FINAL


def test_the_assessor_of_the_region_reads_the_appeal_and_others_do_not(
    client, cycle, jambi_operator, bandung_operator, open_window
):
    client.force_login(jambi_operator)
    client.post(
        region_url("item_save"),
        {"indicator": "GOV.01", "category": "other", "reason": "Alasan rahasia"},
    )
    client.post(region_url("submit"))
    assessor = cycle.assignments.filter(region__code="15.71").first().assessor
    client.force_login(assessor)
    assert "Alasan rahasia" in client.get(region_url("region")).content.decode()
    home = client.get(reverse("appeals:home")).content.decode()
    assert '>Kota Jambi</a> <small class="muted">15.71</small>' in home
    assert "Kota Jambi (15.71)" not in home
    client.force_login(bandung_operator)
    assert client.get(region_url("region")).status_code == 404
    assert "Alasan rahasia" not in client.get(reverse("appeals:home")).content.decode()
