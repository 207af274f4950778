"""The graph as a user edits it: nodes, positions, the chosen cost, and events for the views.

The document is Qt-free. Undo commands are the only callers of its edit methods; views subscribe to
its change events (one small class per kind of change, matched by type) and update what the change
touched, never writing back. A graph being edited is usually unfinished
(ports not connected yet, a shape that does not fit), so instead of refusing, the document diagnoses
each node: its shape if it can compute, else the reason, which the canvas shows in red.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from gradviz.engine.check import REFERENCES, Kind, NodeStatus, check_graph
from gradviz.engine.errors import GradvizError
from gradviz.engine.program import NodeSpec, Program
from gradviz.engine.registry import find_op
from gradviz.model.compile import compile_graph
from gradviz.model.graph_record import GraphFile

Position = tuple[float, float]


@dataclass(frozen=True)
class NodesAdded:
    """Nodes came in together (a new node, a paste, an undone delete); every node they read is in.
    ``rewired`` are nodes that read them again (an undone delete gives their ports back)."""

    node_ids: tuple[str, ...]
    rewired: tuple[str, ...] = ()


@dataclass(frozen=True)
class NodesRemoved:
    """Nodes went together; ``rewired`` are the nodes left whose ports that read them are now open."""

    node_ids: tuple[str, ...]
    rewired: tuple[str, ...] = ()


NodePart = Literal["op", "label", "attrs", "inputs", "value"]


@dataclass(frozen=True)
class NodeChanged:
    """One node was replaced by a new spec; ``parts`` says which of its fields differ."""

    node_id: str
    parts: frozenset[NodePart]


@dataclass(frozen=True)
class NodesMoved:
    """Nodes have new positions on the canvas (a drag, an auto layout: one event); nothing computes otherwise."""

    node_ids: tuple[str, ...]


@dataclass(frozen=True)
class OutputChanged:
    """The chosen cost changed (None: the document picks it)."""

    node_id: str | None


@dataclass(frozen=True)
class DocumentReset:
    """Everything may have changed (another graph loaded): views start over."""


Change = NodesAdded | NodesRemoved | NodeChanged | NodesMoved | OutputChanged | DocumentReset
"""Every event a document emits; a listener matches on the type and ignores what does not concern it."""


class GraphDocument:
    """An editable graph with positions and a chosen output, emitting a Change for every edit.

    Whenever views hear of a change, every input names a node of the document: edits that touch
    several nodes (a delete of a node and its parent) are made whole before they are announced.
    """

    def __init__(self, graph: GraphFile | None = None, statuses: Mapping[str, NodeStatus] | None = None) -> None:
        self._listeners: list[Callable[[Change], None]] = []
        self._statuses: dict[str, NodeStatus] | None = None
        self._auto_output: tuple[str | None] | None = None
        self._compiled: Program | GradvizError | None = None  # program()'s answer until the next change
        self.load(graph or GraphFile((), None), statuses)

    # ----- whole-document ------------------------------------------------------------------------

    def load(self, graph: GraphFile, statuses: Mapping[str, NodeStatus] | None = None) -> None:
        """Hold ``graph`` from now on. ``statuses``: its nodes' diagnosis, when the caller has checked it
        already (a file opened in the background is checked there, once), so views need not check again."""
        self.nodes: dict[str, NodeSpec] = {spec.id: _normalised(spec) for spec in graph.nodes}
        self.positions: dict[str, Position] = {key: (x, y) for key, (x, y) in graph.layout.items()}
        self.chosen_output: str | None = graph.output
        self.title, self.description = graph.title, graph.description
        self.view: dict[str, Any] = dict(graph.view)
        self._emit(DocumentReset(), None if statuses is None else dict(statuses))

    def to_graph_file(self) -> GraphFile:
        """The document as a file; the output written is the cost in use, chosen or automatic, so the
        command line runs a saved file exactly as the window did."""
        layout = {node_id: self.positions[node_id] for node_id in self.nodes if node_id in self.positions}
        return GraphFile(tuple(self.nodes.values()), self.output, layout, dict(self.view), self.title, self.description)

    @property
    def output(self) -> str | None:
        """The node whose value is the cost c: the one the user (or the file) chose, else, automatically,
        the only scalar that no node reads (a graph has one obvious cost while a student builds it).

        The automatic choice is derived, never stored, so it follows every edit and undo stays exact.
        """
        if self.chosen_output is not None:
            return self.chosen_output
        if self._auto_output is None:
            self._auto_output = (self._sole_scalar_sink(),)
        return self._auto_output[0]

    def program(self) -> Program:
        """The compiled program; a GradvizError if the graph cannot compute yet. Compiled once per change
        of the document: the runs of each mode and of each training iteration stepped through, and the
        timeline's reason a graph cannot run, all compile the same graph (30 ms at 2000 nodes)."""
        if self._compiled is None:
            try:
                self._compiled = compile_graph(tuple(self.nodes.values()), self.output)
            except GradvizError as error:
                self._compiled = error
        if isinstance(self._compiled, GradvizError):
            raise self._compiled.with_traceback(None)  # the same error each time, not a growing traceback
        return self._compiled

    # ----- events --------------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[Change], None]) -> Callable[[], None]:
        """Call ``listener`` after every edit; returns a function that unsubscribes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _emit(self, change: Change, statuses: dict[str, NodeStatus] | None = None) -> None:
        self._statuses, self._auto_output, self._compiled = statuses, None, None
        for listener in list(self._listeners):
            listener(change)

    # ----- edits (called by undo commands only) ----------------------------------------------------

    def add_node(self, spec: NodeSpec, position: Position, index: int | None = None) -> None:
        """Add ``spec`` at ``position``; ``index`` puts it back where it was in the node order (undo)."""
        self.insert_nodes([(spec, position, index)])

    def insert_nodes(self, entries: Sequence[tuple[NodeSpec, Position, int | None]]) -> None:
        """Add nodes together (a paste, an undone delete), each at its index in the node order (None: at
        the end); indices are those of the order after the insertion, as a delete recorded them.

        Nodes may read each other in any order, so views hear of them once all are in, as one event:
        told of one at a time, a view would meet a node whose parent it has not heard of yet."""
        self._insert(entries)
        self._emit(NodesAdded(tuple(spec.id for spec, _, _ in entries)))

    def restore_nodes(
        self, entries: Sequence[tuple[NodeSpec, Position, int | None]], rewired: Sequence[NodeSpec], output: str | None
    ) -> None:
        """Undo a delete as one edit: the nodes back at their places in the order (see insert_nodes), the
        nodes that read them (``rewired``, as they were) reading them again, and the chosen cost back.
        Views hear of it once, as they heard of the delete."""
        self._insert(entries)
        for spec in rewired:
            self.nodes[spec.id] = _normalised(spec)
        self.chosen_output = output
        self._emit(NodesAdded(tuple(spec.id for spec, _, _ in entries), tuple(spec.id for spec in rewired)))

    def _insert(self, entries: Sequence[tuple[NodeSpec, Position, int | None]]) -> None:
        items = list(self.nodes.items())
        placed = sorted(
            ((index, spec, position) for spec, position, index in entries if index is not None),
            key=lambda entry: entry[0],
        )
        at_end = [(None, spec, position) for spec, position, index in entries if index is None]
        for index, spec, position in [*placed, *at_end]:
            items.insert(len(items) if index is None else index, (spec.id, _normalised(spec)))
            self.positions[spec.id] = position
        self.nodes = dict(items)

    def remove_node(self, node_id: str) -> None:
        self.remove_nodes([node_id])

    def remove_nodes(self, node_ids: Iterable[str]) -> None:
        """Delete nodes together: inputs of other nodes that read them are left unconnected, and the
        chosen cost is cleared if it goes. Views hear of it once, when the graph is whole again (one
        redraw rather than one per node)."""
        gone = set(node_ids) & self.nodes.keys()
        in_order = tuple(node_id for node_id in self.nodes if node_id in gone)
        rewired = [
            node_id for node_id, spec in self.nodes.items() if node_id not in gone and not gone.isdisjoint(spec.inputs)
        ]
        self.nodes = {
            node_id: self.without(spec, gone) if node_id in rewired else spec
            for node_id, spec in self.nodes.items()
            if node_id not in gone
        }
        for node_id in gone:
            self.positions.pop(node_id, None)
        if self.chosen_output in gone:
            self.chosen_output = None
        if gone:
            self._emit(NodesRemoved(in_order, tuple(rewired)))

    def replace_node(self, spec: NodeSpec) -> None:
        """Put ``spec`` in place of the node with the same id (new inputs, attributes, value or label)."""
        old, new = self.nodes[spec.id], _normalised(spec)
        self.nodes[spec.id] = new
        self._emit(NodeChanged(spec.id, _parts_differing(old, new)))

    def move_nodes(self, positions: Mapping[str, Position]) -> None:
        """Put nodes at new positions together: views hear of them once (an auto layout moves them all)."""
        self.positions.update(positions)
        self._emit(NodesMoved(tuple(positions)))

    def set_output(self, node_id: str | None) -> None:
        """Choose the cost (None: let the document pick the only scalar no node reads, if there is one)."""
        self.chosen_output = node_id
        self._emit(OutputChanged(node_id))

    # ----- questions -----------------------------------------------------------------------------

    def fresh_id(self, stem: str) -> str:
        """An unused id from ``stem``: matmul1, matmul2, ..."""
        count = 1
        while f"{stem}{count}" in self.nodes:
            count += 1
        return f"{stem}{count}"

    def consumers(self, node_id: str) -> list[tuple[str, int]]:
        """(child id, port) for every input that reads ``node_id``."""
        return [
            (spec.id, port)
            for spec in self.nodes.values()
            for port, parent in enumerate(spec.inputs)
            if parent == node_id
        ]

    def with_input(self, child: str, port: int, parent: str | None) -> NodeSpec:
        """The child's spec with ``port`` reading ``parent`` (None disconnects); other ports kept."""
        spec = self.nodes[child]
        inputs = list(spec.inputs) + [None] * (port + 1 - len(spec.inputs))
        inputs[port] = parent
        return _with_inputs(spec, inputs)

    def without(self, spec: NodeSpec, gone: set[str]) -> NodeSpec:
        """``spec`` with every port that reads a node in ``gone`` left unconnected."""
        return _with_inputs(spec, [None if parent in gone else parent for parent in spec.inputs])

    def connection_refused(self, child: str, port: int, parent: str) -> str | None:
        """Why ``parent`` cannot feed ``child``'s port ``port``, or None if it can."""
        if parent == child:
            return "a node cannot read its own output"
        if child in self._ancestors(parent):
            return f"that would make a cycle: {parent} already depends on {child}"
        trial = {**self.nodes, child: self.with_input(child, port, parent)}
        # other ports still open, or a parent without a shape yet: allowed, checked when they are filled
        refusals = [
            problem.reason
            for problem in check_graph(tuple(trial.values())).problems
            if problem.node_id == child and problem.kind in (Kind.SHAPE, Kind.ATTRIBUTE)
        ]
        return refusals[0] if refusals else None

    def status(self, node_id: str) -> NodeStatus:
        return self.statuses()[node_id]

    def statuses(self) -> dict[str, NodeStatus]:
        """Every node's shape or the reason it has none, in dependency order (cached until an edit)."""
        if self._statuses is None:
            self._statuses = self._diagnose()
        return self._statuses

    def can_run(self) -> bool:
        """Whether the graph computes a cost now: every node has a shape and the output is a scalar.
        (Compiling would say the same, with an exception to catch.)"""
        statuses = self.statuses()
        return (
            self.output in statuses
            and statuses[self.output].shape == ()
            and all(status.shape is not None for status in statuses.values())
        )

    def _sole_scalar_sink(self) -> str | None:
        read = {parent for spec in self.nodes.values() for parent in spec.inputs}
        scalars = [node_id for node_id, status in self.statuses().items() if status.shape == () and node_id not in read]
        return scalars[0] if len(scalars) == 1 else None

    def _ancestors(self, node_id: str) -> set[str]:
        """``node_id`` and every node it depends on."""
        seen, stack = set(), [node_id]
        while stack:
            current = stack.pop()
            if current in seen or current not in self.nodes:
                continue
            seen.add(current)
            stack.extend(parent for parent in self.nodes[current].inputs if parent is not None)
        return seen

    def _diagnose(self) -> dict[str, NodeStatus]:
        """Statuses in dependency order, from the checker the compiler uses: the same words."""
        return dict(check_graph(tuple(self.nodes.values())).statuses)


