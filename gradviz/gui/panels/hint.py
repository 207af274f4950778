"""The graph's "what to look at" line above the canvas: shown when a file opens, edited in place.

The text lives in the file's view section (``view.hint``); an edit is one undoable command.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QLineEdit

from gradviz.model.document import Change, DocumentReset, GraphDocument

PLACEHOLDER = "What to look at in this graph (a note for students, saved with the file)"


class SetHint(QUndoCommand):
    """Change the graph's hint; ``shown`` redraws the line (the document has no event for its view)."""

    def __init__(self, document: GraphDocument, text: str, shown: Callable[[], None]) -> None:
        super().__init__("edit the hint")
        self.document, self.shown = document, shown
        self.old, self.new = document.view.get("hint", ""), text

    def _set(self, text: str) -> None:
        if text:
            self.document.view["hint"] = text
        else:
            self.document.view.pop("hint", None)
        self.shown()

    def redo(self) -> None:
        self._set(self.new)

    def undo(self) -> None:
        self._set(self.old)


class HintLine(QLineEdit):
    """One line of text over the canvas; Enter or leaving the line records the edit."""

    def __init__(self, document: GraphDocument, undo_stack: QUndoStack) -> None:
        super().__init__()
        self.setObjectName("graphHint")
        self.setAccessibleName("What to look at")
        self.setPlaceholderText(PLACEHOLDER)
        self.setFrame(False)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # the canvas gets the keys first; a click edits this
        self.setToolTip("What to look at: shown when the file opens. Click to edit.")
        self.document, self.undo_stack = document, undo_stack
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.setFont(font)
        self.editingFinished.connect(self._edited)
        self._unsubscribe = document.subscribe(self._on_change)
        self.show_hint()

    def close_document(self) -> None:
        self._unsubscribe()

    def _on_change(self, change: Change) -> None:
        if isinstance(change, DocumentReset):
            self.show_hint()

    def show_hint(self) -> None:
        self.setText(self.document.view.get("hint", ""))
        self.setCursorPosition(0)

    def _edited(self) -> None:
        text = " ".join(self.text().split())
        if text != self.document.view.get("hint", ""):
            self.undo_stack.push(SetHint(self.document, text, self.show_hint))
