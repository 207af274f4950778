"""Typed op attributes: declared once with a default and a range, checked and normalised here.

The inspector builds its form from these declarations and the file loader checks attribute values
with them, so every attribute error reads the same way wherever it is caught.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from gradviz.engine.errors import AttrError

AttrKind = Literal["number", "int", "bool", "choice", "axis", "int_axis", "permutation", "shape", "pair"]

# The kinds of attribute an op may declare, and what a value of each looks like.
KINDS: dict[AttrKind, str] = {
    "number": "a number",
    "int": "an integer",
    "bool": "true or false",
    "choice": "one of the listed choices",
    "axis": "an axis, a list of axes, or null for all axes",
    "int_axis": "an axis (an integer)",
    "permutation": "a list of axes, or null to reverse them",
    "shape": "a list of sizes (one may be -1)",
    "pair": "a non-negative integer or a list of two",
}


INT64 = range(-(2**63), 2**63)  # what a graph file's integers can hold: a larger one reads back as a float


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value in INT64


def _beyond_int64(value: Any) -> int | None:
    """The first integer in ``value`` (or its list) that an int64 cannot hold, else None."""
    for item in value if isinstance(value, (list, tuple)) else (value,):
        if isinstance(item, numbers.Integral) and not isinstance(item, bool) and item not in INT64:
            return int(item)
    return None


def _int_list(value: Any) -> tuple[int, ...] | None:
    if isinstance(value, (list, tuple)) and all(_is_int(item) for item in value):
        return tuple(int(item) for item in value)
    return None


@dataclass(frozen=True)
class Attr:
    """One attribute an op takes: its name, kind, default and allowed values."""

    name: str
    kind: AttrKind  # checked by mypy where an op declares it, and here when made at run time
    default: Any
    doc: str = ""
    choices: tuple[str, ...] = ()
    minimum: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown attribute kind {self.kind!r}")

    def coerce(self, value: Any, op_name: str) -> Any:
        """``value`` in its canonical form (tuples, not lists), or an AttrError saying why not."""
        normalised = self._normalise(value)
        huge = _beyond_int64(value)
        if normalised is _INVALID and huge is not None:  # an integer, but more than a graph file can hold
            raise AttrError(
                f"{op_name}: attribute {self.name!r} value {huge} is too large "
                f"(a graph file's integers are at most 2⁶³−1)"
            )
        if normalised is _INVALID:
            shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
            raise AttrError(f"{op_name}: attribute {self.name!r} must be {self._expected()}, not {shown}")
        return normalised

    def _expected(self) -> str:
        if self.kind == "choice":
            return "one of " + ", ".join(repr(choice) for choice in self.choices)
        if self.minimum is not None:
            return f"{KINDS[self.kind]} ≥ {self.minimum:g}"
        return KINDS[self.kind]

    def _normalise(self, value: Any) -> Any:
        return _NORMALISERS[self.kind](self, value)


_INVALID = object()


def _number(attr: Attr, value: Any) -> Any:
    real = isinstance(value, numbers.Real) and not isinstance(value, bool)
    return float(value) if real and not math.isnan(value) else _INVALID


def _integer(attr: Attr, value: Any) -> Any:
    if not _is_int(value) or (attr.minimum is not None and value < attr.minimum):
        return _INVALID
    return int(value)


def _axis(attr: Attr, value: Any) -> Any:
    if value is None:
        return None
    if _is_int(value):
        return int(value)
    axes = _int_list(value)
    return axes if axes is not None and len(set(axes)) == len(axes) else _INVALID


def _permutation(attr: Attr, value: Any) -> Any:
    if value is None:
        return None
    axes = _int_list(value)
    return axes if axes is not None else _INVALID


def _shape(attr: Attr, value: Any) -> Any:
    sizes = _int_list(value)
    if sizes is None or any(size < -1 for size in sizes) or sizes.count(-1) > 1:
        return _INVALID
    return sizes


def _pair(attr: Attr, value: Any) -> Any:
    least = attr.minimum or 0
    if _is_int(value) and value >= least:
        return (int(value), int(value))
    pair = _int_list(value)
    return pair if pair is not None and len(pair) == 2 and min(pair) >= least else _INVALID


_NORMALISERS: dict[AttrKind, Callable[[Attr, Any], Any]] = {
    "number": _number,
    "int": _integer,
    "int_axis": _integer,
    "bool": lambda attr, value: value if isinstance(value, bool) else _INVALID,
    "choice": lambda attr, value: value if value in attr.choices else _INVALID,
    "axis": _axis,
    "permutation": _permutation,
    "shape": _shape,
    "pair": _pair,
}
