"""Making the canvas's items for a whole document: every node with its look, every wire placed, in one pass.

Kept apart from the scene because the items of a big file are made before they are shown: opening a
10,000-node file makes its items a slice at a time between events (the old graph stays on screen and
Cancel still works), then the scene swaps them in at once (``GraphScene.prebuilt``). The scene's own
rebuild (an edit that resets the document, a theme change) makes them the same way, all in one go.

Each node takes its look when it is made: an item is never drawn empty first and then compared with
its real look field by field.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from functools import partial

import numpy as np

from gradviz.engine.check import NodeStatus
from gradviz.engine.forward_mode import TangentStep
from gradviz.engine.ops._common import show
from gradviz.engine.program import NodeSpec
from gradviz.engine.registry import find_op
from gradviz.engine.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep, State, Trace
from gradviz.engine.walkable import AnyStep
from gradviz.gui.canvas.items import ArrayLook, EdgeItem, NodeItem, NodeLook
from gradviz.gui.theme import Theme
from gradviz.model.document import GraphDocument


def highlight_of(step: AnyStep | None, node_id: str) -> str | None:
    """How ``step`` marks node ``node_id``: 'forward', 'backward', or None."""
    if isinstance(step, ForwardStep | TangentStep) and step.node.id == node_id:
        return "forward"
    if isinstance(step, SeedStep | AccumulateStep) and step.node.id == node_id:
        return "backward"
    if isinstance(step, BackwardStep) and node_id in (step.node.id, step.parent.id):
        return "backward"
    return None


def node_look(
    spec: NodeSpec,
    status: NodeStatus,
    is_output: bool,
    state: State | None,
    step: AnyStep | None,
    *,
    previous: NodeLook | None = None,
    ready: Mapping[Hashable, ArrayLook] | None = None,
) -> NodeLook:
    """The look of the node ``spec`` (diagnosed ``status``) while ``state`` and ``step`` are shown. The
    pictures of arrays ``previous`` (the look drawn now) already has, or that are ``ready`` (made in the
    background for a long seek, by token), are taken, not made again."""
    op = find_op(spec.op)
    value = array_look(state, spec.id, False, previous.value if previous else None, ready) if state else None
    return NodeLook(
        spec.op,
        op.category if op else "",
        spec.label or spec.id,
        op.port_names if op else (),
        show(status.shape) if status.shape is not None else "",
        status.error,
        is_output,
        stepping=state is not None,
        value=value,
        bar=array_look(state, spec.id, True, previous.bar if previous else None, ready) if state else None,
        dimmed=state is not None and value is None,
        highlight=highlight_of(step, spec.id),
        tangents=isinstance(step, TangentStep),
    )


def array_look(
    state: State,
    node_id: str,
    bar: bool,
    previous: ArrayLook | None,
    ready: Mapping[Hashable, ArrayLook] | None = None,
) -> ArrayLook | None:
    """What node ``node_id``'s badge draws of its value (or, ``bar``, its bar) in ``state``. Of a reverse
    trace's state the array is named by the step that made it, so ``previous`` is kept when it is that
    one without reading the array (from a trace kept at checkpoints, reading recomputes); the array is
    read only to colour a new picture."""
    trace = state.trace
    if trace is None:
        return _untraced_look(state.bars if bar else state.values, node_id, bar, previous)
    made = trace.bar_made(node_id, state.index) if bar else trace.value_made(node_id, state.index)
    if made is None:
        return None
    token = (trace, made)  # a step makes one array: a value, a contribution or a bar
    if previous is not None and previous.token == token:
        return previous
    if ready is not None and token in ready:
        return ready[token]
    read = partial(_read_bar, trace, node_id, made) if bar else partial(trace.value, node_id)
    return ArrayLook.of(read(), bar, token, read)


def _untraced_look(
    arrays: Mapping[str, np.ndarray], node_id: str, bar: bool, previous: ArrayLook | None
) -> ArrayLook | None:
    """The look of an array from a state that is not a reverse trace's: known by its identity while it lives."""
    array = arrays.get(node_id)
    if array is None:
        return None
    if previous is not None and previous.token == ArrayLook.token_of(array):
        return previous
    return ArrayLook.of(array, bar, read=partial(_read, arrays, node_id))


def _read(arrays: Mapping[str, np.ndarray], node_id: str) -> np.ndarray:
    return arrays[node_id]


def _read_bar(trace: Trace, node_id: str, made: int) -> np.ndarray:
    found = trace.bar_at(node_id, made)
    assert found is not None  # the bar made at step ``made`` is there from that step on
    return found


class SceneItems:
    """The items of ``document``'s nodes and wires, drawn for ``state`` and ``step``, not in any scene yet.

    ``make()`` makes them one at a time, yielding (made, total) so a caller can stop between any two."""

    def __init__(
        self, document: GraphDocument, theme: Theme, state: State | None = None, step: AnyStep | None = None
    ) -> None:
        self.document, self.theme, self.state, self.step = document, theme, state, step
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[tuple[str, int], EdgeItem] = {}
        self.total = len(document.nodes) + sum(
            1 for spec in document.nodes.values() for parent in spec.inputs if parent in document.nodes
        )

    def make(self) -> Iterator[tuple[int, int]]:
        document, statuses, output = self.document, self.document.statuses(), self.document.output
        made = 0
        for node_id, spec in document.nodes.items():
            item = NodeItem(node_id, self.theme)
            item.set_look(node_look(spec, statuses[node_id], node_id == output, self.state, self.step))
            item.setPos(*document.positions.get(node_id, (0.0, 0.0)))
            self.nodes[node_id] = item
            made += 1
            yield made, self.total
        for spec in document.nodes.values():
            for port, parent in enumerate(spec.inputs):
                if parent in self.nodes:
                    edge = EdgeItem(parent, spec.id, port, self.theme)
                    place_edge(edge, self.nodes)
                    self.edges[(spec.id, port)] = edge
                    made += 1
                    yield made, self.total

    def make_all(self) -> SceneItems:
        for _ in self.make():
            pass
        return self


def place_edge(edge: EdgeItem, nodes: dict[str, NodeItem]) -> None:
    """Run ``edge`` from its parent's output port to its child's input port."""
    parent, child = nodes[edge.parent_id], nodes[edge.child_id]
    edge.set_ends(parent.mapToScene(parent.output_port()), child.mapToScene(child.input_port(edge.port)))
