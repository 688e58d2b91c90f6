"""Every report of a published cycle in one zip, built by a background task.

``start`` records a job and enqueues ``build_reports`` (django-tasks; the worker is
``kotacerdas db_worker``). The task writes, for every evaluated region, its report card (with
the assessors' notes: the zip goes to the ministry, which sends it on to each region) and its
result letter, then the national summary, into one zip in the default storage, saving its
progress (``done`` of ``total``) as it goes so the admin's page can show it. ``build_zip`` is the
same work without a job, for the command line.
"""

from __future__ import annotations

import logging
import multiprocessing
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from kotacerdas.accounts.predicates import is_admin
from kotacerdas.core import jobs
from kotacerdas.core.errors import ServiceError
from kotacerdas.regions.models import Region
from kotacerdas.results.models import RegionResult, Snapshot

from .. import workers as report_workers
from ..choices import JobState
from ..models import ReportJob
from . import documents

log = logging.getLogger(__name__)
PROGRESS_EVERY = 10  # save the job's progress every N documents


def zip_name(snapshot: Snapshot) -> str:
    return f"laporan-{snapshot.cycle.year}-v{snapshot.version}.zip"


def region_codes(snapshot: Snapshot) -> list[str]:
    return list(
        RegionResult.objects.filter(snapshot=snapshot)
        .order_by("region__code")
        .values_list("region__code", flat=True)
    )


def region_documents(snapshot_id: int, code: str) -> tuple[str, bytes, bytes]:
    """(code, report card with the assessors' notes, letter) of one region of a snapshot."""
    snapshot = Snapshot.objects.select_related("cycle").get(pk=snapshot_id)
    region = Region.objects.select_related("parent").get(code=code)
    return (
        code,
        documents.report_card(snapshot, region, include_notes=True),
        documents.letter(snapshot, region),
    )


def _rendered(
    snapshot: Snapshot, codes: list[str], workers: int
) -> Iterator[tuple[str, bytes, bytes]]:
    """The documents of every region in ``codes`` order, rendered in ``workers`` processes.

    Spawned (not forked) processes: the parent may already run vl-convert's JavaScript runtime,
    whose threads a fork would not carry over. One process renders in this one.
    """
    if workers <= 1:
        for code in codes:
            yield region_documents(snapshot.pk, code)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=report_workers.start) as pool:
        yield from pool.map(report_workers.render, repeat(snapshot.pk), codes, chunksize=4)


def build_zip(
    snapshot: Snapshot,
    target: Path,
    progress: Callable[[int], None] | None = None,
    *,
    workers: int | None = None,
) -> int:
    """Write every report card (with the assessors' notes), every letter and the national summary
    of ``snapshot`` to the zip ``target``; return the number of documents. ``progress(done)`` is
    called as documents are written. ``workers`` processes render the regions' documents
    (default ``settings.KOTACERDAS_REPORT_WORKERS``)."""
    workers = settings.KOTACERDAS_REPORT_WORKERS if workers is None else workers
    year = snapshot.cycle.year
    done = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for code, card, letter in _rendered(snapshot, region_codes(snapshot), workers):
            archive.writestr(f"rapor/{code}-rapor-{year}.pdf", card)
            archive.writestr(f"surat/{code}-surat-{year}.pdf", letter)
            done += 2
            if progress:
                progress(done)
        archive.writestr(f"laporan-nasional-{year}.pdf", documents.national(snapshot))
        done += 1
        if progress:
            progress(done)
    return done


def start(snapshot: Snapshot, *, by) -> ReportJob:
    """Record a job for ``snapshot`` and enqueue it (after the transaction commits).

    Guarantees: admins only (PermissionDenied); the snapshot must be published (ServiceError);
    at most one unfinished job per snapshot (ServiceError names it).
    """
    if not is_admin(by):
        raise PermissionDenied(_("Hanya admin yang dapat membuat seluruh laporan."))
    if not snapshot.is_published:
        raise ServiceError(_("Laporan hanya dibuat dari hasil yang sudah dipublikasikan."))
    with transaction.atomic():
        Snapshot.objects.select_for_update().get(pk=snapshot.pk)
        active = ReportJob.objects.filter(snapshot=snapshot, state__in=jobs.ACTIVE).first()
        if active is not None:
            raise ServiceError(
                _("Pembuatan laporan sedang berjalan (%(done)s dari %(total)s dokumen).")
                % {"done": active.done, "total": active.total}
            )
        total = 2 * snapshot.regions.count() + 1
        job = ReportJob.objects.create(snapshot=snapshot, total=total, created_by=by)
        transaction.on_commit(lambda: build_reports.enqueue(job.pk))
    return job


@task()
def build_reports(job_id: int) -> None:
    """The background task: build the job's zip (see the module docstring)."""
    run(job_id)


def run(job_id: int) -> None:
    """Build the zip of a queued job, once (``jobs.claim``: a second call does nothing); a
    failure is recorded on the job, never half a file. Progress touches ``updated_at``, so a job
    whose worker died shows as stalled."""
    if not jobs.claim(ReportJob, job_id):
        return
    job = ReportJob.objects.select_related("snapshot", "snapshot__cycle").get(pk=job_id)

    def progress(done: int) -> None:
        if done % PROGRESS_EVERY < 2 or done == job.total:
            ReportJob.objects.filter(pk=job.pk).update(done=done, updated_at=timezone.now())

    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / zip_name(job.snapshot)
            done = build_zip(job.snapshot, path, progress)
            with path.open("rb") as handle:
                job.file.save(path.name, File(handle), save=False)
    except Exception as error:
        log.exception("report job %s failed", job.pk)
        jobs.finish(ReportJob, job.pk, JobState.FAILED, str(error))
        return
    jobs.finish(ReportJob, job.pk, JobState.DONE, done=done, file=job.file.name)
