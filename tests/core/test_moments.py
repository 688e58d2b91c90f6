"""Moments for people (``core.moments``): Jakarta's clock and "WIB" in every language, the
convention of each language, whatever time zone the server happens to have active."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from kotacerdas.core.moments import in_wib, wib

# 28 November 2027, 21.04 in Jakarta (a Sunday).
MOMENT = datetime(2027, 11, 28, 14, 4, tzinfo=UTC)
ZONES = ["UTC", "America/New_York", "Asia/Jayapura", "Asia/Jakarta"]


@pytest.mark.parametrize(
    ("language", "form", "text"),
    [
        ("id", "long", "28 November 2027 pukul 21.04 WIB"),
        ("id", "short", "28-11-2027 21.04 WIB"),
        ("id", "day", "Minggu, 28 November 2027 pukul 21.04 WIB"),
        ("en", "long", "28 November 2027, 21:04 WIB"),
        ("en", "short", "28 Nov 2027, 21:04 WIB"),
        ("en", "day", "Sunday, 28 November 2027, 21:04 WIB"),
    ],
)
@pytest.mark.parametrize("zone", ZONES)
def test_a_moment_reads_in_wib_in_each_language_whatever_zone_is_active(language, form, text, zone):
    with translation.override(language), timezone.override(ZoneInfo(zone)):
        assert wib(MOMENT, form) == text


@pytest.mark.parametrize("zone", ZONES)
def test_the_servers_own_time_zone_does_not_matter_either(settings, zone):
    settings.TIME_ZONE = zone
    with translation.override("id"):
        assert wib(MOMENT) == "28 November 2027 pukul 21.04 WIB"


def test_the_day_may_change_with_the_zone():
    late = datetime(2027, 8, 31, 17, 30, tzinfo=UTC)  # 00.30 on 1 September in Jakarta
    with translation.override("id"):
        assert wib(late) == "1 September 2027 pukul 00.30 WIB"
        assert wib(late, "short") == "01-09-2027 00.30 WIB"
    with translation.override("en"):
        assert wib(late) == "1 September 2027, 00:30 WIB"
    assert in_wib(late) == datetime(2027, 9, 1, 0, 30, tzinfo=ZoneInfo("Asia/Jakarta"))


def test_month_names_are_djangos_translations():
    may = datetime(2027, 5, 2, 2, 0, tzinfo=UTC)
    with translation.override("id"):
        assert wib(may) == "2 Mei 2027 pukul 09.00 WIB"
    with translation.override("en"):
        assert wib(may) == "2 May 2027, 09:00 WIB"


def test_a_naive_datetime_or_an_unknown_form_is_refused():
    with pytest.raises(ValueError, match="naive"):
        wib(datetime(2027, 11, 28, 21, 4))
    with pytest.raises(ValueError, match="form"):
        wib(MOMENT, "medium")


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("id", "28 November 2027 pukul 21.04 WIB|28-11-2027 21.04 WIB|—"),
        ("en", "28 November 2027, 21:04 WIB|28 Nov 2027, 21:04 WIB|—"),
    ],
)
def test_the_template_filter_says_the_same(language, text):
    template = Template(
        '{% load moments %}{{ moment|wib }}|{{ moment|wib:"short" }}|{{ none|wib|default:"—" }}'
    )
    with translation.override(language), timezone.override(ZoneInfo("UTC")):
        assert template.render(Context({"moment": MOMENT, "none": None})) == text
