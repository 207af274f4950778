"""The one checker: the compiler, the document and the file reader see the same problems in the same words."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradviz.engine.check import REFERENCES, Kind, check_graph
from gradviz.engine.errors import GraphError, NodeError
from gradviz.engine.program import NodeSpec, Program
from gradviz.io.graph_file import read
from gradviz.io.paths import EXAMPLES
from gradviz.model.document import GraphDocument
from gradviz.model.graph_record import GraphFile

W = NodeSpec("W", "parameter", value=np.ones((2, 3)))
X = NodeSpec("x", "input", value=np.ones((3, 1)))

BROKEN = {  # graph, the node at fault, its kind; each is wrong in exactly one way
    "shape": ([W, NodeSpec("x", "input", value=np.ones((4, 1))), NodeSpec("a", "matmul", ("W", "x"))], "a", Kind.SHAPE),
    "unknown op": ([W, NodeSpec("a", "frobnicate", ("W",))], "a", Kind.UNKNOWN_OP),
    "too many inputs": ([W, NodeSpec("a", "exp", ("W", "W"))], "a", Kind.ARITY),
    "attribute": ([W, NodeSpec("a", "sum", ("W",), {"colour": 1})], "a", Kind.ATTRIBUTE),
    "ragged value": ([NodeSpec("v", "input", value=[[1, 2], [3]]), NodeSpec("a", "sum", ("v",))], "v", Kind.VALUE),
    "value on an op": ([W, NodeSpec("a", "exp", ("W",), value=[1.0])], "a", Kind.VALUE),
    "unconnected": ([W, NodeSpec("a", "matmul", ("W", None))], "a", Kind.UNCONNECTED),
    "labels": (
        [
            NodeSpec("z", "input", value=np.ones((2, 3))),
            NodeSpec("y", "constant", value=[0.5, 1.0]),
            NodeSpec("c", "cross_entropy", ("z", "y")),
        ],
        "y",
        Kind.VALUE,
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_the_compiler_and_the_document_say_the_same_words(case):
    specs, at_fault, kind = BROKEN[case]
    with pytest.raises(NodeError) as caught:
        Program(specs, specs[-1].id)
    assert caught.value.node_id == at_fault
    document = GraphDocument(GraphFile(tuple(specs), None))
    assert document.status(at_fault).error == caught.value.reason  # the red text is the CLI's message
    assert [problem.kind for problem in check_graph(specs).problems] == [kind]


def test_nodes_downstream_of_a_problem_wait_and_are_not_problems_of_their_own():
    specs = [W, NodeSpec("a", "frobnicate", ("W",)), NodeSpec("b", "exp", ("a",)), NodeSpec("c", "sum", ("b",))]
    verdict = check_graph(specs)
    assert [problem.node_id for problem in verdict.problems] == ["a"]
    assert verdict.statuses["b"].error == "waits for a" and verdict.statuses["c"].error == "waits for b"
    assert verdict.statuses["W"].shape == (2, 3)


def test_two_separate_cycles_are_both_named_and_the_rest_still_computes():
    specs = [
        X,
        NodeSpec("p", "exp", ("q",)),
        NodeSpec("q", "exp", ("p",)),
        NodeSpec("r", "exp", ("s",)),
        NodeSpec("s", "exp", ("r",)),
        NodeSpec("t", "exp", ("s",)),
        NodeSpec("u", "exp", ("x",)),
    ]
    verdict = check_graph(specs)
    cycles = [problem for problem in verdict.problems if problem.kind is Kind.CYCLE]
    assert len(cycles) == 2
    assert {verdict.statuses[n].error for n in "pqrs"} == {problem.reason for problem in cycles}
    assert verdict.statuses["t"].error == "waits for a cycle"
    assert verdict.statuses["u"].shape == (3, 1) and verdict.order == ("x", "u")
    assert not GraphDocument(GraphFile(tuple(specs), None)).can_run()  # and the document does not crash


def test_references_are_the_problems_a_file_is_refused_for():
    specs = [X, X, NodeSpec("a", "exp", ("nope",)), NodeSpec("b", "matmul", ("x", None))]
    kinds = [problem.kind for problem in check_graph(specs, "ghost").problems]
    assert kinds == [Kind.DUPLICATE_ID, Kind.DANGLING_INPUT, Kind.DANGLING_OUTPUT, Kind.UNCONNECTED]
    assert set(kinds) - REFERENCES == {Kind.UNCONNECTED}  # an open port is work in progress, not a bad file


def _example_specs():
    return [read(path).nodes for path in sorted(EXAMPLES.glob("*.json"))]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(_example_specs()), st.randoms(use_true_random=False))
def test_any_written_order_compiles_to_a_dependency_order_that_keeps_ties_as_written(specs, random):
    shuffled = list(specs)
    random.shuffle(shuffled)
    order = check_graph(shuffled).order
    assert sorted(order) == sorted(spec.id for spec in specs)
    position = {node_id: i for i, node_id in enumerate(order)}
    for spec in shuffled:
        assert all(position[parent] < position[spec.id] for parent in spec.inputs)
    # a written order that is already a dependency order is kept exactly (so traces stay the same)
    assert check_graph([next(s for s in shuffled if s.id == node_id) for node_id in order]).order == order


@pytest.mark.parametrize("bad_id", ["", None, 3, ["x"]])
def test_an_id_that_is_no_string_is_one_problem_not_a_crash(bad_id):
    with pytest.raises(GraphError, match="every node needs a non-empty string id"):
        Program([X, NodeSpec(bad_id, "sum", ("x",))], "x")
