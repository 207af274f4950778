"""Gradient descent on the lecture notes' linear layer: W ← W − η W̄ lowers the cost."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from gradviz.engine.tracer import run
from gradviz.engine.training import train
from gradviz.io.graph_file import load
from gradviz.io.paths import EXAMPLES


def test_descent_follows_the_bars_and_lowers_the_cost():
    _, program = load(EXAMPLES / "linear_layer.json")
    records = train(program, learning_rate=0.05, iterations=5)
    assert [record.index for record in records] == list(range(6))
    np.testing.assert_array_equal(records[0].parameters["W"], program.node("W").value)
    # one step by hand: W₁ = W₀ − η W̄₀ with W̄₀ = 2(W₀x − y) xᵀ
    w0, x, y = program.node("W").value, program.node("x").value, program.node("y").value
    np.testing.assert_allclose(records[1].parameters["W"], w0 - 0.05 * 2 * (w0 @ x - y) @ x.T)
    losses = [record.loss for record in records]
    assert all(later < earlier for earlier, later in pairwise(losses))
    assert set(records[0].parameters) == {"W"}  # the input x and the constant y never move
    assert run(program, records[3].parameters).output_value == pytest.approx(records[3].loss)


def test_bad_settings_are_refused():
    _, program = load(EXAMPLES / "linear_layer.json")
    with pytest.raises(ValueError, match="learning rate must be positive"):
        train(program, 0.0, 3)
