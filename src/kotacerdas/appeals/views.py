"""Pages of the right of reply: the list (per role), the admin's register and window, a region's
appeal (its provisional result, items, evidence, submission and the decisions), and the
evidence download. Views parse input, check the rule, call one service and redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kotacerdas.accounts.predicates import is_admin
from kotacerdas.core import texts
from kotacerdas.core.errors import ServiceError
from kotacerdas.core.forms import error_text
from kotacerdas.core.moments import in_wib, wib
from kotacerdas.core.uploads import stored_file_response
from kotacerdas.evaluations.models import Cycle, CycleState, Submission
from kotacerdas.evaluations.services.answers import parse_value
from kotacerdas.instruments.models import Indicator
from kotacerdas.regions.models import Region
from kotacerdas.results.services import published

from .choices import EvidenceKind
from .forms import DecisionForm, EvidenceFileForm, EvidenceLinkForm, ItemForm, WindowForm
from .models import Appeal, AppealEvidence, AppealItem, AppealWindow
from .services import decisions, filing, register, window


def _cycle(year: int) -> Cycle:
    return get_object_or_404(Cycle.objects.select_related("instrument"), year=year)


def _require_admin(request: HttpRequest, cycle: Cycle | None = None) -> None:
    if not request.user.has_perm("appeals.decide", cycle):
        raise PermissionDenied


def region_url(cycle: Cycle, region: Region) -> str:
    return reverse("appeals:region", kwargs={"year": cycle.year, "code": region.code})


def register_url(cycle: Cycle) -> str:
    return reverse("appeals:register", kwargs={"year": cycle.year})


def _region_and_appeal(
    request: HttpRequest, year: int, code: str
) -> tuple[Cycle, Region, Appeal | None]:
    """The cycle, region and appeal of a region page, or 404 unless the user may read it: the
    region's operator, an admin, or an assessor assigned to the region in that cycle."""
    cycle = _cycle(year)
    region = get_object_or_404(Region, code=code)
    submission = Submission.objects.filter(cycle=cycle, region=region).first()
    if not request.user.has_perm(
        "appeals.view_region", submission or Submission(cycle=cycle, region=region)
    ):
        raise Http404
    appeal = Appeal.objects.filter(cycle=cycle, region=region).first()
    return cycle, region, appeal


def _filing(request: HttpRequest, year: int, code: str) -> tuple[Cycle, Region, Appeal | None]:
    cycle, region, appeal = _region_and_appeal(request, year, code)
    if not request.user.has_perm("appeals.file_appeal", region):
        raise PermissionDenied
    return cycle, region, appeal


