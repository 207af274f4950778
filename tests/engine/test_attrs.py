"""Typed attributes: each kind's values normalised (tuples, floats), everything else one readable AttrError."""

from __future__ import annotations

import pytest

from gradviz.engine.attrs import Attr
from gradviz.engine.errors import AttrError


@pytest.mark.parametrize(
    ("kind", "value", "canonical"),
    [
        ("number", 2, 2.0),
        ("number", -0.5, -0.5),
        ("int", 3, 3),
        ("bool", True, True),
        ("axis", None, None),
        ("axis", -1, -1),
        ("axis", [0, 2], (0, 2)),
        ("permutation", None, None),
        ("permutation", [1, 0], (1, 0)),
        ("shape", [2, -1], (2, -1)),
        ("pair", 1, (1, 1)),
        ("pair", [2, 0], (2, 0)),
    ],
)
def test_good_values_take_their_canonical_form(kind, value, canonical):
    got = Attr("a", kind, None).coerce(value, "op")
    assert got == canonical and type(got) is type(canonical)


@pytest.mark.parametrize(
    ("kind", "value", "words"),
    [
        ("number", float("nan"), "must be a number, not nan"),
        ("number", True, "must be a number, not True"),  # a bool is no number here
        ("int", 1.5, "must be an integer, not 1.5"),
        ("bool", 1, "must be true or false, not 1"),
        ("axis", [0, 0], "must be an axis, a list of axes, or null for all axes"),
        ("shape", [2, -1, -1], "must be a list of sizes (one may be -1)"),
        ("shape", [-2], "must be a list of sizes"),
        ("pair", [1, 2, 3], "must be a non-negative integer or a list of two"),
        ("pair", -1, "must be a non-negative integer or a list of two"),
    ],
)
def test_bad_values_are_one_line_naming_op_and_attribute(kind, value, words):
    with pytest.raises(AttrError) as caught:
        Attr("k", kind, None).coerce(value, "conv")
    assert str(caught.value).startswith("conv: attribute 'k' ") and words in str(caught.value)


def test_choices_and_minimums_are_said_in_the_message():
    with pytest.raises(AttrError, match="must be one of 'mean', 'sum', not 'max'"):
        Attr("reduction", "choice", "mean", choices=("mean", "sum")).coerce("max", "mse")
    with pytest.raises(AttrError, match="must be an integer ≥ 1, not 0"):
        Attr("stride", "int", 1, minimum=1).coerce(0, "conv")
    assert Attr("stride", "int", 1, minimum=1).coerce(4, "conv") == 4


def test_an_integer_past_int64_is_called_too_large():
    with pytest.raises(AttrError, match=f"value {2**63} is too large"):
        Attr("axis", "int", 0).coerce(2**63, "sum")


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown attribute kind 'colour'"):
        Attr("x", "colour", None)  # type: ignore[arg-type]  # the point: a kind not in KINDS
