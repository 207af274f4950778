"""Edit ▸ Graph as Code's command: the whole graph replaced in one undo entry, undone byte for byte."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack

from gradviz.gui.code_command import ReplaceGraph
from gradviz.io.graph_file import dumps, read
from gradviz.io.paths import EXAMPLES
from gradviz.model.document import GraphDocument


def test_replacing_the_graph_is_one_undo_that_gives_the_old_file_back_exactly(qapp):
    before, after = read(EXAMPLES / "linear_layer.json"), read(EXAMPLES / "chain_rule.json")
    document, stack = GraphDocument(before), QUndoStack()
    original = dumps(document.to_graph_file())
    stack.push(ReplaceGraph(document, after))
    assert stack.count() == 1 and stack.undoText() == "apply graph as code"
    assert set(document.nodes) == {spec.id for spec in after.nodes}
    assert dumps(document.to_graph_file()) == dumps(after)
    stack.undo()
    assert dumps(document.to_graph_file()) == original == dumps(before)  # order, positions, cost, view
    stack.redo()
    assert dumps(document.to_graph_file()) == dumps(after)
