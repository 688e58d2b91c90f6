"""Bad input and moves out of turn are refused with a clear message, and nothing filed is lost."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone, translation

from kotacerdas.appeals.choices import AppealState, Decision
from kotacerdas.appeals.models import Appeal, AppealEvidence, AppealItem
from kotacerdas.appeals.services import decisions, filing, window
from kotacerdas.core.errors import Locked, ServiceError
from kotacerdas.evaluations.models import Cycle, CycleState
from kotacerdas.evaluations.services import lifecycle
from kotacerdas.evaluations.services.answers import InvalidAnswer
from tests import samples

from .conftest import close_by_deadline


def indicator(cycle, code: str = "GOV.01"):
    return cycle.instrument.indicators.get(code=code)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def filed(cycle, region, operator, code: str = "GOV.01") -> AppealItem:
    return filing.save_item(cycle, region, indicator(cycle, code), reason="Alasan", by=operator)


# --- Filing --------------------------------------------------------------------------------------


def test_an_item_without_a_reason_is_refused_and_nothing_is_written(
    client, cycle, jambi_operator, open_window
):
    client.force_login(jambi_operator)
    url = reverse("appeals:item_save", kwargs={"year": 2022, "code": "15.71"})
    response = client.post(url, {"indicator": "GOV.01", "category": "other", "reason": "   "})
    assert any("Alasan sanggahan" in message for message in messages_of(response))
    with pytest.raises(ServiceError, match="Alasan sanggahan wajib diisi"):
        filing.save_item(
            cycle, jambi_operator.region, indicator(cycle), reason="", by=jambi_operator
        )
    assert not Appeal.objects.exists() and not AppealItem.objects.exists()


def test_an_indicator_of_another_instrument_is_refused(cycle, jambi_operator, open_window):
    from tests.factories import make_instrument

    foreign = make_instrument("lain").indicators.first()
    with pytest.raises(ServiceError, match="bukan bagian dari instrumen"):
        filing.save_item(cycle, jambi_operator.region, foreign, reason="x", by=jambi_operator)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("sk.pdf", samples.windows_exe_bytes(), "ditolak"),
        ("sk.png", samples.pdf_bytes(), "tidak sesuai"),
        ("besar.pdf", samples.pdf_bytes() + b"0" * 500, "melebihi batas"),
    ],
    ids=["executable named pdf", "pdf named png", "oversized"],
)
def test_a_bad_file_is_refused_naming_it_and_nothing_is_stored(
    client, settings, cycle, jambi_operator, open_window, name, content, expected
):
    settings.KOTACERDAS_EVIDENCE_MAX_BYTES = len(samples.pdf_bytes()) + 100
    filed(cycle, jambi_operator.region, jambi_operator)
    client.force_login(jambi_operator)
    url = reverse(
        "appeals:evidence_upload", kwargs={"year": 2022, "code": "15.71", "indicator": "GOV.01"}
    )
    response = client.post(url, {"file": samples.upload(name, content)})
    message = messages_of(response)[-1]
    assert name in message and expected in message
    assert not AppealEvidence.objects.exists()
    assert not (Path(settings.MEDIA_ROOT) / "appeals").exists() or not any(
        (Path(settings.MEDIA_ROOT) / "appeals").rglob("*.*")
    )


def test_a_bad_link_is_refused(cycle, jambi_operator, open_window):
    item = filed(cycle, jambi_operator.region, jambi_operator)
    with pytest.raises(ServiceError, match="bukan tautan"):
        filing.add_link(item, "javascript:alert(1)", by=jambi_operator)
    assert not AppealEvidence.objects.exists()


def test_an_operator_cannot_file_for_another_region(
    client, cycle, jambi_operator, bandung_operator, open_window
):
    client.force_login(bandung_operator)
    url = reverse("appeals:item_save", kwargs={"year": 2022, "code": "15.71"})
    response = client.post(url, {"indicator": "GOV.01", "category": "other", "reason": "Curang"})
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        filing.save_item(
            cycle, jambi_operator.region, indicator(cycle), reason="x", by=bandung_operator
        )
    assert not AppealItem.objects.exists()


def test_an_admin_cannot_file_for_a_region(cycle, admin, open_window, regions):
    with pytest.raises(PermissionDenied):
        filing.save_item(cycle, regions["15.71"], indicator(cycle), reason="x", by=admin)


def test_after_the_deadline_nothing_is_filed_and_the_draft_is_kept(
    client, cycle, jambi_operator, open_window
):
    item = filed(cycle, jambi_operator.region, jambi_operator)
    close_by_deadline(open_window)
    for action in (
        lambda: filing.save_item(
            cycle, jambi_operator.region, indicator(cycle, "ENV.01"), reason="x", by=jambi_operator
        ),
        lambda: filing.add_file(
            item, samples.upload("sk.pdf", samples.pdf_bytes()), by=jambi_operator
        ),
        lambda: filing.add_link(item, "https://jambikota.go.id", by=jambi_operator),
        lambda: filing.submit(item.appeal, by=jambi_operator),
        lambda: filing.remove_item(item, by=jambi_operator),
    ):
        with pytest.raises(Locked, match="sudah ditutup"):
            action()
    appeal = Appeal.objects.get()
    assert appeal.state == AppealState.DRAFT
    assert list(appeal.items.values_list("indicator__code", "reason")) == [("GOV.01", "Alasan")]
    client.force_login(jambi_operator)
    page = client.get(reverse("appeals:region", kwargs={"year": 2022, "code": "15.71"}))
    assert "Alasan" in page.content.decode() and "Ajukan sanggahan" not in page.content.decode()


def test_before_the_window_opens_the_operator_sees_no_result_and_cannot_file(
    client, cycle, jambi_operator
):
    client.force_login(jambi_operator)
    page = client.get(reverse("appeals:region", kwargs={"year": 2022, "code": "15.71"}))
    assert "belum dibuka" in page.content.decode()
    assert "peringkat nasional" not in page.content.decode()
    with pytest.raises(Locked, match="belum dibuka"):
        filed(cycle, jambi_operator.region, jambi_operator)


def test_a_submitted_appeal_is_never_changed_and_never_deleted(cycle, jambi_operator, open_window):
    item = filed(cycle, jambi_operator.region, jambi_operator)
    filing.add_link(item, "https://jambikota.go.id/sk", by=jambi_operator)
    filing.submit(item.appeal, by=jambi_operator)
    with pytest.raises(Locked, match="sudah diajukan"):
        filing.save_item(
            cycle, jambi_operator.region, indicator(cycle), reason="Baru", by=jambi_operator
        )
    with pytest.raises(Locked, match="sudah diajukan"):
        filing.add_link(item, "https://jambikota.go.id/lain", by=jambi_operator)
    with pytest.raises(Locked, match="sudah diajukan"):
        filing.submit(item.appeal, by=jambi_operator)
    item.refresh_from_db()
    assert item.reason == "Alasan" and item.evidence.count() == 1
    with pytest.raises(ProtectedError):
        item.appeal.delete()
    with pytest.raises(ProtectedError):
        item.delete()


def test_a_draft_item_with_evidence_is_not_removed_one_without_is(
    cycle, jambi_operator, open_window
):
    kept = filed(cycle, jambi_operator.region, jambi_operator)
    filing.add_link(kept, "https://jambikota.go.id/sk", by=jambi_operator)
    with pytest.raises(ServiceError, match="sudah berisi data dukung"):
        filing.remove_item(kept, by=jambi_operator)
    removed = filed(cycle, jambi_operator.region, jambi_operator, "ENV.01")
    filing.remove_item(removed, by=jambi_operator)
    assert list(AppealItem.objects.values_list("indicator__code", flat=True)) == ["GOV.01"]
    assert AppealItem.history.filter(history_type="-").count() == 1


def test_an_empty_appeal_cannot_be_submitted(client, cycle, jambi_operator, open_window):
    client.force_login(jambi_operator)
    response = client.post(reverse("appeals:submit", kwargs={"year": 2022, "code": "15.71"}))
    assert any("sedikitnya satu indikator" in message for message in messages_of(response))
    assert not Appeal.objects.filter(state=AppealState.SUBMITTED).exists()


# --- The window ----------------------------------------------------------------------------------


def test_the_window_opens_only_on_a_final_cycle_with_results_and_a_future_deadline(
    cycle, admin, jambi_operator
):
    later = timezone.now() + timedelta(days=3)
    with pytest.raises(PermissionDenied):
        window.open_window(cycle, deadline=later, by=jambi_operator)
    with pytest.raises(ServiceError, match="sudah lewat"):
        window.open_window(cycle, deadline=timezone.now() - timedelta(hours=1), by=admin)
    with pytest.raises(ServiceError, match="zona waktu"):
        window.open_window(cycle, deadline=later.replace(tzinfo=None), by=admin)
    Cycle.objects.filter(pk=cycle.pk).update(state=CycleState.MODERATION)
    with pytest.raises(Locked, match="tahap Final"):
        window.open_window(cycle, deadline=later, by=admin)


def test_the_window_needs_computed_results(db, admin):
    from tests.results.builders import make_evaluated_cycle

    bare = make_evaluated_cycle(2023)
    with pytest.raises(ServiceError, match="Hasil belum dihitung"):
        window.open_window(bare, deadline=timezone.now() + timedelta(days=1), by=admin)


def test_closing_the_window_early_stops_filing_and_frees_publication(cycle, admin, jambi_operator):
    window.open_window(cycle, deadline=timezone.now() + timedelta(days=3), by=admin)
    assert any("Masa sanggah" in p for p in lifecycle.check(cycle, CycleState.PUBLISHED))
    window.close_window(cycle, by=admin)
    assert lifecycle.check(cycle, CycleState.PUBLISHED) == []
    with pytest.raises(Locked):
        filed(cycle, jambi_operator.region, jambi_operator)
    with pytest.raises(ServiceError, match="tidak sedang dibuka"):
        window.close_window(cycle, by=admin)
    # Moving the deadline reopens it; the history keeps both.
    reopened = window.open_window(cycle, deadline=timezone.now() + timedelta(days=1), by=admin)
    assert reopened.is_open() and reopened.history.count() == 3


# --- Decisions -----------------------------------------------------------------------------------


@pytest.fixture
def submitted(cycle, jambi_operator, open_window) -> AppealItem:
    item = filed(cycle, jambi_operator.region, jambi_operator)
    filing.submit(item.appeal, by=jambi_operator)
    return AppealItem.objects.get(pk=item.pk)


def test_only_an_admin_decides_with_a_reason_and_a_fitting_value(submitted, admin, jambi_operator):
    with pytest.raises(PermissionDenied):
        decisions.decide(submitted, accept=False, reason="x", by=jambi_operator)
    with pytest.raises(ServiceError, match="Alasan putusan wajib"):
        decisions.decide(submitted, accept=False, reason=" ", by=admin)
    with pytest.raises(ServiceError, match="nilai akhir yang baru"):
        decisions.decide(submitted, accept=True, reason="Ya", by=admin)
    with pytest.raises(InvalidAnswer):
        decisions.decide(submitted, accept=True, reason="Ya", value=Decimal(7), by=admin)
    submitted.refresh_from_db()
    assert submitted.decision == Decision.PENDING
    assert Cycle.objects.get(pk=submitted.appeal.cycle_id).state == CycleState.FINAL


def test_an_item_is_decided_once(submitted, admin):
    decisions.decide(submitted, accept=False, reason="Tidak terbukti", by=admin)
    with pytest.raises(ServiceError, match="sudah diputus"):
        decisions.decide(
            submitted, accept=True, reason="Berubah pikiran", value=Decimal(5), by=admin
        )


def test_a_draft_is_not_decided(cycle, admin, jambi_operator, open_window):
    item = filed(cycle, jambi_operator.region, jambi_operator)
    with pytest.raises(ServiceError, match="belum diajukan"):
        decisions.decide(item, accept=False, reason="x", by=admin)


def test_decisions_wait_for_a_final_cycle(submitted, admin):
    Cycle.objects.filter(pk=submitted.appeal.cycle_id).update(state=CycleState.MODERATION)
    with pytest.raises(Locked, match="tahap Final"):
        decisions.decide(submitted, accept=False, reason="x", by=admin)


def test_a_refused_round_trip_leaves_the_cycle_final_and_the_value_unchanged(
    submitted, admin, monkeypatch
):
    """If moving back to final fails (here: a check says no), nothing of the decision stays."""
    monkeypatch.setitem(
        lifecycle.CHECKS,
        CycleState.FINAL,
        [*lifecycle.CHECKS[CycleState.FINAL], lambda c: ["Tidak"]],
    )
    with pytest.raises(ServiceError, match="belum dapat pindah"):
        decisions.decide(submitted, accept=True, reason="Ya", value=Decimal(5), by=admin)
    cycle = Cycle.objects.get(pk=submitted.appeal.cycle_id)
    assert cycle.state == CycleState.FINAL
    final = cycle.submissions.get(region__code="15.71").finals.get(indicator__code="GOV.01")
    assert final.value == Decimal(4) and final.method != "moderated"
    assert cycle.result_snapshots.count() == 1
    assert AppealItem.objects.get(pk=submitted.pk).decision == Decision.PENDING


def test_publication_names_every_region_with_an_undecided_appeal(
    cycle, admin, jambi_operator, bandung_operator, open_window
):
    for operator in (jambi_operator, bandung_operator):
        item = filed(cycle, operator.region, operator)
        filed(cycle, operator.region, operator, "ENV.02")
        filing.submit(item.appeal, by=operator)
    close_by_deadline(open_window)
    jambi_item = AppealItem.objects.get(appeal__region__code="15.71", indicator__code="GOV.01")
    decisions.decide(jambi_item, accept=False, reason="Tidak terbukti", by=admin)
    assert lifecycle.check(cycle, CycleState.PUBLISHED) == [
        "Kota Jambi (15.71): sanggahan belum diputus (ENV.02).",
        "Kota Bandung (32.73): sanggahan belum diputus (ENV.02, GOV.01).",
    ]
    with pytest.raises(lifecycle.TransitionRefused):
        lifecycle.transition(cycle, CycleState.PUBLISHED, by=admin)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "id",
            "Batas sanggahan 1 Juli 2022 pukul 23.59 WIB sudah lewat; pilih waktu yang akan datang.",
        ),
        (
            "en",
            "The appeal deadline 1 July 2022, 23:59 WIB has passed; choose a time in the future.",
        ),
    ],
)
def test_a_past_deadline_is_named_in_wib_in_the_admins_language(cycle, admin, language, text):
    past = datetime(2022, 7, 1, 16, 59, tzinfo=UTC)  # 23.59 in Jakarta
    with (
        translation.override(language),
        timezone.override(ZoneInfo("UTC")),
        pytest.raises(ServiceError) as refused,
    ):
        window.open_window(cycle, deadline=past, by=admin)
    assert refused.value.message == text
