"""How far each region is from the next predicate band, and the steps that would get it there
(``index.paths_to``; no mathematics here).

For a region below the top band, the engine's greedy path of single-step raises (a level up by
one, a yes/no to yes, a number to its goalpost) to the next band's minimum; each step carries
the indicator's question and, for a level, the instrument's descriptor of the level it must
reach, in Indonesian and English, so the pages and the report card render from the snapshot
alone. Stored in ``RegionResult.next_band``:

    {"predicate": "Baik", "band": "Sangat Baik", "index": 3.08, "target": 3.5, "gap": 0.42,
     "reachable": true, "best": 4.91,
     "steps": [{"code", "question", "question_en", "type", "unit", "from", "to", "to_text",
                "to_text_en", "gain", "index"}]}

Numbers are on the display scale: ``gain`` is the step's exact gain and ``index`` the index
after it. At the top band ``band`` is None and there are no steps; when the band cannot be
reached (``reachable`` false) there are no steps and ``best`` says how far every raise goes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kotacerdas import index
from kotacerdas.instruments.models import LevelDescriptor

from . import inputs


def next_bands(data: inputs.Inputs, built) -> dict[str, dict[str, Any]]:
    """region code → its road to the next band (see the module docstring). Guarantees: each
    step's ``index`` is the display-scale index ``index.build`` gives with that step and the
    earlier ones applied; the last step's reaches ``target``; ``gap`` is ``target - index``
    as shown (at least 0.01 while the band is not reached)."""
    config = data.config
    scale = config.display_scale / 100.0
    goals: dict[str, float] = {}
    for unit in built.units:
        band = index.next_band(config, float(built.index[unit]))
        if band is not None:
            goals[unit] = band.min * 20.0
    paths = index.paths_to(data.main_tree, data.values, config, goals) if goals else {}
    texts = _texts(data)
    out: dict[str, dict[str, Any]] = {}
    for unit in built.units:
        score = float(built.index[unit])
        if np.isnan(score):
            out[unit] = {}
            continue
        display = round(score * scale, 2)
        band = index.next_band(config, score)
        entry: dict[str, Any] = {
            "predicate": str(built.predicate[unit] or ""),
            "band": None if band is None else band.label,
            "index": display,
        }
        if band is not None:
            path = paths[unit]
            target = round(band.min * config.display_scale / 5, 2)
            entry |= {
                "target": target,
                "gap": max(round(target - display, 2), 0.01),
                "reachable": path.reachable,
                "best": round(path.best * scale, 2),
                "steps": [_step(row, texts, scale) for row in path.steps.itertuples(index=False)],
            }
        out[unit] = entry
    return out


def _texts(data: inputs.Inputs) -> dict[str, Any]:
    """The questions and level descriptors of the cycle's indicators, in both languages."""
    levels: dict[tuple[str, int], tuple[str, str]] = {
        (code, level): (text, text_en)
        for code, level, text, text_en in LevelDescriptor.objects.filter(
            indicator__in=data.indicators
        ).values_list("indicator__code", "level", "description", "description_en")
    }
    return {
        "indicators": {indicator.code: indicator for indicator in data.indicators},
        "levels": levels,
    }


def _step(row, texts: dict[str, Any], scale: float) -> dict[str, Any]:
    indicator = texts["indicators"][row.indicator]
    to = inputs.clean(row.new_value)
    text, text_en = "", ""
    if row.type == "level" and to is not None:
        text, text_en = texts["levels"].get((row.indicator, int(to)), ("", ""))
    return {
        "code": row.indicator,
        "question": indicator.question,
        "question_en": indicator.question_en,
        "type": row.type,
        "unit": indicator.unit,
        "from": inputs.clean(row.value),
        "to": to,
        "to_text": text,
        "to_text_en": text_en,
        "gain": inputs.clean(row.gain * scale),
        "index": inputs.clean(row.index * scale),
    }
