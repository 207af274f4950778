"""The canvas's items made for a whole document: one item per node with its look, one per wire from the
parent's output port to the child's input port, made a piece at a time, and moves heard only once asked.

linear_layer: W (parameter) and x (input) into a = matmul(W, x); y (constant); L = mse(a, y), the cost:
five nodes and four wires."""

from __future__ import annotations

import numpy as np

from gradviz.engine.check import NodeStatus
from gradviz.engine.registry import find_op
from gradviz.engine.trace import BackwardStep, ForwardStep, SeedStep
from gradviz.engine.tracer import run
from gradviz.gui.canvas.building import SceneItems, highlight_of, node_look
from gradviz.gui.theme import LIGHT
from gradviz.io.graph_file import load, read
from gradviz.io.paths import EXAMPLES
from gradviz.model.document import GraphDocument
from tests.gui.drawn_arrays import drawn


def test_the_items_come_one_at_a_time_then_every_node_and_wire_is_there(qapp):
    document = GraphDocument(read(EXAMPLES / "linear_layer.json"))
    items = SceneItems(document, LIGHT)
    progress = list(items.make())
    assert progress == [(made, 9) for made in range(1, 10)]  # 5 nodes, then 4 wires
    assert list(items.nodes) == ["W", "x", "a", "y", "L"]
    assert set(items.edges) == {("a", 0), ("a", 1), ("L", 0), ("L", 1)}
    for node_id, item in items.nodes.items():
        assert (item.pos().x(), item.pos().y()) == tuple(document.positions[node_id])
    wire = items.edges[("a", 1)]  # x → a's second port
    start, end = wire.path().pointAtPercent(0), wire.path().pointAtPercent(1)
    assert start == items.nodes["x"].mapToScene(items.nodes["x"].output_port())
    assert end == items.nodes["a"].mapToScene(items.nodes["a"].input_port(1))
    assert items.nodes["L"].look.is_output and not items.nodes["a"].look.is_output
    look = items.nodes["a"].look  # the op's declaration names its ports and category
    assert (look.op_name, look.category, look.port_names) == ("matmul", "linear algebra", find_op("matmul").port_names)


def test_each_step_marks_its_own_nodes_in_its_pass_colour(qapp):
    _, program = load(EXAMPLES / "linear_layer.json")
    trace = run(program)
    for step in trace.steps:
        marked = {node_id for node_id in ("W", "x", "a", "y", "L") if highlight_of(step, node_id)}
        if isinstance(step, ForwardStep):
            assert marked == {step.node.id} and highlight_of(step, step.node.id) == "forward"
        elif isinstance(step, SeedStep):
            assert marked == {"L"} and highlight_of(step, "L") == "backward"
        elif isinstance(step, BackwardStep):  # the edge child → parent: both ends
            assert marked == {step.node.id, step.parent.id}
            assert {highlight_of(step, node_id) for node_id in marked} == {"backward"}
    assert highlight_of(None, "W") is None


def test_a_node_look_shows_the_state_and_what_is_not_known_yet(qapp):
    graph, program = load(EXAMPLES / "linear_layer.json")
    trace = run(program)
    spec = next(spec for spec in graph.nodes if spec.id == "a")
    before = node_look(spec, NodeStatus((3, 1)), False, None, None)
    assert not before.stepping and before.value is None and before.shape_text == "3×1"
    first = trace.state(0)  # only W computed: a's value is not known yet, so it is dimmed
    assert node_look(spec, NodeStatus((3, 1)), False, first, trace.steps[0]).dimmed
    end = trace.state(len(trace) - 1)
    look = node_look(spec, NodeStatus((3, 1)), False, end, None)
    assert look.stepping and not look.dimmed
    assert drawn(look.value) is end.values["a"] and drawn(look.bar) is end.bars["a"]
    W, x = (np.asarray(next(s for s in graph.nodes if s.id == n).value, dtype=float) for n in "Wx")
    assert np.allclose(drawn(look.value), W @ x)
    broken = node_look(spec, NodeStatus(None, "cannot multiply 3×2 by 3×1"), False, None, None)
    assert broken.error == "cannot multiply 3×2 by 3×1" and broken.shape_text == ""
