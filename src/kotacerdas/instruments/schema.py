"""The instrument's file schema: every field of every record, how a raw value is read, and the
rules that tie an indicator's fields together.

Pure Python, no database. The YAML and XLSX importers read every value through these readers, and
``Indicator.clean()`` applies :func:`indicator_problems`, so the Django admin and the files obey the
same rules (one validation path).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from kotacerdas.core.taxonomy import Aspect

FORMAT = "kotacerdas-instrument/1"

INDICATOR_TYPES = ("level", "number", "percent", "yesno")
EVIDENCE_KINDS = ("document", "image", "link", "programme")
DIRECTIONS = {"higher": 1, "lower": -1}
LEVELS = tuple(range(6))
# Instrument codes that would collide with the fixed routes under /instrumen/.
RESERVED_CODES = frozenset({"impor", "crosswalk"})

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
_TRUE = {"true", "yes", "ya", "y", "1"}
_FALSE = {"false", "no", "tidak", "t", "n", "0"}


class Problem(ValueError):
    """A value that cannot be read; the message says why (Bahasa Indonesia)."""


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(max_length: int | None = None, pattern: re.Pattern | None = None) -> Callable:
    """A reader for text; numbers typed into a spreadsheet cell are taken as their digits."""

    def read(value: Any) -> str:
        if isinstance(value, bool):
            raise Problem(_("harus berupa teks, bukan ya/tidak"))
        if isinstance(value, int):
            value = str(value)
        elif isinstance(value, float) and value.is_integer():
            value = str(int(value))
        elif not isinstance(value, str):
            raise Problem(_("harus berupa teks"))
        value = value.strip()
        if max_length is not None and len(value) > max_length:
            raise Problem(_("paling panjang %(n)d karakter") % {"n": max_length})
        if pattern is not None and not pattern.match(value):
            raise Problem(
                _("%(value)r hanya boleh berisi huruf, angka, titik, garis bawah dan tanda hubung")
                % {"value": value}
            )
        return value

    return read


def code(max_length: int) -> Callable:
    return text(max_length, _CODE)


def slug(max_length: int) -> Callable:
    return text(max_length, _SLUG)


def decimal(places: int, max_abs: Decimal, positive: bool = False) -> Callable:
    """A reader for a decimal number with at most ``places`` decimal places."""

    def read(value: Any) -> Decimal:
        if isinstance(value, bool):
            raise Problem(_("harus berupa angka"))
        if isinstance(value, str) and "," in value:
            raise Problem(_("gunakan titik sebagai pemisah desimal, bukan koma"))
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise Problem(_("%(value)r bukan angka") % {"value": value}) from None
        if not number.is_finite():
            raise Problem(_("harus berupa angka"))
        if positive and number <= 0:
            raise Problem(_("harus lebih besar dari 0"))
        if abs(number) >= max_abs:
            raise Problem(_("terlalu besar (harus di bawah %(max)s)") % {"max": max_abs})
        if number != number.quantize(Decimal(1).scaleb(-places)):
            raise Problem(_("paling banyak %(n)d angka di belakang titik") % {"n": places})
        return number

    return read


def choice(values: tuple[str, ...] | list[str]) -> Callable:
    def read(value: Any) -> str:
        if not isinstance(value, str) or value.strip().lower() not in values:
            raise Problem(
                _("%(value)r tidak dikenal; pilih salah satu: %(values)s")
                % {"value": value, "values": ", ".join(values)}
            )
        return value.strip().lower()

    return read


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise Problem(_("%(value)r bukan ya/tidak (gunakan yes atau no)") % {"value": value})


def direction(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value in (1, -1):
        return value
    if isinstance(value, str) and value.strip().lower() in DIRECTIONS:
        return DIRECTIONS[value.strip().lower()]
    raise Problem(_("%(value)r tidak dikenal; pilih higher atau lower") % {"value": value})


def direction_name(value: int) -> str:
    return "lower" if value == -1 else "higher"


def evidence_list(value: Any) -> list[str]:
    """A list of evidence kinds: a YAML list or a comma-separated spreadsheet cell."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise Problem(_("harus berupa daftar jenis data dukung"))
    kinds: list[str] = []
    for item in items:
        kind = str(item).strip().lower()
        if not kind:
            continue
        if kind not in EVIDENCE_KINDS:
            raise Problem(
                _("jenis data dukung %(value)r tidak dikenal; pilih dari: %(values)s")
                % {"value": item, "values": ", ".join(EVIDENCE_KINDS)}
            )
        if kind not in kinds:
            kinds.append(kind)
    return kinds


