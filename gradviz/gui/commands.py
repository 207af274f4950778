"""Undo commands: the only place a gesture changes the document.

Each command records what it needs to undo itself exactly (node order included, so undoing back to
a saved state gives the saved file again). Commands never push other commands; a gesture that makes
several changes (paste, delete with wires) is one command.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from gradviz.engine.program import NodeSpec
from gradviz.model.document import GraphDocument, Position


class AddNodes(QUndoCommand):
    """Add nodes (one from the palette, several from a paste or duplicate)."""

    def __init__(self, document: GraphDocument, nodes: list[tuple[NodeSpec, Position]], text: str) -> None:
        super().__init__(text)
        self.document, self.nodes = document, nodes

    def redo(self) -> None:
        for spec, position in self.nodes:
            self.document.add_node(spec, position)

    def undo(self) -> None:
        for spec, _ in reversed(self.nodes):
            self.document.remove_node(spec.id)


class RemoveNodes(QUndoCommand):
    """Delete nodes; inputs elsewhere that read them are left unconnected (and come back on undo)."""

    def __init__(self, document: GraphDocument, node_ids: list[str]) -> None:
        super().__init__(f"delete {', '.join(node_ids)}" if len(node_ids) <= 3 else f"delete {len(node_ids)} nodes")
        self.document = document
        order = list(document.nodes)
        self.removed = sorted(((order.index(i), document.nodes[i], document.positions.get(i, (0.0, 0.0)))
                               for i in node_ids), key=lambda entry: entry[0])
        gone = set(node_ids)
        self.rewired = [document.nodes[child] for child in dict.fromkeys(
            child for node_id in node_ids for child, _ in document.consumers(node_id) if child not in gone)]
        self.output = document.output

    def redo(self) -> None:
        gone = {spec.id for _, spec, _ in self.removed}
        for spec in self.rewired:
            self.document.replace_node(self.document.without(spec, gone))
        for _, spec, _ in reversed(self.removed):
            self.document.remove_node(spec.id)

    def undo(self) -> None:
        for index, spec, position in self.removed:
            self.document.add_node(spec, position, index)
        for spec in self.rewired:
            self.document.replace_node(spec)
        self.document.set_output(self.output)


class ReplaceNode(QUndoCommand):
    """Change one node: connect or disconnect a port, edit an attribute, a value, a label."""

    def __init__(self, document: GraphDocument, new: NodeSpec, text: str) -> None:
        super().__init__(text)
        self.document, self.new, self.old = document, new, document.nodes[new.id]

    def redo(self) -> None:
        self.document.replace_node(self.new)

    def undo(self) -> None:
        self.document.replace_node(self.old)


class MoveNodes(QUndoCommand):
    """Nodes dragged (or laid out) to new positions."""

    def __init__(self, document: GraphDocument, moves: dict[str, tuple[Position, Position]], text: str = "") -> None:
        super().__init__(text or (f"move {next(iter(moves))}" if len(moves) == 1 else f"move {len(moves)} nodes"))
        self.document, self.moves = document, moves

    def redo(self) -> None:
        for node_id, (_, new) in self.moves.items():
            self.document.move_node(node_id, new)

    def undo(self) -> None:
        for node_id, (old, _) in self.moves.items():
            self.document.move_node(node_id, old)


class SetOutput(QUndoCommand):
    """Choose the node whose value is the scalar cost c."""

    def __init__(self, document: GraphDocument, node_id: str | None) -> None:
        super().__init__(f"make {node_id} the cost" if node_id else "clear the cost")
        self.document, self.new, self.old = document, node_id, document.output

    def redo(self) -> None:
        self.document.set_output(self.new)

    def undo(self) -> None:
        self.document.set_output(self.old)
