"""The kernel-flip view's arithmetic: one 2-D slice of a convolution, taken apart pixel by pixel.

The lecture notes' result (20.3) is that the backward pass of correlation is a convolution. This module
computes what the view draws, one frame per pixel, with nothing hidden:

- forward: output pixel (y, x) is the sum of the products of the window of the padded image under the
  kernel, ``padded[y·s : y·s + kh, x·s : x·s + kw] · laid``;
- the image's bar: the output's bar is spread back by the stride (zeros between its pixels) and padded
  with kh − 1 and kw − 1 zeros on every side ("full"), and the kernel turned 180° slides over it: the
  image bar's pixel (u, v) is the sum of the products of that window with the flipped kernel;
- the kernel's bar: kernel cell (i, j) is the sum over the output of the output's bar times the image
  pixel that cell met, ``padded[i :: s, j :: s] · output_bar``.

``laid`` is the kernel as it slides over the image in the forward pass: the kernel itself for
correlate2d and conv2d, turned 180° for convolve2d. Everything is numpy; the Qt panel only draws it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np

from gradviz.engine.ops.conv import Pads, correlate_valid, crop, pad_for_mode

CONVOLUTIONS = ("correlate2d", "convolve2d", "conv2d")


class Frame(NamedTuple):
    """One pixel's sum: where the window lies (rows, columns of the array slid over), its products,
    their total, and the cell of the result it fills."""

    rows: slice
    cols: slice
    products: np.ndarray
    total: float
    target: tuple[int, int]


@dataclass(frozen=True, eq=False)
class Plane:
    """One image plane and one kernel of a convolution node, with the output's bar where known.

    For conv2d the plane is batch item ``n``'s input channel ``c`` and filter ``o``'s slice for it, and
    ``output`` is that channel's share of output channel ``o`` (the node adds every channel's share
    and the bias): sums over the channels (forward, the kernel's bar over the batch) are left to the
    caller, as the view shows one slice at a time.
    """

    op: str
    image: np.ndarray
    kernel: np.ndarray
    pads: Pads
    stride: tuple[int, int] = (1, 1)
    output_bar: np.ndarray | None = None

    @property
    def laid(self) -> np.ndarray:
        """The kernel as it lies on the image in the forward pass."""
        return self.kernel[::-1, ::-1] if self.op == "convolve2d" else self.kernel

    @property
    def flipped(self) -> np.ndarray:
        """The kernel that slides over the output's bar: ``laid`` turned 180° (k[::-1, ::-1] for a
        correlation, k itself for a convolution, whose backward pass is a correlation)."""
        return self.laid[::-1, ::-1]

    @cached_property
    def padded(self) -> np.ndarray:
        return np.pad(self.image, self.pads)

    @property
    def output_shape(self) -> tuple[int, int]:
        (kh, kw), (ph, pw) = self.kernel.shape, self.padded.shape
        return (ph - kh) // self.stride[0] + 1, (pw - kw) // self.stride[1] + 1

    @cached_property
    def output(self) -> np.ndarray:
        """This plane's output: every window's sum of products (stride 1 uses the engine's core)."""
        if self.stride == (1, 1):
            return correlate_valid(self.padded, self.laid)
        out = np.empty(self.output_shape)
        for y in range(out.shape[0]):
            for x in range(out.shape[1]):
                out[y, x] = self.forward_frame(y, x).total
        return out

    @cached_property
    def spread_bar(self) -> np.ndarray:
        """The output's bar with stride − 1 zeros between its pixels and the 'full' padding of kh − 1,
        kw − 1 zeros around it (more at the far edge where the stride never read the image), so that
        the flipped kernel slid over it lands on every pixel of the padded image."""
        if self.output_bar is None:
            raise ValueError("the output's bar is not known yet")
        (kh, kw), (sh, sw) = self.kernel.shape, self.stride
        ho, wo = self.output_bar.shape
        dilated = np.zeros(((ho - 1) * sh + 1, (wo - 1) * sw + 1))
        dilated[::sh, ::sw] = self.output_bar
        ph, pw = self.padded.shape
        extra = (ph - dilated.shape[0] - kh + 1, pw - dilated.shape[1] - kw + 1)
        return np.pad(dilated, ((kh - 1, kh - 1 + extra[0]), (kw - 1, kw - 1 + extra[1])))

    # ----- one frame each ---------------------------------------------------------------------------

    def forward_frame(self, y: int, x: int) -> Frame:
        """Output pixel (y, x): the window of the padded image under the laid kernel."""
        (kh, kw), (sh, sw) = self.kernel.shape, self.stride
        rows, cols = slice(y * sh, y * sh + kh), slice(x * sw, x * sw + kw)
        products = self.padded[rows, cols] * self.laid
        return Frame(rows, cols, products, float(products.sum()), (y, x))

    def image_bar_frame(self, u: int, v: int) -> Frame:
        """Image pixel (u, v) (of the image, not the padding): the flipped kernel over the spread bar."""
        (kh, kw), (top, _), (left, _) = self.kernel.shape, *self.pads
        rows, cols = slice(u + top, u + top + kh), slice(v + left, v + left + kw)
        products = self.spread_bar[rows, cols] * self.flipped
        return Frame(rows, cols, products, float(products.sum()), (u, v))

    def kernel_bar_frame(self, i: int, j: int) -> Frame:
        """Kernel cell (i, j) of the kernel as given: every image pixel that cell met, times the bar of
        the output pixel it went into (cell (i, j) of k lies at the turned cell for convolve2d)."""
        if self.output_bar is None:
            raise ValueError("the output's bar is not known yet")
        kh, kw = self.kernel.shape
        li, lj = (kh - 1 - i, kw - 1 - j) if self.op == "convolve2d" else (i, j)
        (ho, wo), (sh, sw) = self.output_bar.shape, self.stride
        rows, cols = slice(li, li + (ho - 1) * sh + 1, sh), slice(lj, lj + (wo - 1) * sw + 1, sw)
        products = self.padded[rows, cols] * self.output_bar
        return Frame(rows, cols, products, float(products.sum()), (i, j))

    # ----- whole results, summed from the frames' pieces --------------------------------------------

    def image_bar(self) -> np.ndarray:
        """The image's bar from this plane: the flipped kernel correlated over the spread bar, cropped."""
        return crop(correlate_valid(self.spread_bar, self.flipped), self.pads, self.image.shape)

    def kernel_bar(self) -> np.ndarray:
        return np.array(
            [
                [self.kernel_bar_frame(i, j).total for j in range(self.kernel.shape[1])]
                for i in range(self.kernel.shape[0])
            ]
        )


def plane_of(
    op: str,
    inputs: Sequence[np.ndarray | None],
    attrs: dict,
    output_bar: np.ndarray | None = None,
    *,
    batch: int = 0,
    in_channel: int = 0,
    out_channel: int = 0,
) -> Plane:
    """The plane the view shows for a node of ``op`` with ``inputs`` (image, kernel[, bias]) and its
    ``attrs``; ``output_bar`` is the node's whole bar (for conv2d: N×O×Ho×Wo), or None before it exists."""
    if op not in CONVOLUTIONS:
        raise ValueError(f"{op} is not a convolution")
    image, kernel = np.asarray(inputs[0], dtype=float), np.asarray(inputs[1], dtype=float)
    if op == "conv2d":
        stride, padding = tuple(attrs.get("stride", (1, 1))), tuple(attrs.get("padding", (0, 0)))
        bar = None if output_bar is None else np.asarray(output_bar)[batch, out_channel]
        pads = ((padding[0], padding[0]), (padding[1], padding[1]))
        return Plane(op, image[batch, in_channel], kernel[out_channel, in_channel], pads, stride, bar)
    pads = pad_for_mode(kernel.shape, attrs.get("mode", "valid"), flipped=op == "convolve2d")
    return Plane(op, image, kernel, pads, (1, 1), None if output_bar is None else np.asarray(output_bar))


def impulse_plane(kernel: np.ndarray, mode: str = "same", size: int | None = None) -> Plane:
    """The notes' experiment: a one-hot image correlated with ``kernel`` draws it turned 180°; with a
    one-hot output bar at the same place, the image's bar is the kernel the right way round again."""
    kernel = np.asarray(kernel, dtype=float)
    size = size or 2 * max(kernel.shape) + 1
    image = np.zeros((size, size))
    image[size // 2, size // 2] = 1.0
    plane = Plane("correlate2d", image, kernel, pad_for_mode(kernel.shape, mode))
    bar = np.zeros(plane.output_shape)
    bar[tuple(min(size // 2, extent - 1) for extent in bar.shape)] = 1.0
    return Plane("correlate2d", image, kernel, plane.pads, (1, 1), bar)
