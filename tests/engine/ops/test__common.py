"""The shape rules and flop counts the op tables share."""

from __future__ import annotations

import pytest

from gradviz.engine.errors import AttrError, ShapeError
from gradviz.engine.ops import _common


def test_shapes_are_shown_as_a_student_writes_them():
    assert _common.show((3, 1)) == "3×1" and _common.show(()) == "scalar" and _common.show((4,)) == "4"
    assert _common.size((2, 3, 4)) == 24 and _common.size(()) == 1


def test_broadcast_rule_names_the_op_and_the_shapes():
    rule = _common.broadcast_rule("add")
    assert rule((2, 1), (3,)) == (2, 3)
    with pytest.raises(ShapeError, match="add: shapes 2×3 and 4 do not broadcast"):
        rule((2, 3), (4,))


def test_per_element_counts_flops_of_the_output():
    assert _common.per_element(3)((2, 5)) == 30
    assert _common.per_element(1, _common.broadcast_rule("mul"))((4, 1), (3,)) == 12


@pytest.mark.parametrize(
    ("axis", "ndim", "normal"), [(None, 3, (0, 1, 2)), (-1, 3, (2,)), ((2, 0), 3, (0, 2)), (0, 1, (0,))]
)
def test_axes_are_normalised_sorted_and_non_negative(axis, ndim, normal):
    assert _common.normalise_axes(axis, ndim, "sum") == normal


def test_bad_axes_are_named():
    with pytest.raises(ShapeError, match="sum: axis 3 is out of range for 2 dimensions"):
        _common.normalise_axes(3, 2, "sum")
    with pytest.raises(ShapeError, match=r"sum: axis \(1, -1\) names an axis twice"):
        _common.normalise_axes((1, -1), 2, "sum")


def test_sizes_past_the_limits_are_refused_before_allocating():
    _common.check_extent("reshape", "size", _common.MAX_EXTENT)
    with pytest.raises(AttrError, match="reshape: size 2147483648 is too large"):
        _common.check_extent("reshape", "size", _common.MAX_EXTENT + 1)
    with pytest.raises(ShapeError, match="conv2d: the output would be 65536×65536"):
        _common.check_numbers("conv2d", "the output", (2**16, 2**16))
    with pytest.raises(ShapeError, match="softmax: axis 1 of the input \\(shape 2×0\\) has length 0; why"):
        _common.check_not_empty_along("softmax", (2, 0), (1,), "why")
