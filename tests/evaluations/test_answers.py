"""Answers: values by type, optimistic locking, locks by state and deadline, the autosave view."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from kotacerdas.accounts.roles import Role
from kotacerdas.core.errors import Locked, StaleVersion
from kotacerdas.evaluations.models import Answer, Cycle, CycleState, SubmissionState
from kotacerdas.evaluations.services import answers, locks
from kotacerdas.evaluations.services.answers import InvalidAnswer
from kotacerdas.instruments.models import Indicator
from tests.conftest import make_user
from tests.evaluations.cycle_setup import answer_everything, open_cycle, submission_of

pytestmark = pytest.mark.django_db


def indicator(cycle, code: str) -> Indicator:
    return Indicator.objects.get(instrument=cycle.instrument, code=code)


def save(submission, code, value, *, version=0, by, not_applicable=False, justification=""):
    return answers.save_answer(
        submission,
        indicator(submission.cycle, code),
        value=None if value is None else Decimal(value),
        not_applicable=not_applicable,
        justification=justification,
        version=version,
        by=by,
    )


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("GOV.SVC.01", "0"),
        ("GOV.SVC.01", "5"),
        ("GOV.SVC.02", "1"),
        ("GOV.SVC.02", "0"),
        ("ENV.WAS.01", "72.5"),
        ("ENV.WAS.01", "100"),
        ("ENV.WAS.02", "1234.567891"),
        ("ENV.WAS.02", "-3"),
    ],
)
def test_valid_values_are_saved_with_a_first_version(submission, operator, code, value):
    answer = save(submission, code, value, by=operator, justification="Lihat SK Walikota")
    answer.refresh_from_db()
    assert answer.value == Decimal(value)
    assert answer.version == 1
    assert answer.updated_by == operator
    assert answer.justification == "Lihat SK Walikota"


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("GOV.SVC.01", "6", "harus antara 0 dan 5"),
        ("GOV.SVC.01", "2.5", "harus bilangan bulat 0–5"),
        ("GOV.SVC.01", "-1", "harus antara 0 dan 5"),
        ("GOV.SVC.02", "2", "harus antara 0 dan 1"),
        ("GOV.SVC.02", "0.5", "harus bilangan bulat 0–1"),
        ("ENV.WAS.01", "100.01", "harus antara 0 dan 100"),
        ("ENV.WAS.02", "1e15", "harus antara"),
        ("ENV.WAS.02", "1.0000001", "enam angka desimal"),
    ],
)
def test_values_outside_the_type_are_refused(submission, operator, code, value, message):
    with pytest.raises(InvalidAnswer, match=message):
        save(submission, code, value, by=operator)
    assert not Answer.objects.exists()


@pytest.mark.parametrize("raw", ["abc", "NaN", "Infinity", "1,2,3"])
def test_what_is_not_a_finite_number_is_refused(raw):
    with pytest.raises(InvalidAnswer):
        answers.parse_value(raw)


def test_a_decimal_comma_is_read():
    assert answers.parse_value("72,5") == Decimal("72.5")
    assert answers.parse_value("  ") is None


def test_not_applicable_only_where_allowed(submission, operator):
    answer = save(submission, "GOV.SVC.02", None, not_applicable=True, by=operator)
    assert answer.not_applicable and answer.value is None
    with pytest.raises(InvalidAnswer, match="tidak boleh dijawab «tidak berlaku»"):
        save(submission, "GOV.SVC.01", None, not_applicable=True, by=operator)
    with pytest.raises(InvalidAnswer, match="tidak boleh berisi nilai"):
        save(submission, "GOV.SVC.02", "1", not_applicable=True, version=1, by=operator)


def test_an_unchanged_answer_keeps_its_version(submission, operator):
    first = save(submission, "GOV.SVC.01", "3", by=operator)
    again = save(submission, "GOV.SVC.01", "3", version=1, by=operator)
    assert again.version == first.version == 1
    assert first.history.count() == 1


def test_a_stale_save_is_refused_and_nothing_is_lost(submission, operator, jambi):
    colleague = make_user("operator.dua", Role.OPERATOR, region=jambi, first_name="Sari")
    save(submission, "GOV.SVC.01", "3", by=operator)
    save(submission, "GOV.SVC.01", "4", version=1, by=colleague)
    with pytest.raises(StaleVersion) as info:
        save(submission, "GOV.SVC.01", "1", version=1, by=operator)
    assert "sudah diubah oleh Sari" in info.value.message
    assert "muat ulang" in info.value.message
    answer = Answer.objects.get()
    assert (answer.value, answer.version, answer.updated_by) == (Decimal(4), 2, colleague)


def test_a_first_answer_saved_twice_from_version_zero_keeps_the_first(submission, operator):
    save(submission, "ENV.WAS.01", "50", by=operator)
    with pytest.raises(StaleVersion):
        save(submission, "ENV.WAS.01", "60", version=0, by=operator)
    assert Answer.objects.get().value == Decimal(50)


def test_only_the_regions_operator_answers(submission, admin_user, assessor, bandung):
    other = make_user("operator.bandung", Role.OPERATOR, region=bandung)
    for user in (admin_user, assessor, other):
        with pytest.raises(PermissionDenied):
            save(submission, "GOV.SVC.01", "3", by=user)
    assert not Answer.objects.exists()


def test_an_indicator_of_another_instrument_is_refused(submission, operator, jambi):
    other_cycle = open_cycle(jambi, year=2023)
    stranger = Indicator.objects.get(instrument=other_cycle.instrument, code="GOV.SVC.01")
    with pytest.raises(InvalidAnswer, match="bukan bagian dari instrumen"):
        answers.save_answer(submission, stranger, value=Decimal(1), version=0, by=operator)


# --- Several answers at once (all or nothing) ----------------------------------------------------


def change(submission, code, value, *, version=0, **fields) -> answers.AnswerChange:
    value = None if value is None else Decimal(value)
    return answers.AnswerChange(indicator(submission.cycle, code), value, version=version, **fields)


def test_a_batch_saves_every_answer_in_order(submission, operator):
    saved = answers.save_answers(
        submission,
        [
            change(submission, "ENV.WAS.01", "72.5", justification="Data DLH 2022"),
            change(submission, "GOV.SVC.01", "4"),
        ],
        by=operator,
    )
    assert [(a.indicator.code, a.value, a.version) for a in saved] == [
        ("ENV.WAS.01", Decimal("72.5"), 1),
        ("GOV.SVC.01", Decimal(4), 1),
    ]
    stored = Answer.objects.get(indicator__code="ENV.WAS.01")
    assert (stored.justification, stored.updated_by) == ("Data DLH 2022", operator)
    assert stored.history.get().history_user == operator


@pytest.mark.parametrize(
    ("third", "error", "message"),
    [
        (
            ("GOV.SVC.01", "9", 0),
            InvalidAnswer,
            "Jawaban ke-3 (GOV.SVC.01): .*harus antara 0 dan 5",
        ),
        (
            ("ENV.WAS.01", "10", 0),
            InvalidAnswer,
            "Jawaban ke-3 (ENV.WAS.01): .*sudah ada di urutan",
        ),
        (("ENV.WAS.02", "10", 1), StaleVersion, "Jawaban ke-3 (ENV.WAS.02): .*belum pernah ada"),
    ],
)
def test_one_refused_answer_saves_none_of_the_batch(submission, operator, third, error, message):
    save(submission, "GOV.SVC.02", "1", by=operator)
    batch = [
        change(submission, "ENV.WAS.01", "50"),
        change(submission, "GOV.SVC.02", "0", version=1),
        change(submission, third[0], third[1], version=third[2]),
    ]
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        answers.save_answers(submission, batch, by=operator)
    assert info.value.field == "answers.2"
    assert [(a.indicator.code, a.value, a.version) for a in Answer.objects.all()] == [
        ("GOV.SVC.02", Decimal(1), 1)
    ]


def test_every_refused_answer_of_a_batch_is_named(submission, operator):
    save(submission, "GOV.SVC.02", "1", by=operator)
    batch = [
        change(submission, "GOV.SVC.02", "0", version=0),  # stale
        change(submission, "ENV.WAS.01", "50"),
        change(submission, "GOV.SVC.01", "9"),  # out of range
        change(submission, "ENV.WAS.01", "60"),  # repeated
    ]
    with pytest.raises(StaleVersion) as info:
        answers.save_answers(submission, batch, by=operator)
    error = info.value
    assert error.field == "answers.0"
    assert error.message.startswith("3 jawaban ditolak; tidak ada yang disimpan. Jawaban ke-1")
    assert [field for field, _ in error.errors] == ["answers.0", "answers.2", "answers.3"]
    assert error.errors[1][1].startswith("Jawaban ke-3 (GOV.SVC.01): ")
    assert "harus antara 0 dan 5" in error.errors[1][1]
    assert error.errors[2][1] == (
        "Jawaban ke-4 (ENV.WAS.01): Indikator ini sudah ada di urutan sebelumnya."
    )
    assert [(a.indicator.code, a.value, a.version) for a in Answer.objects.all()] == [
        ("GOV.SVC.02", Decimal(1), 1)
    ]


def test_a_batch_from_someone_else_is_refused_before_anything(submission, assessor):
    with pytest.raises(PermissionDenied):
        answers.save_answers(submission, [change(submission, "GOV.SVC.01", "3")], by=assessor)
    assert not Answer.objects.exists()


def test_an_answer_after_the_deadline_is_refused(submission, operator):
    Cycle.objects.filter(pk=submission.cycle_id).update(
        submission_deadline=timezone.now() - timedelta(minutes=1)
    )
    submission.refresh_from_db()
    with pytest.raises(Locked, match=r"Batas waktu penilaian mandiri .* sudah lewat"):
        save(submission, "GOV.SVC.01", "3", by=operator)
    batch = [change(submission, "ENV.WAS.01", "50"), change(submission, "GOV.SVC.01", "3")]
    with pytest.raises(Locked, match=r"^Batas waktu penilaian mandiri") as info:
        answers.save_answers(submission, batch, by=operator)
    assert info.value.field == ""  # the whole self-assessment is locked, not one item
    assert not Answer.objects.exists()


# Every combination of cycle state and submission state: may the operator change answers?
EDITABLE = {
    (CycleState.OPEN, SubmissionState.DRAFT),
    (CycleState.OPEN, SubmissionState.RETURNED),
    (CycleState.REVIEW, SubmissionState.RETURNED),
}
LOCK_MESSAGES = {
    CycleState.DRAFT: "hanya dapat diubah pada tahap Penilaian mandiri",
    CycleState.OPEN: "sudah dikirim",
    CycleState.REVIEW: "hanya dapat diubah pada tahap Penilaian mandiri",
    CycleState.MODERATION: "hanya dapat diubah pada tahap Penilaian mandiri",
    CycleState.FINAL: "hanya dapat diubah pada tahap Penilaian mandiri",
    CycleState.PUBLISHED: "sudah dipublikasikan; tidak ada lagi yang dapat diubah",
    CycleState.ARCHIVED: "sudah diarsipkan; tidak ada lagi yang dapat diubah",
}


@pytest.mark.parametrize("cycle_state", CycleState.values)
@pytest.mark.parametrize("submission_state", SubmissionState.values)
def test_locks_per_state(submission, operator, cycle_state, submission_state):
    Cycle.objects.filter(pk=submission.cycle_id).update(state=cycle_state)
    submission.state = submission_state
    submission.submitted_at = timezone.now()
    submission.save()
    submission = submission_of(submission.cycle, submission.region)
    if (cycle_state, submission_state) in EDITABLE:
        assert save(submission, "GOV.SVC.01", "2", by=operator).value == 2
        return
    with pytest.raises(Locked) as info:
        save(submission, "GOV.SVC.01", "2", by=operator)
    if submission_state == SubmissionState.RETURNED and cycle_state not in locks.FROZEN_STATES:
        assert "dikembalikan, tetapi siklus sudah masuk tahap" in info.value.message
    elif submission_state == SubmissionState.SUBMITTED or cycle_state != CycleState.OPEN:
        assert LOCK_MESSAGES[cycle_state] in info.value.message
    assert not Answer.objects.exists()


def test_a_returned_submission_may_change_after_the_deadline(submission, operator):
    Cycle.objects.filter(pk=submission.cycle_id).update(
        submission_deadline=timezone.now() - timedelta(days=1), state=CycleState.REVIEW
    )
    submission.state = SubmissionState.RETURNED
    submission.save()
    submission = submission_of(submission.cycle, submission.region)
    assert save(submission, "GOV.SVC.01", "4", by=operator).value == 4


# --- The autosave view ----------------------------------------------------------------------------


def autosave(client, code, data, htmx=True):
    url = reverse("evaluations:answer_save", args=[2022, "15.71", code])
    return client.post(url, data, headers={"HX-Request": "true"} if htmx else {})


def test_autosave_answers_with_a_status_the_new_version_and_the_progress(client, operator, cycle):
    client.force_login(operator)
    response = autosave(
        client, "GOV.SVC.01", {"value": "3", "justification": "MPP sejak 2020", "version": "0"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "tersimpan" in page
    assert 'name="version" value="1"' in page
    assert 'hx-swap-oob="true"' in page
    assert 'data-testid="progress-GOV">1/2' in page
    # The swapped-in progress row links to its dimension on the page the save came from.
    dimension = cycle.instrument.dimensions.get(code="GOV").pk
    assert f'<a href="#dim-{dimension}">' in page
    answer = Answer.objects.get()
    assert answer.value == 3 and answer.justification == "MPP sejak 2020"


def test_autosave_keeps_the_gaps_on_the_page_current(client, operator, cycle, submission):
    """The page's list of what is still missing is swapped in with every save: the answered
    indicator leaves its dimension's list, and the count of all gaps follows."""
    client.force_login(operator)
    pks = dict(cycle.instrument.indicators.values_list("code", "pk"))
    dimension = cycle.instrument.dimensions.get(code="GOV").pk
    page = client.get(reverse("evaluations:submission_form", args=[2022, "15.71"])).content
    assert "Masih 5 hal belum lengkap." in page.decode()
    response = autosave(client, "GOV.SVC.01", {"value": "3", "version": "0"})
    swapped = response.content.decode()
    assert '<summary id="gaps-summary" hx-swap-oob="true">Masih 4 hal belum lengkap.' in swapped
    listed = swapped.split(f'<ul class="gaps" id="gaps-{dimension}" hx-swap-oob="true">')[1]
    listed = listed.split("</ul>")[0]
    gaps = [item.split("</a>")[0] for item in listed.split("<li>")[1:]]
    assert [gap.split("»: ")[1] for gap in gaps] == [
        "data dukung wajib belum diunggah.",  # GOV.SVC.01's evidence is still missing
        "belum dijawab.",
    ]
    assert gaps[0].startswith(f'<a href="#ind-{pks["GOV.SVC.01"]}">GOV.SVC.01 «')
    assert gaps[1].startswith(f'<a href="#ind-{pks["GOV.SVC.02"]}">GOV.SVC.02 «')
    # Clearing the answer brings its gap back.
    response = autosave(client, "GOV.SVC.01", {"value": "", "version": "1"})
    assert "Masih 5 hal belum lengkap." in response.content.decode()


