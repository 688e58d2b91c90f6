"""The instrument as plain data: validating file records, building the tree, writing it, reading it.

Both file formats are read into flat :class:`Record` lists (one per XLSX sheet; YAML is flattened),
each record knowing how to name the place of any of its fields. :func:`validate` checks everything
at once and returns the nested *tree* (plain dicts with typed values) or lists every problem.
:func:`create_instrument` writes a tree in one transaction; :func:`instrument_tree` reads an
instrument back into the same shape, which is what makes round trips and copies exact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from kotacerdas.core.errors import ServiceError

from .. import schema
from ..models import (
    AspectWeight,
    Dimension,
    Element,
    Indicator,
    Instrument,
    LevelDescriptor,
)

INVALID = object()  # a field value that could not be read (its problem is already listed)


class ProblemList(ServiceError):
    """A refusal with a list of problems, each naming its place; the message counts them."""

    summary = ""  # "... %(n)d masalah." in subclasses

    def __init__(self, details: list[str]):
        super().__init__(self.summary % {"n": len(details)}, details)


class InstrumentFileError(ProblemList):
    """An instrument file that cannot be imported; ``details`` lists every problem with its place.

    Nothing is written when it is raised.
    """

    summary = gettext_lazy("Berkas instrumen tidak dapat diimpor: %(n)d masalah.")


@dataclass
class Record:
    """One record read from a file: raw values by field name, and how to name a field's place.

    ``implied_parent`` is true where the parent code comes from the nesting (YAML), so a problem
    with it is the parent's own and is reported there.
    """

    kind: str
    raw: dict[str, Any]
    place: Callable[[str], str]
    implied_parent: bool = False


def clean_record(record: Record, errors: list[str]) -> dict[str, Any]:
    """Read every field of ``record``; problems go to ``errors``, their values become INVALID."""
    values: dict[str, Any] = {}
    parent_field = schema.PARENT_FIELD.get(record.kind)
    for field in schema.RECORD_FIELDS[record.kind]:
        raw = record.raw.get(field.name)
        quiet = record.implied_parent and field.name == parent_field
        if schema.is_empty(raw):
            if field.required and not quiet:
                errors.append(f"{record.place(field.name)}: " + _("wajib diisi"))
            values[field.name] = INVALID if field.required else _copy(field.default)
            continue
        try:
            values[field.name] = field.read(raw)
        except schema.Problem as problem:
            if not quiet:
                errors.append(f"{record.place(field.name)}: {problem}")
            values[field.name] = INVALID
    return values


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def _valid(value: Any) -> bool:
    return value is not INVALID and value is not None


def validate(records: dict[str, list[Record]], errors: list[str]) -> dict | None:
    """Check all records of one instrument; return its tree, or None with ``errors`` filled.

    Guarantees, when a tree is returned: one instrument record; aspects known and listed once,
    covering every aspect an indicator uses; codes unique (elements and indicators across the whole
    instrument); every parent code known; every dimension has an element and every element an
    indicator; indicator fields consistent (:func:`schema.indicator_problems`); every level
    indicator has descriptors for levels 0–5 exactly once and no other indicator has any.
    """
    cleaned = {
        kind: [(record, clean_record(record, errors)) for record in records.get(kind, [])]
        for kind in schema.RECORD_FIELDS
    }
    instruments = cleaned["instrument"]
    if len(instruments) != 1:
        errors.append(_("instrument: harus ada tepat satu baris data instrumen"))
    for record, values in instruments:
        if values["code"] in schema.RESERVED_CODES:
            errors.append(f"{record.place('code')}: " + _("kode ini dicadangkan, pilih kode lain"))

    aspects = _unique(cleaned["aspects"], "aspect", errors)
    dimensions = _unique(cleaned["dimensions"], "code", errors)
    elements = _unique(cleaned["elements"], "code", errors)
    indicators = _unique(cleaned["indicators"], "code", errors)
    if not cleaned["dimensions"]:
        errors.append(_("dimensions: instrumen belum memiliki dimensi"))
    if not cleaned["aspects"]:
        errors.append(_("aspects: bobot aspek evaluasi belum diisi"))

    _check_parents(cleaned["elements"], "dimension", dimensions, errors)
    _check_parents(cleaned["indicators"], "element", elements, errors)
    _check_parents(cleaned["levels"], "indicator", indicators, errors)
    _check_indicators(cleaned["indicators"], aspects, errors, aspects_ok=_all_valid(cleaned))
    _check_levels(cleaned["levels"], cleaned["indicators"], indicators, errors)
    _check_not_empty(cleaned["dimensions"], cleaned["elements"], "dimension", errors)
    _check_not_empty(cleaned["elements"], cleaned["indicators"], "element", errors)
    if errors:
        return None
    return _assemble(cleaned)


def _all_valid(cleaned: dict) -> bool:
    return all(values["aspect"] is not INVALID for _r, values in cleaned["aspects"])


def _unique(rows: list, key: str, errors: list[str]) -> dict[str, dict]:
    """Values by ``key``; a repeated key is listed with the place of its first use."""
    seen: dict[str, tuple[Record, dict]] = {}
    for record, values in rows:
        value = values.get(key)
        if not _valid(value):
            continue
        if value in seen:
            errors.append(
                f"{record.place(key)}: "
                + _("%(value)s sudah dipakai di %(place)s")
                % {"value": value, "place": seen[value][0].place(key)}
            )
            continue
        seen[value] = (record, values)
    return {value: values for value, (_record, values) in seen.items()}


def _check_parents(rows: list, field: str, parents: dict, errors: list[str]) -> None:
    for record, values in rows:
        parent = values[field]
        if _valid(parent) and parent not in parents:
            errors.append(
                f"{record.place(field)}: "
                + _("kode induk %(code)s tidak ada di berkas") % {"code": parent}
            )


def _check_indicators(rows: list, aspects: dict, errors: list[str], aspects_ok: bool) -> None:
    for record, values in rows:
        typed = {name: value for name, value in values.items() if value is not INVALID}
        for field, message in schema.indicator_problems(typed).items():
            errors.append(f"{record.place(field)}: {message}")
        aspect = values["aspect"]
        if aspects_ok and _valid(aspect) and aspect not in aspects:
            errors.append(
                f"{record.place('aspect')}: "
                + _("aspek %(aspect)s tidak punya bobot di bagian aspects") % {"aspect": aspect}
            )


def _check_levels(level_rows: list, indicator_rows: list, indicators: dict, errors: list[str]):
    seen: dict[str, set[int]] = defaultdict(set)
    for record, values in level_rows:
        code, level = values["indicator"], values["level"]
        if not _valid(code) or code not in indicators:
            continue
        if indicators[code]["type"] not in ("level", INVALID):
            errors.append(
                f"{record.place('level')}: "
                + _("indikator %(code)s bertipe %(type)s; deskripsi tingkat hanya untuk tipe level")
                % {"code": code, "type": indicators[code]["type"]}
            )
        elif _valid(level) and level in seen[code]:
            errors.append(
                f"{record.place('level')}: "
                + _("tingkat %(level)d indikator %(code)s sudah dideskripsikan")
                % {"level": level, "code": code}
            )
        if _valid(level):
            seen[code].add(level)
    for record, values in indicator_rows:
        if values["type"] != "level" or not _valid(values["code"]):
            continue
        if indicators.get(values["code"]) is not values:
            continue  # a repeated code, already reported
        missing = [str(level) for level in schema.LEVELS if level not in seen[values["code"]]]
        if missing:
            errors.append(
                f"{record.place('levels')}: "
                + _("deskripsi tingkat %(levels)s belum ada (tipe level butuh tingkat 0–5)")
                % {"levels": ", ".join(missing)}
            )


def _check_not_empty(parent_rows: list, child_rows: list, field: str, errors: list[str]):
    used = {values[field] for _record, values in child_rows}
    for record, values in parent_rows:
        if _valid(values["code"]) and values["code"] not in used:
            message = (
                _("dimensi %(code)s belum memiliki elemen")
                if field == "dimension"
                else _("elemen %(code)s belum memiliki indikator")
            )
            errors.append(f"{record.place('code')}: " + message % {"code": values["code"]})


def _assemble(cleaned: dict) -> dict:
    """Nest the cleaned records (already valid) into the tree, keeping the file's order."""
    children: dict[str, dict[str, list]] = {kind: defaultdict(list) for kind in schema.PARENT_FIELD}
    for kind, parent_field in schema.PARENT_FIELD.items():
        for _record, values in cleaned[kind]:
            item = {k: v for k, v in values.items() if k != parent_field}
            children[kind][values[parent_field]].append(item)
    tree = dict(cleaned["instrument"][0][1])
    tree["aspects"] = [dict(values) for _record, values in cleaned["aspects"]]
    tree["dimensions"] = []
    for _record, dimension in cleaned["dimensions"]:
        dimension = dict(dimension, elements=children["elements"][dimension["code"]])
        for element in dimension["elements"]:
            element["indicators"] = children["indicators"][element["code"]]
            for indicator in element["indicators"]:
                levels = children["levels"][indicator["code"]]
                indicator["levels"] = sorted(levels, key=lambda level: level["level"])
        tree["dimensions"].append(dimension)
    return tree


