"""English formats: Django's own with 24-hour times (09:00, as the sessions in WIB are given),
plus the ISO forms that HTML date inputs send."""

from django.conf.locale.en.formats import *  # noqa: F403
from django.conf.locale.en.formats import DATE_INPUT_FORMATS as _DATE
from django.conf.locale.en.formats import DATETIME_INPUT_FORMATS as _DATETIME

TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", *_DATE]
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", *_DATETIME]
