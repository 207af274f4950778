"""Edit ▸ Graph as Code: the current graph as numpy-like lines, edited and applied as one undoable edit.

The dialog is not modal, so the canvas stays usable beside it. While its text is unedited it follows
the document (an undo or a canvas edit shows up in the text); once the user types, it keeps their
text until Apply or Revert. Text that is not a graph changes nothing: its one-line error is shown
under the editor and the cursor goes to the line and column it names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QKeySequence, QShortcut, QTextCursor, QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gradviz.gui.code_command import ReplaceGraph
from gradviz.model.code import CodeError, apply_code
from gradviz.model.code_print import code_of
from gradviz.model.document import Change, GraphDocument, NodesMoved

if TYPE_CHECKING:
    from gradviz.gui.main_window import MainWindow

ERROR_COLOUR = "#d64541"


class CodeEditor(QDialog):
    """A monospace editor of the graph's code form with Apply and Revert."""

    def __init__(self, document: GraphDocument, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document, self.undo_stack = document, undo_stack
        self.setObjectName("codeEditor")
        self.setAccessibleName("Graph as code")
        self.setWindowTitle("Graph as Code")
        self.setModal(False)
        self.text = QPlainTextEdit()
        self.text.setObjectName("codeText")
        self.text.setAccessibleName("Graph as numpy-like lines")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setFixedPitch(True)  # columns line up, and an error's column is where the eye counts it
        font.setStyleHint(QFont.StyleHint.TypeWriter)
        self.text.setFont(font)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setTabChangesFocus(True)
        self.error = QLabel()
        self.error.setObjectName("codeError")
        self.error.setAccessibleName("Code error")
        self.error.setStyleSheet(f"color: {ERROR_COLOUR}")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # one line, any length
        buttons = QDialogButtonBox()
        buttons.setObjectName("codeButtons")
        self.apply_button = buttons.addButton("Apply", QDialogButtonBox.ButtonRole.ApplyRole)
        self.apply_button.setObjectName("codeApply")
        self.apply_button.setAccessibleName("Apply the code to the graph")
        self.apply_button.setToolTip("Replace the graph with the one the text describes (Ctrl+Enter); one undo")
        self.revert_button = buttons.addButton("Revert", QDialogButtonBox.ButtonRole.ResetRole)
        self.revert_button.setObjectName("codeRevert")
        self.revert_button.setAccessibleName("Revert the text to the current graph")
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("codeClose")
        close.setAccessibleName("Close the code editor")
        self.apply_button.clicked.connect(self.apply)
        self.revert_button.clicked.connect(self.revert)
        close.clicked.connect(self.close)
        apply_keys = QShortcut(QKeySequence("Ctrl+Return"), self)
        apply_keys.activated.connect(self.apply)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(720, 480)
        unsubscribe = document.subscribe(self._follow)
        self.destroyed.connect(lambda *_: unsubscribe())
        self.revert()

    def revert(self) -> None:
        """Show the current graph's lines, dropping any edits."""
        self.text.setPlainText(code_of(self.document.to_graph_file()))
        self.text.document().setModified(False)
        self.error.clear()

    def apply(self) -> bool:
        """Replace the graph with the text's, as one undoable edit; on an error, keep the graph and say where."""
        current = self.document.to_graph_file()
        try:
            graph = apply_code(self.text.toPlainText(), current)
        except CodeError as error:
            self._show_error(error)
            return False
        if code_of(graph) != code_of(current):
            self.undo_stack.push(ReplaceGraph(self.document, graph))
        self.revert()
        return True

    def _show_error(self, error: CodeError) -> None:
        self.error.setText(str(error))
        block = self.text.document().findBlockByNumber(error.line - 1)
        if block.isValid():
            cursor = QTextCursor(block)
            cursor.movePosition(QTextCursor.MoveOperation.Right, n=min(error.column - 1, block.length() - 1))
            self.text.setTextCursor(cursor)
        self.text.setFocus()

    def _follow(self, change: Change) -> None:
        """An edit elsewhere (canvas, undo) shows in the text, unless the user is editing it."""
        if not isinstance(change, NodesMoved) and not self.text.document().isModified():
            self.revert()


def open_code_editor(window: MainWindow) -> CodeEditor:
    """The window's code editor (made on first use), shown and brought to the front."""
    editor = window.findChild(CodeEditor, "codeEditor")
    if editor is None:
        editor = CodeEditor(window.document, window.undo_stack, window)
    editor.show()
    editor.raise_()
    editor.activateWindow()
    return editor
