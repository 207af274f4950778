"""The lecture notes' results, each checked against the formula the notes give (not the engine's)."""

from __future__ import annotations

import numpy as np
import pytest

from gradviz.engine.build import Builder
from gradviz.engine.forward_mode import forward_mode
from gradviz.engine.tracer import run

rng = np.random.default_rng(2008)


def test_cost_bar_is_two_f_minus_y():
    """Seed 002: c = (f − y)² gives f̄ = 2(f − y), for N×1 vectors f and y."""
    f, y = rng.normal(size=(5, 1)), rng.normal(size=(5, 1))
    g = Builder()
    c = g.op("mse", g.input("f", f), g.constant("y", y), id="c")
    trace = run(g.program(c))
    assert trace.output_value == pytest.approx(float(np.sum((f - y) ** 2)))
    np.testing.assert_allclose(trace.bar("f"), 2 * (f - y))


DERIVATIVES = {  # g′ written from calculus, independent of the engine's rules
    "tanh": lambda a: 1 / np.cosh(a) ** 2,
    "sigmoid": lambda a: np.exp(-a) / (1 + np.exp(-a)) ** 2,
    "exp": np.exp,
    "sin": np.cos,
    "cos": lambda a: -np.sin(a),
    "square": lambda a: 2 * a,
    "relu": lambda a: np.where(a > 0, 1.0, 0.0),
    "abs": np.sign,
    "neg": lambda a: -np.ones_like(a),
}


@pytest.mark.parametrize("name", sorted(DERIVATIVES))
def test_elementwise_bar_is_hbar_times_g_prime(name):
    """Seed 002: h = g(a) elementwise gives ā = h̄ ⊙ g′(a)."""
    a = rng.normal(size=(3, 4))
    weights = rng.normal(size=(3, 4))
    g = Builder()
    h = g.op(name, g.input("a", a), id="h")
    c = g.op("sum", g.op("mul", h, g.constant("w", weights)), id="c")
    trace = run(g.program(c))
    h_bar = trace.bar("h")
    np.testing.assert_allclose(h_bar, weights)  # c = Σ w ⊙ h, so h̄ = w
    np.testing.assert_allclose(trace.bar("a"), h_bar * DERIVATIVES[name](a), rtol=1e-12)


def test_matmul_bars_are_zbar_times_transposes():
    """Seed 002: Z = XY gives X̄ = Z̄ Yᵀ (and Ȳ = Xᵀ Z̄), checked against the O(n⁴) sum of partials."""
    x, y, weights = rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=(3, 2))
    g = Builder()
    z = g.op("matmul", g.input("X", x), g.input("Y", y), id="Z")
    c = g.op("sum", g.op("mul", z, g.constant("w", weights)), id="c")
    trace = run(g.program(c))
    z_bar = trace.bar("Z")
    np.testing.assert_allclose(trace.bar("X"), z_bar @ y.T)
    np.testing.assert_allclose(trace.bar("Y"), x.T @ z_bar)
    # ∂c/∂Xᵢⱼ = Σₘₙ Z̄ₘₙ ∂Zₘₙ/∂Xᵢⱼ = Σₘₙ Z̄ₘₙ δₘᵢ Yⱼₙ: the four-index sum the notes start from
    partials = np.einsum("mn,mi,jn->ij", z_bar, np.eye(3), y)
    np.testing.assert_allclose(trace.bar("X"), partials)


@pytest.mark.parametrize("batch", [None, 3])
def test_linear_layer_bars(batch):
    """Notes 20.2: a = W x gives ∂L/∂x = Wᵀ ∂L/∂a and ∂L/∂W = ∂L/∂a xᵀ, bars of x's and W's shapes."""
    w = rng.normal(size=(2, 3))
    x = rng.normal(size=(3,) if batch is None else (3, batch))
    b = rng.normal(size=(2,))
    target = rng.normal(size=(2,) if batch is None else (2, batch))
    g = Builder()
    a = g.op("linear", g.parameter("W", w), g.input("x", x), g.parameter("b", b), id="a")
    c = g.op("mse", a, g.constant("y", target), id="L")
    trace = run(g.program(c))
    a_value = w @ x + (b if batch is None else b[:, None])
    a_bar = 2 * (a_value - target)
    np.testing.assert_allclose(trace.bar("a"), a_bar)
    np.testing.assert_allclose(trace.bar("x"), w.T @ a_bar)
    np.testing.assert_allclose(trace.bar("W"), np.outer(a_bar, x) if batch is None else a_bar @ x.T)
    np.testing.assert_allclose(trace.bar("b"), a_bar if batch is None else a_bar.sum(axis=1))
    assert trace.bar("W").shape == w.shape and trace.bar("x").shape == x.shape


