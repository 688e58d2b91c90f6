"""The admin's cycle pages: list, create, settings, dashboard with transitions, enrolment,
reminders to regions that have not sent their self-assessment, returning a submission and
extending one region's deadline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kotacerdas.core.errors import ServiceError
from kotacerdas.core.moments import wib
from kotacerdas.regions.models import Region, RegionKind

from ..forms import (
    CancelExtensionForm,
    CycleCreateForm,
    CycleSettingsForm,
    EnrolCsvForm,
    EnrolPickForm,
    ExtensionForm,
    ReturnForm,
    TransitionForm,
)
from ..models import Assignment, Cycle, CycleState, Submission, SubmissionState
from ..services import cycles, enrolment, extensions, lifecycle, reminders, submissions
from .operator import form_url, get_submission

MAX_CANDIDATES = 600


def _require_admin(request: HttpRequest, cycle: Cycle | None = None) -> None:
    if not request.user.has_perm("evaluations.manage_cycle", cycle):
        raise PermissionDenied


def _cycle(request: HttpRequest, year: int) -> Cycle:
    cycle = get_object_or_404(Cycle.objects.select_related("instrument", "previous"), year=year)
    _require_admin(request, cycle)
    return cycle


def dashboard_url(cycle: Cycle) -> str:
    return reverse("evaluations:cycle_detail", kwargs={"year": cycle.year})


def _report_error(request: HttpRequest, error: ServiceError) -> None:
    messages.error(request, error.message)
    for detail in error.details:
        messages.warning(request, detail)


@login_required
@require_GET
def cycle_list(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    # Newest year first, stated here: a query with an aggregate does not use Meta.ordering.
    cycles_ = (
        Cycle.objects.select_related("instrument")
        .annotate(enrolled=Count("submissions", distinct=True))
        .order_by("-year")
    )
    return render(request, "evaluations/cycle/list.html", {"cycles": cycles_})


@login_required
@require_http_methods(["GET", "POST"])
def cycle_create(request: HttpRequest) -> HttpResponse:
    """Create a draft cycle from the default instrument or a copy of an earlier one.
    Fields: ``year``, ``name``, ``copy_from``."""
    _require_admin(request)
    form = CycleCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = cycles.create_cycle(
                form.cleaned_data["year"],
                form.cleaned_data["name"],
                copy_from=form.cleaned_data["copy_from"],
                by=request.user,
            )
        except ServiceError as error:
            form.add_error(None, error.message)
            for detail in error.details:
                form.add_error(None, detail)
        else:
            messages.success(request, _("Siklus %(cycle)s dibuat.") % {"cycle": cycle})
            return redirect(dashboard_url(cycle))
    return render(request, "evaluations/cycle/create.html", {"form": form})


@login_required
@require_GET
def cycle_detail(request: HttpRequest, year: int) -> HttpResponse:
    """The cycle's dashboard: state, the moves it can make with what is missing for each,
    and the enrolled regions with their submission state and progress."""
    cycle = _cycle(request, year)
    total = cycle.instrument.indicators.count()
    answered = submissions.answered_counts(cycle)
    assessors = dict(
        Assignment.objects.filter(cycle=cycle)
        .values_list("region_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    reminded = reminders.last_sent(cycle)
    enrolled = list(cycle.submissions.select_related("cycle", "region").order_by("region__code"))
    reachable = reminders.reachable_regions(submission.region_id for submission in enrolled)
    can_extend = cycle.state == CycleState.OPEN and request.user.has_perm(
        "evaluations.extend_deadline", None
    )
    rows = [
        {
            "submission": submission,
            "answered": answered.get(submission.pk, 0),
            "percent": round(100 * answered.get(submission.pk, 0) / total) if total else 0,
            "assessors": assessors.get(submission.region_id, 0),
            "reminded": reminded.get(submission.pk),
            "unreachable": submission.state == SubmissionState.DRAFT
            and submission.region_id not in reachable,
            "extended": extensions.is_extended(submission),
            "can_extend": can_extend and submission.state == SubmissionState.DRAFT,
        }
        for submission in enrolled
    ]
    states = dict.fromkeys(SubmissionState.values, 0)
    for row in rows:
        states[row["submission"].state] += 1
    transitions = [
        {
            "state": state,
            "label": CycleState(state).label,
            "backward": lifecycle.is_backward(cycle, state),
            "problems": lifecycle.check(cycle, state),
            "warnings": lifecycle.warnings(cycle, state),
        }
        for state in lifecycle.targets(cycle)
    ]
    context = {
        "cycle": cycle,
        "rows": rows,
        "total": total,
        "state_counts": [(SubmissionState(s).label, n) for s, n in states.items()],
        "transitions": transitions,
        "steps": [(value, label, value == cycle.state) for value, label in CycleState.choices],
        "can_unenrol": cycle.state == CycleState.DRAFT,
        "reminder_days": ", ".join(str(days) for days in reminders.steps()),
        "can_remind": cycle.state == CycleState.OPEN
        and request.user.has_perm("evaluations.send_reminders", cycle),
    }
    return render(request, "evaluations/cycle/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def cycle_settings(request: HttpRequest, year: int) -> HttpResponse:
    """The cycle's schedule and method settings (field names as on the Cycle model)."""
    cycle = _cycle(request, year)
    form = CycleSettingsForm(request.POST or None, instance=Cycle.objects.get(pk=cycle.pk))
    if request.method == "POST" and form.is_valid():
        try:
            cycles.update_settings(cycle, form.changes(), by=request.user)
        except ServiceError as error:
            form.add_error(None, error.message)
            for detail in error.details:
                form.add_error(None, detail)
        else:
            messages.success(request, _("Pengaturan siklus tersimpan."))
            return redirect(dashboard_url(cycle))
    return render(request, "evaluations/cycle/settings.html", {"cycle": cycle, "form": form})


