"""One checker for a graph: every mistake a user can make in one, found in one place, said one way.

Three readers ask it the same question and differ only in what they do with the answer:
- the compiler (``Program``) refuses the graph with the first problem;
- the document shows each node's shape, or in red the reason it has none (an unfinished graph is
  normal there: a port not connected yet is a status, not an error);
- opening a file refuses what a document cannot even hold (two nodes with one id, an input naming
  no node), so ``GraphCheck.problems`` carries a ``Kind`` callers can filter on.

Nodes are checked in dependency order, ties kept in the order they were written, so the same graph
always gives the same order, the same program and the same trace (graphlib: the standard library's
sorter, cheap to import, so the window starts without networkx).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from graphlib import CycleError, TopologicalSorter
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from gradviz.engine.errors import AttrError, GradvizError, GraphError, NodeError
from gradviz.engine.registry import Op, find_op

if TYPE_CHECKING:
    from gradviz.engine.program import NodeSpec

Shape = tuple[int, ...]


class Kind(Enum):
    """What sort of mistake a problem is; the file reader refuses some kinds, the document shows all."""

    BAD_ID = "bad id"
    DUPLICATE_ID = "duplicate id"
    DANGLING_INPUT = "input naming no node"
    DANGLING_OUTPUT = "output naming no node"
    CYCLE = "cycle"
    UNKNOWN_OP = "unknown op"
    ARITY = "too many inputs"
    ATTRIBUTE = "attribute"
    VALUE = "value"
    UNCONNECTED = "input not connected"
    SHAPE = "shape"


REFERENCES = frozenset({Kind.BAD_ID, Kind.DUPLICATE_ID, Kind.DANGLING_INPUT, Kind.DANGLING_OUTPUT})
"""The kinds a document cannot hold at all: everything else it shows node by node."""


@dataclass(frozen=True)
class Problem:
    """One mistake: where (a node and its field, or the graph as a whole) and why, in the user's words."""

    kind: Kind
    node_id: str | None
    reason: str
    field: str | None = None

    def error(self) -> GradvizError:
        """The problem as the error the compiler raises (a NodeError when it belongs to a node)."""
        return GraphError(self.reason) if self.node_id is None else NodeError(self.node_id, self.reason, self.field)


@dataclass(frozen=True)
class NodeStatus:
    """A node's output shape when it can compute, else the reason it cannot (shown on the node)."""

    shape: Shape | None
    error: str | None = None


@dataclass(frozen=True)
class CheckedNode:
    """A node that passed every check: its op, complete attributes, value (sources only) and shape."""

    spec: NodeSpec
    op: Op
    attrs: Mapping[str, Any]
    value: np.ndarray | None
    shape: Shape


@dataclass(frozen=True)
class GraphCheck:
    """The verdict on a whole graph."""

    order: tuple[str, ...]  # the nodes that passed, in dependency order, ties in written order
    checked: Mapping[str, CheckedNode]
    statuses: Mapping[str, NodeStatus]  # every node, in dependency order
    problems: tuple[Problem, ...]  # root causes only ("waits for m" is a status, not a problem)

    def raise_first(self) -> None:
        """Raise the first problem as an error (references first, then in dependency order)."""
        if self.problems:
            raise self.problems[0].error()


LARGEST_LABEL = 2**31 - 1  # more classes than any value could hold logits for


def source_array(value: Any, dtype: str, node_id: str) -> np.ndarray:
    """A source's value as a read-only float64 (or int64 label) array; NodeError if it is not one."""
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise NodeError(
            node_id, "value must be a number or a nested list of numbers of equal lengths", "value"
        ) from None
    if dtype == "int":
        if not np.all(np.isfinite(array)) or not np.array_equal(array, np.round(array)):
            raise NodeError(node_id, "labels must be whole numbers", "value")
        too_large = array[np.abs(array) > LARGEST_LABEL]
        if too_large.size:  # cast, 1e300 would become −2⁶³ (and a RuntimeWarning)
            raise NodeError(
                node_id, f"label {too_large[0]:g} is out of range (a class label is at most {LARGEST_LABEL:,})", "value"
            )
        array = array.astype(np.int64)
    array.setflags(write=False)
    return array


