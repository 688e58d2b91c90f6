"""Moments as people read them: on Jakarta's clock (WIB), in the active language.

=========  ===============================  =================================
form       Bahasa Indonesia                 English
=========  ===============================  =================================
``long``   28 November 2027 pukul 21.04 WIB  28 November 2027, 21:04 WIB
``short``  28-11-2027 21.04 WIB             28 Nov 2027, 21:04 WIB
``day``    Minggu, 28 November 2027 pukul   Sunday, 28 November 2027, 21:04
           21.04 WIB                        WIB
=========  ===============================  =================================

The patterns are the locale's ``DATETIME_FORMAT`` and ``SHORT_DATETIME_FORMAT``
(``kotacerdas/formats``), month and day names Django's own translations: nothing here spells a
month. Every moment is converted to Asia/Jakarta first, whatever time zone is active, because the
text says "WIB". Python code that puts a time in a message calls :func:`wib`; templates use the
``wib`` filter (``{% load moments %}``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from django.utils import dateformat, timezone
from django.utils.formats import get_format

#: Western Indonesian Time, the zone every time on the platform is given in.
WIB = ZoneInfo("Asia/Jakarta")

Form = Literal["long", "short", "day"]
FORMS = frozenset({"long", "short", "day"})


def in_wib(moment: datetime) -> datetime:
    """``moment`` on Jakarta's clock. Refuses (ValueError) a naive datetime: its zone is unknown."""
    if timezone.is_naive(moment):
        raise ValueError("A naive datetime has no known time zone; give an aware one.")
    return moment.astimezone(WIB)


def wib(moment: datetime, form: Form = "long") -> str:
    """``moment`` written in the active language on Jakarta's clock, followed by "WIB" (the
    table in the module docstring). Refuses (ValueError) a naive datetime or an unknown form."""
    if form not in FORMS:
        raise ValueError(f"Unknown form {form!r}; use one of {sorted(FORMS)}.")
    pattern = get_format("SHORT_DATETIME_FORMAT" if form == "short" else "DATETIME_FORMAT")
    if form == "day":
        pattern = f"l, {pattern}"
    return f"{dateformat.format(in_wib(moment), pattern)} WIB"
