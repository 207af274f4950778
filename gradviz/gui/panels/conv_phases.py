"""What each phase of the kernel-flip view draws at each frame: tiles, windows and the sentence.

A phase is the forward pass, the image's bar or the kernel's bar of one convolution plane. Frame f of a
phase is the f-th cell (row-major) of its result: the sliding window's position, its products and their
sum. This module decides what goes where; conv_tiles draws it; kernel_flip computed every number.
Everything it writes is rich text with the graph's names escaped (they are user text).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from gradviz.engine.formula import render_unicode
from gradviz.engine.kernel_flip import Frame, Plane
from gradviz.engine.ops._common import show
from gradviz.gui.notation import plain, rich

PHASES = {
    "forward": "forward: slide k over the image",
    "image": "image bar: slide k turned 180° over the output bar",
    "kernel": "kernel bar: slide the output bar over the image",
}


class Names(NamedTuple):
    """How the view calls the arrays (the graph's labels, so the view and the canvas agree)."""

    image: str = "I"
    kernel: str = "k"
    output: str = "O"


def barred(name: str) -> str:
    """A name with its bar as rich text, one line over the whole name, as the timeline and the formula
    panel draw it."""
    return rich(render_unicode("{n:bar}", {"n": name}))


def result_shape(plane: Plane, phase: str) -> tuple[int, int]:
    """The array a phase fills, one frame per cell."""
    return {"forward": plane.output_shape, "image": plane.image.shape, "kernel": plane.kernel.shape}[phase]


def frame_of(plane: Plane, phase: str, index: int) -> Frame:
    row, column = divmod(index, result_shape(plane, phase)[1])
    return {"forward": plane.forward_frame, "image": plane.image_bar_frame, "kernel": plane.kernel_bar_frame}[phase](
        row, column
    )


def known_up_to(shape: tuple[int, int], index: int) -> np.ndarray:
    """Cells 0 … index (row-major) of an array: what the sliding window has filled so far."""
    return (np.arange(shape[0] * shape[1]) <= index).reshape(shape)


def padding_words(plane: Plane, mode: str | None) -> str:
    (top, bottom), (left, right) = plane.pads
    if not any((top, bottom, left, right)):
        pad = "no padding"
    elif top == bottom == left == right:
        pad = f"{top} zero{'s' if top > 1 else ''} of padding on each side"
    else:
        pad = f"zeros: {top} above, {bottom} below, {left} left, {right} right"
    words = f"{mode}: {pad}" if mode else pad
    if plane.stride != (1, 1):
        words += f", stride {plane.stride[0]}×{plane.stride[1]}"
    return words


def sentence(plane: Plane, phase: str, frame: Frame, names: Names, slice_note: str) -> str:
    """The current frame in words, with the number it produced."""
    target = f"[{frame.target[0]}, {frame.target[1]}]"
    image, kernel_name, output = plain(names.image), plain(names.kernel), plain(names.output)
    count = frame.products.size
    if phase == "forward":
        kernel = f"{kernel_name} turned 180°" if plane.op == "convolve2d" else kernel_name
        text = (
            f"{output}{target} = <b>{frame.total:.4g}</b>: the sum of the {count} products of the window "
            f"of the padded {image} with {kernel}"
        )
    elif phase == "image":
        kernel, why = (
            (kernel_name, "the forward pass turned it, so the backward pass of convolution is a correlation")
            if plane.op == "convolve2d"
            else (
                f"{kernel_name} turned 180°",
                "sliding the turned kernel is convolving with "
                f"{kernel_name}: the backward pass of correlation is a convolution",
            )
        )
        text = (
            f"{barred(names.image)}{target} = <b>{frame.total:.4g}</b>: the sum of the {count} products of the "
            f"window of the padded {barred(names.output)} with {kernel} &nbsp;·&nbsp; {why}"
        )
    else:
        text = (
            f"{barred(names.kernel)}{target} = <b>{frame.total:.4g}</b>: the sum over the "
            f"{show(frame.products.shape)} output of {barred(names.output)} × the {image} pixel this "
            "kernel cell met"
        )
    return text + (f"<br><i>{plain(slice_note)}</i>" if slice_note else "")
