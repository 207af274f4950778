"""The editable document without Qt: diagnosis, connection rules, layout, copies."""

from __future__ import annotations

import dataclasses
import traceback
from itertools import pairwise

import pytest

from gradviz.engine.errors import GraphError, NodeError
from gradviz.engine.program import NodeSpec
from gradviz.io.graph_file import GraphFile, dumps, read
from gradviz.io.paths import EXAMPLES
from gradviz.model.document import (
    Change,
    DocumentReset,
    GraphDocument,
    NodeChanged,
    NodesAdded,
    NodesMoved,
    NodesRemoved,
    OutputChanged,
    check_references,
    new_node,
)
from gradviz.model.layout import copies, layered_positions


def linear_layer() -> GraphDocument:
    return GraphDocument(read(EXAMPLES / "linear_layer.json"))


def test_every_edit_emits_one_change():
    document = linear_layer()
    seen: list[Change] = []
    unsubscribe = document.subscribe(seen.append)
    spec = new_node(document, "tanh")
    document.add_node(spec, (1.0, 2.0))
    document.move_nodes({spec.id: (3.0, 4.0)})
    document.replace_node(document.with_input(spec.id, 0, "a"))
    document.set_output(spec.id)
    document.remove_node(spec.id)
    assert seen == [
        NodesAdded((spec.id,)),
        NodesMoved((spec.id,)),
        NodeChanged(spec.id, frozenset({"inputs"})),
        OutputChanged(spec.id),
        NodesRemoved((spec.id,)),
    ]
    assert document.chosen_output is None  # removing the cost clears the choice
    assert document.output == "L"  # and the only scalar no node reads is the cost again
    unsubscribe()
    document.move_nodes({"W": (0.0, 0.0), "x": (1.0, 0.0)})
    assert len(seen) == 5


def test_events_say_what_changed():
    """A view redraws only what an event names, so each names exactly what the edit touched."""
    document = linear_layer()
    seen: list[Change] = []
    document.subscribe(seen.append)
    W, L = document.nodes["W"], document.nodes["L"]
    document.replace_node(dataclasses.replace(W, label="weights"))
    document.replace_node(dataclasses.replace(W, label="weights", value=[[0.0, 0.0]] * 3))  # the label kept
    document.replace_node(dataclasses.replace(L, attrs={"reduction": "mean"}))
    document.replace_node(dataclasses.replace(L, attrs={"reduction": "mean"}))  # the same spec again
    assert seen == [
        NodeChanged("W", frozenset({"label"})),
        NodeChanged("W", frozenset({"value"})),
        NodeChanged("L", frozenset({"attrs"})),
        NodeChanged("L", frozenset()),
    ]
    seen.clear()
    # a and L read x and a: deleting both tells once, naming the one node left with a port opened (L reads
    # a; nothing else read x) so views hear of it when the graph is whole again
    document.remove_nodes(["a", "x"])
    assert seen == [NodesRemoved(("x", "a"), ("L",))]  # in the document's order, whatever order was asked
    assert document.nodes["L"].inputs == (None, "y")
    document.insert_nodes(
        [(NodeSpec("x", "input", (), {}, [[1.0], [2.0]]), (0.0, 0.0), 1), (new_node(document, "neg"), (1.0, 1.0), None)]
    )
    assert seen[-1] == NodesAdded(("x", "neg1"))
    document.load(document.to_graph_file())
    assert seen[-1] == DocumentReset()


def test_an_undone_delete_is_one_edit_and_gives_the_graph_back():
    """Undo of a delete puts the nodes back, the ports that read them, and the cost, heard as one event
    (it was one per node given its port back and one for the cost: each a redraw of the whole canvas)."""
    document = linear_layer()
    original = dumps(document.to_graph_file())
    order = list(document.nodes)
    removed = [(document.nodes[i], document.positions[i], order.index(i)) for i in ("x", "a")]
    rewired = [document.nodes["L"]]  # L reads a (x is read by a only): its port opens, then comes back
    document.remove_nodes(["x", "a"])
    document.set_output(None)
    assert document.nodes["L"].inputs == (None, "y")
    seen: list[Change] = []
    document.subscribe(seen.append)
    document.restore_nodes(removed, rewired, "L")
    assert seen == [NodesAdded(("x", "a"), ("L",))]
    assert dumps(document.to_graph_file()) == original and document.chosen_output == "L"


