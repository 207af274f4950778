"""A compiled graph: nodes in a fixed topological order, every attribute and shape checked.

The program is what the tracer, forward mode and the gradient check run. It is immutable, and
building one is the single place where a graph is checked, so every error a user can cause in a
graph is raised here, once, naming the node and the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

import numpy as np

from gradviz.engine.errors import AttrError, GradvizError, GraphError, NodeError
from gradviz.engine.ops._common import show
from gradviz.engine.registry import Op, find_op, get_op

Shape = tuple[int, ...]
LARGEST_LABEL = 2**31 - 1  # more classes than any value could hold logits for


@dataclass(frozen=True)
class NodeSpec:
    """A node as a user or a file describes it, before any check."""

    id: str
    op: str
    inputs: Sequence[str] = ()
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


def source_array(value: Any, dtype: str, node_id: str) -> np.ndarray:
    """A source's value as a read-only float64 (or int64 label) array; NodeError if it is not one."""
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise NodeError(node_id, "value must be a number or a nested list of numbers of equal lengths",
                        "value") from None
    if dtype == "int":
        if not np.all(np.isfinite(array)) or not np.array_equal(array, np.round(array)):
            raise NodeError(node_id, "labels must be whole numbers", "value")
        too_large = array[np.abs(array) > LARGEST_LABEL]
        if too_large.size:  # cast, 1e300 would become −2⁶³ (and a RuntimeWarning)
            raise NodeError(node_id, f"label {too_large[0]:g} is out of range (a class label is at most "
                            f"{LARGEST_LABEL:,})", "value")
        array = array.astype(np.int64)
    array.setflags(write=False)
    return array


def label_sources(specs: Iterable[NodeSpec]) -> set[str]:
    """Ids of the nodes feeding a port that takes integer labels (their values are int64)."""
    return {
        parent for spec in specs if (op := find_op(spec.op)) is not None
        for port, parent in zip(op.ports, spec.inputs) if port.dtype == "int"
    }


class Program:
    """Checked nodes in topological order, the output id, and what each node needs."""

    def __init__(self, specs: Iterable[NodeSpec], output: str) -> None:
        specs = tuple(specs)
        self.nodes: tuple[Node, ...] = tuple(self._check_all(specs))
        self.index: Mapping[str, int] = MappingProxyType({node.id: i for i, node in enumerate(self.nodes)})
        if output not in self.index:
            raise GraphError(f"the output {output!r} names no node")
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
        return tuple((node, node.op.forward, node.inputs, dict(node.attrs))
                     for node in self.nodes if not node.op.is_source)

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

    # ----- checking ------------------------------------------------------------------------------

    def _check_all(self, specs: tuple[NodeSpec, ...]) -> Iterable[Node]:
        integer_sources = label_sources(specs)
        done: dict[str, Node] = {}
        for spec in specs:
            if not isinstance(spec.id, str) or not spec.id:
                raise GraphError("every node needs a non-empty string id")
            if spec.id in done:
                raise NodeError(spec.id, "this id is used by two nodes", "id")
            node = self._check(spec, done, "int" if spec.id in integer_sources else "float")
            done[node.id] = node
            yield node

    @staticmethod
    def _check(spec: NodeSpec, done: Mapping[str, Node], dtype: str) -> Node:
        try:
            op = get_op(spec.op)
        except GraphError as error:
            raise NodeError(spec.id, str(error), "op") from None
        try:
            op.check_arity(len(spec.inputs))
        except GraphError as error:
            raise NodeError(spec.id, str(error), "inputs") from None
        for parent in spec.inputs:
            if parent not in done:
                raise NodeError(spec.id, f"input {parent!r} names no node before this one", "inputs")
        try:
            attrs = op.resolve_attrs(dict(spec.attrs))
        except GradvizError as error:
            raise NodeError(spec.id, str(error), "attrs") from None
        value = None
        if op.is_source:
            if spec.value is None:
                raise NodeError(spec.id, f"{op.name} nodes need a value", "value")
            value = source_array(spec.value, dtype, spec.id)
            shapes: tuple[Shape, ...] = (value.shape,)
        else:
            if spec.value is not None:
                raise NodeError(spec.id, f"{op.name} nodes compute their value; only sources hold one", "value")
            shapes = tuple(done[parent].shape for parent in spec.inputs)
        try:
            shape = tuple(op.shape(*shapes, **attrs))
        except GradvizError as error:  # an attribute out of range (a padding of 10¹²) or shapes that do not fit
            raise NodeError(spec.id, str(error), "attrs" if isinstance(error, AttrError) else "inputs") from None
        return Node(spec.id, op, tuple(spec.inputs), MappingProxyType(attrs), value, spec.label, shape)

    def _needs_bar(self) -> dict[str, bool]:
        """True for nodes on a path from an input or parameter to the output: only they get bars."""
        depends = {}
        for node in self.nodes:
            depends[node.id] = node.op.has_bar if node.op.is_source else any(
                depends[parent] for port, parent in zip(node.op.ports, node.inputs) if port.differentiable
            )
        feeds = {self.output}
        for node in reversed(self.nodes):
            if node.id in feeds:
                feeds.update(parent for port, parent in zip(node.op.ports, node.inputs) if port.differentiable)
        return {node.id: depends[node.id] and node.id in feeds for node in self.nodes}