def check_references(graph: GraphFile) -> dict[str, NodeStatus]:
    """What a document needs of a file before it can hold it: distinct ids, and every input and the
    output naming a node. Raises a NodeError (with the field) or a GraphError saying which. Everything
    else (shapes, attributes, cycles) the document diagnoses node by node, showing the graph: the
    statuses returned, for ``GraphDocument.load`` (one check of the file serves both)."""
    check = check_graph(graph.nodes, graph.output)
    for problem in check.problems:
        if problem.kind in REFERENCES:
            raise problem.error()
    return dict(check.statuses)


def _parts_differing(old: NodeSpec, new: NodeSpec) -> frozenset[NodePart]:
    """Which fields of a node an edit changed, so a view redraws only those (both specs normalised)."""
    parts: set[NodePart] = set()
    if old.op != new.op:
        parts.add("op")
    if old.label != new.label:
        parts.add("label")
    if old.attrs != new.attrs:
        parts.add("attrs")
    if old.inputs != new.inputs:
        parts.add("inputs")
    if not same_value(old.value, new.value):
        parts.add("value")
    return frozenset(parts)


def same_value(one: Any, other: Any) -> bool:
    """Whether two node values (None, nested lists or arrays) hold the same numbers in the same shape."""
    if one is None or other is None:
        return one is other
    a, b = np.asarray(one), np.asarray(other)
    return a.shape == b.shape and bool(np.array_equal(a, b))


