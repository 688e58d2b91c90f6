"""Numbers for people: rounded the way the reports and exports round, written in the active
locale. Django's ``number_format`` alone cuts extra digits off (3.186 → "3,18"), which would show a
published index lower than the PDF and the spreadsheet do."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format


def rounded(value, digits: int) -> Decimal:
    """``value`` rounded half away from zero to ``digits`` decimals, as the reports and exports
    round (3.186 → 3.19). Django's ``number_format`` alone cuts the digits off (3.186 → 3,18)."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-int(digits)), rounding=ROUND_HALF_UP)


def localised(value, digits: int, *, grouping: bool = False) -> str:
    """``value`` rounded to ``digits`` decimals and written in the active locale (3,19); with
    ``grouping``, thousands separated whatever the locale's default (1.234.567)."""
    return number_format(rounded(value, digits), int(digits), force_grouping=grouping)
