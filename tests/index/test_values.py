"""Answers: reading, validation with the offending row, assessor slots, combination."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kotacerdas.index import InputError, Values

from .builders import small_tree, write_csv


def test_it_reads_missing_and_not_applicable_from_csv(tmp_path):
    path = write_csv(
        tmp_path / "values.csv",
        "unit,indicator,value\nX,a1,4\nX,a2,\nX,b1,1\nX,b2,NA\n",
    )
    values = Values.from_csv(path, small_tree())
    assert values.units == ("X",)
    assert values.indicators == ("a1", "a2", "b1", "b2")
    assert values.raw[0, :, 0][[0, 2]].tolist() == [4.0, 1.0]
    assert np.isnan(values.raw[0, 1, 0]) and np.isnan(values.raw[0, 3, 0])
    assert values.not_applicable[0].tolist() == [False, False, False, True]
    assert values.answered[0].tolist() == [True, False, True, False]


def test_assessors_fill_slots_and_combine_by_mean_or_median():
    frame = pd.DataFrame(
        {
            "unit": ["X"] * 6,
            "indicator": ["a1", "a1", "a1", "a2", "a2", "b1"],
            "value": [1.0, 2.0, 5.0, 3.0, np.nan, 1.0],
            "assessor": ["p", "q", "r", "p", "q", "r"],
        }
    )
    values = Values.from_frame(frame, small_tree())
    assert values.assessors == ("p", "q", "r")
    assert values.raw.shape == (1, 4, 3)
    assert values.count[0].tolist() == [3, 1, 1, 0]
    # a1: mean (1 + 2 + 5) / 3 = 8/3, median 2; a2: only p's 3; b1: r's 1 (moved to slot 0).
    mean = values.combined("mean")[0]
    median = values.combined("median")[0]
    assert mean[:3].tolist() == pytest.approx([8 / 3, 3.0, 1.0])
    assert median[:3].tolist() == [2.0, 3.0, 1.0]
    assert values.assessor[0, 2, 0] == 2  # r fills the first slot of b1
    assert np.isnan(mean[3])


def test_the_median_of_two_values_is_their_mean():
    frame = pd.DataFrame(
        {"unit": ["X", "X"], "indicator": ["a1", "a1"], "value": [1.0, 4.0], "assessor": ["p", "q"]}
    )
    assert Values.from_frame(frame, small_tree()).combined("median")[0, 0] == 2.5


def test_the_order_of_rows_does_not_matter(values):
    shuffled = values.sample(frac=1.0, random_state=3)
    first = Values.from_frame(values, small_tree())
    second = Values.from_frame(shuffled, small_tree())
    assert first.units == second.units
    np.testing.assert_array_equal(first.raw, second.raw)
    assert first.digest == second.digest


@pytest.mark.parametrize(
    ("body", "row", "message"),
    [
        ("X,zz,1\n", 2, "unknown indicator 'zz'"),
        ("X,A,1\n", 2, "'A' is an aggregate of the tree, not an indicator"),
        ("X,a1,4\nX,a1,high\n", 3, "value must be a number, NA or empty, found 'high'"),
        ("X,a1,6\n", 2, "level 6 of 'a1' is not a whole level in 0..5"),
        ("X,a1,2.5\n", 2, "level 2.5 of 'a1' is not a whole level"),
        ("X,b1,2\n", 2, "a yes/no value must be 0 or 1"),
        ("X,a1,1\nY,a1,2\nX,a1,3\n", 4, "the same unit and indicator as row 2"),
        (",a1,1\n", 2, "unit is empty"),
        ("X,b2,inf\n", 2, "value must be finite"),
    ],
)
def test_it_refuses_bad_values_naming_the_row(tmp_path, body, row, message):
    path = write_csv(tmp_path / "values.csv", "unit,indicator,value\n" + body)
    with pytest.raises(InputError) as caught:
        Values.from_csv(path, small_tree())
    assert str(caught.value).startswith(f"values.csv, row {row}: ")
    assert message in str(caught.value)


def test_an_assessor_answers_once_per_indicator(tmp_path):
    path = write_csv(
        tmp_path / "values.csv",
        "unit,indicator,value,assessor\nX,a1,1,p\nX,a1,2,q\nX,a1,3,p\n",
    )
    with pytest.raises(InputError, match="row 4: the same unit, indicator and assessor as row 2"):
        Values.from_csv(path, small_tree())


def test_an_empty_assessor_is_refused(tmp_path):
    path = write_csv(tmp_path / "values.csv", "unit,indicator,value,assessor\nX,a1,1,p\nX,a2,2,\n")
    with pytest.raises(InputError, match="row 3: assessor is empty"):
        Values.from_csv(path, small_tree())


def test_a_not_applicable_answer_cannot_carry_a_value():
    frame = pd.DataFrame(
        {"unit": ["X"], "indicator": ["a1"], "value": [3.0], "not_applicable": [True]}
    )
    with pytest.raises(InputError, match="values, row 0: a not-applicable answer has a value"):
        Values.from_frame(frame, small_tree())


def test_a_value_beside_a_not_applicable_mark_wins():
    # One assessor says not applicable, another scores it: the score counts.
    frame = pd.DataFrame(
        {
            "unit": ["X", "X"],
            "indicator": ["a1", "a1"],
            "value": [np.nan, 3.0],
            "assessor": ["p", "q"],
            "not_applicable": [True, False],
        }
    )
    values = Values.from_frame(frame, small_tree())
    assert not values.not_applicable[0, 0]
    assert values.combined()[0, 0] == 3.0


def test_it_refuses_a_values_file_without_a_value_column(tmp_path):
    path = write_csv(tmp_path / "values.csv", "unit,indicator\nX,a1\n")
    with pytest.raises(InputError, match=r"values.csv, row 1: missing column\(s\) value"):
        Values.from_csv(path, small_tree())


def test_categorical_keys_give_the_same_arrays(values):
    categorical = values.astype({"unit": "category", "indicator": "category"})
    first = Values.from_frame(values, small_tree())
    second = Values.from_frame(categorical, small_tree())
    assert first.units == second.units
    np.testing.assert_array_equal(first.raw, second.raw)
    np.testing.assert_array_equal(first.not_applicable, second.not_applicable)
