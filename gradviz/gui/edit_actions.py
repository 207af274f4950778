"""The Edit menu's gestures on the canvas's selection: delete, copy, paste, duplicate, select all, use as
the cost, and View's auto layout. Each edit is one undo command; the canvas and panels follow the document.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoStack

from gradviz.engine.program import NodeSpec
from gradviz.gui.canvas.scene import GraphScene
from gradviz.gui.canvas.view import GraphView
from gradviz.gui.commands import AddNodes, MoveNodes, RemoveNodes, SetOutput
from gradviz.model.document import GraphDocument, Position
from gradviz.model.layout import copies, layered_positions


class EditActions:
    """Edits of the selected nodes, as the menus and their shortcuts ask; ``show_message`` says what was done."""

    def __init__(
        self,
        document: GraphDocument,
        undo_stack: QUndoStack,
        scene: GraphScene,
        view: GraphView,
        show_message: Callable[[str], None],
    ) -> None:
        self.document, self.undo_stack, self.scene, self.view = document, undo_stack, scene, view
        self._show_message = show_message
        self._clipboard: list[tuple[NodeSpec, Position]] = []  # copied nodes where they were, for paste

    def delete_selected(self) -> None:
        ids = self.scene.selected_ids()
        if ids:
            self.scene.clearSelection()  # one signal now, rather than one per item as they go
            self.undo_stack.push(RemoveNodes(self.document, ids))

    def copy(self) -> None:
        ids = set(self.scene.selected_ids())
        self._clipboard = [
            (spec, self.document.positions.get(spec.id, (0.0, 0.0)))
            for spec in self.document.nodes.values()
            if spec.id in ids
        ]
        self._show_message(f"Copied {len(self._clipboard)} node(s)")

    def paste(self) -> None:
        if self._clipboard:
            specs = [spec for spec, _ in self._clipboard]
            new = copies(specs, dict((spec.id, pos) for spec, pos in self._clipboard), set(self.document.nodes))
            self.undo_stack.push(AddNodes(self.document, new, f"paste {len(new)} node(s)"))
            self.scene.clearSelection()
            for spec, _ in new:
                self.scene.nodes[spec.id].setSelected(True)

    def duplicate(self) -> None:
        self.copy()
        self.paste()

    def select_all(self) -> None:
        for item in self.scene.nodes.values():
            item.setSelected(True)

    def use_selected_as_cost(self) -> None:
        ids = self.scene.selected_ids()
        if len(ids) == 1:
            self.undo_stack.push(SetOutput(self.document, ids[0]))

    def auto_layout(self) -> None:
        """Lay the graph out left to right; selected nodes stay where the user put them."""
        kept = {
            node_id: self.document.positions[node_id]
            for node_id in self.scene.selected_ids()
            if node_id in self.document.positions
        }
        positions = layered_positions(self.document.nodes.values(), kept)
        moves = {
            node_id: (self.document.positions.get(node_id, (0.0, 0.0)), position)
            for node_id, position in positions.items()
            if self.document.positions.get(node_id) != position
        }
        if moves:
            self.undo_stack.push(MoveNodes(self.document, moves, "auto layout"))
        self.view.fit()