def test_autosave_of_the_last_gap_says_the_self_assessment_is_ready(
    client, operator, cycle, submission
):
    answer_everything(submission, operator)
    Answer.objects.filter(indicator__code="ENV.WAS.02").delete()
    client.force_login(operator)
    response = autosave(client, "ENV.WAS.02", {"value": "12", "version": "0"})
    swapped = response.content.decode()
    assert "Semua sudah lengkap; penilaian mandiri siap dikirim." in swapped
    dimension = cycle.instrument.dimensions.get(code="ENV").pk
    assert f'<ul class="gaps" id="gaps-{dimension}" hx-swap-oob="true"></ul>' in swapped


def test_autosave_of_not_applicable_ignores_a_selected_value(client, operator, cycle):
    client.force_login(operator)
    response = autosave(
        client, "GOV.SVC.02", {"value": "1", "not_applicable": "on", "version": "0"}
    )
    assert response.status_code == 200
    answer = Answer.objects.get()
    assert answer.not_applicable and answer.value is None


def test_two_clients_editing_the_same_answer_conflict_and_nothing_is_lost(cycle, jambi):
    first = make_user("operator.pagi", Role.OPERATOR, region=jambi, first_name="Pagi")
    second = make_user("operator.sore", Role.OPERATOR, region=jambi, first_name="Sore")
    browser_a, browser_b = Client(), Client()
    browser_a.force_login(first)
    browser_b.force_login(second)
    form = reverse("evaluations:submission_form", args=[2022, "15.71"])
    # Both open the form while nothing is answered (version 0).
    assert 'name="version" value="0"' in browser_a.get(form).content.decode()
    assert 'name="version" value="0"' in browser_b.get(form).content.decode()
    saved = autosave(browser_a, "ENV.WAS.01", {"value": "60", "version": "0"})
    assert saved.status_code == 200
    conflict = autosave(browser_b, "ENV.WAS.01", {"value": "90", "version": "0"})
    assert conflict.status_code == 409
    message = conflict.content.decode()
    assert "sudah diubah oleh Pagi" in message
    assert "Isian Anda belum disimpan" in message
    answer = Answer.objects.get()
    assert (answer.value, answer.version, answer.updated_by) == (Decimal(60), 1, first)
    # After reloading, the second browser starts from version 1 and may save.
    assert 'name="version" value="1"' in browser_b.get(form).content.decode()
    assert autosave(browser_b, "ENV.WAS.01", {"value": "90", "version": "1"}).status_code == 200
    assert Answer.objects.get().value == Decimal(90)


