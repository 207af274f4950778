"""Convolution against independent references: scipy.signal, a textbook loop, torch when present,
the lecture notes' impulse experiment with its exact positions, finite differences for every bar, and
the dot-product identity between each dot rule and its bar rule."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import signal

from gradviz.engine.build import Builder
from gradviz.engine.errors import ShapeError
from gradviz.engine.ops import conv  # the module itself: registers the ops and holds the cores
from gradviz.engine.registry import get_op
from gradviz.engine.tracer import run

MODES = ("valid", "same", "full")


# ----- correlate2d, convolve2d against scipy ------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    sizes=st.tuples(*[st.integers(1, 7)] * 2, *[st.integers(1, 5)] * 2),
    mode=st.sampled_from(MODES),
    seed=st.integers(0, 2**31),
)
def test_plane_ops_equal_scipy(sizes, mode, seed):
    h, w, kh, kw = sizes
    if mode == "valid" and (kh > h or kw > w):
        return  # refused by the shape rule (tested below); scipy would swap the arguments
    rng = np.random.default_rng(seed)
    image, kernel = rng.normal(size=(h, w)), rng.normal(size=(kh, kw))
    np.testing.assert_allclose(conv.correlate2d(image, kernel, mode), signal.correlate2d(image, kernel, mode))
    np.testing.assert_allclose(conv.convolve2d(image, kernel, mode), signal.convolve2d(image, kernel, mode))
    for name in ("correlate2d", "convolve2d"):
        op = get_op(name)
        assert op.shape(image.shape, kernel.shape, mode=mode) == op.forward(image, kernel, mode).shape


@pytest.mark.parametrize(
    ("k", "correlate", "convolve"),
    [
        (1, (0, 0), (0, 0)),
        (2, (0, 1), (1, 0)),
        (3, (1, 1), (1, 1)),
        (4, (1, 2), (2, 1)),
        (5, (2, 2), (2, 2)),
    ],
)
def test_same_mode_pads_as_scipy_centres(k, correlate, convolve):
    """'same' splits the k − 1 zeros differently for the two ops when k is even; scipy is the judge."""
    assert conv.pad_for_mode((k, 3), "same") == (correlate, (1, 1))
    assert conv.pad_for_mode((k, 3), "same", flipped=True) == (convolve, (1, 1))
    image, kernel = np.random.default_rng(k).normal(size=(6, 7)), np.random.default_rng(9).normal(size=(k, k))
    for pads, flipped, reference in ((correlate, False, signal.correlate2d), (convolve, True, signal.convolve2d)):
        padded = np.pad(image, (pads, pads))
        turned = kernel[::-1, ::-1] if flipped else kernel
        np.testing.assert_allclose(signal.correlate2d(padded, turned, "valid"), reference(image, kernel, "same"))


def test_the_valid_cores_take_either_path():
    """A small kernel (offset loop) and a large one (row contractions) give scipy's valid answer."""
    rng = np.random.default_rng(1)
    padded = rng.normal(size=(9, 11))
    for kernel in (rng.normal(size=(2, 3)), rng.normal(size=(8, 9))):
        np.testing.assert_allclose(conv.correlate_valid(padded, kernel), signal.correlate2d(padded, kernel, "valid"))
        np.testing.assert_allclose(conv.convolve_valid(padded, kernel), signal.convolve2d(padded, kernel, "valid"))


# ----- the lecture notes' examples ----------------------------------------------------------------


def test_impulse_draws_the_kernel_flipped():
    """Notes 20.3: correlating a one-hot image with k = [[a,b,c],[d,e,f],[g,h,i]] draws [[i,h,g],[f,e,d],[c,b,a]]."""
    image = np.zeros((4, 4))
    image[2, 2] = 1.0
    a, b, c, d, e, f, g, h, i = (2.0, 3.0, 5.0, 7.0, 11.0, 13.0, 17.0, 19.0, 23.0)
    kernel = np.array([[a, b, c], [d, e, f], [g, h, i]])
    full = conv.correlate2d(image, kernel, "full")
    expected = np.zeros((6, 6))
    # out[y, x] = Σ kernel[r, s] · image[y + r − 2, x + s − 2]: the impulse meets kernel[r, s] at (4 − r, 4 − s)
    expected[2:5, 2:5] = [[i, h, g], [f, e, d], [c, b, a]]
    np.testing.assert_array_equal(full, expected)
    assert full[2, 2] == i and full[3, 3] == e and full[4, 4] == a and full[2, 4] == g and full[4, 2] == c
    same = conv.correlate2d(image, kernel, "same")
    np.testing.assert_array_equal(same, expected[1:5, 1:5])  # centred on the impulse: e at (2, 2)
    np.testing.assert_array_equal(conv.convolve2d(image, kernel, "full")[2:5, 2:5], kernel)  # convolution: upright


