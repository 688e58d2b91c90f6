"""The change history of a masterplan or a programme, read from django-simple-history: who
changed what, when, and each field's old and new value."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import (
    Attachment,
    Budget,
    Kpi,
    KpiValue,
    Masterplan,
    Programme,
    ProgrammeCitation,
    QuickWin,
)

ACTIONS = {"+": gettext_lazy("dibuat"), "~": gettext_lazy("diubah"), "-": gettext_lazy("dihapus")}
HIDDEN_FIELDS = {"version", "updated_at", "updated_by", "created_at"}


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Entry:
    when: datetime
    who: str
    what: str
    action: str
    changes: tuple[Change, ...]
    reason: str


def _label(record) -> str:
    """A short name for the changed row: its model and identifying values."""
    model = record.instance_type
    if model is Budget:
        return _("Anggaran %(year)s") % {"year": record.year}
    if model is QuickWin:
        return _("Quick win %(year)s") % {"year": record.year}
    if model is Kpi:
        return _("IKU %(code)s") % {"code": record.code}
    if model is KpiValue:
        return _("Target IKU %(year)s") % {"year": record.year}
    if model is Attachment:
        return _("Lampiran «%(name)s»") % {"name": record.original_name or record.url}
    if model is ProgrammeCitation:
        return _("Dikutip pada jawaban #%(id)s") % {"id": record.answer_id}
    if model is Programme:
        return _("Program %(code)s") % {"code": record.code}
    return _("Masterplan")


def _display(record, field_name: str, value) -> str:
    field = record.instance_type._meta.get_field(field_name)
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    return str(value)


def entries(records) -> list[Entry]:
    """History rows (of any of our models) as entries, newest first, with field changes."""
    result = []
    for record in records:
        changes: tuple[Change, ...] = ()
        previous = record.prev_record
        if record.history_type == "~" and previous is not None:
            delta = record.diff_against(previous)
            changes = tuple(
                Change(
                    str(record.instance_type._meta.get_field(c.field).verbose_name),
                    _display(record, c.field, c.old),
                    _display(record, c.field, c.new),
                )
                for c in delta.changes
                if c.field not in HIDDEN_FIELDS
            )
            if not changes:
                continue
        user = record.history_user
        result.append(
            Entry(
                when=record.history_date,
                who=(user.display_name if user else _("sistem")),
                what=_label(record),
                action=ACTIONS.get(record.history_type, record.history_type),
                changes=changes,
                reason=record.history_change_reason or "",
            )
        )
    result.sort(key=lambda entry: entry.when, reverse=True)
    return result


def programme_history(programme: Programme) -> list[Entry]:
    """Every recorded change to the programme, its budgets, quick wins, KPIs and their values,
    its evidence and its citations."""
    kpi_ids = Kpi.history.filter(programme_id=programme.pk).values_list("id", flat=True)
    sources = [
        Programme.history.filter(id=programme.pk),
        Budget.history.filter(programme_id=programme.pk),
        QuickWin.history.filter(programme_id=programme.pk),
        Kpi.history.filter(programme_id=programme.pk),
        KpiValue.history.filter(kpi_id__in=set(kpi_ids)),
        Attachment.history.filter(programme_id=programme.pk),
        ProgrammeCitation.history.filter(programme_id=programme.pk),
    ]
    return entries(record for source in sources for record in source.select_related("history_user"))


def masterplan_history(masterplan: Masterplan) -> list[Entry]:
    """Changes to the masterplan's header and documents, and programmes created or removed."""
    sources = [
        Masterplan.history.filter(id=masterplan.pk),
        Attachment.history.filter(masterplan_id=masterplan.pk, programme_id__isnull=True),
        Programme.history.filter(masterplan_id=masterplan.pk).exclude(history_type="~"),
    ]
    return entries(record for source in sources for record in source.select_related("history_user"))
