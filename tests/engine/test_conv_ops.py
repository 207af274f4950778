"""Convolution against independent references: scipy.signal, a textbook loop, torch when present,
and the lecture notes' impulse experiment with its exact positions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import signal

from gradviz.engine.build import Builder
from gradviz.engine.errors import ShapeError
from gradviz.engine.ops import conv
from gradviz.engine.registry import get_op
from gradviz.engine.tracer import run

MODES = ("valid", "same", "full")


@settings(max_examples=150, deadline=None)
@given(sizes=st.tuples(*[st.integers(1, 7)] * 2, *[st.integers(1, 5)] * 2),
       mode=st.sampled_from(MODES), seed=st.integers(0, 2**31))
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


def textbook_conv2d(x, w, b, stride, padding):
    """out[n,o,y,x] = b[o] + Σ_c Σ_i Σ_j xpad[n, c, y·s + i, x·s + j] · w[o, c, i, j]: the definition."""
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    n, _, hp, wp = xp.shape
    o, _, kh, kw = w.shape
    out_h, out_w = (hp - kh) // stride + 1, (wp - kw) // stride + 1
    out = np.zeros((n, o, out_h, out_w))
    for a in range(n):
        for f in range(o):
            for y in range(out_h):
                for z in range(out_w):
                    patch = xp[a, :, y * stride:y * stride + kh, z * stride:z * stride + kw]
                    out[a, f, y, z] = np.sum(patch * w[f]) + (0.0 if b is None else b[f])
    return out


@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("padding", [0, 1])
@pytest.mark.parametrize("bias", [True, False])
def test_conv2d_equals_its_definition(stride, padding, bias):
    rng = np.random.default_rng(stride * 10 + padding)
    x, w = rng.normal(size=(2, 3, 6, 5)), rng.normal(size=(4, 3, 3, 2))
    b = rng.normal(size=4) if bias else None
    expected = textbook_conv2d(x, w, b, stride, padding)
    np.testing.assert_allclose(conv.conv2d(x, w, b, (stride, stride), (padding, padding)), expected)


@pytest.mark.parametrize("stride", [(1, 1), (2, 2), (2, 1)])
@pytest.mark.parametrize("padding", [(0, 0), (1, 1), (1, 0)])
def test_conv2d_and_its_bars_equal_torch(stride, padding):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    x, w, b = rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    tx, tw, tb = (torch.tensor(v, requires_grad=True) for v in (x, w, b))
    out = torch.nn.functional.conv2d(tx, tw, tb, stride=stride, padding=padding)
    weights = rng.normal(size=tuple(out.shape))
    (out * torch.tensor(weights)).sum().backward()
    g = Builder()
    o = g.op("conv2d", g.input("x", x), g.parameter("w", w), g.parameter("b", b), id="o",
             stride=list(stride), padding=list(padding))
    trace = run(g.program(g.op("sum", g.op("mul", o, g.constant("G", weights)), id="c")))
    np.testing.assert_allclose(trace.value("o"), out.detach().numpy(), rtol=1e-10)
    for name, tensor in (("x", tx), ("w", tw), ("b", tb)):
        np.testing.assert_allclose(trace.bar(name), tensor.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_impulse_draws_the_kernel_flipped():
    """Notes 20.3: correlating a one-hot image with k = [[a,b,c],[d,e,f],[g,h,i]] draws [[i,h,g],[f,e,d],[c,b,a]]."""
    image = np.zeros((4, 4))
    image[2, 2] = 1.0
    kernel = np.arange(1.0, 10.0).reshape(3, 3)  # a..i = 1..9
    full = conv.correlate2d(image, kernel, "full")
    assert full.shape == (6, 6)
    # the flipped kernel sits where the kernel's corners meet the impulse: rows and columns 2..4
    np.testing.assert_array_equal(full[2:5, 2:5], [[9, 8, 7], [6, 5, 4], [3, 2, 1]])
    assert full.sum() == kernel.sum()
    same = conv.correlate2d(image, kernel, "same")
    np.testing.assert_array_equal(same[1:4, 1:4], kernel[::-1, ::-1])  # centred on the impulse: e at (2, 2)
    assert same[2, 2] == 5.0


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
    np.testing.assert_allclose(trace.bar("I"), full[top:top + 6, left:left + 5])
    # and the kernel bar is a correlation of the (padded) image with the output bar
    padded = np.pad(image, padding)
    np.testing.assert_allclose(trace.bar("k"), signal.correlate2d(padded, out_bar, "valid"))
    step = next(s for s in trace.steps if s.kind == "backward" and s.parent.id == "I")
    assert "convolved with the kernel" in step.note and "∗" in step.rule


def test_the_backward_pass_undoes_the_flip():
    """With an impulse as the output's bar, the image bar draws the kernel the right way round."""
    kernel = np.arange(1.0, 10.0).reshape(3, 3)
    out_bar = np.zeros((4, 4))
    out_bar[1, 2] = 1.0
    image_bar = conv._correlate_image_bar(out_bar, None, np.zeros((4, 4)), kernel, "same")
    np.testing.assert_array_equal(image_bar[0:3, 1:4], kernel)


@pytest.mark.parametrize(("op", "shapes", "attrs", "words"), [
    ("correlate2d", ((3, 4), (5, 5)), {"mode": "valid"}, "kernel 5×5 is larger than image 3×4 in valid mode"),
    ("convolve2d", ((3, 4, 5), (2, 2)), {"mode": "full"}, "image must be 2-D, got 3×4×5"),
    ("conv2d", ((1, 3, 5, 5), (2, 4, 3, 3)), {}, "x has 3 channels but w expects 4"),
    ("conv2d", ((1, 3, 2, 2), (2, 3, 3, 3)), {}, "kernel 3×3 is larger than the padded input 2×2"),
    ("conv2d", ((1, 3, 5, 5), (2, 3, 3, 3), (3,)), {}, "b must have shape 2"),
])
def test_readable_shape_errors(op, shapes, attrs, words):
    declared = get_op(op)
    with pytest.raises(ShapeError, match=words):
        declared.shape(*shapes, **declared.resolve_attrs(attrs))
