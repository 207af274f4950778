"""Elementwise ops: numpy's forward, and each bar the derivative from a table of calculus times z̄."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

from gradviz.engine.errors import AttrError
from tests.engine.ops.rules import bar, dot, forward, shape

X = np.array([-2.0, -0.5, 0.25, 1.0, 3.0])
POSITIVE = np.array([0.25, 1.0, 4.0, 9.0])

# name, input, numpy's forward, the derivative written by hand
TABLE = [
    ("neg", X, -X, -np.ones_like(X)),
    ("square", X, X**2, 2 * X),
    ("sqrt", POSITIVE, np.sqrt(POSITIVE), 1 / (2 * np.sqrt(POSITIVE))),
    ("abs", X, np.abs(X), np.sign(X)),
    ("exp", X, np.exp(X), np.exp(X)),
    ("log", POSITIVE, np.log(POSITIVE), 1 / POSITIVE),
    ("tanh", X, np.tanh(X), 1 / np.cosh(X) ** 2),
    ("sin", X, np.sin(X), np.cos(X)),
    ("cos", X, np.cos(X), -np.sin(X)),
    ("sigmoid", X, special.expit(X), special.expit(X) * special.expit(-X)),
    ("relu", X, np.maximum(X, 0), (X > 0).astype(float)),
]


@pytest.mark.parametrize(("name", "x", "value", "derivative"), TABLE, ids=[row[0] for row in TABLE])
def test_forward_bar_and_dot_follow_the_table(name, x, value, derivative):
    g = np.linspace(-1.0, 2.0, x.size)
    np.testing.assert_allclose(forward(name, x), value, rtol=1e-12)
    np.testing.assert_allclose(bar(name, 0, g, x), g * derivative, rtol=1e-12)
    np.testing.assert_allclose(dot(name, 0, g, x), derivative * g, rtol=1e-12)
    assert shape(name, (2, 5)) == (2, 5)


def test_relu_at_zero_has_derivative_zero():
    """The convention the declaration notes: relu′(0) = 0 (as torch and numpy-autograd take it)."""
    assert bar("relu", 0, np.ones(3), np.array([-1.0, 0.0, 1.0])).tolist() == [0.0, 0.0, 1.0]


def test_sigmoid_is_finite_far_out():
    x = np.array([-800.0, 800.0])
    np.testing.assert_array_equal(forward("sigmoid", x), [0.0, 1.0])


@pytest.mark.parametrize("exponent", [3.0, 0.5, -1.0])
def test_pow_is_x_to_the_p_with_bar_p_x_to_the_p_minus_one(exponent):
    np.testing.assert_allclose(forward("pow", POSITIVE, exponent=exponent), POSITIVE**exponent)
    np.testing.assert_allclose(
        bar("pow", 0, np.ones(4), POSITIVE, exponent=exponent), exponent * POSITIVE ** (exponent - 1)
    )


def test_pow_takes_a_number_exponent():
    with pytest.raises(AttrError, match="pow: attribute 'exponent' must be a number"):
        forward("pow", X, exponent="two")