def test_diagnosis_of_an_unfinished_graph():
    document = linear_layer()
    document.add_node(NodeSpec("m", "matmul", ("W", None)), (0.0, 0.0))
    document.add_node(NodeSpec("t", "tanh", ("m",)), (0.0, 0.0))
    assert document.status("m").error == "input b not connected"
    assert document.status("t").error == "waits for m"
    assert document.status("a").shape == (3, 1)
    document.replace_node(document.with_input("m", 1, "W"))  # 3×2 times 3×2
    assert "inner sizes 2 and 3 differ" in document.status("m").error


def test_connections_are_refused_with_reasons():
    document = linear_layer()
    assert document.connection_refused("a", 0, "a") == "a node cannot read its own output"
    assert "cycle" in document.connection_refused("a", 0, "L")
    assert "inner sizes" in document.connection_refused("a", 1, "y")
    assert document.connection_refused("a", 1, "x") is None


def test_optional_ports_left_empty_are_absent():
    document = GraphDocument()
    document.add_node(NodeSpec("W", "parameter", value=[[1.0, 2.0]]), (0.0, 0.0))
    document.add_node(NodeSpec("lin", "linear", ("W", None)), (0.0, 0.0))
    with_b = document.with_input("lin", 2, "W")
    assert with_b.inputs == ("W", None, "W")
    document.replace_node(with_b)
    assert document.with_input("lin", 2, None).inputs == ("W", None)


def test_layout_keeps_placed_nodes_and_places_the_rest_clear_of_them():
    specs = list(read(EXAMPLES / "mlp_cross_entropy.json").nodes)
    kept = {"W2": (1000.0, 1000.0)}
    positions = layered_positions(specs, kept)
    assert positions["W2"] == (1000.0, 1000.0)
    xs = {node_id: x for node_id, (x, _) in positions.items()}
    assert xs["x"] < xs["a1"] < xs["h1"] < xs["a2"] < xs["logits"] < xs["loss"]  # wires run left to right
    assert xs["b2"] == xs["a2"] - 250.0  # a source sits one column left of its reader
    ys = sorted(y for x, y in positions.values() if x == xs["a2"] - 250.0)
    assert all(lower - upper >= 185.0 for upper, lower in pairwise(ys))  # badges never overlap
    spots = list(positions.values())
    assert len(set(spots)) == len(spots)


def test_copies_rename_and_keep_wires():
    document = linear_layer()
    specs = [document.nodes["W"], document.nodes["a"]]
    made = copies(specs, document.positions, set(document.nodes))
    (w_copy, _), (a_copy, position) = made
    assert w_copy.id not in document.nodes and a_copy.id not in document.nodes
    assert a_copy.inputs == (w_copy.id, "x")
    assert position == (document.positions["a"][0] + 40.0, document.positions["a"][1] + 40.0)
    elsewhere = copies(specs, document.positions, {"W"})  # pasted where x does not exist
    assert elsewhere[1][0].inputs == (elsewhere[0][0].id, None)


def test_a_cycle_from_a_hand_edited_file_is_diagnosed_not_fatal():
    document = GraphDocument()
    document.add_node(NodeSpec("x", "input", value=[1.0]), (0.0, 0.0))
    document.add_node(NodeSpec("p", "add", ("x", "q")), (0.0, 0.0))
    document.add_node(NodeSpec("q", "exp", ("p",)), (0.0, 0.0))
    document.add_node(NodeSpec("r", "exp", ("q",)), (0.0, 0.0))
    statuses = document.statuses()
    assert statuses["x"].shape == (1,)
    assert statuses["p"].error == statuses["q"].error == "the graph has a cycle: p → q → p"
    assert statuses["r"].error == "waits for a cycle"
    assert not document.can_run()


def test_can_run_agrees_with_compiling():
    document = linear_layer()
    assert document.can_run() and document.program().output == "L"
    document.set_output("a")  # a 3×1 output is no scalar cost
    assert not document.can_run()