def _with_inputs(spec: NodeSpec, inputs: list[str | None]) -> NodeSpec:
    op = find_op(spec.op)
    while inputs and inputs[-1] is None and op is not None and len(inputs) > op.min_inputs:
        inputs.pop()  # an optional port left empty is simply absent
    return dataclasses.replace(spec, inputs=tuple(inputs))


def _normalised(spec: NodeSpec) -> NodeSpec:
    """Inputs as a tuple and attributes as a plain dict, so specs compare equal when they mean the same."""
    if type(spec.inputs) is tuple and type(spec.attrs) is dict:
        return spec  # so already (as a file's are): 10,000 copies cost a tenth of a second when a file opens
    return dataclasses.replace(spec, inputs=tuple(spec.inputs), attrs=dict(spec.attrs))


DEFAULT_VALUES = {  # small values a student can read and edit; shapes change in the inspector
    "input": [[1.0], [2.0]],
    "parameter": [[0.1, -0.3], [0.7, 0.2]],
    "constant": [[0.5], [0.0]],
}


def new_node(document: GraphDocument, op_name: str) -> NodeSpec:
    """A fresh node of ``op_name`` with an unused id, its ports unconnected, a source holding a value."""
    return NodeSpec(document.fresh_id(op_name), op_name, (), {}, DEFAULT_VALUES.get(op_name))
