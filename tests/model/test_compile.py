"""Compiling a list of nodes: what only compiling asks for (some nodes, a chosen cost) on top of the checker."""

from __future__ import annotations

import numpy as np
import pytest

from gradviz.engine.errors import GraphError, NodeError
from gradviz.engine.program import NodeSpec
from gradviz.model.compile import compile_graph


def test_nodes_in_any_order_become_a_program_in_dependency_order():
    specs = [
        NodeSpec("c", "sum", ("h",)),
        NodeSpec("h", "tanh", ("x",)),
        NodeSpec("x", "input", value=np.array([0.0, 1.0])),
    ]
    program = compile_graph(specs, "c")
    assert [node.id for node in program.nodes] == ["x", "h", "c"]
    assert program.output == "c"


def test_no_nodes_or_no_cost_is_one_graph_error():
    with pytest.raises(GraphError, match="the graph has no nodes"):
        compile_graph([], "c")
    with pytest.raises(GraphError, match=r"no node is chosen as the output \(the scalar cost\)"):
        compile_graph([NodeSpec("x", "input", value=np.array(1.0))], None)


def test_the_checkers_errors_name_the_node():
    specs = [NodeSpec("x", "input", value=np.array([1.0, 2.0])), NodeSpec("c", "sum", ("y",))]
    with pytest.raises(NodeError) as caught:
        compile_graph(specs, "c")
    assert caught.value.node_id == "c" and caught.value.field == "inputs"
