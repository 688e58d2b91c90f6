"""Evaluation routes, one module per area of work (each owned by its views module)."""

from . import urls_assessor, urls_calibration, urls_cycle, urls_operator

app_name = "evaluations"

urlpatterns = [
    *urls_cycle.urlpatterns,
    *urls_operator.urlpatterns,
    *urls_assessor.urlpatterns,
    *urls_calibration.urlpatterns,
]