def check_new_code(code: str, place: str = "code") -> list[str]:
    """Problems with ``code`` as the code of a new instrument (empty when it can be used)."""
    try:
        schema.slug(50)(code)
    except schema.Problem as problem:
        return [f"{place}: {problem}"]
    if not code:
        return [f"{place}: " + _("wajib diisi")]
    if code in schema.RESERVED_CODES:
        return [f"{place}: " + _("kode ini dicadangkan, pilih kode lain")]
    if Instrument.objects.filter(code=code).exists():
        return [f"{place}: " + _("instrumen dengan kode %(code)s sudah ada") % {"code": code}]
    return []


INDICATOR_KEYS = tuple(field.name for field in schema.INDICATOR_FIELDS if field.name != "element")


@transaction.atomic
def create_instrument(tree: dict, *, based_on: Instrument | None = None) -> Instrument:
    """Write a validated tree as a new, unfrozen instrument, in one transaction.

    Refuses (ServiceError, nothing written) when an instrument with the tree's code exists.
    """
    problems = check_new_code(tree["code"])
    if problems:
        raise ServiceError(_("Instrumen tidak dapat dibuat."), problems)
    try:
        with transaction.atomic():
            instrument = Instrument.objects.create(
                code=tree["code"],
                name=tree["name"],
                name_en=tree.get("name_en", ""),
                description=tree.get("description", ""),
                based_on=based_on,
            )
    except IntegrityError as exc:  # the same code created at the same moment
        raise ServiceError(
            _("Instrumen tidak dapat dibuat."),
            [_("instrumen dengan kode %(code)s sudah ada") % {"code": tree["code"]}],
        ) from exc
    AspectWeight.objects.bulk_create(
        AspectWeight(instrument=instrument, aspect=item["aspect"], weight=item["weight"])
        for item in tree["aspects"]
    )
    # One bulk insert per level of the tree; indicators get their history rows too.
    dimensions = Dimension.objects.bulk_create(
        Dimension(instrument=instrument, order=order, **_pick(d, TREE_KEYS))
        for order, d in enumerate(tree["dimensions"], start=1)
    )
    elements = Element.objects.bulk_create(
        Element(dimension=dimension, order=order, **_pick(e, TREE_KEYS))
        for dimension, d in zip(dimensions, tree["dimensions"], strict=True)
        for order, e in enumerate(d["elements"], start=1)
    )
    specs = [e for d in tree["dimensions"] for e in d["elements"]]
    pending = [
        (
            Indicator(
                instrument=instrument, element=element, order=order, **_pick(i, INDICATOR_KEYS)
            ),
            i,
        )
        for element, e in zip(elements, specs, strict=True)
        for order, i in enumerate(e["indicators"], start=1)
    ]
    indicators = bulk_create_with_history([indicator for indicator, _i in pending], Indicator)
    by_code = {indicator.code: indicator for indicator in indicators}
    LevelDescriptor.objects.bulk_create(
        LevelDescriptor(indicator=by_code[i["code"]], **level)
        for _indicator, i in pending
        for level in i["levels"]
    )
    return instrument


