"""What the panels show at a step, decided without Qt (issue 13: a Qt-free presenter).

Expectations come from reading the example graphs and doing the calculus by hand, not from the code:
linear_layer is W (3×2 parameter), x (2×1 input), a = W x, y (3×1 constant), L = Σ (a − y)² the cost.
Its trace runs the 5 nodes forward (exact steps 0–4), seeds L̄ = 1 (5), then follows 3 edges back, each a
contribution and its addition: L → a (6, 7), a → W (8, 9), a → x (10, 11); y, a constant, gets no bar.
The timeline tells 5 + 1 + 3 = 9 steps.
"""

from __future__ import annotations

import numpy as np
import pytest

from gradviz.engine.forward_mode import ForwardTrace
from gradviz.engine.program import NodeSpec
from gradviz.engine.tracer import run
from gradviz.io.graph_file import GraphFile, read
from gradviz.io.paths import EXAMPLES
from gradviz.model.document import GraphDocument
from gradviz.model.step_view import Line, present


def program(name: str):
    return GraphDocument(read(EXAMPLES / f"{name}.json")).program()


@pytest.fixture(scope="module")
def linear():
    graph = read(EXAMPLES / "linear_layer.json")
    values = {spec.id: np.asarray(spec.value, dtype=float) for spec in graph.nodes if spec.value is not None}
    return run(GraphDocument(graph).program()), values


def test_a_forward_step_marks_its_node_and_says_its_cost(linear):
    trace, _ = linear
    view = present(trace, 2)  # a = W x computed
    assert (view.position, view.count, view.current, view.edge) == (2, 9, "a", None)
    assert view.formula == "a = W x"
    # 3×2 times 2×1: 3 · 2 multiply-adds, two operations each
    assert view.lines == (Line("12 floating-point operations", "cost"),)
    assert view.arrays == ()  # nothing selected


def test_an_edge_is_one_step_marking_its_wire_with_its_rule_and_shapes(linear):
    trace, _ = linear
    for index in (8, 9):  # the contribution into W and its addition are told as one step
        view = present(trace, index)
        assert (view.position, view.current, view.edge) == (7, "a", ("a", 0))  # W feeds port 0 of a
        assert view.formula == "W̄ = ā xᵀ"  # W feeds only a: its one contribution is an assignment
        assert view.sentence == "ā flows back through matmul to W"
        assert view.lines[0] == Line("(3×2) = (3×1) (2×1)ᵀ", "shapes")
        assert "\\bar{W}" in view.formula_latex and "x^{T}" in view.formula_latex  # typeset: W̄ and xᵀ


def test_the_selected_nodes_arrays_at_an_edge_into_it(linear):
    trace, values = linear
    W, x, y = values["W"], values["x"], values["y"]
    # L = Σ (a − y)²: ā = 2 (a − y) (L̄ = 1), and through a = W x, W̄ = ā xᵀ
    w_bar = 2 * (W @ x - y) @ x.T
    view = present(trace, 9, "W")
    assert [(shown.key, shown.subject, shown.words, shown.diverging) for shown in view.arrays] == [
        ("value", "W", "at this step", False),
        ("bar", "W̄", "bar, accumulated so far", True),
        ("contribution", "this step's contribution", "from a", True),
    ]
    np.testing.assert_allclose(view.arrays[0].array, W)
    np.testing.assert_allclose(view.arrays[1].array, w_bar)  # W is used once: its bar is complete
    np.testing.assert_allclose(view.arrays[2].array, w_bar)
    # the selection changes while the step stays: x has its value, and no bar yet (its edge comes next)
    assert [shown.key for shown in view.arrays_for("x")] == ["value"]
    assert [shown.key for shown in view.arrays_for("y")] == ["value"]
    assert view.arrays_for(None) == () and view.arrays_for("not_in_the_trace") == ()


def test_before_the_edge_into_a_node_it_has_no_bar(linear):
    trace, values = linear
    view = present(trace, 4, "W")  # the forward pass has just finished: no bar anywhere yet
    assert [shown.key for shown in view.arrays] == ["value"]
    view = present(trace, 11, "y")  # the end: y, a constant, never gets one
    assert [shown.key for shown in view.arrays] == ["value"]
    np.testing.assert_allclose(view.arrays[0].array, values["y"])


def test_broadcasting_undone_is_said():
    """b (1×2) is stretched over the 3 rows of a: its bar sums s̄ over axis 0."""
    nodes = (
        NodeSpec("a", "input", value=np.ones((3, 2))),
        NodeSpec("b", "parameter", value=[[1.0, 2.0]]),
        NodeSpec("s", "add", ("a", "b")),
        NodeSpec("c", "sum", ("s",)),
    )
    trace = run(GraphDocument(GraphFile(nodes, "c")).program())
    into_b = next(step.index for step in trace.steps if step.kind == "backward" and step.parent.id == "b")
    view = present(trace, into_b, "b")
    assert view.edge == ("s", 1)
    assert Line("broadcasting undone: Σ over axis 0") in view.lines
    np.testing.assert_allclose(view.arrays_for("b")[-1].array, [[3.0, 3.0]])  # c = Σ s: s̄ is ones, 3 rows


def test_forward_mode_says_how_much_of_the_gradient_is_known():
    trace = ForwardTrace(program("chain_rule"))  # x has 3 numbers: 3 passes
    last = len(trace) - 1
    view = present(trace, last, "x")
    progress = next(line for line in view.lines if line.heading == "pass 3 of 3")
    assert progress.text.startswith("after the finished passes, 3 of 3 gradient elements are known")
    # in pass 3 the seed is x's third element: ẋ = e₂
    assert (view.arrays[1].key, view.arrays[1].subject, view.arrays[1].words) == ("bar", "ẋ", "tangent")
    np.testing.assert_allclose(view.arrays[1].array, [0.0, 0.0, 1.0])
