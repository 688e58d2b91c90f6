"""The config: defaults, validation, JSON round trip, predicate bands."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kotacerdas.index import DEFAULT_BANDS, Band, Config, InputError


def test_the_defaults_follow_the_product_brief():
    config = Config()
    assert (config.normalise, config.aggregate, config.missing) == ("rubric", "arithmetic", "zero")
    assert config.display_scale == 5
    assert [(band.label, band.min) for band in DEFAULT_BANDS] == [
        ("Memuaskan", 4.2),
        ("Sangat Baik", 3.5),
        ("Baik", 2.6),
        ("Cukup", 1.8),
        ("Kurang", 0.0),
    ]


def test_it_round_trips_through_json():
    config = Config(
        normalise="zscore",
        scope="all",
        aggregate="geometric",
        geometric_offset=0.5,
        missing="exclude",
        combine="median",
        display_scale=100,
        bands=(Band("Top", 3.0), Band("Rest", 0.0)),
        tie_decimals=6,
    )
    stored = json.loads(json.dumps(config.to_dict()))
    assert Config.from_dict(stored) == config
    assert stored["version"] == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"normalise": "rank"}, "normalise must be one of"),
        ({"aggregate": "harmonic"}, "aggregate must be one of"),
        ({"missing": "impute"}, "missing must be one of"),
        ({"display_scale": 10}, "display_scale must be 5 or 100"),
        ({"geometric_offset": -1}, "geometric_offset must be >= 0"),
        ({"bands": (Band("Low", 0.0), Band("High", 3.0))}, "highest minimum down"),
        ({"bands": (Band("High", 3.0), Band("Low", 1.0))}, "last band must start at 0"),
        ({"bands": (Band("Same", 3.0), Band("Same", 0.0))}, "labels must be distinct"),
    ],
)
def test_it_refuses_invalid_settings(changes, message):
    with pytest.raises(InputError, match=message):
        Config(**changes)


def test_from_dict_refuses_unknown_keys():
    with pytest.raises(InputError, match="unknown setting"):
        Config.from_dict({"normalize": "minmax"})


def test_bands_include_their_lower_bound_on_the_0_5_scale():
    # 84 points are 4.2 on the 0-5 scale: Memuaskan; just below is Sangat Baik.
    scores = np.array([84.0, 83.99, 70.0, 69.99, 52.0, 36.0, 35.99, 0.0, np.nan])
    assert list(Config().predicates(scores)) == [
        "Memuaskan",
        "Sangat Baik",
        "Sangat Baik",
        "Baik",
        "Baik",
        "Cukup",
        "Kurang",
        "Kurang",
        None,
    ]


def test_float_noise_does_not_drop_a_score_below_its_band():
    # Scores are compared after rounding to 9 decimals, so 84 - 1e-13 counts as 84.
    assert list(Config().predicates(np.array([84 - 1e-13]))) == ["Memuaskan"]
