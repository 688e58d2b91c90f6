"""Creating a cycle and changing its schedule and method settings (admins only)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kotacerdas.accounts.predicates import is_admin
from kotacerdas.core.errors import Locked, ServiceError
from kotacerdas.instruments import services as instrument_services
from kotacerdas.instruments.models import Instrument

from ..models import Cycle, CycleState
from .locks import ensure_not_frozen

# The cycle's schedule (the settings page's first part).
SCHEDULE_FIELDS = (
    "name",
    "opens_on",
    "submission_deadline",
    "review_deadline",
    "moderation_deadline",
    "publication_date",
)
# Method settings, carried over when a cycle starts from an earlier one.
METHOD_FIELDS = (
    "aggregate_along",
    "aggregation",
    "missing_policy",
    "final_rule",
    "display_scale",
    "predicate_bands",
    "disagreement_levels",
    "disagreement_points",
    "min_assessors",
)
# Fields that decide the results: fixed once the cycle is final.
RESULT_FIELDS = frozenset(
    {*METHOD_FIELDS, "previous"} - {"min_assessors", "disagreement_levels", "disagreement_points"}
)


def instrument_code(year: int) -> str:
    return f"kc-{year}"


def create_cycle(year: int, name: str, *, copy_from: Cycle | None = None, by) -> Cycle:
    """A new draft cycle for ``year`` with its own instrument.

    The instrument is the packaged default instrument, or a copy of ``copy_from``'s instrument
    (whose method settings are carried over, and which becomes the ``previous`` cycle).
    Guarantees: only an admin; one cycle per year; an instrument code ``kc-<year>`` not yet
    used; everything in one transaction (no instrument left over when the cycle fails).
    """
    if not is_admin(by):
        raise PermissionDenied(_("Hanya admin yang dapat membuat siklus."))
    name = (name or "").strip() or _("Evaluasi Smart City %(year)s") % {"year": year}
    problems = []
    if Cycle.objects.filter(year=year).exists():
        problems.append(_("Siklus tahun %(year)s sudah ada.") % {"year": year})
    code = instrument_code(year)
    if Instrument.objects.filter(code=code).exists():
        problems.append(
            _("Kode instrumen %(code)s sudah dipakai; ganti kode instrumen lama itu dulu.")
            % {"code": code}
        )
    if problems:
        raise ServiceError(_("Siklus tidak dapat dibuat."), details=problems)
    instrument_name = _("Instrumen %(name)s") % {"name": name}
    with transaction.atomic():
        if copy_from is None:
            instrument = instrument_services.load_default_instrument(code, instrument_name)
        else:
            instrument = instrument_services.copy_instrument(
                copy_from.instrument, code=code, name=instrument_name
            )
        cycle = Cycle(year=year, name=name, instrument=instrument, state=CycleState.DRAFT)
        if copy_from is not None:
            cycle.previous = copy_from
            for field in METHOD_FIELDS:
                setattr(cycle, field, getattr(copy_from, field))
        cycle._history_user = by
        cycle.full_clean()
        cycle.save()
    return cycle


def update_settings(cycle: Cycle, changes: dict, *, by) -> Cycle:
    """Change the cycle's schedule and method settings (``changes``: field name → value).

    Guarantees: only an admin; nothing once the cycle is published; the method settings that
    decide the results are fixed once the cycle is final (Locked names them); the values pass
    the model's validation (else ServiceError naming each field); the previous cycle is an
    earlier year; one history record naming ``by``.
    """
    if not is_admin(by):
        raise PermissionDenied(_("Hanya admin yang dapat mengubah pengaturan siklus."))
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        ensure_not_frozen(locked)
        changed = {
            field: value for field, value in changes.items() if getattr(locked, field) != value
        }
        if locked.state == CycleState.FINAL and RESULT_FIELDS & set(changed):
            raise Locked(
                _("Siklus sudah Final; pengaturan metode tidak dapat diubah lagi: %(fields)s.")
                % {
                    "fields": ", ".join(
                        str(Cycle._meta.get_field(field).verbose_name)
                        for field in sorted(RESULT_FIELDS & set(changed))
                    )
                }
            )
        previous = changed.get("previous")
        if previous is not None and previous.year >= locked.year:
            raise ServiceError(_("Siklus sebelumnya harus dari tahun yang lebih awal."))
        if not changed:
            return locked
        for field, value in changed.items():
            setattr(locked, field, value)
        try:
            locked.full_clean()
        except ValidationError as exc:
            raise ServiceError(
                _("Pengaturan siklus tidak valid."),
                details=[
                    f"{Cycle._meta.get_field(field).verbose_name}: {' '.join(messages)}"
                    if field != "__all__"
                    else " ".join(messages)
                    for field, messages in exc.message_dict.items()
                ],
            ) from exc
        locked._history_user = by
        locked.save()
    return locked