@pytest.mark.parametrize("mode", MODES)
def test_backward_of_correlation_is_a_convolution(mode):
    """∂L/∂I_i = conv(∂L/∂I_o, k): the image bar equals scipy's convolve2d of the output bar, cropped."""
    rng = np.random.default_rng(20)
    image, kernel = rng.normal(size=(6, 5)), rng.normal(size=(3, 2))
    out_bar = rng.normal(size=signal.correlate2d(image, kernel, mode).shape)
    g = Builder()
    o = g.op("correlate2d", g.input("I", image), g.parameter("k", kernel), id="o", mode=mode)
    trace = run(g.program(g.op("sum", g.op("mul", o, g.constant("G", out_bar)), id="c")))
    # zeros around the image for a 3×2 kernel: 'same' pads (k − 1) // 2 before, as scipy does
    padding = {"valid": ((0, 0), (0, 0)), "same": ((1, 1), (0, 1)), "full": ((2, 2), (1, 1))}[mode]
    (top, _), (left, _) = padding
    full = signal.convolve2d(out_bar, kernel, "full")
    assert full.shape == (6 + sum(padding[0]), 5 + sum(padding[1]))  # the bar of the padded image
    np.testing.assert_allclose(trace.bar("I"), full[top : top + 6, left : left + 5])
    # and the kernel bar is a correlation of the (padded) image with the output bar
    padded = np.pad(image, padding)
    np.testing.assert_allclose(trace.bar("k"), signal.correlate2d(padded, out_bar, "valid"))
    step = next(s for s in trace.steps if s.kind == "backward" and s.parent.id == "I")
    assert "convolved with the kernel" in step.note and "∗" in step.rule


def test_backward_of_convolution_is_a_correlation():
    rng = np.random.default_rng(21)
    image, kernel = rng.normal(size=(7, 6)), rng.normal(size=(3, 4))
    out_bar = rng.normal(size=(5, 3))
    bar = get_op("convolve2d").vjp[0](out_bar, None, image, kernel, "valid")
    np.testing.assert_allclose(bar, signal.correlate2d(out_bar, kernel, "full"))


def test_the_backward_pass_undoes_the_flip():
    """With an impulse as the output's bar, the image bar draws the kernel the right way round."""
    kernel = np.arange(1.0, 10.0).reshape(3, 3)
    out_bar = np.zeros((4, 4))
    out_bar[1, 2] = 1.0
    image_bar = get_op("correlate2d").vjp[0](out_bar, None, np.zeros((4, 4)), kernel, "same")
    np.testing.assert_array_equal(image_bar[0:3, 1:4], kernel)


# ----- conv2d against its definition and torch ----------------------------------------------------


def textbook_conv2d(x, w, b, stride, padding):
    """out[n,o,y,x] = b[o] + Σ_c Σ_i Σ_j xpad[n, c, y·sh + i, x·sw + j] · w[o, c, i, j]: the definition."""
    (sh, sw), (ph, pw) = stride, padding
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    n, _, hp, wp = xp.shape
    o, _, kh, kw = w.shape
    out_h, out_w = (hp - kh) // sh + 1, (wp - kw) // sw + 1
    out = np.zeros((n, o, out_h, out_w))
    for a in range(n):
        for f in range(o):
            for y in range(out_h):
                for z in range(out_w):
                    patch = xp[a, :, y * sh : y * sh + kh, z * sw : z * sw + kw]
                    out[a, f, y, z] = np.sum(patch * w[f]) + (0.0 if b is None else b[f])
    return out


