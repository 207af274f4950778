"""Building programs from Python: the scripting face of the engine.

    g = Builder()
    W = g.parameter("W", [[0.1, -0.3], [0.7, 0.2]])
    x = g.input("x", [[1.0], [2.0]])
    a = g.op("matmul", W, x, id="a")
    c = g.op("mse", a, g.constant("y", [[0.5], [0.0]]), id="c")
    trace = run(g.program(c))

Nodes are added in order, so a builder's program is already topological; ids default to the op's
name with a counter (``matmul1``).
"""

from __future__ import annotations

from typing import Any

from gradviz.engine.program import NodeSpec, Program


class Builder:
    """Collects NodeSpecs in the order they are made; ``program(output)`` checks them all."""

    def __init__(self) -> None:
        self._specs: list[NodeSpec] = []
        self._counts: dict[str, int] = {}

    def _fresh(self, op: str) -> str:
        self._counts[op] = self._counts.get(op, 0) + 1
        return f"{op}{self._counts[op]}"

    def _add(self, spec: NodeSpec) -> str:
        self._specs.append(spec)
        return spec.id

    def input(self, id: str, value: Any, label: str | None = None) -> str:  # noqa: A002 - matches the file field
        return self._add(NodeSpec(id, "input", value=value, label=label))

    def parameter(self, id: str, value: Any, label: str | None = None) -> str:  # noqa: A002
        return self._add(NodeSpec(id, "parameter", value=value, label=label))

    def constant(self, id: str, value: Any, label: str | None = None) -> str:  # noqa: A002
        return self._add(NodeSpec(id, "constant", value=value, label=label))

    def op(
        self,
        op: str,
        *inputs: str,
        id: str | None = None,  # noqa: A002 - the file format's word for a node's name
        label: str | None = None,
        **attrs: Any,
    ) -> str:
        """Add an op node reading ``inputs`` in port order; returns its id."""
        return self._add(NodeSpec(id or self._fresh(op), op, tuple(inputs), attrs, label=label))

    @property
    def specs(self) -> tuple[NodeSpec, ...]:
        return tuple(self._specs)

    def program(self, output: str) -> Program:
        return Program(self._specs, output)