def label_sources(specs: Iterable[NodeSpec]) -> set[str]:
    """Ids of the nodes feeding a port that takes integer labels (their values are int64)."""
    return {
        parent
        for spec in specs
        if (op := find_op(spec.op)) is not None
        for port, parent in zip(op.ports, spec.inputs)
        if port.dtype == "int" and parent is not None
    }


def check_graph(specs: Sequence[NodeSpec], output: str | None = None) -> GraphCheck:
    """Check every node of ``specs`` (in any order) and, if given, that ``output`` names one."""
    specs = tuple(specs)
    problems = list(_reference_problems(specs, output))
    by_id: dict[str, NodeSpec] = {}
    for spec in specs:
        if isinstance(spec.id, str) and spec.id:
            by_id.setdefault(spec.id, spec)
    statuses: dict[str, NodeStatus] = {}
    order, cycles = _dependency_order(by_id)
    for cycle in cycles:
        path = " → ".join(cycle)
        problems.append(Problem(Kind.CYCLE, cycle[0], f"the graph has a cycle: {path}", "inputs"))
        for node_id in cycle:
            statuses[node_id] = NodeStatus(None, f"the graph has a cycle: {path}")
    for node_id in by_id.keys() - set(order) - statuses.keys():
        statuses[node_id] = NodeStatus(None, "waits for a cycle")
    integers = label_sources(by_id.values())
    checked: dict[str, CheckedNode] = {}
    for node_id in order:
        verdict = _check_node(by_id[node_id], checked, by_id, "int" if node_id in integers else "float")
        if isinstance(verdict, CheckedNode):
            checked[node_id] = verdict
            statuses[node_id] = NodeStatus(verdict.shape)
        elif isinstance(verdict, Problem):
            problems.append(verdict)
            statuses[node_id] = NodeStatus(None, verdict.reason)
        else:
            statuses[node_id] = NodeStatus(None, verdict)
    return GraphCheck(
        tuple(node_id for node_id in order if node_id in checked),
        MappingProxyType(checked),
        MappingProxyType(statuses),
        tuple(problems),
    )


# ----- the graph as a whole --------------------------------------------------------------------------


def _reference_problems(specs: tuple[NodeSpec, ...], output: str | None) -> Iterable[Problem]:
    """Ids that are not strings or are used twice, and inputs and the output naming no node."""
    ids: set[str] = set()
    for spec in specs:
        if not isinstance(spec.id, str) or not spec.id:
            yield Problem(Kind.BAD_ID, None, "every node needs a non-empty string id")
        elif spec.id in ids:
            yield Problem(Kind.DUPLICATE_ID, spec.id, "this id is used by two nodes", "id")
        else:
            ids.add(spec.id)
    for spec in specs:
        for port, parent in enumerate(spec.inputs):
            if parent is not None and parent not in ids:
                yield Problem(
                    Kind.DANGLING_INPUT, spec.id, f"input {port + 1} names {parent!r}, which is no node", "inputs"
                )
    if output is not None and output not in ids:
        yield Problem(Kind.DANGLING_OUTPUT, None, f"the output {output!r} names no node")


def _dependency_order(by_id: Mapping[str, NodeSpec]) -> tuple[list[str], list[list[str]]]:
    """Node ids with every node after its inputs, ties in written order, and the cycles found.

    A node on a cycle, or downstream of one, is left out of the order: its shape can never be known.
    """
    parents = {node_id: {p for p in spec.inputs if p is not None and p in by_id} for node_id, spec in by_id.items()}
    cycles: list[list[str]] = []
    while True:
        sorter = TopologicalSorter(parents)
        try:
            sorter.prepare()
            break
        except CycleError as error:  # only a hand-edited file can hold one: the window refuses them
            cycle = error.args[1]
            cycles.append(cycle)
            blocked = _downstream(set(cycle), parents)
            parents = {node_id: inputs for node_id, inputs in parents.items() if node_id not in blocked}
    written = {node_id: i for i, node_id in enumerate(by_id)}
    ready: list[tuple[int, str]] = []
    order: list[str] = []
    while sorter.is_active():
        for node_id in sorter.get_ready():
            heapq.heappush(ready, (written[node_id], node_id))
        _, node_id = heapq.heappop(ready)
        order.append(node_id)
        sorter.done(node_id)
    return order, cycles


