"""Reductions: sum, mean, and the softmax family over an axis.

A reduction's bar rule spreads the output's bar back over the axes it reduced; the softmax family
is computed from x − max(x), so logits of ±1000 neither overflow nor lose the answer.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradviz.engine.attrs import Attr
from gradviz.engine.ops import script_helpers
from gradviz.engine.ops._common import Axes, check_not_empty_along, normalise_axes, size
from gradviz.engine.registry import defop
from gradviz.engine.spelling import Spelling, Template

AXIS = Attr("axis", "axis", None, "the axis or axes to reduce; null for all")
KEEPDIMS = Attr("keepdims", "bool", False, "keep reduced axes with size 1")
SOFTMAX_AXIS = Attr("axis", "int_axis", -1, "the axis the probabilities are taken over")


def _reduced_shape(op_name: str):  # noqa: ANN202
    def rule(x: tuple, axis: Axes = None, keepdims: bool = False) -> tuple:
        axes = normalise_axes(axis, len(x), op_name)
        if keepdims:
            return tuple(1 if i in axes else n for i, n in enumerate(x))
        return tuple(n for i, n in enumerate(x) if i not in axes)

    return rule


def _spread(g: np.ndarray, x: np.ndarray, axis: Axes, keepdims: bool) -> np.ndarray:
    """The reduced bar g put back over the reduced axes of x (a view: nothing is copied)."""
    if not keepdims:
        g = np.expand_dims(g, normalise_axes(axis, x.ndim, "reduction"))
    return np.broadcast_to(g, x.shape)


def _count(x_shape: tuple, axis: Axes) -> int:
    return size(tuple(x_shape[i] for i in normalise_axes(axis, len(x_shape), "mean")))


def _sum(x: np.ndarray, axis: Axes, keepdims: bool) -> np.ndarray:
    return np.sum(x, axis=axis, keepdims=keepdims)


# ----- sum, mean --------------------------------------------------------------------------------


def _reduced(c: dict[str, Any]) -> dict[str, Any]:
    """The exported scripts' numbers: the axes reduced (non-negative, sorted) and how many numbers each
    output number reduces."""
    reduced = tuple(int(axis) for axis in normalise_axes(c["axis"], len(c["shape_x"]), "reduction"))
    return {"reduced": reduced, "count": size(tuple(c["shape_x"][axis] for axis in reduced))}


def _numpy_spread(c: dict[str, Any]) -> str:
    """A reduction's bar put back over the reduced axes."""
    expanded = "{g}" if c["keepdims"] else f"np.expand_dims({{g}}, {c['reduced']})"
    return f"np.broadcast_to({expanded}, {c['shape_x']})"


def _torch_reduce(function: str) -> Template:
    """torch.sum / torch.mean over numpy-style axes (None, one or several) and keepdims."""

    def template(c: dict[str, Any]) -> str:
        axes = c["reduced"]
        if not axes:  # a scalar, or no axes: nothing to reduce
            return "{x}.clone()" if not c["shape_x"] else f"torch.{function}({{x}}, dim=(), keepdim=True)"
        return f"torch.{function}({{x}}, dim={axes}, keepdim={c['keepdims']})"

    return template


defop(
    "sum",
    "reduction",
    "Sum over an axis, several axes, or everything (np.sum).",
    ports=["x"],
    forward=_sum,
    shape=_reduced_shape("sum"),
    vjp=[lambda g, z, x, axis, keepdims: _spread(g, x, axis, keepdims)],
    jvp=[lambda t, z, x, axis, keepdims: _sum(t, axis, keepdims)],
    formula="{out} = Σ {x}",
    bars=["{x:bar} += {out:bar} spread over the summed axes"],
    dot="{out:dot} = Σ {x:dot}",
    flops=lambda x, **_: size(x),
    attrs=[AXIS, KEEPDIMS],
    spelling=Spelling(
        numpy="np.sum({x}, axis={axis!r}, keepdims={keepdims})",
        numpy_bars=[_numpy_spread],
        torch=_torch_reduce("sum"),
        context=_reduced,
    ),
)


def _mean_shape(x: tuple, axis: Axes = None, keepdims: bool = False) -> tuple:
    check_not_empty_along("mean", x, normalise_axes(axis, len(x), "mean"), "the mean of no numbers is undefined")
    return _reduced_shape("mean")(x, axis, keepdims)


defop(
    "mean",
    "reduction",
    "Mean over an axis, several axes, or everything (np.mean).",
    ports=["x"],
    forward=lambda x, axis, keepdims: np.mean(x, axis=axis, keepdims=keepdims),
    shape=_mean_shape,
    vjp=[lambda g, z, x, axis, keepdims: _spread(g, x, axis, keepdims) / _count(x.shape, axis)],
    jvp=[lambda t, z, x, axis, keepdims: _sum(t, axis, keepdims) / _count(t.shape, axis)],
    formula="{out} = mean {x}",
    bars=["{x:bar} += {out:bar} / n spread over the averaged axes"],
    dot="{out:dot} = mean {x:dot}",
    flops=lambda x, **_: size(x) + 1,
    attrs=[AXIS, KEEPDIMS],
    spelling=Spelling(
        numpy="np.mean({x}, axis={axis!r}, keepdims={keepdims})",
        numpy_bars=[lambda c: _numpy_spread(c) + f" / {c['count']}"],
        torch=_torch_reduce("mean"),
        context=_reduced,
    ),
)

