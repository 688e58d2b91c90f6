"""Indonesian formats: Django's own, plus the ISO forms that HTML date inputs send."""

from django.conf.locale.id.formats import *  # noqa: F403
from django.conf.locale.id.formats import DATE_INPUT_FORMATS as _DATE
from django.conf.locale.id.formats import DATETIME_INPUT_FORMATS as _DATETIME

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H.i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", *_DATE]
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", *_DATETIME]
