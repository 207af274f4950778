"""The inspector dock: the selected node's form above its arrays at the current step.

Two parts with one job each: the node form edits the node (see node_form), the step view shows its
value, bar and contribution while stepping (see step_arrays). The inspector only puts them together
and tells the step view which node the form shows.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from gradviz.gui.panels.node_form import NodeForm
from gradviz.gui.panels.step_arrays import StepArrays
from gradviz.model.document import GraphDocument
from gradviz.model.step_view import StepView


class Inspector(QWidget):
    """The selected node: its form, and its arrays at the step; ``message`` carries the form's complaints."""

    message = Signal(str)

    def __init__(self, document: GraphDocument, undo_stack: Any) -> None:
        super().__init__()
        self.setObjectName("inspector")
        self.setAccessibleName("Node inspector")
        self.form = NodeForm(document, undo_stack)
        self.arrays = StepArrays()
        self._view: StepView | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.arrays)
        layout.addStretch()  # the form stays at the top; spare height goes below it
        self.form.message.connect(self.message)
        self.form.changed.connect(self._show_arrays)

    def sizeHint(self) -> QSize:
        return QSize(340, 600)  # the canvas is what matters; wrapped text would ask for far more

    @property
    def node_id(self) -> str | None:
        return self.form.node_id

    def show_node(self, node_id: str | None) -> None:
        """Show ``node_id`` (None: none); an id the document no longer holds shows none."""
        self.form.show_node(node_id)

    def show_step(self, view: StepView | None) -> None:
        """The playback moved: show the node's arrays at this step (None: not stepping)."""
        self._view = view
        self.arrays.show_arrays(view.arrays if view is not None else ())

    def _show_arrays(self) -> None:
        """Another node (or another name) in the form: its arrays at the same step."""
        self.arrays.show_arrays(self._view.arrays_for(self.form.node_id) if self._view is not None else ())
