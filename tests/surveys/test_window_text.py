"""The survey window described for people: its times in WIB, in the reader's language."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from kotacerdas.surveys.models import SurveyWindow
from kotacerdas.surveys.services.window import describe
from tests.factories import make_cycle

# 1 October 2099, 08.00 and 28 November 2099, 23.59 in Jakarta.
STARTS = datetime(2099, 10, 1, 1, 0, tzinfo=UTC)
ENDS = datetime(2099, 11, 28, 16, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "id",
            "Survei dibuka pada 1 Oktober 2099 pukul 08.00 WIB sampai "
            "28 November 2099 pukul 23.59 WIB.",
        ),
        (
            "en",
            "The survey opens on 1 October 2099, 08:00 WIB and runs until "
            "28 November 2099, 23:59 WIB.",
        ),
    ],
)
def test_an_upcoming_window_says_when_in_wib(db, language, text):
    window = SurveyWindow.objects.create(cycle=make_cycle(2099), starts_at=STARTS, ends_at=ENDS)
    with translation.override(language), timezone.override(ZoneInfo("UTC")):
        assert describe(window) == text