@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("padding", [0, 1])
@pytest.mark.parametrize("bias", [True, False])
def test_conv2d_equals_its_definition(stride, padding, bias):
    rng = np.random.default_rng(stride * 10 + padding)
    x, w = rng.normal(size=(2, 3, 6, 5)), rng.normal(size=(4, 3, 3, 2))
    b = rng.normal(size=4) if bias else None
    expected = textbook_conv2d(x, w, b, (stride, stride), (padding, padding))
    np.testing.assert_allclose(conv.conv2d(x, w, b, (stride, stride), (padding, padding)), expected)


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.tuples(*[st.integers(1, 3)] * 3, *[st.integers(1, 6)] * 2, *[st.integers(1, 3)] * 2),
    stride=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    padding=st.tuples(st.integers(0, 2), st.integers(0, 2)),
    bias=st.booleans(),
    seed=st.integers(0, 2**31),
)
def test_conv2d_shape_rule_and_values_over_generated_shapes(sizes, stride, padding, bias, seed):
    n, c, o, h, w, kh, kw = sizes
    if kh > h + 2 * padding[0] or kw > w + 2 * padding[1]:
        return  # refused by the shape rule (tested below)
    rng = np.random.default_rng(seed)
    x, k, b = rng.normal(size=(n, c, h, w)), rng.normal(size=(o, c, kh, kw)), rng.normal(size=o)
    inputs = (x, k, b) if bias else (x, k)
    op = get_op("conv2d")
    out = op.forward(*inputs, stride=stride, padding=padding)
    assert op.shape(*(v.shape for v in inputs), stride=stride, padding=padding) == out.shape
    np.testing.assert_allclose(out, textbook_conv2d(x, k, b if bias else None, stride, padding), atol=1e-12)


@pytest.mark.parametrize("stride", [(1, 1), (2, 2), (2, 1)])
@pytest.mark.parametrize("padding", [(0, 0), (1, 1), (1, 0)])
@pytest.mark.parametrize("bias", [True, False])
def test_conv2d_and_its_bars_equal_torch(stride, padding, bias):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    x, w, b = rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    tx, tw, tb = (torch.tensor(v, requires_grad=True) for v in (x, w, b))
    out = torch.nn.functional.conv2d(tx, tw, tb if bias else None, stride=stride, padding=padding)
    weights = rng.normal(size=tuple(out.shape))
    (out * torch.tensor(weights)).sum().backward()
    g = Builder()
    ports = [g.input("x", x), g.parameter("w", w)] + ([g.parameter("b", b)] if bias else [])
    o = g.op("conv2d", *ports, id="o", stride=list(stride), padding=list(padding))
    trace = run(g.program(g.op("sum", g.op("mul", o, g.constant("G", weights)), id="c")))
    np.testing.assert_allclose(trace.value("o"), out.detach().numpy(), rtol=1e-10)
    for name, tensor in (("x", tx), ("w", tw), ("b", tb))[: 3 if bias else 2]:
        np.testing.assert_allclose(trace.bar(name), tensor.grad.numpy(), rtol=1e-10, atol=1e-12)


# ----- every bar against finite differences, every dot rule against its bar -----------------------

CASES = [
    *[
        (name, ((6, 5), kernel), {"mode": mode})
        for name in ("correlate2d", "convolve2d")
        for kernel in ((3, 3), (2, 4))
        for mode in MODES
    ],
    ("correlate2d", ((2, 3), (4, 4)), {"mode": "same"}),  # kernel larger than the image
    ("conv2d", ((2, 3, 6, 5), (4, 3, 3, 2)), {}),
    ("conv2d", ((2, 3, 6, 5), (4, 3, 3, 2), (4,)), {"stride": (2, 2), "padding": (1, 1)}),
    ("conv2d", ((1, 2, 7, 6), (3, 2, 2, 3), (3,)), {"stride": (2, 1), "padding": (0, 2)}),
    ("conv2d", ((2, 1, 5, 5), (2, 1, 3, 3)), {"stride": (3, 2), "padding": (1, 0)}),
]


def case_inputs(name, shapes, attrs, seed):
    op = get_op(name)
    rng = np.random.default_rng(seed)
    xs = [rng.normal(size=shape) for shape in shapes]
    attrs = op.resolve_attrs(attrs)
    out = op.forward(*xs, **attrs)
    assert op.shape(*shapes, **attrs) == out.shape
    return op, xs, attrs, out, rng


def directional_derivative(op, xs, attrs, port, *, v, g_bar, h=1e-6):
    """⟨ḡ, (f(x + h v) − f(x − h v)) / 2h⟩: the change of the output, in direction v, weighed by ḡ."""
    up, down = list(xs), list(xs)
    up[port], down[port] = xs[port] + h * v, xs[port] - h * v
    return np.vdot(g_bar, (op.forward(*up, **attrs) - op.forward(*down, **attrs)) / (2 * h))


