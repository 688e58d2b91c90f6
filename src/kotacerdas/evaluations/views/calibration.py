"""Calibration rounds (``services.calibration``): the admin's pages under the cycle (rounds, a
round's cases with suggestions, open and close, the report on screen and as a workbook) and the
assessor's page of a round (score the cases blind while it is open; their result once closed).

Admins reach the admin pages, assessors the assessor page; everyone else gets 403 (or 404 for a
round that is not theirs to see).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from kotacerdas.core.errors import ServiceError
from kotacerdas.instruments.models import Indicator, IndicatorType

from ..models import Answer, CalibrationCase, CalibrationRound, CalibrationState, Cycle
from ..services import calibration
from .operator import refusal_status

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEVEL_CHOICES = [("", "—"), *[(str(level), str(level)) for level in calibration.LEVELS]]


class RoundForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Judul"), max_length=200)
    pass_threshold = forms.DecimalField(
        label=gettext_lazy("Ambang lulus (0–1)"),
        min_value=0,
        max_value=1,
        decimal_places=2,
        initial=calibration.DEFAULT_PASS_THRESHOLD,
    )


class CaseForm(forms.Form):
    """A case typed in by hand; ``indicator`` is a level indicator of the cycle's instrument."""

    indicator = forms.ModelChoiceField(
        label=gettext_lazy("Indikator"), queryset=Indicator.objects.none(), to_field_name="code"
    )
    situation = forms.CharField(
        label=gettext_lazy("Situasi (penjelasan seperti ditulis daerah)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=calibration.MAX_TEXT,
    )
    gold_level = forms.ChoiceField(
        label=gettext_lazy("Tingkat acuan"), choices=LEVEL_CHOICES, required=False
    )
    rationale = forms.CharField(
        label=gettext_lazy("Alasan tingkat acuan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=calibration.MAX_TEXT,
    )

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(
            instrument_id=cycle.instrument_id, type=IndicatorType.LEVEL
        )
        self.fields["indicator"].label_from_instance = lambda i: f"{i.code} {i.question[:80]}"


def _cycle(request: HttpRequest, year: int) -> Cycle:
    cycle = get_object_or_404(Cycle.objects.select_related("instrument"), year=year)
    if not request.user.has_perm("evaluations.manage_calibration", cycle):
        raise PermissionDenied
    return cycle


def _round(request: HttpRequest, year: int, pk: int) -> CalibrationRound:
    if not request.user.has_perm("evaluations.manage_calibration"):
        raise PermissionDenied
    return get_object_or_404(
        CalibrationRound.objects.select_related("cycle__instrument"), pk=pk, cycle__year=year
    )


def _case(calibration_round: CalibrationRound, case_pk: int) -> CalibrationCase:
    return get_object_or_404(
        CalibrationCase.objects.select_related("round__cycle", "indicator"),
        pk=case_pk,
        round=calibration_round,
    )


def round_url(calibration_round: CalibrationRound) -> str:
    return reverse(
        "evaluations:calibration_detail",
        kwargs={"year": calibration_round.cycle.year, "pk": calibration_round.pk},
    )


def _refused(request: HttpRequest, error: ServiceError) -> None:
    messages.error(request, str(error))


# --- Admin --------------------------------------------------------------------------------------


@login_required
@require_GET
def calibration_list(request: HttpRequest, year: int) -> HttpResponse:
    """The cycle's rounds, newest first, with a form for a new one."""
    cycle = _cycle(request, year)
    rounds = cycle.calibration_rounds.order_by("-created_at", "-pk")
    context = {"cycle": cycle, "rounds": rounds, "form": RoundForm()}
    return render(request, "evaluations/calibration/list.html", context)


@login_required
@require_POST
def calibration_create(request: HttpRequest, year: int) -> HttpResponse:
    """Create a draft round. Posted: ``title``, ``pass_threshold``."""
    cycle = _cycle(request, year)
    form = RoundForm(request.POST)
    if not form.is_valid():
        rounds = cycle.calibration_rounds.order_by("-created_at", "-pk")
        context = {"cycle": cycle, "rounds": rounds, "form": form}
        return render(request, "evaluations/calibration/list.html", context, status=422)
    try:
        created = calibration.create_round(
            cycle,
            form.cleaned_data["title"],
            pass_threshold=form.cleaned_data["pass_threshold"],
            by=request.user,
        )
    except ServiceError as error:
        _refused(request, error)
        return redirect("evaluations:calibration_list", year=cycle.year)
    messages.success(request, _("Putaran kalibrasi dibuat; tambahkan kasusnya."))
    return redirect(round_url(created))


@login_required
@require_GET
def calibration_detail(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """A round's cases (source region shown to the admin), the forms to add and edit them while
    a draft, suggestions from the previous published cycle (``?saran=N``), open and close."""
    calibration_round = _round(request, year, pk)
    cycle = calibration_round.cycle
    draft = calibration_round.state == CalibrationState.DRAFT
    wanted = request.GET.get("saran", "")
    suggestions = None
    if draft and wanted.isdigit():
        suggestions = calibration.suggest_cases(calibration_round, min(int(wanted), 30))
    cases = calibration_round.cases.select_related(
        "indicator", "source_answer__submission__region", "source_answer__submission__cycle"
    )
    context = {
        "cycle": cycle,
        "round": calibration_round,
        "cases": cases,
        "draft": draft,
        "form": CaseForm(cycle=cycle),
        "level_choices": LEVEL_CHOICES,
        "suggestions": suggestions,
        "source": calibration.previous_published(cycle) if draft else None,
        "scored": calibration_round.cases.filter(scores__isnull=False)
        .values("scores__assessor")
        .distinct()
        .count(),
    }
    return render(request, "evaluations/calibration/detail.html", context)


@login_required
@require_POST
def calibration_case_add(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """Add a case by hand. Posted: ``indicator`` (code), ``situation``, ``gold_level``,
    ``rationale``."""
    calibration_round = _round(request, year, pk)
    form = CaseForm(request.POST, cycle=calibration_round.cycle)
    if not form.is_valid():
        messages.error(request, _("Kasus tidak ditambahkan: pilih indikator dan isi situasinya."))
        return redirect(round_url(calibration_round))
    try:
        calibration.add_case(
            calibration_round,
            form.cleaned_data["indicator"],
            form.cleaned_data["situation"],
            gold_level=form.cleaned_data["gold_level"] or None,
            rationale=form.cleaned_data["rationale"],
            by=request.user,
        )
    except ServiceError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Kasus ditambahkan."))
    return redirect(round_url(calibration_round) + "#cases")


@login_required
@require_POST
def calibration_suggested_add(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """Add the chosen suggestions. Posted: ``answer`` (one or more answer ids); the gold level
    of each is its final value."""
    calibration_round = _round(request, year, pk)
    ids = [value for value in request.POST.getlist("answer") if value.isdigit()]
    answers = Answer.objects.filter(pk__in=ids).select_related(
        "submission__cycle", "submission__region__parent", "indicator"
    )
    added, refused = 0, []
    for answer in answers:
        try:
            calibration.case_from_answer(calibration_round, answer, by=request.user)
            added += 1
        except ServiceError as error:
            refused.append(f"{answer.indicator.code}: {error}")
    if added:
        messages.success(
            request,
            ngettext("%(n)d kasus ditambahkan.", "%(n)d kasus ditambahkan.", added) % {"n": added},
        )
    for line in refused:
        messages.error(request, line)
    if not added and not refused:
        messages.error(request, _("Pilih paling sedikit satu saran."))
    return redirect(round_url(calibration_round) + "#cases")


@login_required
@require_POST
def calibration_case_edit(request: HttpRequest, year: int, pk: int, case: int) -> HttpResponse:
    """Change a case's gold level and rationale while the round is a draft. Posted:
    ``gold_level``, ``rationale``."""
    calibration_round = _round(request, year, pk)
    item = _case(calibration_round, case)
    try:
        calibration.update_case(
            item,
            gold_level=request.POST.get("gold_level") or None,
            rationale=request.POST.get("rationale", ""),
            by=request.user,
        )
    except ServiceError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Kasus %(n)d tersimpan.") % {"n": item.order})
    return redirect(round_url(calibration_round) + f"#case-{item.pk}")


@login_required
@require_POST
def calibration_case_remove(request: HttpRequest, year: int, pk: int, case: int) -> HttpResponse:
    """Take a case out of a draft round."""
    calibration_round = _round(request, year, pk)
    item = _case(calibration_round, case)
    try:
        calibration.remove_case(item, by=request.user)
    except ServiceError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Kasus dihapus."))
    return redirect(round_url(calibration_round) + "#cases")


@login_required
@require_POST
def calibration_open(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    calibration_round = _round(request, year, pk)
    try:
        calibration.open_round(calibration_round, by=request.user)
    except ServiceError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Putaran kalibrasi dibuka; asesor dapat menilai kasusnya."))
    return redirect(round_url(calibration_round))


@login_required
@require_POST
def calibration_close(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    calibration_round = _round(request, year, pk)
    try:
        calibration.close_round(calibration_round, by=request.user)
    except ServiceError as error:
        _refused(request, error)
        return redirect(round_url(calibration_round))
    messages.success(request, _("Putaran kalibrasi ditutup."))
    return redirect("evaluations:calibration_report", year=year, pk=pk)


@login_required
@require_GET
def calibration_report(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """The report: assessors against the gold, the cases' spread, alpha."""
    calibration_round = _round(request, year, pk)
    report = calibration.report(calibration_round)
    context = {"cycle": calibration_round.cycle, "round": calibration_round, "report": report}
    return render(request, "evaluations/calibration/report.html", context)


@login_required
@require_GET
def calibration_report_xlsx(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    calibration_round = _round(request, year, pk)
    response = HttpResponse(
        calibration.to_xlsx(calibration.report(calibration_round)), content_type=XLSX
    )
    name = f"kalibrasi-{year}-{calibration_round.pk}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- Assessor -----------------------------------------------------------------------------------


def _taken(request: HttpRequest, pk: int) -> CalibrationRound:
    """An open or closed round for an assessor; 403 for anyone else, 404 for a draft."""
    if not request.user.has_perm("evaluations.take_calibration"):
        raise PermissionDenied
    calibration_round = get_object_or_404(CalibrationRound.objects.select_related("cycle"), pk=pk)
    if calibration_round.state == CalibrationState.DRAFT:
        raise Http404
    return calibration_round


@login_required
@require_GET
def calibration_take(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessor's round: each case with the rubric and their level (while open, without the
    gold); once closed, their result with the gold levels and rationales."""
    calibration_round = _taken(request, pk)
    rows = calibration.assessor_view(calibration_round, request.user)
    context = {
        "round": calibration_round,
        "cycle": calibration_round.cycle,
        "rows": rows,
        "open": calibration_round.state == CalibrationState.OPEN,
        "done": sum(1 for row in rows if row.score),
        "result": calibration.result_of(calibration_round, request.user),
        "level_choices": LEVEL_CHOICES[1:],
    }
    return render(request, "evaluations/calibration/take.html", context)


@login_required
@require_POST
def calibration_score(request: HttpRequest, pk: int, case: int) -> HttpResponse:
    """Save the assessor's level for one case (htmx: the case's status line; else a redirect).
    Posted: ``level``, ``note``."""
    calibration_round = _taken(request, pk)
    item = _case(calibration_round, case)
    back = reverse("evaluations:calibration_take", kwargs={"pk": pk}) + f"#case-{item.pk}"
    try:
        saved = calibration.score(
            item,
            level=request.POST.get("level"),
            note=request.POST.get("note", ""),
            by=request.user,
        )
    except ServiceError as error:
        if not request.htmx:
            _refused(request, error)
            return redirect(back)
        context = {"error": error}
        return render(
            request,
            "evaluations/calibration/_score_status.html",
            context,
            status=refusal_status(error),
        )
    if not request.htmx:
        messages.success(request, _("Penilaian kasus %(n)d tersimpan.") % {"n": item.order})
        return redirect(back)
    return render(request, "evaluations/calibration/_score_status.html", {"score": saved})
