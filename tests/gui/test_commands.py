"""Deleting any set of nodes from any graph, then undo and redo (issue 10, item 2).

Random graphs whose node order need not follow the wires (a child may be listed before its parent,
as after adding neg and then input), random subsets deleted through RemoveNodes on an undo stack,
with the canvas subscribed as in the window. Every change the views hear of must describe a whole
graph; undo gives the original file's bytes; redo gives the graph with those nodes gone and the
wires that read them unconnected, worked out here independently of the document's code.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QUndoStack

from gradviz.engine.program import NodeSpec
from gradviz.gui.canvas.scene import GraphScene
from gradviz.gui.commands import RemoveNodes
from gradviz.gui.theme import LIGHT
from gradviz.io.graph_file import GraphFile, dumps
from gradviz.model.document import Change, GraphDocument

ARITY = {"input": 0, "parameter": 0, "neg": 1, "tanh": 1, "sum": 1, "add": 2, "mul": 2}  # no optional ports


@st.composite
def graphs(draw: st.DrawFn) -> GraphFile:
    """An acyclic graph listed in a random order, some ports left open, maybe a chosen cost."""
    count = draw(st.integers(2, 8))
    rank = draw(st.permutations(range(count)))  # node i may read node j only if rank[j] < rank[i]
    specs = []
    for i in range(count):
        earlier = [j for j in range(count) if rank[j] < rank[i]]
        op = draw(st.sampled_from(sorted(ARITY) if earlier else ["input", "parameter"]))
        inputs = tuple(
            draw(st.one_of(st.none(), st.sampled_from(earlier).map(lambda j: f"n{j}"))) for _ in range(ARITY[op])
        )
        value = [float(draw(st.integers(-3, 3)))] if ARITY[op] == 0 else None
        specs.append(NodeSpec(f"n{i}", op, inputs, {}, value))
    output = draw(st.one_of(st.none(), st.sampled_from([spec.id for spec in specs])))
    layout = {spec.id: (float(10 * i), float(i % 3)) for i, spec in enumerate(specs)}
    return GraphFile(tuple(specs), output, layout)


def whole(document: GraphDocument, change: Change) -> None:
    """A view's view of the document: every input names a node, and the graph diagnoses."""
    for spec in document.nodes.values():
        assert all(parent is None or parent in document.nodes for parent in spec.inputs), (change, spec)
    document.statuses()


def expected_after_delete(graph: GraphFile, gone: set[str]) -> tuple[list[NodeSpec], dict, str | None]:
    kept = [
        dataclasses.replace(spec, inputs=tuple(None if parent in gone else parent for parent in spec.inputs))
        for spec in graph.nodes
        if spec.id not in gone
    ]
    layout = {node_id: position for node_id, position in graph.layout.items() if node_id not in gone}
    return kept, layout, None if graph.output in gone else graph.output


def same_specs(left: list[NodeSpec], right: list[NodeSpec]) -> bool:
    return [
        (s.id, s.op, tuple(s.inputs), dict(s.attrs), None if s.value is None else np.asarray(s.value).tolist())
        for s in left
    ] == [
        (s.id, s.op, tuple(s.inputs), dict(s.attrs), None if s.value is None else np.asarray(s.value).tolist())
        for s in right
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(graph=graphs(), data=st.data())
def test_delete_any_subset_then_undo_and_redo(qapp, graph: GraphFile, data: st.DataObject) -> None:
    document = GraphDocument(graph)
    original = dumps(document.to_graph_file())
    stack = QUndoStack()
    scene = GraphScene(document, stack, LIGHT)  # the canvas redraws at every change, as in the window
    document.subscribe(lambda change: whole(document, change))
    ids = [spec.id for spec in graph.nodes]
    gone = data.draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))
    kept, layout, chosen = expected_after_delete(graph, set(gone))
    try:
        stack.push(RemoveNodes(document, gone))
        assert same_specs(list(document.nodes.values()), kept)
        assert document.positions == layout and document.chosen_output == chosen
        assert sorted(scene.nodes) == sorted(spec.id for spec in kept)

        stack.undo()
        assert dumps(document.to_graph_file()) == original
        assert document.chosen_output == graph.output
        assert sorted(scene.nodes) == sorted(ids)
        assert sorted(scene.edges) == sorted(
            (spec.id, port) for spec in graph.nodes for port, parent in enumerate(spec.inputs) if parent is not None
        )

        stack.redo()
        assert same_specs(list(document.nodes.values()), kept) and document.chosen_output == chosen
    finally:
        scene.close()
        scene.deleteLater()
