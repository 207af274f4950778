"""Every graph mistake a user can make gets one readable line naming the node and the field."""

from __future__ import annotations

import numpy as np
import pytest

from gradviz.engine.errors import GradvizError, GraphError, NodeError
from gradviz.engine.program import NodeSpec, Program
from gradviz.engine.tracer import run

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


def test_value_errors_at_run_time_name_the_node():
    specs = [
        NodeSpec("z", "input", value=np.ones((2, 3))),
        NodeSpec("y", "constant", value=[0, 7]),
        NodeSpec("c", "cross_entropy", ("z", "y")),
    ]
    with pytest.raises(NodeError, match=r"node 'c'.*label 7 is out of range for 3 classes"):
        run(Program(specs, "c"))
    singular = [
        NodeSpec("A", "input", value=np.zeros((2, 2))),
        NodeSpec("C", "inv", ("A",)),
        NodeSpec("c", "sum", ("C",)),
    ]
    with pytest.raises(NodeError, match=r"node 'C'.*singular"):
        run(Program(singular, "c"))


def test_every_engine_error_is_a_gradviz_error():
    assert issubclass(NodeError, GradvizError) and issubclass(GraphError, GradvizError)


def test_det_of_a_matrix_gone_non_finite_gives_nan_bars_flagged_not_an_error():
    """Training that diverges feeds det an inf: its bar (the adjugate, from an SVD that cannot converge on
    inf) is NaN and the trace flags the step, as for any op, instead of raising LinAlgError mid-training."""
    program = Program([NodeSpec("A", "parameter", value=[[1.0, 2.0], [3.0, 4.0]]), NodeSpec("c", "det", ("A",))], "c")
    trace = run(program, {"A": np.array([[np.inf, 2.0], [3.0, 4.0]])})
    assert np.isnan(trace.bars()["A"]).all()
    assert trace.nonfinite_steps
