"""Reductions: sum and mean over axes (their bars spread z̄ back), softmax, log_softmax and logsumexp
against scipy, with the softmax bar of the calculus."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

from gradviz.engine.errors import ShapeError
from tests.engine.ops.rules import bar, forward, shape

X = np.arange(6.0).reshape(2, 3) - 2.0


@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1), -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_sum_and_mean_are_numpys(axis, keepdims):
    np.testing.assert_allclose(forward("sum", X, axis=axis, keepdims=keepdims), X.sum(axis=axis, keepdims=keepdims))
    np.testing.assert_allclose(forward("mean", X, axis=axis, keepdims=keepdims), X.mean(axis=axis, keepdims=keepdims))
    assert shape("sum", (2, 3), axis=axis, keepdims=keepdims) == X.sum(axis=axis, keepdims=keepdims).shape


def test_the_bars_spread_zbar_back_over_the_summed_axis():
    np.testing.assert_array_equal(bar("sum", 0, np.array([1.0, -2.0]), X, axis=1), [[1.0] * 3, [-2.0] * 3])
    np.testing.assert_allclose(bar("mean", 0, np.array([3.0, 6.0, 9.0]), X, axis=0), [[1.5, 3.0, 4.5]] * 2)
    np.testing.assert_array_equal(bar("sum", 0, 2.0, X), np.full((2, 3), 2.0))


def test_an_axis_out_of_range_is_named():
    with pytest.raises(ShapeError, match="sum: axis 2 is out of range for 2 dimensions"):
        shape("sum", (2, 3), axis=2)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_softmax_family_is_scipys_and_stable(axis):
    big = X * 300  # exp(900) overflows unless shifted by the max
    np.testing.assert_allclose(forward("softmax", big, axis=axis), special.softmax(big, axis=axis))
    np.testing.assert_allclose(forward("log_softmax", big, axis=axis), special.log_softmax(big, axis=axis))
    # atol: log(1 + e⁻³⁰⁰) is 5e-131, which scipy keeps (log1p) and the engine's log(Σ) rounds to 0
    np.testing.assert_allclose(forward("logsumexp", big, axis=axis), special.logsumexp(big, axis=axis), atol=1e-12)


def test_softmax_bar_and_logsumexp_bar():
    p = special.softmax(X, axis=1)
    g = np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 0.0]])
    # y = softmax(x): x̄ = y ⊙ (ȳ − Σ ȳ ⊙ y) along the axis
    np.testing.assert_allclose(bar("softmax", 0, g, X, axis=1), p * (g - (g * p).sum(axis=1, keepdims=True)))
    # c = logsumexp(x): x̄ = c̄ softmax(x)
    np.testing.assert_allclose(bar("logsumexp", 0, np.array([2.0, -1.0]), X, axis=1), [[2.0], [-1.0]] * p)
