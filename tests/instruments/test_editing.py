"""Copying, freezing and editing instruments: copies are deep and come with a crosswalk; frozen
instruments refuse every write."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kotacerdas.core.errors import Locked, ServiceError
from kotacerdas.instruments.models import Crosswalk, Indicator
from kotacerdas.instruments.services import (
    comparable_pairs,
    copy_instrument,
    ensure_editable,
    freeze,
    instrument_tree,
    set_aspect_weights,
)
from tests.factories import make_instrument


def test_a_copy_is_deep_unfrozen_based_on_the_original_with_a_same_crosswalk(default_instrument):
    freeze(default_instrument)
    copy = copy_instrument(default_instrument, code="kc-2023", name="Instrumen 2023")
    assert copy.based_on == default_instrument
    assert not copy.is_frozen
    original, copied = instrument_tree(default_instrument), instrument_tree(copy)
    assert copied["code"] == "kc-2023" and copied["name"] == "Instrumen 2023"
    assert copied["dimensions"] == original["dimensions"]
    assert copied["aspects"] == original["aspects"]
    assert set(copy.indicators.values_list("pk", flat=True)).isdisjoint(
        default_instrument.indicators.values_list("pk", flat=True)
    )
    crosswalk = Crosswalk.objects.get(source=default_instrument, target=copy)
    assert crosswalk.entries.count() == copy.indicators.count()
    assert set(crosswalk.entries.values_list("kind", flat=True)) == {"same"}
    pairs = comparable_pairs(crosswalk)
    assert len(pairs) == 60 and pairs[0] == ("BRA.APP.01", "BRA.APP.01", None)


def test_a_copy_refuses_a_used_or_malformed_code_and_writes_nothing(default_instrument):
    for code in ("kc-2022", "bukan kode", ""):
        with pytest.raises(ServiceError):
            copy_instrument(default_instrument, code=code, name="X")
    assert Indicator.objects.count() == default_instrument.indicators.count()
    assert Crosswalk.objects.count() == 0


def test_freezing_is_idempotent_and_locks_the_instrument(db):
    instrument = make_instrument()
    ensure_editable(instrument)
    freeze(instrument)
    first = instrument.frozen_at
    assert first is not None
    freeze(instrument)
    instrument.refresh_from_db()
    assert instrument.frozen_at == first
    with pytest.raises(Locked) as caught:
        ensure_editable(instrument)
    assert "sudah dibekukan" in caught.value.message


def test_aspect_weights_are_replaced_on_a_draft(db):
    instrument = make_instrument()
    set_aspect_weights(
        instrument,
        {"baseline": "5", "output": "25", "outcome": "30", "impact": "30.5", "quick_win": 10},
    )
    weights = dict(instrument.aspects.values_list("aspect", "weight"))
    assert weights["impact"] == Decimal("30.5") and weights["baseline"] == 5
    assert sum(weights.values()) == Decimal("100.5")


def test_aspect_weights_refuse_bad_values_and_dropping_a_used_aspect(db):
    instrument = make_instrument()
    with pytest.raises(ServiceError) as caught:
        set_aspect_weights(
            instrument, {"baseline": "-1", "output": "abc", "outcome": "", "impact": 3}
        )
    details = caught.value.details
    assert "Baseline: harus lebih besar dari 0" in details
    assert "Output: 'abc' bukan angka" in details
    assert "Outcome: dipakai oleh indikator, bobotnya harus diisi" in details
    assert "Quick Win: dipakai oleh indikator, bobotnya harus diisi" in details
    assert instrument.aspects.count() == 5


def test_a_frozen_instrument_refuses_aspect_weights(db):
    instrument = make_instrument()
    freeze(instrument)
    with pytest.raises(Locked):
        set_aspect_weights(instrument, {"baseline": 50})
    assert instrument.aspects.get(aspect="baseline").weight == 10


def test_indicator_clean_applies_the_file_rules(db):
    instrument = make_instrument()
    other = make_instrument("lain")
    indicator = instrument.indicators.get(code="ENV.WAS.02")
    indicator.goal_max = indicator.goal_min
    indicator.unit = ""
    indicator.element = other.indicators.get(code="ENV.WAS.01").element
    with pytest.raises(ValidationError) as caught:
        indicator.full_clean()
    assert set(caught.value.message_dict) >= {"goal_max", "unit", "element"}
