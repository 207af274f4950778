"""Convolution: correlate2d and convolve2d (scipy.signal semantics) and conv2d (torch semantics).

The lecture notes' result (20.3): the backward pass of correlation is a convolution, and the other
way round. The rules below say it literally: the image bar of correlate2d is computed by the same
routine that convolve2d's forward uses (the output's bar convolved with the kernel, 'full'), then
cropped to the image; the image bar of convolve2d is a correlation.

Every op is built from small cores that the kernel-flip view reuses: ``pad_for_mode`` (how each mode
pads the image), ``correlate_valid`` and ``convolve_valid`` (slide a kernel, as it is or turned 180°,
over an already padded image) and ``crop`` (cut a padded image's bar back to the image).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from gradviz.engine.attrs import Attr
from gradviz.engine.errors import ShapeError
from gradviz.engine.ops import script_helpers
from gradviz.engine.ops._common import check_extent, check_numbers, show, size
from gradviz.engine.registry import Port, defop
from gradviz.engine.spelling import Spelling

MODE = Attr(
    "mode",
    "choice",
    "valid",
    "valid: no padding; same: output as large as the image; full: every overlap",
    choices=("valid", "same", "full"),
)
Shape = tuple[int, ...]
Pads = tuple[tuple[int, int], tuple[int, int]]

# ----- the cores ----------------------------------------------------------------------------------


def pad_for_mode(kernel_shape: tuple[int, ...], mode: str, flipped: bool = False) -> Pads:
    """Zeros added ((top, bottom), (left, right)) around the image before a valid correlation.

    valid adds none, full adds k − 1 on every side (every overlap), same adds k − 1 in all so that the
    output is as large as the image. Pass ``flipped`` for convolve2d, whose kernel is turned first.
    """

    # NOTE: 'same' splits its k − 1 zeros as scipy does (measured against scipy.signal):
    # correlate2d puts (k − 1) // 2 before and k // 2 after, convolve2d k // 2 before and (k − 1) // 2
    # after. They agree for odd k (k = 3: 1 and 1) and differ for even k (k = 4: 1, 2 against 2, 1).
    def split(k: int) -> tuple[int, int]:
        if mode == "valid":
            return 0, 0
        if mode == "full":
            return k - 1, k - 1
        before = k // 2 if flipped else (k - 1) // 2
        return before, k - 1 - before

    return split(kernel_shape[0]), split(kernel_shape[1])


def correlate_valid(padded: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """out[y, x] = Σᵢⱼ padded[y + i, x + j] · kernel[i, j], for every place the kernel fits.

    Loops over the smaller of the kernel and the output, each pass one whole-array numpy operation.
    A small kernel over a big image (a forward, an image's bar) is kh·kw multiply-adds of output-sized
    slices. A big 'kernel' with a small output (the output's bar, when computing a kernel's bar) is one
    contraction per output row, over a sliding-window view of the image: no copies, few Python steps.
    """
    kh, kw = kernel.shape
    out_h, out_w = padded.shape[0] - kh + 1, padded.shape[1] - kw + 1
    if kh * kw <= out_h * out_w:
        out = np.zeros((out_h, out_w))
        scratch = np.empty((out_h, out_w))
        for i in range(kh):
            for j in range(kw):
                np.multiply(padded[i : i + out_h, j : j + out_w], kernel[i, j], out=scratch)
                out += scratch
        return out
    windows = sliding_window_view(padded, kw, axis=1)  # windows[r, x, j] = padded[r, x + j]
    out = np.empty((out_h, out_w))
    for y in range(out_h):
        out[y] = np.einsum("ixj,ij->x", windows[y : y + kh], kernel)
    return out


def convolve_valid(padded: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """out[y, x] = Σᵢⱼ padded[y + i, x + j] · kernel[kh − 1 − i, kw − 1 − j]: the kernel turned 180°.

    Convolution is correlation with the kernel rotated by 180°; this is the whole difference.
    """
    return correlate_valid(padded, kernel[::-1, ::-1])


def crop(padded_bar: np.ndarray, pads: Pads, shape: tuple[int, ...]) -> np.ndarray:
    """The part of a padded image's bar that lies on the image: the zeros a mode added get no bar."""
    (top, _), (left, _) = pads
    return padded_bar[top : top + shape[0], left : left + shape[1]]


def correlate2d(image: np.ndarray, kernel: np.ndarray, mode: str = "valid") -> np.ndarray:
    """scipy.signal.correlate2d for real 2-D arrays: pad as the mode says, then slide the kernel."""
    return correlate_valid(np.pad(image, pad_for_mode(kernel.shape, mode)), kernel)


def convolve2d(image: np.ndarray, kernel: np.ndarray, mode: str = "valid") -> np.ndarray:
    """scipy.signal.convolve2d for real 2-D arrays: pad as the mode says, then slide the kernel turned 180°."""
    return convolve_valid(np.pad(image, pad_for_mode(kernel.shape, mode, flipped=True)), kernel)


# ----- correlate2d, convolve2d ------------------------------------------------------------------


def _plane_shape(op_name: str) -> Callable[..., Shape]:
    """The shape rule of correlate2d or convolve2d: both 2-D, and in valid mode the kernel must fit."""

    def rule(image: Shape, kernel: Shape, mode: str) -> Shape:
        for name, shape in (("image", image), ("kernel", kernel)):
            if len(shape) != 2:
                raise ShapeError(f"{op_name}: {name} must be 2-D, got {show(shape)}")
        if 0 in kernel:
            raise ShapeError(f"{op_name}: kernel is {show(kernel)}; it needs at least one row and one column")
        # NOTE: in valid mode scipy swaps the arguments when the kernel is the larger (and raises when
        # neither fits in the other); we refuse, so that image and kernel keep their roles in the bars.
        if mode == "valid" and (kernel[0] > image[0] or kernel[1] > image[1]):
            raise ShapeError(f"{op_name}: kernel {show(kernel)} is larger than image {show(image)} in valid mode")
        (top, bottom), (left, right) = pad_for_mode(kernel, mode)
        return image[0] + top + bottom - kernel[0] + 1, image[1] + left + right - kernel[1] + 1

    return rule


def _plane_flops(op_name: str) -> Callable[..., int]:
    """One multiply and one add per kernel cell per output cell (the zeros of the padding counted too)."""
    rule = _plane_shape(op_name)
    return lambda image, kernel, mode: 2 * size(rule(image, kernel, mode)) * size(kernel)


def _plane_pads(flipped: bool) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The exported scripts' numbers: the zeros the mode pads with, and full mode's (the image's bar)."""
    return lambda c: {
        "pads": pad_for_mode(c["shape_kernel"], c["mode"], flipped=flipped),
        "full_pads": pad_for_mode(c["shape_kernel"], "full"),
    }


def _numpy_image_bar(flipped: bool) -> Callable[[dict[str, Any]], str]:
    """The image's bar in the numpy script, as the rules above: the output's bar correlated in full mode
    with the kernel turned 180° for a correlation (a convolution) and as it is for a convolution, then
    cropped to the image."""

    def template(c: dict[str, Any]) -> str:
        (top, _), (left, _) = c["pads"]
        h, w = c["shape_image"]
        kernel = "{kernel}" if flipped else "{kernel}[::-1, ::-1]"
        return f"correlate2d({{g}}, {kernel}, {c['full_pads']})[{top}:{top + h}, {left}:{left + w}]"

    return template


def _torch_plane(flipped: bool) -> Callable[[dict[str, Any]], str]:
    """scipy's correlate2d/convolve2d in torch: pad (asymmetrically for 'same'), then a valid F.conv2d."""

    def template(c: dict[str, Any]) -> str:
        (top, bottom), (left, right) = c["pads"]
        kernel = "torch.flip({kernel}, [0, 1])" if flipped else "{kernel}"
        pad = f"F.pad({{image}}[None, None], ({left}, {right}, {top}, {bottom}))"
        return f"F.conv2d({pad}, {kernel}[None, None])[0, 0]"

    return template


def _correlate_image_bar(g: np.ndarray, z: np.ndarray, image: np.ndarray, kernel: np.ndarray, mode: str) -> np.ndarray:
    # The point of the lecture: the bar of the padded image is the output's bar CONVOLVED with the
    # kernel in full mode; the padding the mode added is then cut away.
    return crop(convolve2d(g, kernel, "full"), pad_for_mode(kernel.shape, mode), image.shape)


def _correlate_kernel_bar(g: np.ndarray, z: np.ndarray, image: np.ndarray, kernel: np.ndarray, mode: str) -> np.ndarray:
    return correlate_valid(np.pad(image, pad_for_mode(kernel.shape, mode)), g)


defop(
    "correlate2d",
    "convolution",
    "Cross-correlation of an image with a kernel, as scipy.signal.correlate2d: the kernel slides unflipped.",
    ports=["image", "kernel"],
    forward=correlate2d,
    shape=_plane_shape("correlate2d"),
    vjp=[_correlate_image_bar, _correlate_kernel_bar],
    jvp=[
        lambda t, z, image, kernel, mode: correlate2d(t, kernel, mode),
        lambda t, z, image, kernel, mode: correlate2d(image, t, mode),
    ],
    formula="{out} = {image} ⋆ {kernel}",
    bars=["{image:bar} += {out:bar} ∗ {kernel}", "{kernel:bar} += {image} ⋆ {out:bar}"],
    dot="{out:dot} = {image:dot} ⋆ {kernel} + {image} ⋆ {kernel:dot}",
    flops=_plane_flops("correlate2d"),
    attrs=[MODE],
    bar_notes=[
        "the image's bar is the output's bar convolved with the kernel (full mode), cropped to the "
        "image: the backward pass of correlation is a convolution",
        "the kernel's bar is the (padded) image correlated with the output's bar",
    ],
    spelling=Spelling(
        numpy="correlate2d({image}, {kernel}, {pads})",
        numpy_bars=[_numpy_image_bar(flipped=False), "correlate2d({image}, {g}, {pads})"],
        torch=_torch_plane(flipped=False),
        context=_plane_pads(flipped=False),
        helpers=(script_helpers.CORRELATE2D,),
    ),
)


def _convolve_image_bar(g: np.ndarray, z: np.ndarray, image: np.ndarray, kernel: np.ndarray, mode: str) -> np.ndarray:
    # And the other way round: the image bar of a convolution is a correlation with the kernel.
    return crop(correlate2d(g, kernel, "full"), pad_for_mode(kernel.shape, mode, flipped=True), image.shape)


def _convolve_kernel_bar(g: np.ndarray, z: np.ndarray, image: np.ndarray, kernel: np.ndarray, mode: str) -> np.ndarray:
    return correlate_valid(np.pad(image, pad_for_mode(kernel.shape, mode, flipped=True)), g)[::-1, ::-1]


defop(
    "convolve2d",
    "convolution",
    "Convolution of an image with a kernel, as scipy.signal.convolve2d: the kernel slides turned 180°.",
    ports=["image", "kernel"],
    forward=convolve2d,
    shape=_plane_shape("convolve2d"),
    vjp=[_convolve_image_bar, _convolve_kernel_bar],
    jvp=[
        lambda t, z, image, kernel, mode: convolve2d(t, kernel, mode),
        lambda t, z, image, kernel, mode: convolve2d(image, t, mode),
    ],
    formula="{out} = {image} ∗ {kernel}",
    bars=["{image:bar} += {out:bar} ⋆ {kernel}", "{kernel:bar} += rot180({image} ⋆ {out:bar})"],
    dot="{out:dot} = {image:dot} ∗ {kernel} + {image} ∗ {kernel:dot}",
    flops=_plane_flops("convolve2d"),
    attrs=[MODE],
    bar_notes=[
        "the image's bar is the output's bar correlated with the kernel (full mode), cropped to the "
        "image: the backward pass of convolution is a correlation",
        "the kernel's bar is the (padded) image correlated with the output's bar, turned 180°",
    ],
    spelling=Spelling(
        numpy="correlate2d({image}, {kernel}[::-1, ::-1], {pads})",
        numpy_bars=[_numpy_image_bar(flipped=True), "correlate2d({image}, {g}, {pads})[::-1, ::-1]"],
        torch=_torch_plane(flipped=True),
        context=_plane_pads(flipped=True),
        helpers=(script_helpers.CORRELATE2D,),
    ),
)

# ----- conv2d (torch.nn.functional.conv2d) -------------------------------------------------------

# NOTE: like torch (and every deep-learning library), conv2d slides its filters unflipped: it is a
# correlation, whatever its name. Rows and columns a stride steps over at the far edge are never read,
# as in torch; their bar is zero.


def _conv2d_shape(x: tuple, w: tuple, b: tuple | None = None, stride: tuple = (1, 1), padding: tuple = (0, 0)) -> tuple:
    if len(x) != 4:
        raise ShapeError(f"conv2d: x must be N×C×H×W, got {show(x)}")
    if len(w) != 4:
        raise ShapeError(f"conv2d: w must be O×C×kh×kw, got {show(w)}")
    if x[1] != w[1]:
        raise ShapeError(f"conv2d: x has {x[1]} channels but w expects {w[1]}")
    if b is not None and b != (w[0],):
        raise ShapeError(f"conv2d: b must have shape {w[0]} (one per output channel), got {show(b)}")
    if 0 in w[2:]:
        raise ShapeError(f"conv2d: kernel is {w[2]}×{w[3]}; it needs at least one row and one column")
    for what, pair in (("stride", stride), ("padding", padding)):
        for item in pair:
            check_extent("conv2d", what, item)
    padded = (x[2] + 2 * padding[0], x[3] + 2 * padding[1])
    check_numbers("conv2d", "the padded input", (*x[:2], *padded))
    if w[2] > padded[0] or w[3] > padded[1]:
        raise ShapeError(f"conv2d: kernel {w[2]}×{w[3]} is larger than the padded input {padded[0]}×{padded[1]}")
    out = (padded[0] - w[2]) // stride[0] + 1, (padded[1] - w[3]) // stride[1] + 1
    check_numbers("conv2d", "the windows it multiplies (im2col)", (*w[1:], x[0], *out))
    return x[0], w[0], *out


def _padded(x: np.ndarray, padding: tuple) -> np.ndarray:
    return np.pad(x, ((0, 0), (0, 0), (padding[0], padding[0]), (padding[1], padding[1])))


def _out_size(x: np.ndarray, kernel: tuple, stride: tuple, padding: tuple) -> tuple[int, int]:
    return tuple((x.shape[2 + axis] + 2 * padding[axis] - kernel[axis]) // stride[axis] + 1 for axis in (0, 1))


def _offsets(kernel: tuple, out: tuple, stride: tuple) -> Iterator[tuple[int, int, slice, slice]]:
    """(i, j, rows, columns): for each kernel cell, the slice of the padded input it meets."""
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            yield (
                i,
                j,
                slice(i, i + stride[0] * (out[0] - 1) + 1, stride[0]),
                slice(j, j + stride[1] * (out[1] - 1) + 1, stride[1]),
            )


def columns(x: np.ndarray, kernel: tuple, stride: tuple, padding: tuple) -> np.ndarray:
    """im2col: the C·kh·kw numbers under each of the N·Ho·Wo windows, as a (C, kh, kw, N, Ho, Wo) array.

    Built by kh·kw block copies (one per kernel cell), so that the convolution and both of its bars
    are each one matrix product.
    """
    padded = _padded(x, padding)
    out = _out_size(x, kernel, stride, padding)
    cols = np.empty((x.shape[1], kernel[0], kernel[1], x.shape[0], *out))
    for i, j, rows, cols_slice in _offsets(kernel, out, stride):
        cols[:, i, j] = padded[:, :, rows, cols_slice].transpose(1, 0, 2, 3)
    return cols


def conv2d(
    x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None, stride: tuple = (1, 1), padding: tuple = (0, 0)
) -> np.ndarray:
    """torch.nn.functional.conv2d: a correlation of each window with each filter, summed over channels."""
    cols = columns(x, w.shape[2:], stride, padding)
    n, out_h, out_w = cols.shape[3:]
    out = w.reshape(w.shape[0], -1) @ cols.reshape(-1, n * out_h * out_w)
    out = out.reshape(w.shape[0], n, out_h, out_w).transpose(1, 0, 2, 3)
    return out if b is None else out + b[:, None, None]


def _by_channel(g: np.ndarray) -> np.ndarray:
    """The output's bar as an O × (N·Ho·Wo) matrix, matching the columns' order."""
    return g.transpose(1, 0, 2, 3).reshape(g.shape[1], -1)


def _conv2d_x_bar(
    g: np.ndarray,
    z: np.ndarray,
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None = None,
    stride: tuple = (1, 1),
    padding: tuple = (0, 0),
) -> np.ndarray:
    # Each window's share of the output's bar, spread back over the cells the window covered: the
    # output's bar, dilated by the stride, convolved with each filter ('full'), then the padding cut.
    kernel, out = w.shape[2:], g.shape[2:]
    spread = (w.reshape(w.shape[0], -1).T @ _by_channel(g)).reshape(x.shape[1], *kernel, x.shape[0], *out)
    padded = np.zeros((x.shape[0], x.shape[1], x.shape[2] + 2 * padding[0], x.shape[3] + 2 * padding[1]))
    for i, j, rows, cols_slice in _offsets(kernel, out, stride):
        padded[:, :, rows, cols_slice] += spread[:, i, j].transpose(1, 0, 2, 3)
    return padded[:, :, padding[0] : padding[0] + x.shape[2], padding[1] : padding[1] + x.shape[3]]


def _conv2d_w_bar(
    g: np.ndarray,
    z: np.ndarray,
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None = None,
    stride: tuple = (1, 1),
    padding: tuple = (0, 0),
) -> np.ndarray:
    cols = columns(x, w.shape[2:], stride, padding)
    return (_by_channel(g) @ cols.reshape(cols.shape[0] * cols.shape[1] * cols.shape[2], -1).T).reshape(w.shape)


def _conv2d_flops(x: tuple, w: tuple, b: tuple | None = None, stride: tuple = (1, 1), padding: tuple = (0, 0)) -> int:
    out = _conv2d_shape(x, w, b, stride, padding)
    return 2 * size(out) * size(w[1:]) + (size(out) if b is not None else 0)


defop(
    "conv2d",
    "convolution",
    "A convolution layer as torch.nn.functional.conv2d: N×C×H×W images, O×C×kh×kw filters, an optional "
    "bias per output channel, stride and zero padding. (Like torch, it slides the filters unflipped.)",
    ports=["x", "w", Port("b", optional=True)],
    forward=conv2d,
    shape=_conv2d_shape,
    vjp=[_conv2d_x_bar, _conv2d_w_bar, lambda g, z, x, w, b=None, stride=(1, 1), padding=(0, 0): g.sum(axis=(0, 2, 3))],
    jvp=[
        lambda t, z, x, w, b=None, stride=(1, 1), padding=(0, 0): conv2d(t, w, None, stride, padding),
        lambda t, z, x, w, b=None, stride=(1, 1), padding=(0, 0): conv2d(x, t, None, stride, padding),
        lambda t, z, x, w, b=None, stride=(1, 1), padding=(0, 0): np.broadcast_to(t[:, None, None], z.shape),
    ],
    formula="{out} = {x} ⋆ {w} + {b}",
    bars=["{x:bar} += {out:bar} ∗ {w}", "{w:bar} += {x} ⋆ {out:bar}", "{b:bar} += Σ {out:bar}"],
    dot="{out:dot} = {x:dot} ⋆ {w} + {x} ⋆ {w:dot} + {b:dot}",
    flops=_conv2d_flops,
    attrs=[
        Attr("stride", "pair", (1, 1), "step between windows: one number or [rows, columns]", minimum=1),
        Attr("padding", "pair", (0, 0), "zeros added on each side: one number or [rows, columns]"),
    ],
    bar_notes=[
        "x's bar: the output's bar, spread back through every window it came from (a full convolution "
        "with the filters, dilated by the stride), with the padding cut away",
        "each filter's bar is the input correlated with the output's bar, over the batch",
        "b was added at every pixel of every image, so its bar sums the output's bar over them",
    ],
    spelling=Spelling(
        numpy=lambda c: "conv2d({x}, {w}, {stride}, {padding})" + (" + {b}[:, None, None]" if "b" in c else ""),
        numpy_bars=[
            "conv2d_bars({g}, {x}, {w}, {stride}, {padding})[0]",
            "conv2d_bars({g}, {x}, {w}, {stride}, {padding})[1]",
            "{g}.sum(axis=(0, 2, 3))",
        ],
        torch=lambda c: "F.conv2d({x}, {w}" + (", {b}" if "b" in c else "") + ", stride={stride}, padding={padding})",
        helpers=(script_helpers.CONV2D,),
    ),
)
