"""transpose and reshape: numpy's forward, and bars that undo them."""

from __future__ import annotations

import numpy as np
import pytest

from gradviz.engine.errors import ShapeError
from tests.engine.ops.rules import bar, forward, shape

X = np.arange(24.0).reshape(2, 3, 4)


def test_transpose_reverses_or_permutes_and_its_bar_permutes_back():
    np.testing.assert_array_equal(forward("transpose", X), X.T)
    np.testing.assert_array_equal(forward("transpose", X, axes=[1, 0, 2]), X.transpose(1, 0, 2))
    assert shape("transpose", (2, 3, 4), axes=[2, 0, 1]) == (4, 2, 3)
    g = np.arange(24.0).reshape(4, 2, 3)
    np.testing.assert_array_equal(bar("transpose", 0, g, X, axes=[2, 0, 1]), g.transpose(1, 2, 0))


def test_reshape_keeps_the_numbers_in_c_order_and_its_bar_reshapes_back():
    np.testing.assert_array_equal(forward("reshape", X, shape=[6, -1]), X.reshape(6, 4))
    assert shape("reshape", (2, 3, 4), shape=[-1]) == (24,)
    g = np.arange(24.0).reshape(6, 4)
    np.testing.assert_array_equal(bar("reshape", 0, g, X, shape=[6, -1]), g.reshape(2, 3, 4))


def test_sizes_that_do_not_fit_are_named():
    with pytest.raises(ShapeError, match=r"reshape: cannot reshape 2×3 into \[4, -1\]"):
        shape("reshape", (2, 3), shape=[4, -1])