@login_required
@require_POST
def cycle_transition(request: HttpRequest, year: int) -> HttpResponse:
    """Move the cycle to another state. Fields: ``to_state``, ``reason``, ``release_at``
    (publishing: when the public sees the results, Jakarta time; empty: at once)."""
    cycle = _cycle(request, year)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        if "release_at" in form.errors:
            messages.error(
                request,
                _("Waktu rilis tidak valid: isi tanggal dan jam (WIB), mis. 2023-01-20 10:00."),
            )
        else:
            messages.error(request, _("Tahap tujuan tidak dikenal."))
        return redirect(dashboard_url(cycle))
    try:
        cycle = lifecycle.transition(
            cycle,
            form.cleaned_data["to_state"],
            by=request.user,
            reason=form.cleaned_data["reason"],
            release_at=form.cleaned_data["release_at"],
        )
    except ServiceError as error:
        _report_error(request, error)
    else:
        messages.success(
            request,
            _("Siklus %(cycle)s sekarang pada tahap %(state)s.")
            % {"cycle": cycle, "state": cycle.get_state_display()},
        )
    return redirect(dashboard_url(cycle))


@login_required
@require_POST
def cycle_remind(request: HttpRequest, year: int) -> HttpResponse:
    """Remind every draft region of the open cycle now ("Kirim pengingat"), except those
    reminded manually in the last 24 hours and those without an operator to email. Fields:
    ``regions`` (codes; optional: only these drafts), ``back`` ("operations": return to the
    operations page, else the cycle page)."""
    cycle = get_object_or_404(Cycle, year=year)
    if not request.user.has_perm("evaluations.send_reminders", cycle):
        raise PermissionDenied
    back = (
        reverse("evaluations:cycle_operations", kwargs={"year": cycle.year})
        if request.POST.get("back") == "operations"
        else dashboard_url(cycle)
    )
    codes = request.POST.getlist("regions") or None
    try:
        report = reminders.remind_drafts(cycle, by=request.user, now=timezone.now(), codes=codes)
    except ServiceError as error:
        _report_error(request, error)
        return redirect(back)
    if report.sent:
        messages.success(
            request,
            ngettext(
                "Pengingat dikirim ke %(n)d daerah (%(people)d penerima).",
                "Pengingat dikirim ke %(n)d daerah (%(people)d penerima).",
                len(report.sent),
            )
            % {"n": len(report.sent), "people": sum(r.recipients for r in report.sent)},
        )
    elif not report.skipped:
        messages.info(request, _("Tidak ada daerah yang belum mengirim penilaian mandiri."))
    recent = [s for s in report.skipped if isinstance(s.error, reminders.RemindedRecently)]
    if recent:
        messages.info(
            request,
            ngettext(
                "%(n)d daerah sudah diingatkan dalam 24 jam terakhir dan dilewati: %(names)s.",
                "%(n)d daerah sudah diingatkan dalam 24 jam terakhir dan dilewati: %(names)s.",
                len(recent),
            )
            % {"n": len(recent), "names": ", ".join(s.submission.region.name for s in recent)},
        )
    for skipped in report.skipped:
        if skipped not in recent:
            messages.warning(request, skipped.error.message)
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def cycle_enrol(request: HttpRequest, year: int) -> HttpResponse:
    """Pick regions to enrol: search by name or code, kind and province (htmx), tick, enrol.
    GET filters: ``q``, ``kind``, ``province``. POST field: ``regions`` (codes)."""
    cycle = _cycle(request, year)
    if request.method == "POST":
        form = EnrolPickForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Pilih sedikitnya satu daerah."))
        else:
            try:
                report = enrolment.enrol(cycle, form.cleaned_data["regions"], by=request.user)
            except ServiceError as error:
                _report_error(request, error)
            else:
                _report_enrolment(request, report)
                return redirect(dashboard_url(cycle))
    query = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    province = request.GET.get("province", "")
    found = enrolment.candidates(cycle, query=query, kind=kind, province=province)
    context = {
        "cycle": cycle,
        "regions": found[:MAX_CANDIDATES],
        "count": found.count(),
        "limit": MAX_CANDIDATES,
        "query": query,
        "kind": kind,
        "province": province,
        "kinds": RegionKind.choices,
        "provinces": Region.objects.provinces(),
        "csv_form": EnrolCsvForm(),
    }
    template = (
        "evaluations/cycle/_candidates.html" if request.htmx else "evaluations/cycle/enrol.html"
    )
    return render(request, template, context)


