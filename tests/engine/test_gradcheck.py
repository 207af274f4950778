"""The gradient check: central differences against the bars, judged relative to the source's scale."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from gradviz.engine import registry
from gradviz.engine.build import Builder
from gradviz.engine.gradcheck import FLOOR, gradcheck, numeric_gradient, relative_error
from gradviz.engine.registry import get_op


def cubic():
    """c = Σ x³ + w · Σ x: ∂c/∂x = 3x² + w, ∂c/∂w = Σ x."""
    g = Builder()
    x = g.input("x", [1.0, -2.0, 0.5])
    w = g.parameter("w", 3.0)
    return g.program(g.op("add", g.op("sum", g.op("pow", x, exponent=3)), g.op("mul", w, g.op("sum", x)), id="c"))


def test_the_numeric_gradient_is_the_calculus_one():
    program = cubic()
    np.testing.assert_allclose(numeric_gradient(program, "x"), [3 + 3, 12 + 3, 0.75 + 3], rtol=1e-8)
    assert numeric_gradient(program, "w") == pytest.approx(-0.5, rel=1e-8)
    np.testing.assert_allclose(numeric_gradient(program, "x", {"w": 0.0}), [3, 12, 0.75], rtol=1e-8)


def test_a_right_rule_passes_and_a_wrong_one_fails(monkeypatch):
    assert gradcheck(cubic()).passed
    tanh = get_op("tanh")
    wrong = dataclasses.replace(tanh, vjp=(lambda g, z, x: g * (1 - x * x),))  # uses x where tanh′ needs z
    monkeypatch.setitem(registry._REGISTRY, "tanh", wrong)
    g = Builder()
    program = g.program(g.op("sum", g.op("tanh", g.input("x", [0.5, 1.5])), id="c"))
    check = gradcheck(program)
    assert not check.passed and check.max_error > 0.1


def test_relative_error_is_relative_and_judges_near_zeros_against_the_scale():
    assert relative_error(np.array([2.0]), np.array([2.0 * (1 + 1e-7)])) == pytest.approx(1e-7, rel=1e-3)
    # a bar of 1e-9 against a true 0 next to a derivative of 100 is rounding noise, not a 100 % error
    assert relative_error(np.array([100.0, 1e-9]), np.array([100.0, 0.0])) == pytest.approx(1e-9 / (FLOOR * 100))
    assert relative_error(np.array([np.nan]), np.array([1.0])) == np.inf
    assert relative_error(np.zeros(0), np.zeros(0)) == 0.0