def _item(appeal: Appeal | None, indicator: str) -> AppealItem:
    if appeal is None:
        raise Http404
    return get_object_or_404(
        AppealItem.objects.select_related("appeal__cycle", "appeal__region", "indicator"),
        appeal=appeal,
        indicator__code=indicator,
    )


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Admins: cycles that are final or later, with their window and appeals. Operators and
    assessors: the appeals they may read, and for operators the cycles open for appeal."""
    user = request.user
    cycles = []
    if is_admin(user):
        cycles = list(
            Cycle.objects.filter(
                state__in=[CycleState.FINAL, CycleState.PUBLISHED, CycleState.ARCHIVED]
            ).order_by("-year")
        )
    open_windows = []
    if user.has_perm("appeals.file_appeal", getattr(user, "region", None)):
        open_windows = [
            item
            for item in AppealWindow.objects.select_related("cycle").filter(
                cycle__state=CycleState.FINAL, cycle__submissions__region_id=user.region_id
            )
            if item.is_open()
        ]
    windows = {item.cycle_id: item for item in AppealWindow.objects.filter(cycle__in=cycles)}
    context = {
        "cycles": [(cycle, windows.get(cycle.pk)) for cycle in cycles],
        "appeals": register.visible_appeals(user),
        "open_windows": open_windows,
    }
    return render(request, "appeals/home.html", context)


@login_required
@require_GET
def register_page(request: HttpRequest, year: int) -> HttpResponse:
    """The register of a cycle (admins): the window, every appeal with its items, decisions and
    effect, and what still blocks publication."""
    cycle = _cycle(year)
    _require_admin(request, cycle)
    current = window.window_of(cycle)
    initial = {}
    if current is not None:
        local = in_wib(current.deadline)
        initial = {"date": local.date(), "time": local.time()}
    context = {
        "cycle": cycle,
        "window": current,
        "window_form": WindowForm(initial=initial),
        "appeals": register.cycle_appeals(cycle),
        "blocking": register.appeals_settled(cycle),
    }
    return render(request, "appeals/register.html", context)


@login_required
@require_POST
def window_open(request: HttpRequest, year: int) -> HttpResponse:
    """Open the window or move its deadline. Fields: ``date``, ``time`` (WIB)."""
    cycle = _cycle(year)
    _require_admin(request, cycle)
    form = WindowForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return redirect(register_url(cycle))
    try:
        opened = window.open_window(cycle, deadline=form.deadline, by=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Masa sanggah dibuka sampai %(when)s.") % {"when": wib(opened.deadline)},
        )
    return redirect(register_url(cycle))


@login_required
@require_POST
def window_close(request: HttpRequest, year: int) -> HttpResponse:
    """Close the window now."""
    cycle = _cycle(year)
    _require_admin(request, cycle)
    try:
        window.close_window(cycle, by=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Masa sanggah ditutup."))
    return redirect(register_url(cycle))


@login_required
@require_GET
def region_page(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """A region's appeal: its provisional result (once the window has opened; after publication
    the released version only, ``filing.shown_result``), its items with
    evidence and decisions; the filing forms for its operator while the appeal is a draft and
    the window open; the decision forms for admins."""
    cycle, region, appeal = _region_and_appeal(request, year, code)
    user = request.user
    current = window.window_of(cycle)
    may_file = user.has_perm("appeals.file_appeal", region)
    result = None
    if current is not None or is_admin(user) or appeal is not None:
        # Provisional before publication; after it only the released version (admins: preview).
        result = filing.shown_result(cycle, region, preview=is_admin(user))
    # Published but not released (to this reader): say when, show no figures.
    release_at = (
        published.next_release(cycle.year)
        if result is None and cycle.state in published.PUBLIC_STATES
        else None
    )
    items = list(
        appeal.items.select_related(
            "indicator", "decided_by", "snapshot_before", "snapshot_after"
        ).prefetch_related("evidence")
        if appeal is not None
        else []
    )
    indicators = [
        (row["code"], texts.in_reader_language(row, "question"))
        for row in Indicator.objects.filter(instrument_id=cycle.instrument_id)
        .order_by("element__dimension__order", "element__order", "order")
        .values("code", "question", "question_en")
    ]
    editable = (
        may_file
        and current is not None
        and current.is_open()
        and (appeal is None or appeal.is_draft)
        and result is not None
    )
    context = {
        "cycle": cycle,
        "region": region,
        "appeal": appeal,
        "items": items,
        "window": current,
        "result": result,
        "release_at": release_at,
        "values": _values(result),
        "editable": editable,
        "may_decide": is_admin(user) and cycle.state == CycleState.FINAL,
        "item_form": ItemForm(indicators=indicators),
        "file_form": EvidenceFileForm(),
        "link_form": EvidenceLinkForm(),
        "decision_form": DecisionForm(),
    }
    return render(request, "appeals/region.html", context)


def _values(result) -> list[dict]:
    """The provisional result's indicators with their question (and its English twin, when the
    snapshot has it), value and score."""
    if result is None:
        return []
    questions = {row["code"]: row for row in result.snapshot.indicators}
    return [
        {
            **value,
            "question": questions.get(value["code"], {}).get("question", ""),
            "question_en": questions.get(value["code"], {}).get("question_en", ""),
        }
        for value in result.values
    ]


@login_required
@require_POST
def item_save(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """Add or change an item. Fields: ``indicator`` (code), ``category``, ``reason``."""
    cycle, region, _appeal = _filing(request, year, code)
    form = ItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return redirect(region_url(cycle, region))
    indicator = Indicator.objects.filter(
        instrument_id=cycle.instrument_id, code=form.cleaned_data["indicator"]
    ).first()
    if indicator is None:
        messages.error(
            request,
            _("Indikator %(code)s tidak ada pada instrumen siklus ini.")
            % {"code": form.cleaned_data["indicator"]},
        )
        return redirect(region_url(cycle, region))
    try:
        filing.save_item(
            cycle,
            region,
            indicator,
            reason=form.cleaned_data["reason"],
            category=form.cleaned_data["category"],
            by=request.user,
        )
    except ServiceError as error:
        messages.error(request, f"{indicator.code}: {error}")
    else:
        messages.success(
            request, _("%(code)s: butir sanggahan tersimpan.") % {"code": indicator.code}
        )
    return redirect(region_url(cycle, region))


@login_required
@require_POST
def item_remove(request: HttpRequest, year: int, code: str, indicator: str) -> HttpResponse:
    """Take an item without evidence out of the draft appeal."""
    cycle, region, appeal = _filing(request, year, code)
    item = _item(appeal, indicator)
    try:
        filing.remove_item(item, by=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(code)s: butir dihapus dari draf.") % {"code": indicator})
    return redirect(region_url(cycle, region))


@login_required
@require_POST
def evidence_upload(request: HttpRequest, year: int, code: str, indicator: str) -> HttpResponse:
    """Upload a file as new evidence for an item. Fields: ``file``, ``description``."""
    cycle, region, appeal = _filing(request, year, code)
    item = _item(appeal, indicator)
    form = EvidenceFileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, f"{indicator}: {error_text(form)}")
        return redirect(region_url(cycle, region))
    try:
        added = filing.add_file(
            item,
            form.cleaned_data["file"],
            description=form.cleaned_data["description"],
            by=request.user,
        )
    except ServiceError as error:
        messages.error(request, f"{indicator}: {error}")
    else:
        messages.success(
            request,
            _("%(code)s: berkas «%(name)s» tersimpan.")
            % {"code": indicator, "name": added.original_name},
        )
    return redirect(region_url(cycle, region))


@login_required
@require_POST
def evidence_link(request: HttpRequest, year: int, code: str, indicator: str) -> HttpResponse:
    """Add a link as new evidence for an item. Fields: ``url``, ``description``."""
    cycle, region, appeal = _filing(request, year, code)
    item = _item(appeal, indicator)
    form = EvidenceLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"{indicator}: {error_text(form)}")
        return redirect(region_url(cycle, region))
    try:
        filing.add_link(
            item,
            form.cleaned_data["url"],
            description=form.cleaned_data["description"],
            by=request.user,
        )
    except ServiceError as error:
        messages.error(request, f"{indicator}: {error}")
    else:
        messages.success(request, _("%(code)s: tautan tersimpan.") % {"code": indicator})
    return redirect(region_url(cycle, region))


@login_required
@require_POST
def submit(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """Submit the region's appeal to the ministry."""
    cycle, region, appeal = _filing(request, year, code)
    if appeal is None:
        messages.error(
            request, _("Tambahkan sedikitnya satu indikator yang disanggah sebelum mengajukan.")
        )
        return redirect(region_url(cycle, region))
    try:
        filing.submit(appeal, by=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Sanggahan diajukan. Kementerian akan memutus setiap butirnya.")
        )
    return redirect(region_url(cycle, region))


