"""Frame helpers: text as codes, distinct combinations, row order, typed output frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from perfkit.frames import (
    Coded,
    codes_against,
    distinct,
    empty_frame,
    expand_order,
    label_codes,
    long_frame,
    row_codes,
    sort_order,
    text_from_codes,
)

IDS = pd.Index(["E3", "E1", "E2"])


@pytest.mark.parametrize("dtype", ["str", object, "category"])
def test_codes_against_finds_positions_and_marks_the_rest(dtype):
    values = pd.Series(["E1", "E9", None, "E3", "E1", "E2"], dtype=dtype)
    assert codes_against(values, IDS).tolist() == [1, -1, -1, 0, 1, 2]


def test_codes_against_never_matches_a_missing_value_even_if_the_index_has_one():
    values = pd.Series(["E1", None], dtype="str")
    assert codes_against(values, pd.Index(["E1", None], dtype=object)).tolist() == [0, -1]


def test_codes_against_keeps_the_lookups_own_integers_when_asked():
    out = codes_against(pd.Series(["E2", "E1"], dtype="str"), IDS, dtype=None)
    assert out.tolist() == [2, 1] and np.issubdtype(out.dtype, np.integer)


def test_label_codes_in_order_of_first_appearance():
    codes, labels = label_codes(pd.Series(["b", "a", None, "b"], dtype="str"))
    assert codes.tolist() == [0, 1, -1, 0] and labels.tolist() == ["b", "a"]


def test_distinct_numbers_combinations_by_first_appearance():
    a = np.array([1, 2, 1, 1, 2])
    b = np.array([7, 7, 7, 8, 7])
    code, first = distinct(a, b)
    assert code.tolist() == [0, 1, 0, 2, 1]
    assert first.tolist() == [0, 1, 3]


def test_distinct_with_keys_too_wide_to_pack_in_one_integer():
    big = np.array([0, 2**61, 0, 2**61, 5])
    code, first = distinct(big, big, np.array([1, 1, 1, 2, 1]))
    assert code.tolist() == [0, 1, 0, 2, 3]
    assert first.tolist() == [0, 1, 3, 4]


@pytest.mark.parametrize("width", [3, 70])  # packed in one integer / numbered by np.unique
def test_row_codes_equal_exactly_for_equal_rows(width, rng):
    m = rng.integers(0, 3, (200, width))
    m[50] = m[7]
    codes = row_codes(m)
    same = (m[:, None, :] == m[None, :, :]).all(axis=2)
    assert ((codes[:, None] == codes[None, :]) == same).all()
    assert codes[50] == codes[7]


def test_row_codes_of_a_boolean_matrix():
    m = np.array([[True, False], [False, True], [True, False], [False, False]])
    c = row_codes(m)
    assert c[0] == c[2] and len({c[0], c[1], c[3]}) == 3


def test_sort_order_by_period_then_rank_then_metric():
    parts = [
        {"_p": np.array([1, 0]), "_r": np.array([0, 5]), "_m": np.array([0, 0])},
        {"_p": np.array([0, 0]), "_r": np.array([2, 5]), "_m": np.array([0, 1])},
    ]
    assert sort_order(parts).tolist() == [2, 1, 3, 0]
    assert sort_order([{"_p": np.array([0, 1]), "_r": np.array([3, 0]), "_m": np.zeros(2)}]) is None


def test_expand_order_keeps_each_rows_details_together():
    # rows of 2, 3 and 1 details; the order puts row 2 first, then row 0, then row 1
    order = expand_order(np.array([2, 0, 1]), np.array([2, 3, 1]))
    assert order.tolist() == [5, 0, 1, 2, 3, 4]
    assert expand_order(None, np.array([2, 3])) is None


def test_text_from_codes_repeating_a_cycle_equals_the_plain_take():
    labels = np.array(["leads", "ad_ctr", "", "collaboration"], dtype=object)
    codes = np.tile([3, 0, 2, 1], 5)
    fast = text_from_codes(codes, labels, cycle=4)
    assert fast.dtype == "str"
    assert list(fast) == list(labels[codes])


def test_text_from_codes_keeps_missing_labels():
    out = text_from_codes(np.array([0, 1, 0, 1]), np.array(["a", None], dtype=object), cycle=2)
    assert out[0] == "a" and pd.isna(out[1]) and pd.isna(out[3])


def test_long_frame_sorts_and_types_columns():
    parts = [
        {
            "employee_id": Coded(np.array([1, 0]), np.array(["E2", "E1"], dtype=object)),
            "score": np.array([0.5, 1.5]),
            "gate_passed": np.array([True, False]),
            "_p": np.array([0, 0]),
            "_r": np.array([0, 1]),
            "_m": np.array([0, 0]),
        },
        {
            "employee_id": Coded(np.array([0]), np.array(["E0"], dtype=object)),
            "score": np.array([9.0]),
            "gate_passed": np.array([True]),
            "_p": np.array([0]),
            "_r": np.array([2]),
            "_m": np.array([0]),
        },
    ]
    frame = long_frame(parts, ["employee_id", "score", "gate_passed"])
    assert frame["employee_id"].tolist() == ["E1", "E2", "E0"]
    assert frame["score"].tolist() == [0.5, 1.5, 9.0]
    assert frame.dtypes.astype(str).tolist() == ["str", "float64", "bool"]
    reordered = long_frame(parts, ["employee_id"], order=np.array([2, 0, 1]))
    assert reordered["employee_id"].tolist() == ["E0", "E1", "E2"]


def test_long_frame_does_not_share_one_array_between_two_columns():
    x = np.array([1.0, 2.0])
    part = {"actual": x, "target": x, "_p": np.zeros(2), "_r": np.arange(2), "_m": np.zeros(2)}
    frame = long_frame([part], ["actual", "target"])
    frame.loc[0, "actual"] = 5.0
    assert frame.loc[0, "target"] == 1.0 and x[0] == 1.0


def test_empty_frame_has_the_documented_dtypes():
    frame = empty_frame(["employee_id", "composite", "gate_passed"])
    assert len(frame) == 0
    assert frame.dtypes.astype(str).tolist() == ["str", "float64", "bool"]
