"""2000 random edits with undo and redo interleaved never raise, and end where replaying the surviving
edits on a fresh document ends; undoing everything returns to the start exactly."""

from __future__ import annotations

import dataclasses
import random

from PySide6.QtGui import QUndoStack

from gradviz.engine.registry import find_op
from gradviz.gui.commands import AddNodes, MoveNodes, RemoveNodes, ReplaceNode, SetOutput
from gradviz.io.graph_file import dumps, read
from gradviz.io.paths import EXAMPLES
from gradviz.model.document import GraphDocument, new_node

OPS = ["input", "parameter", "constant", "add", "mul", "matmul", "tanh", "sum", "mse", "linear", "transpose"]


def command_for(document: GraphDocument, edit: tuple):
    """The undo command that performs ``edit`` (plain data) on ``document``."""
    kind = edit[0]
    if kind == "add":
        return AddNodes(document, [(edit[1], edit[2])], "add")
    if kind == "remove":
        return RemoveNodes(document, list(edit[1]))
    if kind == "replace":
        return ReplaceNode(document, edit[1], "edit")
    if kind == "move":
        return MoveNodes(document, {edit[1]: (document.positions[edit[1]], edit[2])})
    return SetOutput(document, edit[1])


def random_edit(document: GraphDocument, rng: random.Random) -> tuple | None:
    ids = list(document.nodes)
    kind = rng.choice(["add", "add", "connect", "connect", "disconnect", "remove", "attr", "value", "move", "output"])
    if kind == "add" or not ids:
        spec = new_node(document, rng.choice(OPS))
        return ("add", spec, (rng.uniform(0, 800), rng.uniform(0, 600)))
    node_id = rng.choice(ids)
    spec = document.nodes[node_id]
    op = find_op(spec.op)
    if kind == "connect" and op.ports:
        port, parent = rng.randrange(len(op.ports)), rng.choice(ids)
        if document.connection_refused(node_id, port, parent) is None:
            return ("replace", document.with_input(node_id, port, parent))
        return None
    if kind == "disconnect" and any(p is not None for p in spec.inputs):
        port = rng.choice([i for i, p in enumerate(spec.inputs) if p is not None])
        return ("replace", document.with_input(node_id, port, None))
    if kind == "remove":
        return ("remove", tuple(rng.sample(ids, k=min(len(ids), rng.choice([1, 1, 2])))))
    if kind == "attr" and op.name == "sum":
        return (
            "replace",
            dataclasses.replace(spec, attrs={"axis": rng.choice([None, 0, -1]), "keepdims": rng.random() < 0.5}),
        )
    if kind == "value" and op.is_source:
        rows, columns = rng.randint(1, 3), rng.randint(1, 3)
        value = [[round(rng.uniform(-1, 1), 3) for _ in range(columns)] for _ in range(rows)]
        return ("replace", dataclasses.replace(spec, value=value, label=rng.choice([None, "w", "z₁"])))
    if kind == "move":
        return ("move", node_id, (rng.uniform(0, 800), rng.uniform(0, 600)))
    if kind == "output":
        return ("output", rng.choice([None, *ids]))
    return None


def test_random_edits_with_undo_and_redo(qapp):
    rng = random.Random(2008)
    start = read(EXAMPLES / "linear_layer.json")
    document = GraphDocument(start)
    stack = QUndoStack()
    log: list[tuple] = []  # the edits the stack holds, in order; stack.index() of them are applied
    actions = 0
    while actions < 2000:
        roll = rng.random()
        if roll < 0.15 and stack.canUndo():
            stack.undo()
        elif roll < 0.25 and stack.canRedo():
            stack.redo()
        else:
            edit = random_edit(document, rng)
            if edit is None:
                continue
            del log[stack.index() :]  # a push after undo drops the undone edits, as the stack does
            stack.push(command_for(document, edit))
            log.append(edit)
        document.statuses()  # every state must diagnose without raising
        actions += 1
    assert len(log) == stack.count()

    replayed = GraphDocument(start)
    for edit in log[: stack.index()]:
        command_for(replayed, edit).redo()
    assert dumps(replayed.to_graph_file()) == dumps(document.to_graph_file())

    while stack.canUndo():
        stack.undo()
    assert dumps(document.to_graph_file()) == dumps(GraphDocument(start).to_graph_file())