@login_required
@require_POST
def decide(request: HttpRequest, year: int, code: str, indicator: str) -> HttpResponse:
    """Decide one item (admins). Fields: ``decision`` (accepted / rejected), ``value``,
    ``not_applicable``, ``reason``."""
    cycle, region, appeal = _region_and_appeal(request, year, code)
    _require_admin(request, cycle)
    item = _item(appeal, indicator)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"{indicator}: {error_text(form)}")
        return redirect(region_url(cycle, region))
    data = form.cleaned_data
    accept = data["decision"] == "accepted"
    try:
        decided = decisions.decide(
            item,
            accept=accept,
            reason=data["reason"],
            value=parse_value(data["value"]) if accept else None,
            not_applicable=accept and data["not_applicable"],
            by=request.user,
        )
    except ServiceError as error:
        messages.error(request, f"{indicator}: {error}")
    else:
        decided.refresh_from_db()  # the effect, when the computation already ran
        if decided.effect_pending:
            messages.success(
                request,
                _(
                    "%(code)s: %(decision)s. Hasil sedang dihitung di latar belakang; dampaknya "
                    "pada indeks dan peringkat tampil setelah perhitungan selesai."
                )
                % {"code": indicator, "decision": decided.get_decision_display()},
            )
        else:
            messages.success(
                request,
                _("%(code)s: %(decision)s. Peringkat %(before)s → %(after)s.")
                % {
                    "code": indicator,
                    "decision": decided.get_decision_display(),
                    "before": decided.rank_before,
                    "after": decided.rank_after,
                },
            )
    return redirect(region_url(cycle, region))


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """Stream an appeal's evidence file as an attachment to a user who may read the appeal."""
    evidence = get_object_or_404(
        AppealEvidence.objects.select_related("item__appeal__cycle", "item__appeal__region"), pk=pk
    )
    if not request.user.has_perm("appeals.view_appeal", evidence):
        raise Http404
    if evidence.kind != EvidenceKind.FILE or not evidence.file:
        raise Http404
    return stored_file_response(
        evidence.file, name=evidence.original_name, content_type=evidence.content_type
    )