@login_required
@require_POST
def cycle_enrol_csv(request: HttpRequest, year: int) -> HttpResponse:
    """Enrol the regions a CSV of codes lists; a file with any bad line writes nothing.
    Field: ``file``."""
    cycle = _cycle(request, year)
    form = EnrolCsvForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Pilih berkas CSV."))
        return redirect("evaluations:cycle_enrol", year=cycle.year)
    try:
        report = enrolment.enrol_csv(cycle, form.cleaned_data["file"].read(), by=request.user)
    except ServiceError as error:
        _report_error(request, error)
        return redirect("evaluations:cycle_enrol", year=cycle.year)
    _report_enrolment(request, report)
    return redirect(dashboard_url(cycle))


def _report_enrolment(request: HttpRequest, report: enrolment.EnrolmentReport) -> None:
    messages.success(request, _("%(n)d daerah didaftarkan.") % {"n": len(report.added)})
    for notice in report.notices:
        messages.info(request, notice)
    if report.already:
        messages.info(
            request,
            _("Sudah terdaftar sebelumnya: %(names)s.")
            % {"names": ", ".join(f"{r.name} ({r.code})" for r in report.already)},
        )


@login_required
@require_POST
def cycle_unenrol(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """Remove a region from a draft cycle."""
    cycle = _cycle(request, year)
    submission = get_submission(year, code)
    try:
        enrolment.unenrol(submission, by=request.user)
    except ServiceError as error:
        _report_error(request, error)
    else:
        messages.success(
            request,
            _("%(region)s dikeluarkan dari siklus.") % {"region": submission.region.name},
        )
    return redirect(dashboard_url(cycle))


@login_required
@require_POST
def submission_return(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """Return a submitted self-assessment to its region with a reason. Field: ``reason``."""
    cycle = _cycle(request, year)
    submission = get_submission(cycle.year, code)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Alasan pengembalian wajib diisi."))
        return redirect(form_url(submission))
    try:
        submissions.return_submission(
            submission, reason=form.cleaned_data["reason"], by=request.user
        )
    except ServiceError as error:
        _report_error(request, error)
    else:
        messages.success(
            request,
            _("Penilaian mandiri %(region)s dikembalikan.") % {"region": submission.region.name},
        )
    return redirect(form_url(submission))


def _extendable(request: HttpRequest, year: int, code: str) -> Submission:
    """The region's self-assessment in the cycle of ``year``, for a user who may extend its
    deadline (``evaluations.extend_deadline``), else 403 (404 when there is none)."""
    submission = get_submission(year, code)
    if not request.user.has_perm("evaluations.extend_deadline", submission):
        raise PermissionDenied
    return submission


@login_required
@require_http_methods(["GET", "POST"])
def submission_extension(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """Give one region a later self-assessment deadline, or move its extension; the page also
    shows the current extension and the form that cancels it. Fields: ``until`` (WIB),
    ``reason``."""
    submission = _extendable(request, year, code)
    form = ExtensionForm(request.POST or None, initial=_extension_initial(submission))
    if request.method == "POST" and form.is_valid():
        try:
            extended = extensions.extend_deadline(
                submission,
                form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Batas waktu %(region)s diperpanjang sampai %(when)s.")
                % {"region": extended.region.name, "when": wib(extended.deadline_extended_to)},
            )
            return redirect(dashboard_url(extended.cycle))
    context = {
        "cycle": submission.cycle,
        "submission": submission,
        "form": form,
        "cancel_form": CancelExtensionForm(),
        "refusal": extensions.refusal(submission),
        "extended": extensions.is_extended(submission),
        "effective": extensions.effective_deadline(submission),
    }
    return render(request, "evaluations/cycle/extension.html", context)


def _extension_initial(submission: Submission) -> dict:
    if submission.deadline_extended_to is None:
        return {}
    return {"until": submission.deadline_extended_to, "reason": submission.extension_reason}


@login_required
@require_POST
def submission_extension_cancel(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """Cancel the region's extension: the cycle's deadline binds it again. Field: ``reason``."""
    submission = _extendable(request, year, code)
    form = CancelExtensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Alasan pembatalan wajib diisi."))
        return redirect("evaluations:submission_extension", year=year, code=code)
    try:
        extensions.cancel_extension(submission, reason=form.cleaned_data["reason"], by=request.user)
    except ServiceError as error:
        _report_error(request, error)
        return redirect("evaluations:submission_extension", year=year, code=code)
    messages.success(
        request,
        _("Perpanjangan batas waktu %(region)s dibatalkan.") % {"region": submission.region.name},
    )
    return redirect(dashboard_url(submission.cycle))
