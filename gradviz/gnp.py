"""numpy-like functions that record gradviz ops: ``from gradviz import gnp``.

Every op of the registry is here under its own name (``gnp.matmul``, ``gnp.relu``, ``gnp.mse``,
``gnp.conv2d``, ...), generated from the registry: inputs in port order, attributes as keywords or,
as numpy has them, positionally after the inputs (``gnp.sum(x, 0)``, ``gnp.reshape(x, (2, 3))``).
numpy's spellings are aliases where they mean exactly the same op: ``gnp.multiply`` is ``mul``,
``gnp.power(x, 3)`` is ``pow`` with exponent 3, ``gnp.maximum(x, 0)`` is ``relu`` (and only against 0).

Given traced values (inside ``gradviz.trace``) a function records a node; given plain arrays it is
numpy, so one function runs both ways. numpy's own functions called on a traced value land here too
(``np.exp(x)`` records exp) when they have an op, and raise one clear error naming them when not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from gradviz.engine.registry import Op, all_ops
from gradviz.tracing import Box, fail, record

Function = Callable[..., Any]


def _op_function(op: Op) -> Function:
    """``op`` as a numpy-style function: ports first, then attributes in declaration order."""
    port_count, attr_names = len(op.ports), [attr.name for attr in op.attrs]

    def function(*args: Any, **attrs: Any) -> Any:
        inputs, extra = args[:port_count], args[port_count:]
        if len(extra) > len(attr_names):
            raise fail(
                f"{op.name} takes {port_count} inputs and the attributes {', '.join(attr_names) or 'none'}, "
                f"not {len(args)} arguments"
            )
        for name, value in zip(attr_names, extra):
            if name in attrs:
                raise fail(f"{op.name}: {name} is given twice")
            attrs[name] = value
        return record(op.name, *inputs, **attrs)

    function.__name__ = function.__qualname__ = op.name
    ports = ", ".join(op.port_names)
    keywords = "".join(f", {attr.name}={attr.default!r}" for attr in op.attrs)
    function.__doc__ = f"{op.name}({ports}{keywords}): {op.doc}"
    return function


OPS: dict[str, Function] = {op.name: _op_function(op) for op in all_ops() if not op.is_source}
globals().update(OPS)

# ----- numpy's spellings --------------------------------------------------------------------------


def reshape(x: Any, shape: Any) -> Any:
    """reshape(x, shape): as np.reshape; ``shape`` may be one size (``-1``)."""
    return OPS["reshape"](x, shape=(shape,) if isinstance(shape, int) else tuple(shape))


def maximum(a: Any, b: Any) -> Any:
    """maximum(x, 0) is relu; numpy's maximum of anything else has no gradviz op."""
    for x, other in ((a, b), (b, a)):
        if not isinstance(other, Box) and np.ndim(other) == 0 and other == 0:
            return OPS["relu"](x)
    raise fail("maximum has a gradviz op only as maximum(x, 0), which is relu")


ALIASES: dict[str, Function] = {
    "subtract": OPS["sub"],
    "multiply": OPS["mul"],
    "divide": OPS["div"],
    "true_divide": OPS["div"],
    "negative": OPS["neg"],
    "absolute": OPS["abs"],
    "power": OPS["pow"],
    "reshape": reshape,
    "maximum": maximum,
}
globals().update(ALIASES)

# numpy functions called on a traced value, by the function object itself (never by a name that merely matches)
UFUNCS: dict[np.ufunc, Function] = {
    np.add: OPS["add"],
    np.subtract: OPS["sub"],
    np.multiply: OPS["mul"],
    np.divide: OPS["div"],
    np.negative: OPS["neg"],
    np.absolute: OPS["abs"],
    np.square: OPS["square"],
    np.sqrt: OPS["sqrt"],
    np.exp: OPS["exp"],
    np.log: OPS["log"],
    np.tanh: OPS["tanh"],
    np.sin: OPS["sin"],
    np.cos: OPS["cos"],
    np.power: OPS["pow"],
    np.matmul: OPS["matmul"],
    np.maximum: maximum,
    np.positive: lambda x: x,
}
FUNCTIONS: dict[Function, Function] = {
    np.sum: OPS["sum"],
    np.mean: OPS["mean"],
    np.transpose: OPS["transpose"],
    np.reshape: reshape,
    np.trace: OPS["trace"],
    np.linalg.inv: OPS["inv"],
    np.linalg.det: OPS["det"],
    np.linalg.solve: OPS["solve"],
}
# comparisons give plain booleans of the current values (for control flow), as the box's operators do
COMPARISONS = {np.less, np.less_equal, np.greater, np.greater_equal}


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Box) else value


def apply_ufunc(ufunc: np.ufunc, method: str, inputs: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
    """A numpy ufunc called on a traced value: its op recorded, or one error naming it."""
    if method == "__call__" and ufunc in COMPARISONS and not kwargs:
        return ufunc(*(_plain(item) for item in inputs))
    if method != "__call__" or ufunc not in UFUNCS or kwargs:
        called = f"np.{ufunc.__name__}" + (f".{method}" if method != "__call__" else "")
        raise fail(
            f"{called}{' with ' + ', '.join(kwargs) if kwargs else ''} has no gradviz op, so it cannot be traced"
        )
    return UFUNCS[ufunc](*inputs)


def apply_function(func: Function, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
    """A numpy function called on a traced value: its op recorded, or one error naming it."""
    if func not in FUNCTIONS:
        module = getattr(func, "__module__", None) or "numpy"
        raise fail(f"{module.replace('numpy', 'np', 1)}.{func.__name__} has no gradviz op, so it cannot be traced")
    return FUNCTIONS[func](*args, **kwargs)


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(f"gnp has no {name!r}: no gradviz op computes it (ops: {', '.join(OPS)})")


__all__ = sorted([*OPS, *ALIASES])  # noqa: PLE0605 - generated from the registry
