"""Numbers shown to people are rounded, not cut off, in both languages."""

import pytest
from django.utils import translation

from kotacerdas.core.numbers import localised, rounded
from kotacerdas.results import charts
from kotacerdas.results.templatetags import results as tags
from kotacerdas.surveys.templatetags import surveys as survey_tags


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (3.186, 2, "3.19"),
        (2.675, 2, "2.68"),
        (0.999, 1, "1.0"),
        (-0.125, 2, "-0.13"),
        (4, 2, "4.00"),
    ],
)
def test_rounded_is_half_away_from_zero_on_the_written_digits(value, digits, expected):
    assert str(rounded(value, digits)) == expected


def test_filters_round_in_the_active_language():
    with translation.override("id"):
        assert localised(3.186, 2) == "3,19"
        assert tags.num(3.186) == "3,19"
        assert tags.num(12.345) == "12,35"  # as written, though the float is 12.34499...
        assert tags.signed(0.249, 1) == "+0,2"
        assert tags.signed(-0.25, 1) == "−0,3"
        assert tags.percent(0.99999) == "100%"
        assert charts.fmt(3.186) == "3,19"
        assert survey_tags.mean_value(3.1886) == "3,19"
        assert survey_tags.share_percent(0.675) == "68%"
    with translation.override("en"):
        assert tags.num(3.186) == "3.19"
        assert tags.num(None) == "—"
