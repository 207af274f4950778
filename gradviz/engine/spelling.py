"""How the exported scripts spell an op: its numpy forward and bar rules, and its torch forward.

Declared with the op (``defop(..., spelling=Spelling(...))``), next to its forward and vjp, so that adding
an op touches its declaration and nothing in ``gradviz.export``, which knows no op by name. Plain data
here: the engine never imports the exporters.

A template is a ``str.format`` string, or a small callable of the template context that returns one
(when the spelling depends on shapes: a vector matmul's bar is ``np.outer``, a matrix one's ``@``). The
exporter fills it with:
- each present port's variable under the port's name (``{a}``) and its shape as ``shape_<port>``;
- every attribute by name, and ``out_shape``;
- what the spelling's ``context`` adds: numbers that follow from shapes and attributes (the axes a sum
  removes, the zeros a convolution pads with), computed once for both targets;
- in numpy bar rules, ``{g}`` (the output's bar, whose shape the rule returns) and ``{z}`` (the value).
Only variable names (slugs of the ids, see ``gradviz.export.names``) and numbers reach a template, never
a node's text. Bar rules are written as if the input had the output's shape, like ``vjp``: the exporter
wraps a broadcast edge in ``unbroadcast``.

The numpy script re-derives every bar rule, independently of the engine's ``vjp``; the torch script leaves
the bars to autograd, so torch needs only the forward.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

Template = str | Callable[[dict[str, Any]], str]
Context = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Helper:
    """numpy source of functions that templates call by name (softmax, a convolution loop), defined at
    the top of a script whose lines call one of them."""

    source: str
    names: tuple[str, ...] = field(init=False)  # the functions it defines, read from the source

    def __post_init__(self) -> None:
        tree = ast.parse(self.source)
        names = tuple(node.name for node in tree.body if isinstance(node, ast.FunctionDef))
        if not names or len(names) != len(tree.body):
            raise ValueError("a helper is one or more top-level function definitions and nothing else")
        object.__setattr__(self, "names", names)


@dataclass(frozen=True)
class Spelling:
    """An op in the exported scripts: one numpy bar rule per port (``None`` where the port has no bar)."""

    numpy: Template
    numpy_bars: Sequence[Template | None]
    torch: Template
    context: Context | None = None
    helpers: tuple[Helper, ...] = ()  # what the numpy templates may call

    def __post_init__(self) -> None:
        object.__setattr__(self, "numpy_bars", tuple(self.numpy_bars))

    def check(self, op_name: str, differentiable: Sequence[bool]) -> None:
        """ValueError unless there is a numpy bar rule exactly for each differentiable port."""
        if len(self.numpy_bars) != len(differentiable):
            raise ValueError(f"{op_name}: one numpy bar rule per port")
        for port, (rule, has_bar) in enumerate(zip(self.numpy_bars, differentiable)):
            if (rule is None) == has_bar:
                wanted = "a numpy bar rule" if has_bar else "no numpy bar rule (it has no bar)"
                raise ValueError(f"{op_name}: port {port} needs {wanted}")


@dataclass(frozen=True)
class CannotExport:
    """An op the exported scripts cannot spell; ``gradviz export`` refuses a graph holding one, saying why."""

    reason: str
