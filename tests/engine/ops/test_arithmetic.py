"""add, sub, mul, div: numpy's broadcasting forward, and the bar rules of the calculus by hand."""

from __future__ import annotations

import numpy as np
import pytest

from gradviz.engine.errors import ShapeError
from tests.engine.ops.rules import bar, dot, forward, shape

A = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]])
B = np.array([2.0, -0.5, 4.0])  # broadcast over A's rows
G = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]])


@pytest.mark.parametrize(
    ("name", "numpy"), [("add", np.add), ("sub", np.subtract), ("mul", np.multiply), ("div", np.divide)]
)
def test_forward_is_numpys_with_broadcasting(name, numpy):
    np.testing.assert_array_equal(forward(name, A, B), numpy(A, B))
    assert shape(name, (2, 3), (3,)) == (2, 3) and shape(name, (2, 1), (1, 3)) == (2, 3)


def test_bars_of_add_sub_mul_div():
    # d(a+b) = da + db; d(a−b) = da − db; d(ab) = b da + a db; d(a/b) = da / b − a db / b²
    np.testing.assert_array_equal(bar("add", 0, G, A, B), G)
    np.testing.assert_array_equal(bar("add", 1, G, A, B), G)  # still 2×3: the tracer sums it back to 3
    np.testing.assert_array_equal(bar("sub", 1, G, A, B), -G)
    np.testing.assert_array_equal(bar("mul", 0, G, A, B), G * B)
    np.testing.assert_array_equal(bar("mul", 1, G, A, B), G * A)
    np.testing.assert_allclose(bar("div", 0, G, A, B), G / B)
    np.testing.assert_allclose(bar("div", 1, G, A, B), -G * A / B**2)


def test_dot_rules_carry_the_same_derivatives_forward():
    t = np.ones_like(A)
    np.testing.assert_array_equal(dot("mul", 0, t, A, B), t * B)
    np.testing.assert_allclose(dot("div", 1, np.ones(3), A, B), -A / B**2)


def test_shapes_that_do_not_broadcast_are_named():
    with pytest.raises(ShapeError, match="mul: shapes 2×3 and 2 do not broadcast"):
        shape("mul", (2, 3), (2,))