def test_autosave_of_an_invalid_value_says_why(client, operator, cycle):
    client.force_login(operator)
    response = autosave(client, "ENV.WAS.01", {"value": "150", "version": "0"})
    assert response.status_code == 422
    assert "harus antara 0 dan 100" in response.content.decode()
    assert not Answer.objects.exists()


def test_autosave_after_the_deadline_is_refused_with_the_deadline(client, operator, cycle):
    Cycle.objects.filter(pk=cycle.pk).update(
        submission_deadline=timezone.now() - timedelta(seconds=1)
    )
    client.force_login(operator)
    response = autosave(client, "GOV.SVC.01", {"value": "2", "version": "0"})
    assert response.status_code == 423
    assert "sudah lewat" in response.content.decode()
    assert not Answer.objects.exists()


def test_autosave_without_javascript_redirects_back_with_a_message(client, operator, cycle):
    client.force_login(operator)
    response = autosave(client, "GOV.SVC.01", {"value": "2", "version": "0"}, htmx=False)
    assert response.status_code == 302
    assert response["Location"].endswith(
        f"/evaluasi/penilaian/2022/15.71/#ind-{indicator(cycle, 'GOV.SVC.01').pk}"
    )
    assert Answer.objects.get().value == 2


def test_the_form_is_read_only_for_an_assessor_and_admin(client, admin_user, cycle, submission):
    client.force_login(admin_user)
    page = client.get(reverse("evaluations:submission_form", args=[2022, "15.71"])).content.decode()
    assert "Halaman ini hanya untuk dibaca." in page
    assert "hx-post" not in page
    assert "<fieldset disabled>" in page


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("id", "Batas waktu penilaian mandiri (1 Juli 2022 pukul 23.59 WIB) sudah lewat."),
        ("en", "The self-assessment deadline (1 July 2022, 23:59 WIB) has passed."),
    ],
)
def test_the_deadline_in_a_refusal_is_in_wib_and_the_readers_language(
    submission, operator, language, text
):
    deadline = datetime(2022, 7, 1, 16, 59, tzinfo=UTC)  # 23.59 in Jakarta
    Cycle.objects.filter(pk=submission.cycle_id).update(submission_deadline=deadline)
    submission.refresh_from_db()
    with (
        translation.override(language),
        timezone.override(ZoneInfo("UTC")),
        pytest.raises(Locked) as refused,
    ):
        locks.ensure_editable(submission)
    assert refused.value.message == text
