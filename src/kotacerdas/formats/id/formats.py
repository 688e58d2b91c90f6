"""Indonesian formats: Django's own with times as 09.00, plus the ISO forms that HTML date inputs
send. Templates write a time with ``|time`` (TIME_FORMAT), never a hard-coded "H.i", and a moment
with ``|wib`` (``core.moments``: these patterns followed by "WIB")."""

from django.conf.locale.id.formats import *  # noqa: F403
from django.conf.locale.id.formats import DATE_INPUT_FORMATS as _DATE
from django.conf.locale.id.formats import DATETIME_INPUT_FORMATS as _DATETIME

DATE_FORMAT = "j F Y"
# "28 November 2027 pukul 21.04", as Indonesian writes a moment (core.moments adds "WIB").
DATETIME_FORMAT = r"j F Y \p\u\k\u\l H.i"
# The compact form of tables and exports: 28-11-2027 21.04.
SHORT_DATETIME_FORMAT = "d-m-Y H.i"
# Times with two-digit hours, as the ministry writes them (09.00 WIB); Django's own is "G.i".
TIME_FORMAT = "H.i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", *_DATE]
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", *_DATETIME]
