"""English formats: Django's own with 24-hour times (09:00, as the sessions in WIB are given),
day before month in moments (28 November 2027, 21:04), plus the ISO forms that HTML date inputs
send. A moment is written with ``|wib`` (``core.moments``: these patterns followed by "WIB")."""

from django.conf.locale.en.formats import *  # noqa: F403
from django.conf.locale.en.formats import DATE_INPUT_FORMATS as _DATE
from django.conf.locale.en.formats import DATETIME_INPUT_FORMATS as _DATETIME

TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
# The compact form of tables and exports: 28 Nov 2027, 21:04 (not Django's 11/28/2027 9:04 p.m.).
SHORT_DATETIME_FORMAT = "j M Y, H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", *_DATE]
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", *_DATETIME]
