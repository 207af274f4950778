"""Undoing broadcasting: a contribution summed back to its input's shape, with the axes it summed."""

from __future__ import annotations

import numpy as np
import pytest

from gradviz.engine.broadcast import broadcast_shapes, unbroadcast


def test_a_matching_shape_is_returned_as_it_is():
    g = np.arange(6.0).reshape(2, 3)
    same, axes = unbroadcast(g, (2, 3))
    assert same is g and axes == ()


def test_added_leading_axes_and_stretched_axes_are_summed():
    g = np.arange(24.0).reshape(2, 3, 4)
    # a bias of shape (4,) was broadcast over the first two axes: its bar sums them
    bias, axes = unbroadcast(g, (4,))
    np.testing.assert_array_equal(bias, [60.0, 66.0, 72.0, 78.0])  # g[i, j, k] = 12i + 4j + k: Σ over i, j is 6k + 60
    assert axes == (0, 1)
    # (3, 1) was stretched along the last axis and given a leading one
    column, axes = unbroadcast(g, (3, 1))
    # Σ over i and k of row j: (4j + 4j+1 + 4j+2 + 4j+3) + (12+4j + … + 15+4j)
    np.testing.assert_array_equal(column, [[6 + 54], [22 + 70], [38 + 86]])
    assert axes == (0, 2)
    scalar, axes = unbroadcast(np.ones((2, 2)), ())
    assert scalar.shape == () and scalar == 4.0 and axes == (0, 1)


@pytest.mark.parametrize(
    ("shapes", "result"),
    [(((2, 1), (3,)), (2, 3)), (((), (4, 5)), (4, 5)), (((2, 3), (3, 2)), None), (((1,), (1, 1, 7)), (1, 1, 7))],
)
def test_broadcast_shapes_says_none_where_numpy_refuses(shapes, result):
    assert broadcast_shapes(*shapes) == result
