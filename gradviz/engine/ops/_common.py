"""Shape rules and flop counts shared by several op tables."""

from __future__ import annotations

import math
from collections.abc import Callable

from gradviz.engine.broadcast import broadcast_shapes
from gradviz.engine.errors import AttrError, ShapeError

Shape = tuple[int, ...]

# NOTE: the largest size of one axis, and the most numbers in one value, that a graph may ask an op for
# through an attribute (a reshape's sizes, conv2d's padding). 2³¹ float64 numbers are 16 GiB: anything
# larger is a typo or a hostile file, refused by the shape rule before numpy is asked to allocate it.
MAX_EXTENT = 2**31 - 1
MAX_NUMBERS = 2**31


def show(shape: Shape) -> str:
    """A shape as a student writes it: ``3×1``, ``scalar`` for ``()``."""
    return "×".join(str(size) for size in shape) if shape else "scalar"


def size(shape: Shape) -> int:
    return math.prod(shape)


def check_extent(op_name: str, what: str, value: int) -> None:
    """AttrError unless ``value`` (an attribute's size, padding or stride) is at most MAX_EXTENT."""
    if value > MAX_EXTENT:
        raise AttrError(f"{op_name}: {what} {value} is too large (at most {MAX_EXTENT:,})")


def check_numbers(op_name: str, what: str, shape: Shape) -> None:
    """ShapeError if a value of ``shape`` would hold more than MAX_NUMBERS numbers."""
    if size(shape) > MAX_NUMBERS:
        raise ShapeError(
            f"{op_name}: {what} would be {show(shape)}, {size(shape):.3g} numbers (at most {MAX_NUMBERS:.3g})"
        )


def check_not_empty_along(op_name: str, shape: Shape, axes: tuple[int, ...], why: str) -> None:
    """ShapeError if an axis in ``axes`` has length 0: ``why`` says what needs at least one number."""
    for axis in axes:
        if shape[axis] == 0:
            raise ShapeError(f"{op_name}: axis {axis} of the input (shape {show(shape)}) has length 0; {why}")


def same_shape(shape: Shape, **_: object) -> Shape:
    return shape


def scalar_shape(*_: Shape, **__: object) -> Shape:
    return ()


def broadcast_rule(op_name: str) -> Callable[..., Shape]:
    """The shape rule of an op whose inputs broadcast together, numpy style."""

    def rule(*shapes: Shape, **_: object) -> Shape:
        result = broadcast_shapes(*shapes)
        if result is None:
            listed = " and ".join(show(shape) for shape in shapes)
            raise ShapeError(f"{op_name}: shapes {listed} do not broadcast")
        return result

    return rule


def per_element(count: int, rule: Callable[..., Shape] = same_shape) -> Callable[..., int]:
    """A flop count of ``count`` operations per element of the output."""

    def flops(*shapes: Shape, **attrs: object) -> int:
        return count * size(rule(*shapes, **attrs))

    return flops


Axes = int | tuple[int, ...] | None  # an "axis" attribute: one axis, several, or all (None)


def normalise_axes(axis: Axes, ndim: int, op_name: str) -> tuple[int, ...]:
    """``axis`` as a sorted tuple of non-negative axes; ShapeError if one is out of range."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    for item in axes:
        if not -ndim <= item < ndim:
            raise ShapeError(f"{op_name}: axis {item} is out of range for {ndim} dimensions")
    normal = tuple(sorted(item % ndim for item in axes))
    if len(set(normal)) != len(normal):
        raise ShapeError(f"{op_name}: axis {axis} names an axis twice")
    return normal