def level_number(value: Any) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value not in LEVELS:
        raise Problem(_("tingkat harus bilangan bulat 0 sampai 5"))
    return value


@dataclass(frozen=True)
class Field:
    name: str
    read: Callable[[Any], Any]
    required: bool = False
    default: Any = None


WEIGHT = decimal(4, Decimal(100000), positive=True)
GOALPOST = decimal(6, Decimal(10) ** 14)

INSTRUMENT_FIELDS = (
    Field("code", slug(50), required=True),
    Field("name", text(200), required=True),
    Field("name_en", text(200), default=""),
    Field("description", text(), default=""),
)
ASPECT_FIELDS = (
    Field("aspect", choice(Aspect.values), required=True),
    Field("weight", WEIGHT, required=True),
)
DIMENSION_FIELDS = (
    Field("code", code(10), required=True),
    Field("name", text(200), required=True),
    Field("name_en", text(200), default=""),
    Field("weight", WEIGHT, default=Decimal(1)),
)
ELEMENT_FIELDS = (
    Field("dimension", code(10), required=True),
    Field("code", code(20), required=True),
    Field("name", text(200), required=True),
    Field("name_en", text(200), default=""),
    Field("weight", WEIGHT, default=Decimal(1)),
)
INDICATOR_FIELDS = (
    Field("element", code(20), required=True),
    Field("code", code(30), required=True),
    Field("question", text(), required=True),
    Field("question_en", text(), required=True),
    Field("type", choice(INDICATOR_TYPES), required=True),
    Field("weight", WEIGHT, default=Decimal(1)),
    Field("aspect", choice(Aspect.values), required=True),
    Field("guidance", text(), default=""),
    Field("guidance_en", text(), default=""),
    Field("unit", text(50), default=""),
    Field("direction", direction, default=1),
    Field("goal_min", GOALPOST),
    Field("goal_max", GOALPOST),
    Field("evidence_kinds", evidence_list, default=[]),
    Field("evidence_description", text(), default=""),
    Field("evidence_description_en", text(), default=""),
    Field("evidence_required", boolean, default=False),
    Field("allow_not_applicable", boolean, default=False),
)
LEVEL_FIELDS = (
    Field("indicator", code(30), required=True),
    Field("level", level_number, required=True),
    Field("description", text(), required=True),
    Field("description_en", text(), default=""),
)

# One record kind per XLSX sheet, in this order; YAML nests them.
RECORD_FIELDS: dict[str, tuple[Field, ...]] = {
    "instrument": INSTRUMENT_FIELDS,
    "aspects": ASPECT_FIELDS,
    "dimensions": DIMENSION_FIELDS,
    "elements": ELEMENT_FIELDS,
    "indicators": INDICATOR_FIELDS,
    "levels": LEVEL_FIELDS,
}
# The field of each record kind that names its parent.
PARENT_FIELD = {"elements": "dimension", "indicators": "element", "levels": "indicator"}


def indicator_problems(values: dict[str, Any]) -> dict[str, str]:
    """The problems between an indicator's fields, by field name (empty when it is consistent).

    A number needs a unit and goalposts with ``goal_min < goal_max``; only numbers have goalposts;
    a level rubric always reads "higher is better"; required evidence must name what is asked.
    """
    problems: dict[str, str] = {}
    kind = values.get("type")
    goal_min, goal_max = values.get("goal_min"), values.get("goal_max")
    if kind == "number":
        if not values.get("unit"):
            problems["unit"] = _("indikator angka membutuhkan satuan")
        if goal_min is None:
            problems["goal_min"] = _("indikator angka membutuhkan batas bawah (goalpost)")
        if goal_max is None:
            problems["goal_max"] = _("indikator angka membutuhkan batas atas (goalpost)")
        if goal_min is not None and goal_max is not None and goal_min >= goal_max:
            problems["goal_max"] = _("batas atas harus lebih besar dari batas bawah")
    elif kind in INDICATOR_TYPES:
        for name in ("goal_min", "goal_max"):
            if values.get(name) is not None:
                problems[name] = _("goalpost hanya untuk indikator bertipe number")
    if kind == "level" and values.get("direction", 1) != 1:
        problems["direction"] = _("rubrik tingkat selalu 'higher' (makin tinggi makin baik)")
    if values.get("evidence_required") and not values.get("evidence_kinds"):
        problems["evidence_kinds"] = _("data dukung wajib, tetapi jenisnya tidak disebut")
    return problems
