"""An assessor's scores: validation by type, optimistic locking, locks by cycle state."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from kotacerdas.accounts.roles import Role
from kotacerdas.core.errors import Locked, ServiceError, StaleVersion
from kotacerdas.evaluations.models import CycleState, Score
from kotacerdas.evaluations.services import scoring
from tests.conftest import make_user
from tests.factories import assign, enrol, make_cycle


@pytest.fixture
def cycle(jambi):
    cycle = make_cycle(state=CycleState.REVIEW)
    enrol(cycle, jambi)
    return cycle


@pytest.fixture
def assignment(cycle, jambi, assessor):
    return assign(cycle, jambi, assessor)[0]


def indicator(cycle, code):
    return cycle.instrument.indicators.get(code=code)


def save(assignment, code, value, *, version=0, by=None, **extra):
    return scoring.save_score(
        assignment,
        indicator(assignment.cycle, code),
        value=None if value is None else Decimal(value),
        version=version,
        by=by or assignment.assessor,
        **extra,
    )


def test_it_saves_a_score_with_a_note_and_bumps_the_version(assignment):
    score = save(
        assignment, "GOV.SVC.01", "3", note="MPP melayani 12 instansi", evidence_missing=True
    )
    assert (score.value, score.version, score.evidence_missing) == (Decimal(3), 1, True)
    score = save(assignment, "GOV.SVC.01", "4", version=1, note="Setelah wawancara")
    assert (score.value, score.version, score.note) == (Decimal(4), 2, "Setelah wawancara")
    # An identical save writes nothing new.
    assert save(assignment, "GOV.SVC.01", "4", version=2, note="Setelah wawancara").version == 2
    assert score.history.count() == 2


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("GOV.SVC.01", "6", "antara 0 dan 5"),
        ("GOV.SVC.01", "2.5", "bilangan bulat"),
        ("GOV.SVC.02", "2", "bilangan bulat 0–1|antara 0 dan 1"),
        ("ENV.WAS.01", "100.5", "antara 0 dan 100"),
        ("ENV.WAS.01", "-1", "antara 0 dan 100"),
    ],
)
def test_values_must_fit_the_indicator_type(assignment, code, value, message):
    with pytest.raises(ServiceError, match=message):
        save(assignment, code, value)
    assert not Score.objects.exists()


def test_numbers_and_percentages_take_decimals(assignment):
    assert save(assignment, "ENV.WAS.01", "72.5").value == Decimal("72.5")
    assert save(assignment, "ENV.WAS.02", "431.25").value == Decimal("431.25")


def test_not_applicable_only_where_allowed(assignment):
    with pytest.raises(ServiceError, match="tidak berlaku"):
        save(assignment, "GOV.SVC.01", None, not_applicable=True)
    score = save(assignment, "GOV.SVC.02", None, not_applicable=True)
    assert score.not_applicable and score.value is None


def test_a_stale_save_is_refused_and_nothing_is_lost(assignment):
    save(assignment, "GOV.SVC.01", "3", note="jendela pertama")
    save(assignment, "GOV.SVC.01", "4", version=1, note="jendela kedua")
    with pytest.raises(StaleVersion, match=r"GOV.SVC.01.*tidak disimpan"):
        save(assignment, "GOV.SVC.01", "1", version=1, note="jendela pertama lagi")
    score = Score.objects.get()
    assert (score.value, score.note, score.version) == (Decimal(4), "jendela kedua", 2)
    # A "first" save when a score already exists is stale too.
    with pytest.raises(StaleVersion):
        save(assignment, "GOV.SVC.01", "2", version=0)


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (CycleState.OPEN, "dimulai saat siklus masuk tahap Penilaian asesor"),
        (CycleState.MODERATION, "Moderasi siklus .* sudah dimulai"),
        (CycleState.FINAL, "Moderasi siklus .* sudah dimulai"),
        (CycleState.PUBLISHED, "tidak ada lagi yang dapat diubah"),
        (CycleState.ARCHIVED, "tidak ada lagi yang dapat diubah"),
    ],
)
def test_scores_are_locked_outside_review(assignment, state, message):
    save(assignment, "GOV.SVC.01", "3")
    assignment.cycle.state = state
    assignment.cycle.save()
    with pytest.raises(Locked, match=message):
        save(assignment, "GOV.SVC.01", "5", version=1)
    with pytest.raises(Locked):
        scoring.save_judgement(
            assignment,
            weaknesses="x",
            strengths="",
            recommendations="",
            interview_notes="",
            by=assignment.assessor,
        )
    assert Score.objects.get().value == Decimal(3)


def test_only_the_assigned_assessor_scores(assignment, admin_user, operator):
    stranger = make_user("asesor.lain", Role.ASSESSOR)
    for user in (stranger, admin_user, operator):
        with pytest.raises(PermissionDenied):
            save(assignment, "GOV.SVC.01", "3", by=user)
    assert not Score.objects.exists()


def test_an_indicator_of_another_instrument_is_refused(assignment):
    other = make_cycle(year=2021)
    with pytest.raises(ServiceError, match="bukan bagian"):
        scoring.save_score(
            assignment,
            other.instrument.indicators.first(),
            value=Decimal(1),
            version=0,
            by=assignment.assessor,
        )


def test_judgement_and_interview_notes_are_kept_with_the_assignment(assignment):
    saved = scoring.save_judgement(
        assignment,
        weaknesses="- Belum ada forum smart city rutin\n\nAnggaran TIK kecil ",
        strengths="Perda Kota Jambi No. 1 Tahun 2019",
        recommendations="Bentuk Dewan Smart City",
        interview_notes="Sesi 3 Oktober 2022, dihadiri Sekda.",
        by=assignment.assessor,
    )
    assert scoring.items(saved.weaknesses) == [
        "Belum ada forum smart city rutin",
        "Anggaran TIK kecil",
    ]
    assert saved.interview_notes == "Sesi 3 Oktober 2022, dihadiri Sekda."


def test_progress_and_mark_complete(assignment):
    assert scoring.progress(assignment).done == 0
    save(assignment, "GOV.SVC.01", "3")
    save(assignment, "GOV.SVC.02", None, not_applicable=True)
    with pytest.raises(ServiceError) as refused:
        scoring.mark_complete(assignment, by=assignment.assessor)
    assert refused.value.details == ["ENV.WAS.01", "ENV.WAS.02"]
    save(assignment, "ENV.WAS.01", "80")
    save(assignment, "ENV.WAS.02", "120")
    progress = scoring.progress(assignment)
    assert (progress.done, progress.total, progress.percent) == (4, 4, 100)
    done = scoring.mark_complete(assignment, by=assignment.assessor)
    assert done.completed_at is not None
    by_dimension = {d.code: p.done for d, p in scoring.dimension_progress(assignment)}
    assert by_dimension == {"GOV": 2, "ENV": 2}
    # Emptying a score makes the review incomplete again.
    save(assignment, "ENV.WAS.02", None, version=1)
    done.refresh_from_db()
    assert done.completed_at is None


@pytest.mark.parametrize(
    ("code", "value", "expected"),
    [
        ("GOV.SVC.01", "3", "60"),
        ("GOV.SVC.02", "1", "100"),
        ("ENV.WAS.01", "72.5", "72.5"),
        ("ENV.WAS.02", "250", "75"),  # lower is better, goalposts 0–1000
        ("ENV.WAS.02", "1500", "0"),  # clamped
    ],
)
def test_normalise_follows_the_index_method(cycle, code, value, expected):
    assert scoring.normalise(indicator(cycle, code), Decimal(value)) == Decimal(expected)