@pytest.mark.parametrize(("name", "shapes", "attrs"), CASES)
def test_every_bar_matches_finite_differences(name, shapes, attrs):
    op, xs, attrs, out, rng = case_inputs(name, shapes, attrs, seed=len(CASES))
    for port in range(len(xs)):
        for _ in range(3):
            g_bar, v = rng.normal(size=out.shape), rng.normal(size=xs[port].shape)
            bar = op.vjp[port](g_bar, out, *xs, **attrs)
            assert bar.shape == xs[port].shape
            numeric = directional_derivative(op, xs, attrs, port, v=v, g_bar=g_bar)
            np.testing.assert_allclose(np.vdot(bar, v), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(("name", "shapes", "attrs"), CASES)
def test_every_dot_rule_is_the_transpose_of_its_bar_rule(name, shapes, attrs):
    """⟨ḡ, J v⟩ = ⟨Jᵀ ḡ, v⟩ per port, and the dot rule is linear in the tangent."""
    op, xs, attrs, out, rng = case_inputs(name, shapes, attrs, seed=7)
    for port in range(len(xs)):
        g_bar, v, u = rng.normal(size=out.shape), rng.normal(size=xs[port].shape), rng.normal(size=xs[port].shape)
        tangent = op.jvp[port](v, out, *xs, **attrs)
        assert np.shape(tangent) == out.shape
        np.testing.assert_allclose(
            np.vdot(g_bar, tangent), np.vdot(op.vjp[port](g_bar, out, *xs, **attrs), v), rtol=1e-10, atol=1e-12
        )
        combined = op.jvp[port](2.0 * v - 3.0 * u, out, *xs, **attrs)
        np.testing.assert_allclose(combined, 2.0 * tangent - 3.0 * op.jvp[port](u, out, *xs, **attrs), atol=1e-12)


def test_flops_count_a_multiply_and_an_add_per_kernel_cell():
    assert get_op("correlate2d").flops((6, 5), (3, 2), mode="valid") == 2 * (4 * 4) * 6
    assert get_op("convolve2d").flops((6, 5), (3, 2), mode="full") == 2 * (8 * 6) * 6
    conv2d = get_op("conv2d")
    assert conv2d.flops((2, 3, 6, 5), (4, 3, 3, 2), stride=(1, 1), padding=(0, 0)) == 2 * (2 * 4 * 4 * 4) * 18
    assert conv2d.flops((2, 3, 6, 5), (4, 3, 3, 2), (4,), stride=(1, 1), padding=(0, 0)) == 2 * 128 * 18 + 128


# ----- readable errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "shapes", "attrs", "words"),
    [
        (
            "correlate2d",
            ((3, 4), (5, 5)),
            {"mode": "valid"},
            "correlate2d: kernel 5×5 is larger than image 3×4 in valid mode",
        ),
        (
            "convolve2d",
            ((3, 4), (2, 5)),
            {"mode": "valid"},
            "convolve2d: kernel 2×5 is larger than image 3×4 in valid mode",
        ),
        ("convolve2d", ((3, 4, 5), (2, 2)), {"mode": "full"}, "convolve2d: image must be 2-D, got 3×4×5"),
        ("correlate2d", ((3, 4), (2,)), {"mode": "same"}, "correlate2d: kernel must be 2-D, got 2"),
        ("conv2d", ((1, 3, 5, 5), (2, 4, 3, 3)), {}, "conv2d: x has 3 channels but w expects 4"),
        ("conv2d", ((1, 3, 2, 2), (2, 3, 3, 3)), {}, "conv2d: kernel 3×3 is larger than the padded input 2×2"),
        ("conv2d", ((1, 3, 5, 5), (2, 3, 3, 3), (3,)), {}, "conv2d: b must have shape 2"),
        ("conv2d", ((3, 5, 5), (2, 3, 3, 3)), {}, "conv2d: x must be N×C×H×W, got 3×5×5"),
    ],
)
def test_readable_shape_errors(op, shapes, attrs, words):
    declared = get_op(op)
    with pytest.raises(ShapeError, match=words):
        declared.shape(*shapes, **declared.resolve_attrs(attrs))


def test_a_larger_kernel_fits_once_padded():
    declared = get_op("conv2d")
    assert declared.shape((1, 3, 2, 2), (2, 3, 3, 3), **declared.resolve_attrs({"padding": 1})) == (1, 2, 2, 2)
