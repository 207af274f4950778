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
        self.document.insert_nodes([(spec, position, None) for spec, position in self.nodes])

    def undo(self) -> None:
        self.document.remove_nodes(spec.id for spec, _ in self.nodes)


class RemoveNodes(QUndoCommand):
    """Delete nodes; inputs elsewhere that read them are left unconnected (and come back on undo).

    The nodes go and come back together, in one document edit each way: one at a time, a node would
    for a moment read a parent that is not there (whichever order, some graph has it backwards)."""

    def __init__(self, document: GraphDocument, node_ids: list[str]) -> None:
        node_ids = list(dict.fromkeys(node_ids))
        super().__init__(f"delete {', '.join(node_ids)}" if len(node_ids) <= 3 else f"delete {len(node_ids)} nodes")
        self.document = document
        order = {node_id: index for index, node_id in enumerate(document.nodes)}
        self.removed = [(document.nodes[i], document.positions.get(i, (0.0, 0.0)), order[i]) for i in node_ids]
        gone = set(node_ids)
        self.rewired = [
            spec for spec in document.nodes.values() if spec.id not in gone and not gone.isdisjoint(spec.inputs)
        ]
        self.output = document.chosen_output

    def redo(self) -> None:
        self.document.remove_nodes(spec.id for spec, _, _ in self.removed)

    def undo(self) -> None:
        self.document.restore_nodes(self.removed, self.rewired, self.output)


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
        self.document.move_nodes({node_id: new for node_id, (_, new) in self.moves.items()})

    def undo(self) -> None:
        self.document.move_nodes({node_id: old for node_id, (old, _) in self.moves.items()})


class SetOutput(QUndoCommand):
    """Choose the node whose value is the scalar cost c."""

    def __init__(self, document: GraphDocument, node_id: str | None) -> None:
        super().__init__(f"make {node_id} the cost" if node_id else "clear the cost")
        self.document, self.new, self.old = document, node_id, document.chosen_output

    def redo(self) -> None:
        self.document.set_output(self.new)

    def undo(self) -> None:
        self.document.set_output(self.old)
