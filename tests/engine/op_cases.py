"""Hypothesis strategies that make valid inputs for every registered op.

Shapes come from a table keyed by op name (each op's inputs must fit together in its own way);
values come from each port's declared domain (positive for log, away from the kink for relu, ...).
A test asserts that every registered op has an entry here, so a new op cannot skip the sweep.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, mutually_broadcastable_shapes

from gradviz.engine.build import Builder
from gradviz.engine.program import Program
from gradviz.engine.registry import Op


@dataclass
class Case:
    """Input shapes and attributes for one op call; values are drawn later from the ports' domains."""

    shapes: tuple[tuple[int, ...], ...]
    attrs: dict[str, Any] = field(default_factory=dict)
    classes: int = 0  # for label ports: how many classes


def values_for(op: Op, case: Case, rng: np.random.Generator) -> list[np.ndarray]:
    """An array per present port, drawn from the port's domain."""
    arrays = []
    for port, shape in zip(op.ports, case.shapes):
        if port.domain == "labels":
            arrays.append(rng.integers(0, case.classes, size=shape).astype(np.int64))
            continue
        magnitude = rng.uniform(0.5, 2.0, size=shape)
        sign = rng.choice([-1.0, 1.0], size=shape)
        if port.domain == "real":
            value = rng.normal(size=shape)
        elif port.domain == "positive":
            value = magnitude
        elif port.domain == "nonzero":
            value = sign * magnitude
        elif port.domain == "smooth":
            value = sign * rng.uniform(0.1, 2.0, size=shape)
        elif port.domain == "invertible":
            n = shape[-1]
            value = rng.normal(size=shape) + 2.0 * n * np.eye(n)
        else:  # pragma: no cover - a new domain must be added above
            raise AssertionError(f"no generator for domain {port.domain}")
        arrays.append(np.asarray(value, dtype=np.float64))
    return arrays


def case_program(op: Op, case: Case, rng: np.random.Generator) -> tuple[Program, list[np.ndarray]]:
    """inputs → op → c = Σ G ⊙ out, where the random constant G plays the part of the output's bar."""
    arrays = values_for(op, case, rng)
    g = Builder()
    ids = [
        (g.input if port.differentiable else g.constant)(f"x{i}", array)
        for i, (port, array) in enumerate(zip(op.ports, arrays))
    ]
    out = g.op(op.name, *ids, id="out", **case.attrs)
    shape = op.shape(*(array.shape for array in arrays), **op.resolve_attrs(case.attrs))
    weights = g.constant("G", rng.normal(size=shape))
    cost = g.op("sum", g.op("mul", out, weights, id="weighted"), id="c")
    return g.program(cost), arrays


SMALL = dict(min_side=1, max_side=3)


@st.composite
def binary_broadcast(draw: st.DrawFn) -> Case:
    shapes = draw(mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, **SMALL)).input_shapes
    return Case(tuple(shapes))


@st.composite
def unary_any(draw: st.DrawFn) -> Case:
    return Case((draw(array_shapes(min_dims=0, max_dims=3, **SMALL)),))


@st.composite
def pow_case(draw: st.DrawFn) -> Case:
    return Case(
        (draw(array_shapes(min_dims=0, max_dims=3, **SMALL)),),
        {"exponent": draw(st.sampled_from([2.0, 3.0, 0.5, -1.5, 1.0, 0.0]))},
    )


@st.composite
def matmul_case(draw: st.DrawFn) -> Case:
    n, k, m = (draw(st.integers(1, 3)) for _ in range(3))
    kind = draw(st.sampled_from(["vv", "vm", "mv", "mm", "batch"]))
    if kind == "vv":
        return Case(((k,), (k,)))
    if kind == "vm":
        return Case(((k,), (k, m)))
    if kind == "mv":
        return Case(((n, k), (k,)))
    if kind == "mm":
        return Case(((n, k), (k, m)))
    batches = draw(mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2, **SMALL)).input_shapes
    return Case((batches[0] + (n, k), batches[1] + (k, m)))


@st.composite
def linear_case(draw: st.DrawFn) -> Case:
    n_out, n_in = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    x = draw(st.sampled_from([(n_in,), (n_in, draw(st.integers(1, 3)))]))
    shapes = ((n_out, n_in), x) + (((n_out,),) if draw(st.booleans()) else ())
    return Case(shapes)


