"""Views added by the integration pass: citing a programme for an indicator not answered yet.

It reuses the open cycle of the masterplan matrix (``matrix_50``), in which Kota Jambi has not
answered GOV.SVC.02."""

from .framework import OPERATOR_OWN, Case
from .matrix_50_masterplans import YEAR

CASES = [
    Case(
        "masterplans:cite_indicator",
        OPERATOR_OWN,
        method="post",
        htmx=True,
        kwargs=lambda w: {"year": YEAR, "code": w.own_region.code, "indicator": "GOV.SVC.02"},
        data=lambda w: {"programme": w.mp_public.pk},
    ),
    Case(
        "masterplans:cite_indicator",
        OPERATOR_OWN,
        method="post",
        kwargs=lambda w: {"year": YEAR, "code": w.own_region.code, "indicator": "GOV.SVC.01"},
        data=lambda w: {"programme": w.mp_public.pk},
        note="answered indicator, without htmx",
    ),
]
