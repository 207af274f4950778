"""A compiled graph: nodes in a fixed topological order, every attribute and shape checked.

The program is what the tracer, forward mode and the gradient check run. It is immutable, and it is
built only from a graph that ``gradviz.engine.check`` passed, so every error a user can cause in a
graph is raised by that one checker, naming the node and the field, with the words the window shows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

import numpy as np

from gradviz.engine.check import CheckedNode, check_graph, label_sources, source_array
from gradviz.engine.errors import NodeError
from gradviz.engine.ops._common import show
from gradviz.engine.registry import Op

__all__ = ["Node", "NodeSpec", "Program", "label_sources", "source_array"]  # the last two: from the checker

Shape = tuple[int, ...]


@dataclass(frozen=True)
class NodeSpec:
    """A node as a user or a file describes it, before any check."""

    id: str
    op: str
    inputs: Sequence[str | None] = ()  # None: a port left unconnected (the checker refuses to run it)
    attrs: Mapping[str, Any] = field(default_factory=dict)
    value: Any = None
    label: str | None = None


@dataclass(frozen=True, eq=False)
class Node:
    """A checked node: its op resolved, attributes complete, value an array, shape known."""

    id: str
    op: Op
    inputs: tuple[str, ...]
    attrs: Mapping[str, Any]
    value: np.ndarray | None
    label: str | None
    shape: Shape

    @property
    def name(self) -> str:
        """What the student sees: the label if there is one, else the id."""
        return self.label or self.id

    @property
    def size(self) -> int:
        """How many numbers the node's array has (the product of its shape)."""
        return math.prod(self.shape)

    @property
    def held(self) -> np.ndarray:
        """The value a source or constant holds; an op node computes its value, so asking one is a bug."""
        if self.value is None:
            raise TypeError(f"node {self.id!r} computes its value: only sources and constants hold one")
        return self.value


def _node(checked: CheckedNode) -> Node:
    spec = checked.spec
    inputs = tuple(parent for parent in spec.inputs if parent is not None)
    assert len(inputs) == len(spec.inputs), f"{spec.id} has a port unconnected"  # the checker refuses such a node
    return Node(spec.id, checked.op, inputs, checked.attrs, checked.value, spec.label, checked.shape)


class Program:
    """Checked nodes in topological order, the output id, and what each node needs."""

    def __init__(self, specs: Iterable[NodeSpec], output: str) -> None:
        verdict = check_graph(tuple(specs), output)
        verdict.raise_first()
        self.nodes: tuple[Node, ...] = tuple(_node(verdict.checked[node_id]) for node_id in verdict.order)
        self.index: Mapping[str, int] = MappingProxyType({node.id: i for i, node in enumerate(self.nodes)})
        out_shape = self.node(output).shape
        if out_shape != ():
            raise NodeError(output, f"the output must be a scalar cost, but its shape is {show(out_shape)}")
        self.output = output
        self.parents: Mapping[str, tuple[Node, ...]] = MappingProxyType(
            {node.id: tuple(self.nodes[self.index[parent]] for parent in node.inputs) for node in self.nodes}
        )
        self.needs_bar: Mapping[str, bool] = MappingProxyType(self._needs_bar())

    @cached_property
    def forward_plan(self) -> tuple[tuple[Node, Any, tuple[str, ...], dict[str, Any]], ...]:
        """Per op node, in order: (node, its forward, its input ids, its attributes as a plain dict)."""
        return tuple(
            (node, node.op.forward, node.inputs, dict(node.attrs)) for node in self.nodes if not node.op.is_source
        )

    @cached_property
    def backward_plan(self) -> tuple[tuple[Node, dict[str, Any], tuple[tuple[int, Node, Any], ...]], ...]:
        """Per op node, last first: (node, attributes, the (port, parent, bar rule) edges that carry a bar).

        Everything here follows from the immutable program, so the tracer's hot loop reads it instead of
        working it out again on every run.
        """
        plan = []
        for node in reversed(self.nodes):
            if node.op.is_source or not self.needs_bar[node.id]:
                continue
            edges = tuple(
                (port, parent, node.op.vjp[port])
                for port, parent in enumerate(self.parents[node.id])
                if node.op.vjp[port] is not None and self.needs_bar[parent.id]
            )
            plan.append((node, dict(node.attrs), edges))
        return tuple(plan)

    def node(self, node_id: str) -> Node:
        return self.nodes[self.index[node_id]]

    @cached_property
    def sources_and_constants(self) -> tuple[Node, ...]:
        """Every node that holds a value rather than computing one."""
        return tuple(node for node in self.nodes if node.op.is_source)

    @property
    def sources(self) -> tuple[Node, ...]:
        """The nodes gradients are reported for: inputs and parameters, in program order."""
        return tuple(node for node in self.nodes if node.op.is_source and node.op.has_bar)

    def consumers(self, node_id: str) -> tuple[tuple[Node, int], ...]:
        """(child, port index) for every edge leaving ``node_id``, in program order."""
        return tuple(
            (child, port) for child in self.nodes for port, parent in enumerate(child.inputs) if parent == node_id
        )

    def _needs_bar(self) -> dict[str, bool]:
        """True for nodes on a path from an input or parameter to the output: only they get bars."""
        depends: dict[str, bool] = {}
        for node in self.nodes:
            depends[node.id] = (
                node.op.has_bar
                if node.op.is_source
                else any(depends[parent] for port, parent in zip(node.op.ports, node.inputs) if port.differentiable)
            )
        feeds = {self.output}
        for node in reversed(self.nodes):
            if node.id in feeds:
                feeds.update(parent for port, parent in zip(node.op.ports, node.inputs) if port.differentiable)
        return {node.id: depends[node.id] and node.id in feeds for node in self.nodes}
