"""Ops that move numbers around without changing them: transpose and reshape.

Their bar rules move the output's bar back the same way, so a bar always has its node's shape.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradviz.engine.attrs import Attr
from gradviz.engine.errors import ShapeError
from gradviz.engine.ops._common import check_extent, show, size
from gradviz.engine.registry import defop
from gradviz.engine.spelling import Spelling


def _permutation(ndim: int, axes: tuple[int, ...] | None) -> tuple[int, ...]:
    if axes is None:
        return tuple(reversed(range(ndim)))
    if sorted(axis % ndim for axis in axes if -ndim <= axis < ndim) != list(range(ndim)) or len(axes) != ndim:
        raise ShapeError(f"transpose: axes {list(axes)} are not a permutation of the {ndim} axes of the input")
    return tuple(axis % ndim for axis in axes)


def _inverse(permutation: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argsort(permutation))


def _permutations(c: dict[str, Any]) -> dict[str, Any]:
    """The exported scripts' numbers: the axes' new order, and the inverse order that takes the bar back."""
    permutation = _permutation(len(c["shape_x"]), c["axes"])
    return {"permutation": permutation, "inverse": _inverse(permutation)}


defop(
    "transpose",
    "shape",
    "Permute the axes (np.transpose); with no axes, reverse them (Xᵀ for a matrix).",
    ports=["x"],
    forward=lambda x, axes: np.transpose(x, axes),
    shape=lambda x, axes: tuple(x[axis] for axis in _permutation(len(x), axes)),
    vjp=[lambda g, z, x, axes: np.transpose(g, _inverse(_permutation(x.ndim, axes)))],
    jvp=[lambda t, z, x, axes: np.transpose(t, axes)],
    formula="{out} = {x}ᵀ",
    bars=["{x:bar} += {out:bar}ᵀ"],
    dot="{out:dot} = {x:dot}ᵀ",
    flops=lambda *_, **__: 0,
    attrs=[Attr("axes", "permutation", None, "the new order of the axes; null reverses them")],
    spelling=Spelling(
        numpy="np.transpose({x}, {permutation})",
        numpy_bars=["np.transpose({g}, {inverse})"],
        torch="{x}.permute({permutation})",
        context=_permutations,
    ),
)


def _reshape_shape(x: tuple[int, ...], shape: tuple[int, ...]) -> tuple[int, ...]:
    for item in shape:  # a size next to a 0 would pass the count below: [2⁶⁴ − 1, 0] holds 0 numbers
        check_extent("reshape", "size", item)
    known = size(tuple(s for s in shape if s != -1))
    if -1 in shape:
        if known == 0 or size(x) % known:
            raise ShapeError(f"reshape: cannot reshape {show(x)} into {list(shape)}")
        return tuple(size(x) // known if s == -1 else s for s in shape)
    if known != size(x):
        raise ShapeError(f"reshape: cannot reshape {show(x)} ({size(x)} numbers) into {show(shape)} ({known})")
    return shape


defop(
    "reshape",
    "shape",
    "The same numbers in a new shape (np.reshape, C order); one size may be -1.",
    ports=["x"],
    forward=lambda x, shape: np.reshape(x, shape),
    shape=_reshape_shape,
    vjp=[lambda g, z, x, shape: np.reshape(g, x.shape)],
    jvp=[lambda t, z, x, shape: np.reshape(t, z.shape)],
    formula="{out} = reshape({x})",
    bars=["{x:bar} += reshape({out:bar}) back to the shape of {x}"],
    dot="{out:dot} = reshape({x:dot})",
    flops=lambda *_, **__: 0,
    attrs=[Attr("shape", "shape", (-1,), "the new sizes; one may be -1 to take what is left")],
    spelling=Spelling(
        numpy="np.reshape({x}, {out_shape})",
        numpy_bars=["np.reshape({g}, {shape_x})"],
        torch="{x}.reshape({out_shape})",
    ),
)