@st.composite
def square_case(draw: st.DrawFn) -> Case:
    n = draw(st.integers(1, 4))
    return Case(((n, n),))


@st.composite
def solve_case(draw: st.DrawFn) -> Case:
    n = draw(st.integers(1, 4))
    return Case(((n, n), draw(st.sampled_from([(n,), (n, draw(st.integers(1, 3)))]))))


@st.composite
def transpose_case(draw: st.DrawFn) -> Case:
    shape = draw(array_shapes(min_dims=0, max_dims=3, **SMALL))
    axes = draw(st.one_of(st.none(), st.permutations(range(len(shape))).map(list)))
    return Case((shape,), {"axes": axes})


@st.composite
def reshape_case(draw: st.DrawFn) -> Case:
    shape = draw(array_shapes(min_dims=0, max_dims=3, **SMALL))
    total = int(np.prod(shape))
    new = draw(st.sampled_from([[total], [-1], [1, total], [total, -1], list(reversed(shape)), [1, -1, 1]]))
    return Case((shape,), {"shape": new})


@st.composite
def reduce_case(draw: st.DrawFn) -> Case:
    shape = draw(array_shapes(min_dims=0, max_dims=3, **SMALL))
    ndim = len(shape)
    axes = [None]
    if ndim:
        axes += [
            draw(st.integers(-ndim, ndim - 1)),
            sorted(draw(st.sets(st.integers(0, ndim - 1), min_size=1, max_size=ndim))),
        ]
    return Case((shape,), {"axis": draw(st.sampled_from(axes)), "keepdims": draw(st.booleans())})


@st.composite
def softmax_case(draw: st.DrawFn) -> Case:
    shape = draw(array_shapes(min_dims=1, max_dims=3, **SMALL))
    return Case((shape,), {"axis": draw(st.integers(-len(shape), len(shape) - 1))})


@st.composite
def mse_case(draw: st.DrawFn) -> Case:
    case = draw(binary_broadcast())
    case.attrs = {"reduction": draw(st.sampled_from(["sum", "mean"]))}
    return case


@st.composite
def cross_entropy_case(draw: st.DrawFn) -> Case:
    n, classes = draw(st.integers(1, 4)), draw(st.integers(1, 5))
    return Case(((n, classes), (n,)), classes=classes)


@st.composite
def correlate_case(draw: st.DrawFn) -> Case:
    mode = draw(st.sampled_from(["valid", "same", "full"]))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h, w = kh + draw(st.integers(0, 3)), kw + draw(st.integers(0, 3))
    return Case(((h, w), (kh, kw)), {"mode": mode})


@st.composite
def conv2d_case(draw: st.DrawFn) -> Case:
    n, c, o = (draw(st.integers(1, 2)) for _ in range(3))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride, padding = draw(st.integers(1, 2)), draw(st.integers(0, 1))
    h, w = kh + draw(st.integers(0, 3)), kw + draw(st.integers(0, 3))
    shapes = ((n, c, h, w), (o, c, kh, kw)) + (((o,),) if draw(st.booleans()) else ())
    return Case(shapes, {"stride": stride, "padding": padding})


CASES = {
    **{name: binary_broadcast() for name in ("add", "sub", "mul", "div")},
    **{
        name: unary_any()
        for name in ("neg", "exp", "log", "sqrt", "square", "abs", "relu", "sigmoid", "tanh", "sin", "cos")
    },
    "pow": pow_case(),
    "matmul": matmul_case(),
    "linear": linear_case(),
    "inv": square_case(),
    "det": square_case(),
    "trace": square_case(),
    "solve": solve_case(),
    "transpose": transpose_case(),
    "reshape": reshape_case(),
    "sum": reduce_case(),
    "mean": reduce_case(),
    "softmax": softmax_case(),
    "log_softmax": softmax_case(),
    "logsumexp": softmax_case(),
    "mse": mse_case(),
    "cross_entropy": cross_entropy_case(),
    "correlate2d": correlate_case(),
    "convolve2d": correlate_case(),
    "conv2d": conv2d_case(),
}
