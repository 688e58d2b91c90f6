"""The daily limit per address and programme (``SURVEY_MAX_PER_DAY``) holds when two
submissions overlap: the slot is taken by one conditional update of a counter, so a second
submission that arrives between the first one's check and its insert is refused, not let
through. The overlap is made deterministic by running the second submission from inside the
first, at the moment the first is about to store its rows (same transaction, so the second sees
what the first has done so far, as a concurrent one sees it once the first commits)."""

import pytest

from kotacerdas.core.errors import ServiceError
from kotacerdas.evaluations.models import CycleState
from kotacerdas.surveys.models import SurveyDailyCount, SurveyResponse
from kotacerdas.surveys.services import submission
from tests.factories import make_cycle

from .builders import add_responses, make_quick_wins, open_window

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.9"
LIMIT_REACHED = "itu batas harian kami"


@pytest.fixture
def survey(jambi, settings):
    settings.SURVEY_MAX_PER_DAY = 3
    cycle = make_cycle(2030, CycleState.REVIEW)
    return open_window(cycle), make_quick_wins(jambi, 2030)


def answer(programme) -> list[submission.Answer]:
    return [submission.Answer(programme, True, True, 4)]


def stored(programme) -> int:
    return SurveyResponse.objects.filter(programme=programme).count()


def test_a_submission_that_overlaps_the_last_slot_is_refused(survey, jambi, monkeypatch):
    window, (mpp, *_rest) = survey
    for _ in range(2):  # one slot left
        submission.submit(window, jambi, answer(mpp), client_ip=ADDRESS)
    manager = SurveyResponse.objects
    real_bulk_create = manager.bulk_create
    overlapping = []

    def bulk_create_after_another_submission(rows, *args, **kwargs):
        # The first submission has passed every check and is about to store its rows; a
        # second one from the same address arrives now.
        if not overlapping:
            try:
                submission.submit(window, jambi, answer(mpp), client_ip=ADDRESS)
            except ServiceError as refusal:
                overlapping.append(str(refusal))
            else:
                overlapping.append("accepted")
        return real_bulk_create(rows, *args, **kwargs)

    monkeypatch.setattr(manager, "bulk_create", bulk_create_after_another_submission)
    first = submission.submit(window, jambi, answer(mpp), client_ip=ADDRESS)
    assert len(first) == 1
    (second,) = overlapping
    assert LIMIT_REACHED in second
    assert stored(mpp) == 3  # the limit, not one more
    mark = first[0].fingerprint
    assert SurveyDailyCount.objects.get(fingerprint=mark).responses == 3


def test_a_refused_submission_takes_no_slot(survey, jambi, settings):
    window, (mpp, sipin, _library) = survey
    settings.SURVEY_MAX_PER_DAY = 1
    submission.submit(window, jambi, answer(sipin), client_ip=ADDRESS)
    both = answer(mpp) + answer(sipin)  # sipin is at the limit: the whole submission is refused
    with pytest.raises(ServiceError, match=LIMIT_REACHED):
        submission.submit(window, jambi, both, client_ip=ADDRESS)
    assert stored(mpp) == 0
    assert submission.submit(window, jambi, answer(mpp), client_ip=ADDRESS)  # slot still free


def test_responses_stored_before_the_counter_existed_count(survey, jambi):
    window, (mpp, *_rest) = survey
    mark = submission.fingerprint(ADDRESS, mpp.pk, submission.day_of())
    earlier = add_responses(window, mpp, [(True, True, 4)] * 3)
    SurveyResponse.objects.filter(pk__in=[r.pk for r in earlier]).update(fingerprint=mark)
    assert not SurveyDailyCount.objects.exists()
    with pytest.raises(ServiceError, match=LIMIT_REACHED):
        submission.submit(window, jambi, answer(mpp), client_ip=ADDRESS)
    assert stored(mpp) == 3
