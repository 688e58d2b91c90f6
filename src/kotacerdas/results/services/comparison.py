"""What-if and progress across cycles, through ``kotacerdas.index`` (no mathematics here).

- ``what_if``: per region, the indicators whose next step (one level up, yes, or the goalpost)
  adds most to its index (``index.what_if``), with the exact gain on the display scale.
- ``progress``: with a previous published cycle and a crosswalk between the two instruments,
  both cycles' index on the comparable subset (``index.compare``), per region, with the share
  of this cycle's index weight that subset carries.

The comparable subset is what ``instruments.services.crosswalk.comparable_pairs`` lists (pairs
marked same, renamed or rescaled that need no review); every other indicator is passed to the
engine as retired or new, so nothing is compared that the crosswalk does not pair.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd

from kotacerdas import index
from kotacerdas.evaluations.models import Cycle
from kotacerdas.instruments.models import Crosswalk
from kotacerdas.instruments.services.crosswalk import comparable_pairs

from . import inputs, published

# A linear rescale (factor, offset) is given to the engine as two points this far apart, so it
# stays linear over any value a number indicator can take.
FAR = 1e12


def what_if(data: inputs.Inputs, built, *, top: int) -> dict[str, list[dict[str, Any]]]:
    """region code → its ``top`` improvements ``{code, question, question_en, from, to, gain}``
    (``gain`` on the display scale), best first; ``question_en`` is the question's English twin
    ("" when the instrument has none)."""
    questions = {indicator.code: indicator.question for indicator in data.indicators}
    questions_en = {indicator.code: indicator.question_en for indicator in data.indicators}
    prepared = index.Values.coerce(data.values, data.main_tree)
    out: dict[str, list[dict[str, Any]]] = {}
    for unit in built.units:
        frame = index.what_if(data.main_tree, prepared, data.config, unit, top=top)
        out[unit] = [
            {
                "code": row.indicator,
                "question": questions.get(row.indicator, ""),
                "question_en": questions_en.get(row.indicator, ""),
                "from": inputs.clean(row.value),
                "to": inputs.clean(row.new_value),
                "gain": inputs.clean(row.gain_display),
            }
            for row in frame.itertuples(index=False)
        ]
    return out


def crosswalk_between(previous: Cycle, cycle: Cycle) -> Crosswalk | None:
    return Crosswalk.objects.filter(
        source_id=previous.instrument_id, target_id=cycle.instrument_id
    ).first()


def _mapping(rescale: dict, bounds: tuple[float, float] | None) -> str:
    """The engine's ``from:to;...`` points for a crosswalk's rescale."""
    if "factor" in rescale:
        factor = float(rescale["factor"])
        offset = float(rescale.get("offset", 0))
        low, high = bounds if bounds is not None else (-FAR, FAR)
        points = [(low, low * factor + offset), (high, high * factor + offset)]
    else:
        points = sorted((float(old), float(new)) for old, new in rescale.items())
    return ";".join(f"{old!r}:{new!r}" for old, new in points)


def crosswalk_frame(crosswalk: Crosswalk, tree_a: index.Tree, tree_b: index.Tree) -> pd.DataFrame:
    """The crosswalk as the engine reads it: the comparable pairs, and every other indicator of
    either instrument as retired (A) or new (B)."""
    rows = []
    linked_a, linked_b = set(), set()
    for source, target, rescale in comparable_pairs(crosswalk):
        if source not in tree_a or target not in tree_b:
            continue
        if rescale:
            kind = "rescaled"
            mapping = _mapping(rescale, tree_a.node(source).bounds())
        else:
            kind = "same" if source == target else "renamed"
            mapping = ""
        rows.append({"code_a": source, "code_b": target, "kind": kind, "mapping": mapping})
        linked_a.add(source)
        linked_b.add(target)
    rows += [
        {"code_a": code, "code_b": "", "kind": "retired", "mapping": ""}
        for code in tree_a.indicators
        if code not in linked_a
    ]
    rows += [
        {"code_a": "", "code_b": code, "kind": "new", "mapping": ""}
        for code in tree_b.indicators
        if code not in linked_b
    ]
    frame = pd.DataFrame(rows, columns=["code_a", "code_b", "kind", "mapping"])
    frame.attrs["source"] = f"crosswalk {crosswalk.source.code} → {crosswalk.target.code}"
    return frame


def progress(cycle: Cycle, data: inputs.Inputs) -> dict[str, Any]:
    """``{"regions": {code: {display, previous_display, coverage}}, "summary": {...}}``; empty
    without a previous published cycle and a crosswalk with at least one comparable pair."""
    if not cycle.previous_id:
        return {}
    previous = cycle.previous
    crosswalk = crosswalk_between(previous, cycle)
    if crosswalk is None or published.current_snapshot(previous) is None:
        return {}
    before = inputs.build_inputs(previous)
    tree_a = before.dimension_tree if data.main_tree is data.dimension_tree else before.aspect_tree
    frame = crosswalk_frame(crosswalk, tree_a, data.main_tree)
    if not (frame["kind"].isin(["same", "renamed", "rescaled"])).any():
        return {}
    compared = index.compare(tree_a, before.values, data.main_tree, data.values, frame, data.config)
    coverage = round(compared.weight_share["b"], 6)
    regions = {}
    for unit, row in compared.index.iterrows():
        if unit not in data.regions:
            continue
        regions[unit] = {
            "display": _rounded(row.display_b),
            "previous_display": _rounded(row.display_a),
            "coverage": coverage,
        }
    kinds = Counter(compared.crosswalk["kind"])
    return {
        "regions": regions,
        "summary": {
            "previous_year": previous.year,
            "coverage": coverage,
            "previous_coverage": round(compared.weight_share["a"], 6),
            "indicators": int(sum(kinds[k] for k in ("same", "renamed", "rescaled"))),
            "kinds": dict(kinds),
            "fingerprint": compared.fingerprint,
        },
    }


def _rounded(value) -> float | None:
    value = inputs.clean(value)
    return None if value is None else round(value, 2)