def test_the_only_scalar_no_node_reads_is_the_cost_until_the_user_chooses():
    document = GraphDocument()
    document.add_node(NodeSpec("x", "input", value=[[1.0], [2.0]]), (0.0, 0.0))
    assert document.output is None  # a 2×1 value is no cost
    document.add_node(NodeSpec("s", "sum", ("x",)), (0.0, 0.0))
    assert document.output == "s" and document.chosen_output is None and document.can_run()
    assert document.to_graph_file().output == "s"  # saved as it runs: `gradviz run` agrees with the window
    document.add_node(NodeSpec("t", "tanh", ("s",)), (0.0, 0.0))
    assert document.output == "t"  # s is read now: the cost moves to the end of the chain
    document.add_node(NodeSpec("m", "mean", ("x",)), (0.0, 0.0))
    assert document.output is None and not document.can_run()  # two candidates: no guess
    document.set_output("s")
    assert document.output == "s"  # an explicit choice wins, even of a node that others read
    document.set_output(None)
    assert document.output is None  # and clearing it goes back to the automatic rule
    document.remove_node("m")
    assert document.output == "t"


def test_a_file_naming_no_output_runs_its_one_scalar_and_a_named_one_is_kept():
    unnamed = GraphFile(
        (NodeSpec("x", "input", value=[3.0]), NodeSpec("c", "sum", ("x",)), NodeSpec("y", "neg", ("x",))), None
    )
    document = GraphDocument(unnamed)
    assert document.output == "c" and document.program().output == "c"
    named = GraphDocument(GraphFile(unnamed.nodes, "x"))  # a file's choice is the user's choice
    assert named.output == "x"


def test_files_a_document_cannot_hold_are_refused_with_node_and_field():
    x = NodeSpec("x", "input", value=[1.0])
    with pytest.raises(NodeError, match="used by two nodes") as twice:
        check_references(GraphFile((x, x), None))
    assert (twice.value.node_id, twice.value.field) == ("x", "id")
    with pytest.raises(NodeError, match="input 1 names 'X', which is no node") as typo:
        check_references(GraphFile((x, NodeSpec("c", "sum", ("X",))), "c"))
    assert (typo.value.node_id, typo.value.field) == ("c", "inputs")
    with pytest.raises(GraphError, match="the output 'C' names no node"):
        check_references(GraphFile((x,), "C"))
    check_references(GraphFile((x, NodeSpec("c", "sum", (None,))), None))  # an open port is fine


def test_too_many_inputs_from_a_file_is_a_red_node_not_a_crash():
    document = GraphDocument(
        GraphFile((NodeSpec("x", "input", value=[[1.0]]), NodeSpec("a", "matmul", ("x", "x", "x"))), None)
    )
    assert document.status("a").error == "matmul takes 2 inputs (a, b), not 3"


def test_connecting_into_a_node_of_an_unknown_op_is_allowed_and_it_stays_red():
    """A hand-edited file may name an op this gradviz lacks; wiring into it must not crash the canvas."""
    document = GraphDocument(GraphFile((NodeSpec("x", "input", value=[1.0]), NodeSpec("f", "frobnicate")), None))
    assert document.connection_refused("f", 0, "x") is None
    assert document.status("f").error == "unknown op 'frobnicate'"


def test_the_program_is_compiled_once_per_change_and_follows_every_edit(monkeypatch):
    """program() is asked whenever the timeline shows a step: compiled once until the document changes,
    and after each kind of edit it is the graph as edited (or the reason it cannot run)."""
    import gradviz.model.document as document_module  # noqa: PLC0415

    document = linear_layer()
    compiled: list[int] = []
    real = document_module.compile_graph
    monkeypatch.setattr(document_module, "compile_graph", lambda *args: compiled.append(1) or real(*args))
    first = document.program()
    assert document.program() is first and len(compiled) == 1
    spec = new_node(document, "tanh")
    document.add_node(spec, (1.0, 2.0))
    with pytest.raises(NodeError, match="not connected"):
        document.program()
    document.replace_node(document.with_input(spec.id, 0, "a"))
    assert spec.id in document.program().index
    document.set_output(spec.id)
    asked = []
    for _ in range(3):
        with pytest.raises(NodeError, match="scalar cost") as caught:  # tanh of a 3×1 is no scalar cost
            document.program()
        asked.append(len(list(traceback.walk_tb(caught.value.__traceback__))))
    assert len(compiled) == 4 and asked[0] == asked[-1]  # the same error, its traceback not grown per ask
    document.remove_node(spec.id)
    assert document.program().output == "L"
    document.move_nodes({"W": (5.0, 5.0)})
    assert document.program().output == "L" and len(compiled) == 6
