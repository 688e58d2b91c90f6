"""The packaged default instrument loads and follows the content rules of the issue."""

from collections import Counter

from kotacerdas.core.taxonomy import DEFAULT_ASPECT_WEIGHTS, DIMENSIONS, Aspect
from kotacerdas.instruments.models import Indicator, Instrument
from kotacerdas.instruments.services import load_default_instrument


def test_it_has_the_six_dimensions_and_18_elements_of_the_taxonomy(default_instrument):
    dimensions = list(default_instrument.dimensions.prefetch_related("elements"))
    assert [d.code for d in dimensions] == [d.code for d in DIMENSIONS]
    for dimension, expected in zip(dimensions, DIMENSIONS, strict=True):
        assert [e.code for e in dimension.elements.all()] == [e.code for e in expected.elements]
        assert [e.name for e in dimension.elements.all()] == [e.name_id for e in expected.elements]


def test_every_element_has_at_least_three_indicators_with_codes_under_it(default_instrument):
    indicators = list(default_instrument.indicators.select_related("element"))
    per_element = Counter(indicator.element.code for indicator in indicators)
    assert len(per_element) == 18
    assert min(per_element.values()) >= 3
    assert len(indicators) >= 54
    assert len({i.code for i in indicators}) == len(indicators)
    for indicator in indicators:
        assert indicator.code.startswith(indicator.element.code + ".")


def test_every_question_and_level_is_written_in_both_languages(default_instrument):
    indicators = default_instrument.indicators.prefetch_related("levels")
    for indicator in indicators:
        assert indicator.question and indicator.question_en, indicator.code
        assert indicator.guidance and indicator.guidance_en, indicator.code
        assert indicator.evidence_kinds and indicator.evidence_description, indicator.code
        levels = list(indicator.levels.all())
        if indicator.type == "level":
            assert [level.level for level in levels] == [0, 1, 2, 3, 4, 5], indicator.code
            assert all(level.description and level.description_en for level in levels)
        else:
            assert levels == [], indicator.code


def test_rubrics_are_written_for_their_indicator_not_copied(default_instrument):
    level_indicators = default_instrument.indicators.filter(type="level")
    rubrics = [
        tuple(level_indicator.levels.values_list("description", flat=True))
        for level_indicator in level_indicators
    ]
    assert len(set(rubrics)) == len(rubrics)
    top_levels = [rubric[3] for rubric in rubrics]
    assert len(set(top_levels)) == len(top_levels)


def test_types_aspects_and_weights_are_a_realistic_mix(default_instrument):
    indicators = list(default_instrument.indicators.all())
    types = Counter(i.type for i in indicators)
    aspects = Counter(i.aspect for i in indicators)
    assert types["level"] > len(indicators) / 2
    assert types["number"] >= 3 and types["percent"] >= 3 and types["yesno"] >= 3
    assert all(aspects[aspect] >= 3 for aspect in Aspect.values)
    weights = {a.aspect: int(a.weight) for a in default_instrument.aspects.all()}
    assert weights == {str(k): v for k, v in DEFAULT_ASPECT_WEIGHTS.items()}
    numbers = [i for i in indicators if i.type == "number"]
    assert all(i.unit and i.goal_min < i.goal_max for i in numbers)
    assert {i.direction for i in numbers} == {1, -1}
    assert any(i.allow_not_applicable for i in indicators)


def test_it_covers_the_topics_the_ministry_asks_about(default_instrument):
    text = " ".join(
        f"{i.question} {i.guidance}" for i in default_instrument.indicators.all()
    ).lower()
    for topic in (
        "perda",
        "masterplan",
        "quick win",
        "mal pelayanan publik",
        "satu data",
        "sdm tik",
        "kerja sama",
        "dewan smart city",
        "apbd",
        "survei",
        "spbe",
    ):
        assert topic in text, topic


def test_loading_again_returns_the_same_instrument_unchanged(default_instrument):
    default_instrument.name = "Diubah admin"
    default_instrument.save()
    again = load_default_instrument()
    assert again.pk == default_instrument.pk
    assert again.name == "Diubah admin"
    assert Instrument.objects.count() == 1
    assert Indicator.objects.count() == default_instrument.indicators.count()


def test_it_loads_under_another_code_and_name(db):
    instrument = load_default_instrument("kc-2023", "Instrumen 2023")
    assert (instrument.code, instrument.name) == ("kc-2023", "Instrumen 2023")
    assert not instrument.is_frozen
