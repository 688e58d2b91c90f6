"""Creating, copying, freezing and editing instruments."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kotacerdas.core.errors import Locked, ServiceError
from kotacerdas.core.moments import in_wib
from kotacerdas.core.taxonomy import Aspect

from .. import schema
from ..models import AspectWeight, Crosswalk, CrosswalkEntry, CrosswalkKind, Instrument
from . import xlsx_format, yaml_format
from .tree import InstrumentFileError, check_new_code, create_instrument, instrument_tree

DEFAULT_INSTRUMENT = Path(__file__).resolve().parent.parent / "data" / "default_instrument.yaml"


def ensure_editable(instrument: Instrument) -> None:
    """Raise Locked when the instrument is frozen (its cycle has opened); otherwise do nothing."""
    if instrument.is_frozen:
        raise Locked(
            _(
                "Instrumen %(name)s sudah dibekukan sejak %(when)s dan tidak dapat diubah; "
                "salin sebagai instrumen baru untuk mengubahnya."
            )
            % {
                "name": instrument.name,
                "when": formats.date_format(in_wib(instrument.frozen_at), "DATE_FORMAT"),
            }
        )


def freeze(instrument: Instrument) -> Instrument:
    """Freeze the instrument (called when its cycle opens). Idempotent: a frozen instrument keeps
    its first ``frozen_at``. After this every write service refuses the instrument."""
    with transaction.atomic():
        locked = Instrument.objects.select_for_update().get(pk=instrument.pk)
        if locked.frozen_at is None:
            locked.frozen_at = timezone.now()
            locked.save(update_fields=["frozen_at"])
    instrument.frozen_at = locked.frozen_at
    return instrument


def _apply_overrides(tree: dict, code: str | None, name: str | None, place: str) -> dict:
    """The tree with ``code``/``name`` replaced; InstrumentFileError if the code cannot be used."""
    if code:
        tree["code"] = code
    if name:
        tree["name"] = name
    problems = check_new_code(tree["code"], place=_("kode %(code)s") % {"code": tree["code"]})
    if problems:
        raise InstrumentFileError(problems)
    return tree


def import_yaml(
    source: str | bytes | Path | IO[Any], *, code: str | None = None, name: str | None = None
) -> Instrument:
    """Create a new instrument from a YAML document (text, bytes, a path or an open file).

    Guarantees: the whole file is validated first; on any problem InstrumentFileError lists every
    problem with its path and line, and nothing is written. ``code``/``name`` replace the file's.
    The instrument is created unfrozen, in one transaction.
    """
    tree = yaml_format.read_yaml(yaml_format.decode(source))
    return create_instrument(_apply_overrides(tree, code, name, "code"))


def export_yaml(instrument: Instrument) -> str:
    """The instrument as a YAML document that import_yaml reads back to an identical instrument."""
    return yaml_format.tree_to_yaml(instrument_tree(instrument))


def import_xlsx(
    source: bytes | Path | IO[Any], *, code: str | None = None, name: str | None = None
) -> Instrument:
    """Create a new instrument from an XLSX workbook (bytes, a path or an open file).

    Guarantees: size, zip directory (uncompressed size) and every sheet are checked first; on any
    problem InstrumentFileError lists each with its sheet, cell and column, and nothing is written.
    ``code``/``name`` replace the workbook's. The instrument is created unfrozen, in one transaction.
    """
    tree = xlsx_format.read_xlsx(source)
    return create_instrument(_apply_overrides(tree, code, name, "instrument!A2"))


def export_xlsx(instrument: Instrument) -> bytes:
    """The instrument as an XLSX workbook that import_xlsx reads back to an identical instrument."""
    return xlsx_format.tree_to_xlsx(instrument_tree(instrument))


def load_default_instrument(code: str = "kc-2022", name: str | None = None) -> Instrument:
    """The packaged default instrument (2022-style), created under ``code`` if it is not there.

    Idempotent: when an instrument with ``code`` exists it is returned unchanged (even if frozen).
    """
    existing = Instrument.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return import_yaml(DEFAULT_INSTRUMENT, code=code, name=name)


@transaction.atomic
def copy_instrument(instrument: Instrument, *, code: str, name: str) -> Instrument:
    """A deep copy (aspect weights, dimensions, elements, indicators, levels) as a new, unfrozen
    instrument ``based_on`` the original, plus the crosswalk original → copy with every indicator
    ``same``. The original may be frozen; it is not changed. Refuses an unusable code."""
    problems = check_new_code(code)
    if not name or not name.strip():
        problems.append(_("nama: wajib diisi"))
    if problems:
        raise ServiceError(_("Instrumen tidak dapat disalin."), problems)
    tree = instrument_tree(instrument)
    tree.update(code=code, name=name.strip())
    copy = create_instrument(tree, based_on=instrument)
    crosswalk = Crosswalk.objects.create(
        source=instrument,
        target=copy,
        note=_("Dibuat otomatis saat %(copy)s disalin dari %(source)s.")
        % {"copy": copy.code, "source": instrument.code},
    )
    CrosswalkEntry.objects.bulk_create(
        CrosswalkEntry(
            crosswalk=crosswalk, kind=CrosswalkKind.SAME, source_code=code_, target_code=code_
        )
        for code_ in copy.indicators.values_list("code", flat=True)
    )
    return copy


@transaction.atomic
def set_aspect_weights(instrument: Instrument, weights: dict[str, Any]) -> Instrument:
    """Replace the instrument's aspect weights with ``weights`` (aspect → positive number).

    Refuses (Locked) a frozen instrument, and (ServiceError) unknown aspects, weights that are not
    positive numbers with at most 4 decimals, and dropping an aspect that an indicator uses.
    Nothing is changed on refusal.
    """
    locked = Instrument.objects.select_for_update().get(pk=instrument.pk)
    ensure_editable(locked)
    problems: list[str] = []
    clean: dict[str, Decimal] = {}
    unreadable: set[str] = set()
    for aspect, weight in weights.items():
        if aspect not in Aspect.values:
            problems.append(_("%(aspect)s: aspek tidak dikenal") % {"aspect": aspect})
            continue
        if schema.is_empty(weight):
            continue
        try:
            clean[aspect] = schema.WEIGHT(weight)
        except schema.Problem as problem:
            unreadable.add(aspect)
            problems.append(f"{Aspect(aspect).label}: {problem}")
    used = set(locked.indicators.values_list("aspect", flat=True))
    for aspect in sorted(used - set(clean) - unreadable):
        problems.append(
            _("%(aspect)s: dipakai oleh indikator, bobotnya harus diisi")
            % {"aspect": Aspect(aspect).label}
        )
    if problems:
        raise ServiceError(_("Bobot aspek tidak disimpan."), problems)
    locked.aspects.all().delete()
    AspectWeight.objects.bulk_create(
        AspectWeight(instrument=locked, aspect=aspect, weight=clean[aspect])
        for aspect in Aspect.values
        if aspect in clean
    )
    return locked