def test_chain_forward_mode_needs_n_passes_reverse_one():
    """Notes 20.1: x → i1 → a → y → i2 → L; forward mode takes n passes for x of length n."""
    n = 6
    x = rng.normal(size=n)
    g = Builder()
    i1 = g.op("sin", g.input("x", x), id="i1")
    a = g.op("tanh", i1, id="a")
    y = g.op("square", a, id="y")
    i2 = g.op("exp", y, id="i2")
    loss = g.op("sum", i2, id="L")
    program = g.program(loss)
    reverse = run(program)
    forward = forward_mode(program)
    assert forward.passes == n
    # the chain rule read either way, multiplied out by hand
    expected = np.exp(np.tanh(np.sin(x)) ** 2) * 2 * np.tanh(np.sin(x)) / np.cosh(np.sin(x)) ** 2 * np.cos(x)
    np.testing.assert_allclose(reverse.bar("x"), expected)
    np.testing.assert_allclose(forward.gradients["x"], expected)
    # one reverse pass: exactly one backward step per edge of the chain
    assert sum(step.kind == "backward" for step in reverse.steps) == 5


def test_giles_matrix_results():
    """Giles 2008: C = A⁻¹ gives Ā = −Cᵀ C̄ Cᵀ; C = det A gives Ā = C̄ C A⁻ᵀ; C = A⁻¹B gives B̄ = A⁻ᵀ C̄."""
    a = rng.normal(size=(3, 3)) + 3 * np.eye(3)
    b = rng.normal(size=(3, 2))
    w = rng.normal(size=(3, 3))
    g = Builder()
    inv = g.op("inv", g.input("A", a), id="C")
    c = g.op("sum", g.op("mul", inv, g.constant("w", w)), id="c")
    trace = run(g.program(c))
    inverse = np.linalg.inv(a)
    np.testing.assert_allclose(trace.bar("A"), -inverse.T @ w @ inverse.T)

    g = Builder()
    det = g.op("det", g.input("A", a), id="C")
    trace = run(g.program(g.op("mul", det, g.constant("k", 2.5), id="c")))
    np.testing.assert_allclose(trace.bar("A"), 2.5 * np.linalg.det(a) * inverse.T)

    g = Builder()
    solved = g.op("solve", g.input("A", a), g.input("B", b), id="C")
    w2 = rng.normal(size=(3, 2))
    trace = run(g.program(g.op("sum", g.op("mul", solved, g.constant("w", w2)), id="c")))
    b_bar = np.linalg.solve(a.T, w2)
    np.testing.assert_allclose(trace.bar("B"), b_bar)
    np.testing.assert_allclose(trace.bar("A"), -b_bar @ np.linalg.solve(a, b).T)


def test_matmul_bar_costs_n_cubed_where_summing_partials_costs_n_to_the_fourth():
    """Seed 002: X̄ = Z̄ Yᵀ is a matrix product, O(n³); summing Σₘₙ Z̄ₘₙ ∂Zₘₙ/∂Xᵢⱼ for every i, j is O(n⁴)."""
    for n in (2, 4, 8):
        g = Builder()
        z = g.op("matmul", g.input("X", np.ones((n, n))), g.input("Y", np.ones((n, n))), id="Z")
        trace = run(g.program(g.op("sum", z, id="c")))
        into_x = next(step.index for step in trace.steps if step.kind == "backward" and step.parent.id == "X")
        assert trace.flops(into_x) == 2 * n**3
        assert trace.naive_flops(into_x) == 2 * n**4
        assert trace.naive_flops(trace.seed_index) is None