def _downstream(start: set[str], parents: Mapping[str, set[str]]) -> set[str]:
    """``start`` and every node that reads one of them, directly or not."""
    reached, grew = set(start), True
    while grew:
        more = {node_id for node_id, inputs in parents.items() if node_id not in reached and inputs & reached}
        reached |= more
        grew = bool(more)
    return reached


# ----- one node --------------------------------------------------------------------------------------


def _check_node(
    spec: NodeSpec, checked: Mapping[str, CheckedNode], by_id: Mapping[str, NodeSpec], dtype: str
) -> CheckedNode | Problem | str:
    """The node checked, or its problem, or (a str) why it waits: a parent with no shape yet."""
    op = find_op(spec.op)
    if op is None:
        return Problem(Kind.UNKNOWN_OP, spec.id, f"unknown op {spec.op!r}", "op")
    if len(spec.inputs) > len(op.ports):
        try:
            op.check_arity(len(spec.inputs))
        except GraphError as error:  # a hand-edited file with too many inputs: says how many fit
            return Problem(Kind.ARITY, spec.id, str(error), "inputs")
    try:
        attrs = op.resolve_attrs(dict(spec.attrs))
    except GradvizError as error:
        return Problem(Kind.ATTRIBUTE, spec.id, _reason(error), "attrs")
    inputs = _source_value(spec, op, dtype) if op.is_source else _input_shapes(spec, op, checked, by_id)
    if not isinstance(inputs, tuple):
        return inputs
    value, shapes = inputs
    try:
        shape = tuple(op.shape(*shapes, **attrs))
    except GradvizError as error:  # shapes that do not fit, or an attribute out of range for them (padding 10¹²)
        attribute = isinstance(error, AttrError)
        return Problem(
            Kind.ATTRIBUTE if attribute else Kind.SHAPE, spec.id, _reason(error), "attrs" if attribute else "inputs"
        )
    return CheckedNode(spec, op, MappingProxyType(attrs), value, shape)


def _source_value(spec: NodeSpec, op: Op, dtype: str) -> tuple[np.ndarray, tuple[Shape]] | Problem:
    if spec.value is None:
        return Problem(Kind.VALUE, spec.id, f"{op.name} nodes need a value", "value")
    try:
        value = source_array(spec.value, dtype, spec.id)
    except NodeError as error:
        return Problem(Kind.VALUE, spec.id, error.reason, "value")
    return value, (value.shape,)


def _input_shapes(
    spec: NodeSpec, op: Op, checked: Mapping[str, CheckedNode], by_id: Mapping[str, NodeSpec]
) -> tuple[None, tuple[Shape, ...]] | Problem | str:
    if spec.value is not None:
        return Problem(Kind.VALUE, spec.id, f"{op.name} nodes compute their value; only sources hold one", "value")
    missing = [port.name for port, parent in zip(op.ports, spec.inputs) if parent is None]
    missing += [port.name for port in op.ports[len(spec.inputs) :] if not port.optional]
    if missing:
        return Problem(Kind.UNCONNECTED, spec.id, f"input {', '.join(missing)} not connected", "inputs")
    absent = [(port, parent) for port, parent in enumerate(spec.inputs) if parent not in by_id]
    if absent:  # a reference problem of the graph already; the node says so too
        port, parent = absent[0]
        return f"input {port + 1} names {parent!r}, which is no node"
    parents = [parent for parent in spec.inputs if parent is not None]  # all of them: none is missing or absent
    waiting = [parent for parent in parents if parent not in checked]
    if waiting:
        return f"waits for {', '.join(dict.fromkeys(waiting))}"
    return None, tuple(checked[parent].shape for parent in parents)


def _reason(error: GradvizError) -> str:
    return getattr(error, "reason", str(error))
