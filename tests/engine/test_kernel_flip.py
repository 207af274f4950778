"""The kernel-flip view's frames: each pixel's products sum to what the engine's trace computed.

The reference is always the engine's own run of a graph (image, kernel → op → Σ G ⊙ out, so the output's
bar is the random G), never this module's whole-array shortcuts; the frames are summed one by one.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradviz.engine.build import Builder
from gradviz.engine.kernel_flip import impulse_plane, plane_of
from gradviz.engine.tracer import run

MODES = ("valid", "same", "full")


def _traced(op: str, image: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None = None, **attrs):
    """The engine's trace of Σ G ⊙ op(image, kernel[, bias]) with a random G: the output's bar is G."""
    g = Builder()
    sources = [g.input("image", image), g.parameter("kernel", kernel)]
    if bias is not None:
        sources.append(g.parameter("bias", bias))
    out = g.op(op, *sources, id="out", **attrs)
    shape = run(g.program(g.op("sum", out, id="s"))).value("out").shape
    weights = g.constant("G", np.random.default_rng(0).normal(size=shape))
    cost = g.op("sum", g.op("mul", out, weights, id="weighted"), id="c")
    return run(g.program(cost))


def _frames(plane, kind, shape):
    frame = {"forward": plane.forward_frame, "image": plane.image_bar_frame, "kernel": plane.kernel_bar_frame}[kind]
    return np.array([[frame(a, b).total for b in range(shape[1])] for a in range(shape[0])])


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.tuples(*[st.integers(1, 6)] * 2, *[st.integers(1, 4)] * 2),
    mode=st.sampled_from(MODES),
    op=st.sampled_from(("correlate2d", "convolve2d")),
    seed=st.integers(0, 2**31),
)
def test_every_pixels_products_sum_to_the_engines_numbers(sizes, mode, op, seed):
    h, w, kh, kw = sizes
    if mode == "valid" and (kh > h or kw > w):
        return
    rng = np.random.default_rng(seed)
    image, kernel = rng.normal(size=(h, w)), rng.normal(size=(kh, kw))
    trace = _traced(op, image, kernel, mode=mode)
    plane = plane_of(op, [image, kernel], {"mode": mode}, trace.bar("out"))
    out = trace.value("out")
    np.testing.assert_allclose(_frames(plane, "forward", out.shape), out, atol=1e-12)
    np.testing.assert_allclose(_frames(plane, "image", image.shape), trace.bar("image"), atol=1e-12)
    np.testing.assert_allclose(_frames(plane, "kernel", kernel.shape), trace.bar("kernel"), atol=1e-12)
    np.testing.assert_allclose(plane.image_bar(), trace.bar("image"), atol=1e-12)
    np.testing.assert_allclose(plane.output, out, atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_each_frame_is_its_window_times_its_kernel(mode):
    rng = np.random.default_rng(3)
    image, kernel = rng.normal(size=(5, 6)), rng.normal(size=(3, 2))
    trace = _traced("correlate2d", image, kernel, mode=mode)
    plane = plane_of("correlate2d", [image, kernel], {"mode": mode}, trace.bar("out"))
    frame = plane.forward_frame(1, 1)
    np.testing.assert_array_equal(frame.products, plane.padded[frame.rows, frame.cols] * kernel)
    frame = plane.image_bar_frame(2, 3)
    np.testing.assert_array_equal(frame.products, plane.spread_bar[frame.rows, frame.cols] * kernel[::-1, ::-1])
    # the padding each mode adds is visible: none, k − 1 in all, k − 1 on every side
    extra = {"valid": (0, 0), "same": (2, 1), "full": (4, 2)}[mode]
    assert plane.padded.shape == (5 + extra[0], 6 + extra[1])


def test_the_flipped_kernel_is_k_turned_180_degrees():
    k = np.arange(1.0, 13.0).reshape(3, 4)
    assert np.array_equal(plane_of("correlate2d", [np.ones((5, 5)), k], {"mode": "same"}).flipped, k[::-1, ::-1])
    # a convolution lays k turned on the image, so its backward pass slides k itself: a correlation
    convolution = plane_of("convolve2d", [np.ones((5, 5)), k], {"mode": "same"})
    assert np.array_equal(convolution.laid, k[::-1, ::-1]) and np.array_equal(convolution.flipped, k)
    conv2d = plane_of("conv2d", [np.ones((1, 1, 5, 5)), k[None, None]], {})
    assert np.array_equal(conv2d.flipped, k[::-1, ::-1])


@pytest.mark.parametrize(("stride", "padding"), [((2, 2), (1, 1)), ((1, 2), (0, 1)), ((1, 1), (0, 0))])
def test_conv2d_slices_sum_over_channels_and_batch_to_the_engines_numbers(stride, padding):
    rng = np.random.default_rng(5)
    x, w, b = rng.normal(size=(2, 3, 6, 7)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    trace = _traced("conv2d", x, w, b, stride=stride, padding=padding)
    out = trace.value("out")

    def _slice(n, c, o):
        return plane_of(
            "conv2d",
            [x, w],
            {"stride": stride, "padding": padding},
            trace.bar("out"),
            batch=n,
            in_channel=c,
            out_channel=o,
        )

    for n in range(2):
        for o in range(4):
            shares = [_frames(_slice(n, c, o), "forward", out.shape[2:]) for c in range(3)]
            np.testing.assert_allclose(sum(shares) + b[o], out[n, o], atol=1e-12)
        for c in range(3):  # x̄[n, c]: every filter's share, each the flipped kernel over its spread bar
            shares = [_frames(_slice(n, c, o), "image", x.shape[2:]) for o in range(4)]
            np.testing.assert_allclose(sum(shares), trace.bar("image")[n, c], atol=1e-12)
    for o in range(4):
        for c in range(3):  # w̄[o, c]: summed over the batch
            shares = [_frames(_slice(n, c, o), "kernel", (3, 3)) for n in range(2)]
            np.testing.assert_allclose(sum(shares), trace.bar("kernel")[o, c], atol=1e-12)


def test_stride_two_spreads_the_bar_with_zeros_and_the_far_edge_gets_none():
    rng = np.random.default_rng(8)
    x, w = rng.normal(size=(1, 1, 6, 6)), rng.normal(size=(1, 1, 3, 3))
    trace = _traced("conv2d", x, w, stride=(2, 2), padding=(1, 1))
    plane = plane_of("conv2d", [x, w], {"stride": (2, 2), "padding": (1, 1)}, trace.bar("out"))
    bar = trace.bar("out")[0, 0]  # 3×3 over a padded 8×8: windows start at 0, 2, 4
    spread = plane.spread_bar
    np.testing.assert_array_equal(spread[2:7:2, 2:7:2], bar)  # k − 1 = 2 zeros of 'full', then every 2nd
    assert np.count_nonzero(spread) == np.count_nonzero(bar)
    assert spread.shape[0] - 2 == plane.padded.shape[0]  # slid by a 3×3 kernel it covers the padded input
    # the padded input's last row (7) lies under no window: its bar is zero
    assert plane.image_bar_frame(6, 0).total == 0.0  # image row 6 is padded row 7


def test_the_impulse_draws_the_kernel_flipped_and_its_bar_draws_it_back():
    k = np.arange(1.0, 10.0).reshape(3, 3)
    plane = impulse_plane(k)
    centre = plane.image.shape[0] // 2
    window = (slice(centre - 1, centre + 2),) * 2
    np.testing.assert_array_equal(plane.output[window], k[::-1, ::-1])  # correlation flips
    np.testing.assert_array_equal(plane.image_bar()[window], k)  # its backward pass, a convolution, flips back
    assert plane.output.sum() == plane.image_bar().sum() == k.sum()  # nothing else anywhere
