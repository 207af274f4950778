"""The graph as numpy-like lines of Python, and back: the vocabulary both directions share.

    W = parameter([[0.1, -0.3], [0.7, 0.2]])
    x = input([[1.0], [2.0]])
    y = constant([[0.5], [0.0]])
    a = W @ x
    c = mse(a, y, reduction="sum")

The text is read with ``ast`` and never run (``code_parse``); a graph is written as such text by
``code_print``. Both read the same tables here: the operators that stand for ops, the words that
name an operator's result (``W @ x`` becomes a node called ``W_at_x``), and the value helpers that
write a big array in a few characters. Ops themselves come from the registry, never from a list.

Layout is not in the text: applying text to a graph keeps the position of every node whose id is
still there and lays out the new ones (``apply_code``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import numpy as np

from gradviz.engine.errors import GradvizError
from gradviz.model.graph_record import GraphFile
from gradviz.model.layout import layered_positions

# op name → operator, and the word that names its result (a + b → a_plus_b)
BINARY = {"add": "+", "sub": "-", "mul": "*", "div": "/", "matmul": "@"}
WORDS = {"add": "plus", "sub": "minus", "mul": "times", "div": "over", "matmul": "at", "pow": "pow"}

COST = "cost"  # assigning this name chooses the cost: `cost = L`, or `cost = None` for no cost yet
RESERVED_KEYWORDS = ("label", "id")  # keywords every node takes besides its op's attributes

MAX_ELEMENTS = 1_000_000  # a value helper asked for more numbers than this is refused, not allocated


class CodeError(GradvizError):
    """Text that does not describe a graph, located at a line and column (both counted from 1)."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(f"line {line}, col {column}: {' '.join(message.split())}")
        self.line, self.column, self.message = line, column, message


# ----- value helpers ---------------------------------------------------------------------------
# Each builds an array from literal arguments; the printer uses one only when it gives the value
# back exactly, so a graph written with helpers reads back the same.


def _shape(value: object) -> tuple[int, ...]:
    sizes = (value,) if isinstance(value, int) else value
    if not isinstance(sizes, (list, tuple)) or not all(
        isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in sizes
    ):
        raise ValueError("a shape is a size or a list of sizes (whole numbers ≥ 0), such as (2, 3)")
    shape = tuple(sizes)
    if np.prod(shape, dtype=float) > MAX_ELEMENTS:
        raise ValueError(f"more than {MAX_ELEMENTS:,} numbers is too big for a graph to show")
    return shape


def _count(value: object, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} must be a whole number ≥ 0")
    return _shape(value)[0]


def _eye(n: object, m: object = None) -> np.ndarray:
    rows = _count(n, "eye's size")
    columns = rows if m is None else _count(m, "eye's second size")
    _shape((rows, columns))
    return np.eye(rows, columns)


def _randn(shape: object, seed: object = 0) -> np.ndarray:
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError("randn's seed must be a whole number ≥ 0")
    return np.random.default_rng(seed).standard_normal(_shape(shape))


def _arange(*bounds: object) -> np.ndarray:
    if not 1 <= len(bounds) <= 3 or not all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds):
        raise ValueError("arange takes a stop, or start and stop, or start, stop and step (numbers)")
    if len(bounds) == 3 and bounds[2] == 0:
        raise ValueError("arange's step must not be zero")
    numbers = cast("tuple[float, ...]", bounds)  # checked above: ints and floats
    start, stop, step = (0, numbers[0], 1) if len(numbers) == 1 else (*numbers, 1)[:3]
    if np.ceil((stop - start) / step) > MAX_ELEMENTS:
        raise ValueError(f"more than {MAX_ELEMENTS:,} numbers is too big for a graph to show")
    return np.arange(start, stop, step, dtype=np.float64)


@dataclass(frozen=True)
class Helper:
    """A value helper: how to build its array, and which keywords it takes."""

    build: Callable[..., np.ndarray]
    usage: str
    keywords: tuple[str, ...] = ()


HELPERS = {
    "zeros": Helper(lambda shape: np.zeros(_shape(shape)), "zeros(shape)"),
    "ones": Helper(lambda shape: np.ones(_shape(shape)), "ones(shape)"),
    "eye": Helper(_eye, "eye(n) or eye(n, m)"),
    "randn": Helper(_randn, "randn(shape, seed=0)", ("seed",)),
    "arange": Helper(_arange, "arange(stop), arange(start, stop) or arange(start, stop, step)"),
}


def helper_call(array: np.ndarray) -> str | None:
    """``array`` as a helper call that builds exactly these numbers, or None (write the numbers)."""
    if array.size < 2 or array.dtype.kind != "f":
        return None
    shape = array.shape[0] if array.ndim == 1 else tuple(int(s) for s in array.shape)
    if not np.any(array) and not np.any(np.signbit(array)):
        return f"zeros({shape})"
    if np.all(array == 1.0):
        return f"ones({shape})"
    if (
        array.ndim == 2
        and array.shape[0] == array.shape[1]
        and np.array_equal(array, np.eye(array.shape[0]))
        and not np.any(np.signbit(array))
    ):
        return f"eye({array.shape[0]})"
    if (
        array.ndim == 1
        and array.size >= 3
        and np.array_equal(array, np.arange(array.size))
        and not np.signbit(array[0])
    ):
        return f"arange({array.size})"
    return None


# ----- applying text to a graph -----------------------------------------------------------------


def apply_code(text: str, previous: GraphFile | None = None) -> GraphFile:
    """The graph ``text`` describes, laid out: nodes ``previous`` already placed keep their place.

    The view (zoom, step) stays as ``previous`` had it. Raises CodeError for text that is not a graph.
    """
    from gradviz.model.code_parse import parse_code  # noqa: PLC0415 - code_parse imports this module

    graph = parse_code(text)
    previous = previous or GraphFile((), None)
    ids = {spec.id for spec in graph.nodes}
    kept = {node_id: position for node_id, position in previous.layout.items() if node_id in ids}
    layout = layered_positions(graph.nodes, kept)
    return GraphFile(graph.nodes, graph.output, layout, dict(previous.view), graph.title, graph.description)