TREE_KEYS = ("code", "name", "name_en", "weight")


def _pick(data: dict, keys: tuple[str, ...]) -> dict:
    return {key: data[key] for key in keys}


def instrument_tree(instrument: Instrument) -> dict:
    """The instrument as a tree of plain values, in display order: what the files hold.

    Two instruments with equal trees (apart from code and name) ask the same questions in the same
    way; the round-trip tests compare these trees.
    """
    dimensions = instrument.dimensions.prefetch_related("elements__indicators__levels")
    return {
        "code": instrument.code,
        "name": instrument.name,
        "name_en": instrument.name_en,
        "description": instrument.description,
        "aspects": [
            {"aspect": a.aspect, "weight": a.weight} for a in instrument.aspects.order_by("id")
        ],
        "dimensions": [
            {
                "code": d.code,
                "name": d.name,
                "name_en": d.name_en,
                "weight": d.weight,
                "elements": [
                    {
                        "code": e.code,
                        "name": e.name,
                        "name_en": e.name_en,
                        "weight": e.weight,
                        "indicators": [_indicator_data(i) for i in e.indicators.all()],
                    }
                    for e in d.elements.all()
                ],
            }
            for d in dimensions
        ],
    }


def _indicator_data(indicator: Indicator) -> dict:
    data = {key: getattr(indicator, key) for key in INDICATOR_KEYS}
    data["evidence_kinds"] = list(indicator.evidence_kinds or [])
    data["levels"] = [
        {
            "level": level.level,
            "description": level.description,
            "description_en": level.description_en,
        }
        for level in indicator.levels.all()
    ]
    return data
