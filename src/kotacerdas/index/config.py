"""The method choices of one index build, stored with every published result."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .errors import InputError

__all__ = [
    "AGGREGATIONS",
    "COMBINATIONS",
    "DEFAULT_BANDS",
    "MISSING_POLICIES",
    "NORMALISATIONS",
    "SCOPES",
    "Band",
    "Config",
]

Normalisation = Literal["rubric", "minmax", "goalposts", "zscore"]
Scope = Literal["numbers", "all"]
Aggregation = Literal["arithmetic", "geometric"]
Missing = Literal["zero", "exclude"]
Combination = Literal["mean", "median"]

NORMALISATIONS: tuple[str, ...] = ("rubric", "minmax", "goalposts", "zscore")
SCOPES: tuple[str, ...] = ("numbers", "all")
AGGREGATIONS: tuple[str, ...] = ("arithmetic", "geometric")
MISSING_POLICIES: tuple[str, ...] = ("zero", "exclude")
COMBINATIONS: tuple[str, ...] = ("mean", "median")
CONFIG_VERSION = 1


@dataclass(frozen=True)
class Band:
    """A predicate band: scores at or above ``min`` on the 0-5 scale (score / 20) get ``label``."""

    label: str
    min: float


#: The national e-government (SPBE) bands, on the 0-5 scale.
DEFAULT_BANDS: tuple[Band, ...] = (
    Band("Memuaskan", 4.2),
    Band("Sangat Baik", 3.5),
    Band("Baik", 2.6),
    Band("Cukup", 1.8),
    Band("Kurang", 0.0),
)


@dataclass(frozen=True)
class Config:
    """How scores are normalised, aggregated, banded and ranked.

    - ``normalise``: ``rubric`` (each type's natural 0-100: level / max x 100, yes/no x 100,
      percent as is, numbers by their goalposts or, without goalposts, min-max over the units),
      ``goalposts``, ``minmax`` (over the units) or ``zscore`` (50 + 10 z, clipped to 0-100).
    - ``scope``: ``numbers`` applies ``normalise`` to number indicators only (levels, yes/no and
      percents keep their rubric scale); ``all`` applies it to every indicator.
    - ``aggregate``: ``arithmetic`` or ``geometric`` weighted mean; ``geometric_offset`` is the
      zero policy of the geometric mean (scores are shifted by it before and after; 0 makes any
      zero child zero its parent).
    - ``missing``: a missing answer scores ``zero`` or is ``exclude``-d with its weight
      renormalised over the siblings; "not applicable" is always excluded.
    - ``combine``: how several assessors' values for one answer combine (``mean``/``median``).
    - ``display_scale``: 5 (like the ministry's Indeks Pencapaian) or 100.
    - ``bands``: predicate bands on the 0-5 scale, highest first; the last starts at 0 or below.
    - ``tie_decimals``: scores are compared for ranks and bands after rounding to this many
      decimals (on 0-100), so float noise never splits a tie.

    Guarantees: a constructed Config is valid (otherwise :class:`InputError` with source
    ``config``), and ``Config.from_dict(c.to_dict()) == c`` with ``to_dict()`` JSON-safe.
    """

    normalise: Normalisation = "rubric"
    scope: Scope = "numbers"
    aggregate: Aggregation = "arithmetic"
    geometric_offset: float = 1.0
    missing: Missing = "zero"
    combine: Combination = "mean"
    display_scale: int = 5
    bands: tuple[Band, ...] = DEFAULT_BANDS
    tie_decimals: int = 9

    def __post_init__(self) -> None:
        _choice("normalise", self.normalise, NORMALISATIONS)
        _choice("scope", self.scope, SCOPES)
        _choice("aggregate", self.aggregate, AGGREGATIONS)
        _choice("missing", self.missing, MISSING_POLICIES)
        _choice("combine", self.combine, COMBINATIONS)
        offset = self.geometric_offset
        if isinstance(offset, bool) or not isinstance(offset, int | float):
            raise InputError("config", None, f"geometric_offset must be a number, found {offset!r}")
        if not (0 <= offset < math.inf):
            raise InputError("config", None, f"geometric_offset must be >= 0, found {offset!r}")
        if self.display_scale not in (5, 100) or isinstance(self.display_scale, bool):
            raise InputError(
                "config", None, f"display_scale must be 5 or 100, found {self.display_scale!r}"
            )
        if isinstance(self.tie_decimals, bool) or not isinstance(self.tie_decimals, int):
            raise InputError("config", None, "tie_decimals must be an integer")
        if not 0 <= self.tie_decimals <= 12:
            raise InputError("config", None, "tie_decimals must be between 0 and 12")
        bands = tuple(
            band if isinstance(band, Band) else Band(str(band["label"]), float(band["min"]))
            for band in self.bands
        )
        if not bands:
            raise InputError("config", None, "bands must not be empty")
        mins = [band.min for band in bands]
        if any(not math.isfinite(value) for value in mins):
            raise InputError("config", None, "band minimums must be finite")
        if mins != sorted(mins, reverse=True):
            raise InputError("config", None, "bands must be listed from the highest minimum down")
        if len(set(mins)) != len(mins):
            raise InputError("config", None, "two bands share a minimum")
        if mins[-1] > 0:
            raise InputError("config", None, "the last band must start at 0 or below")
        if len({band.label for band in bands}) != len(bands):
            raise InputError("config", None, "band labels must be distinct")
        object.__setattr__(self, "bands", bands)
        object.__setattr__(self, "geometric_offset", float(offset))

    def replace(self, **changes: Any) -> Config:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict that :meth:`from_dict` turns back into an equal Config."""
        data = dataclasses.asdict(self)
        data["bands"] = [{"label": band.label, "min": band.min} for band in self.bands]
        data["version"] = CONFIG_VERSION
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Config:
        """The Config stored by :meth:`to_dict`; unknown keys are an error, absent keys default."""
        data = dict(data)
        version = data.pop("version", CONFIG_VERSION)
        if version != CONFIG_VERSION:
            raise InputError("config", None, f"unsupported config version {version!r}")
        known = {field.name for field in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InputError("config", None, f"unknown setting(s): {', '.join(unknown)}")
        if "bands" in data:
            data["bands"] = tuple(
                Band(str(band["label"]), float(band["min"])) for band in data["bands"]
            )
        return cls(**data)

    def round(self, scores: np.ndarray) -> np.ndarray:
        """Scores (0-100) as compared for ranks and bands."""
        return np.round(np.asarray(scores, dtype=float), self.tie_decimals)

    def predicates(self, scores: np.ndarray) -> np.ndarray:
        """The band label of each score (0-100); ``None`` where the score is NaN."""
        scores = self.round(scores)
        five = np.round(scores / 20.0, self.tie_decimals)
        ascending = np.array([band.min for band in reversed(self.bands)])
        labels = np.array([band.label for band in reversed(self.bands)] + [None], dtype=object)
        position = np.searchsorted(ascending, five, side="right") - 1
        position = np.where(np.isnan(five), len(self.bands), np.maximum(position, 0))
        return labels[position]


def _choice(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise InputError(
            "config", None, f"{name} must be one of {', '.join(allowed)}, found {value!r}"
        )
