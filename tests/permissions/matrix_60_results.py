"""Results and reports: public pages of a published cycle, the admin's dashboard and actions,
the operator's own results, PDFs and the batch of reports."""

from datetime import timedelta

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone

from kotacerdas.reports.choices import JobState
from kotacerdas.reports.models import ReportJob
from kotacerdas.results.models import Snapshot
from tests.results.builders import publish_cycle

from .framework import ADMIN_ONLY, EVERYONE, Case

OPERATORS = frozenset({"operator_own", "operator_other"})
REGION_AND_ADMIN = frozenset({"admin", "operator_own"})
YEAR = 2019
EMBARGOED = 2018  # published, released only tomorrow: admins preview it, nobody else sees it


def build(world):
    """A published cycle (2019) with stored results for both regions of the world, and a
    finished report job. The cache is emptied first: results pages remember the current
    snapshot of a year, and each case's snapshot is new."""
    cache.clear()
    snapshot = publish_cycle(YEAR, {world.own_region.code: 66.0, world.other_region.code: 72.0})
    job = ReportJob.objects.create(snapshot=snapshot, total=5, done=5, state=JobState.DONE)
    job.file.save("laporan-matriks.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
    world.objects["results_year"] = YEAR
    embargoed = publish_cycle(
        EMBARGOED, {world.own_region.code: 60.0, world.other_region.code: 70.0}
    )
    Snapshot.objects.filter(pk=embargoed.pk).update(released_at=timezone.now() + timedelta(days=1))
    world.objects["embargoed_year"] = EMBARGOED
    world.objects["report_job"] = job


def _year(w):
    return {"year": w.results_year}


def _region(w):
    return {"year": w.results_year, "code": w.own_region.code}


def _embargoed(w):
    return {"year": w.embargoed_year}


def _embargoed_region(w):
    return {"year": w.embargoed_year, "code": w.own_region.code}


EMBARGO = "under embargo: admins preview, everyone else 404"


CASES = [
    # Public pages and downloads of a published cycle
    Case("results:index", EVERYONE),
    Case("results:ranking", EVERYONE, kwargs=_year),
    Case(
        "results:ranking",
        EVERYONE,
        kwargs=_year,
        htmx=True,
        query=lambda w: {"province": "15"},
        note="htmx filter",
    ),
    Case("results:profile", EVERYONE, kwargs=_region),
    Case("results:methodology", EVERYONE, kwargs=_year),
    Case("results:map", EVERYONE, kwargs=_year),
    Case("results:boundaries", EVERYONE, kwargs=lambda w: {"level": "provinsi"}),
    Case("results:export", EVERYONE, kwargs=lambda w: {"year": w.results_year, "fmt": "csv"}),
    Case(
        "results:region_export",
        EVERYONE,
        kwargs=lambda w: {"year": w.results_year, "code": w.own_region.code, "fmt": "json"},
    ),
    Case("results:data_package", EVERYONE, kwargs=_year),
    Case("reports:report_card", EVERYONE, kwargs=_region),
    Case("reports:national", EVERYONE, kwargs=_year),
    # A cycle under embargo: only admins see it before its release time
    Case("results:ranking", ADMIN_ONLY, kwargs=_embargoed, note=EMBARGO),
    Case("results:profile", ADMIN_ONLY, kwargs=_embargoed_region, note=EMBARGO),
    Case("results:methodology", ADMIN_ONLY, kwargs=_embargoed, note=EMBARGO),
    Case("results:map", ADMIN_ONLY, kwargs=_embargoed, note=EMBARGO),
    Case(
        "results:export",
        ADMIN_ONLY,
        kwargs=lambda w: {"year": w.embargoed_year, "fmt": "xlsx"},
        note=EMBARGO,
    ),
    Case(
        "results:region_export",
        ADMIN_ONLY,
        kwargs=lambda w: {"year": w.embargoed_year, "code": w.own_region.code, "fmt": "csv"},
        note=EMBARGO,
    ),
    Case("results:data_package", ADMIN_ONLY, kwargs=_embargoed, note=EMBARGO),
    Case("reports:report_card", ADMIN_ONLY, kwargs=_embargoed_region, note=EMBARGO),
    Case("reports:national", ADMIN_ONLY, kwargs=_embargoed, note=EMBARGO),
    Case("reports:letter", ADMIN_ONLY, kwargs=_embargoed_region, note=EMBARGO),
    # The region's own letter
    Case("reports:letter", REGION_AND_ADMIN, kwargs=_region),
    # The operator's own results
    Case("results:my_results", OPERATORS),
    # The admin's dashboard and actions
    Case("results:manage", ADMIN_ONLY),
    # The reliability report across cycles (and its workbook): admins only, whatever is published
    Case("results:reliability", ADMIN_ONLY),
    Case("results:reliability_xlsx", ADMIN_ONLY),
    # The statistical audit of one cycle's index (and its workbook): admins only
    Case("results:audit", ADMIN_ONLY),
    Case("results:audit", ADMIN_ONLY, query=lambda w: {"tahun": w.results_year}, note="a cycle"),
    Case("results:audit_xlsx", ADMIN_ONLY, query=lambda w: {"tahun": w.results_year}),
    Case("results:dashboard", ADMIN_ONLY, kwargs=_year),
    Case("results:preview", ADMIN_ONLY, kwargs=_year),
    Case(
        "results:compute",
        ADMIN_ONLY,
        method="post",
        kwargs=_year,
        data=lambda w: {"samples": 100},
        note="refused for a published cycle, with a message",
    ),
    Case(
        "results:republish",
        ADMIN_ONLY,
        method="post",
        kwargs=_year,
        data=lambda w: {"reason": ""},
        note="invalid form: back to the dashboard",
    ),
    Case(
        "results:computation",
        ADMIN_ONLY,
        kwargs=_year,
        htmx=True,
        note="htmx poll: no computation running, the page reloads",
    ),
    Case("results:computation", ADMIN_ONLY, kwargs=_year, note="without htmx: the dashboard"),
    Case(
        "results:computation_restart",
        ADMIN_ONLY,
        method="post",
        kwargs=_year,
        note="no computation to restart: back to the dashboard with a message",
    ),
    Case(
        "reports:batch_start",
        ADMIN_ONLY,
        method="post",
        kwargs=_year,
        note="a job is already done: starts another",
    ),
    Case(
        "reports:batch_status",
        ADMIN_ONLY,
        kwargs=lambda w: {"year": w.results_year, "job": w.report_job.pk},
    ),
    Case(
        "reports:batch_download",
        ADMIN_ONLY,
        kwargs=lambda w: {"year": w.results_year, "job": w.report_job.pk},
    ),
]
