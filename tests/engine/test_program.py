"""Programs: every graph mistake a user can make gets one readable line naming the node and the field;
a checked program knows its sources, its consumers and which nodes need a bar."""

from __future__ import annotations

import numpy as np
import pytest

from gradviz.engine.errors import GraphError, NodeError
from gradviz.engine.program import NodeSpec, Program

W = NodeSpec("W", "parameter", value=np.ones((2, 3)))
X = NodeSpec("x", "input", value=np.ones((4, 1)))


@pytest.mark.parametrize(
    ("specs", "output", "node", "field", "words"),
    [
        ([W, X, NodeSpec("a", "matmul", ("W", "x"))], "a", "a", "inputs", "matmul: inner sizes 3 and 4 differ"),
        ([W, NodeSpec("a", "frobnicate", ("W",))], "a", "a", "op", "unknown op 'frobnicate'"),
        ([W, NodeSpec("a", "exp", ("W", "W"))], "a", "a", "inputs", "exp takes 1 inputs (x), not 2"),
        ([W, NodeSpec("a", "exp", ("nope",))], "a", "a", "inputs", "input 1 names 'nope', which is no node"),
        ([W, NodeSpec("W", "exp", ("W",))], "W", "W", "id", "used by two nodes"),
        (
            [W, NodeSpec("a", "sum", ("W",), {"axis": "rows"})],
            "a",
            "a",
            "attrs",
            "sum: attribute 'axis' must be an axis",
        ),
        ([W, NodeSpec("a", "sum", ("W",), {"colour": 1})], "a", "a", "attrs", "sum has no attribute 'colour'"),
        ([W, NodeSpec("a", "sum", ("W",), {"axis": 5})], "a", "a", "inputs", "axis 5 is out of range"),
        ([NodeSpec("v", "input", value=[[1, 2], [3]])], "v", "v", "value", "nested list of numbers of equal lengths"),
        ([NodeSpec("v", "input", value="hello")], "v", "v", "value", "must be a number"),
        ([NodeSpec("v", "input")], "v", "v", "value", "input nodes need a value"),
        ([W, NodeSpec("a", "exp", ("W",), value=[1.0])], "a", "a", "value", "exp nodes compute their value"),
        ([W, NodeSpec("a", "exp", ("W",))], "a", "a", None, "must be a scalar cost, but its shape is 2×3"),
        (
            [
                NodeSpec("z", "input", value=np.ones((2, 3))),
                NodeSpec("y", "constant", value=[0.5, 1.0]),
                NodeSpec("c", "cross_entropy", ("z", "y")),
            ],
            "c",
            "y",
            "value",
            "labels must be whole numbers",
        ),
    ],
)
def test_bad_graphs_name_node_and_field(specs, output, node, field, words):
    with pytest.raises(NodeError) as caught:
        Program(specs, output)
    error = caught.value
    assert error.node_id == node and error.field == field
    assert words in str(error)
    assert "\n" not in str(error)


def test_output_that_names_no_node():
    with pytest.raises(GraphError, match="the output 'ghost' names no node"):
        Program([W], "ghost")


def test_sources_consumers_and_which_nodes_need_a_bar():
    """y is a constant: no bar for it; k = y·y depends on nothing differentiable, so needs none either."""
    specs = [
        NodeSpec("x", "input", value=np.array([1.0, 2.0])),
        NodeSpec("y", "constant", value=np.array([3.0, 4.0])),
        NodeSpec("k", "mul", ("y", "y")),
        NodeSpec("p", "mul", ("x", "k")),
        NodeSpec("c", "sum", ("p",)),
    ]
    program = Program(specs, "c")
    assert [node.id for node in program.sources] == ["x"]
    assert [node.id for node in program.sources_and_constants] == ["x", "y"]
    assert [(child.id, port) for child, port in program.consumers("y")] == [("k", 0), ("k", 1)]
    assert dict(program.needs_bar) == {"x": True, "y": False, "k": False, "p": True, "c": True}
    # the backward plan visits op nodes last first, with the edges that carry a bar only
    plan = [
        (node.id, [(port, parent.id) for port, parent, _rule in edges]) for node, _attrs, edges in program.backward_plan
    ]
    assert plan == [("c", [(0, "p")]), ("p", [(0, "x")])]