# ----- softmax, log_softmax, logsumexp -----------------------------------------------------------


def _one_axis(x: tuple, axis: int, op_name: str) -> tuple:
    check_not_empty_along(op_name, x, normalise_axes(axis, len(x), op_name), "there is nothing to take it over")
    return x


def logsumexp(x: np.ndarray, axis: int) -> np.ndarray:
    """log Σ exp(x) over ``axis``, shifted by the max so that nothing overflows."""
    top = np.max(x, axis=axis, keepdims=True)
    return np.squeeze(top, axis) + np.log(np.sum(np.exp(x - top), axis=axis))


def log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    return x - np.expand_dims(logsumexp(x, axis), axis)


def softmax(x: np.ndarray, axis: int) -> np.ndarray:
    shifted = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return shifted / np.sum(shifted, axis=axis, keepdims=True)


def _dot_along(p: np.ndarray, v: np.ndarray, axis: int) -> np.ndarray:
    """Σ p ⊙ v along ``axis``, kept as size 1 so it broadcasts back."""
    return np.sum(p * v, axis=axis, keepdims=True)


defop(
    "softmax",
    "reduction",
    "Probabilities exp(x) / Σ exp(x) along an axis, computed stably.",
    ports=["x"],
    forward=softmax,
    shape=lambda x, axis: _one_axis(x, axis, "softmax"),
    vjp=[lambda g, s, x, axis: s * (g - _dot_along(g, s, axis))],
    jvp=[lambda t, s, x, axis: s * (t - _dot_along(t, s, axis))],
    formula="{out} = softmax({x})",
    bars=["{x:bar} += {out} ⊙ ({out:bar} − Σ {out:bar} ⊙ {out})"],
    dot="{out:dot} = {out} ⊙ ({x:dot} − Σ {out} ⊙ {x:dot})",
    flops=lambda x, **_: 5 * size(x),
    attrs=[SOFTMAX_AXIS],
    spelling=Spelling(
        numpy="softmax({x}, {axis})",
        numpy_bars=["{z} * ({g} - np.sum({g} * {z}, axis={axis}, keepdims=True))"],
        torch="torch.softmax({x}, {axis})",
        helpers=(script_helpers.SOFTMAX,),
    ),
)

defop(
    "log_softmax",
    "reduction",
    "log softmax(x) along an axis: x − logsumexp(x), computed stably.",
    ports=["x"],
    forward=log_softmax,
    shape=lambda x, axis: _one_axis(x, axis, "log_softmax"),
    vjp=[lambda g, z, x, axis: g - np.exp(z) * np.sum(g, axis=axis, keepdims=True)],
    jvp=[lambda t, z, x, axis: t - _dot_along(np.exp(z), t, axis)],
    formula="{out} = {x} − logsumexp({x})",
    bars=["{x:bar} += {out:bar} − softmax({x}) Σ {out:bar}"],
    dot="{out:dot} = {x:dot} − Σ softmax({x}) ⊙ {x:dot}",
    flops=lambda x, **_: 5 * size(x),
    attrs=[SOFTMAX_AXIS],
    spelling=Spelling(
        numpy="log_softmax({x}, {axis})",
        numpy_bars=["{g} - np.exp({z}) * np.sum({g}, axis={axis}, keepdims=True)"],
        torch="torch.log_softmax({x}, {axis})",
        helpers=(script_helpers.SOFTMAX,),
    ),
)

defop(
    "logsumexp",
    "reduction",
    "log Σ exp(x) along an axis (a smooth maximum), computed stably.",
    ports=["x"],
    forward=logsumexp,
    shape=lambda x, axis: tuple(
        n for i, n in enumerate(_one_axis(x, axis, "logsumexp")) if i != normalise_axes(axis, len(x), "logsumexp")[0]
    ),
    vjp=[lambda g, z, x, axis: np.expand_dims(g, axis) * softmax(x, axis)],
    jvp=[lambda t, z, x, axis: np.sum(softmax(x, axis) * t, axis=axis)],
    formula="{out} = log Σ exp({x})",
    bars=["{x:bar} += {out:bar} softmax({x})"],
    dot="{out:dot} = Σ softmax({x}) ⊙ {x:dot}",
    flops=lambda x, **_: 4 * size(x),
    attrs=[SOFTMAX_AXIS],
    spelling=Spelling(
        numpy="logsumexp({x}, {axis})",
        numpy_bars=["np.expand_dims({g}, {axis}) * softmax({x}, {axis})"],
        torch="torch.logsumexp({x}, {axis})",
        helpers=(script_helpers.SOFTMAX,),
    ),
)
