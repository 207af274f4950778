"""Edit ▸ Graph as Code: typed with real key events, applied as one undoable edit, errors at their place."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog

from gradviz.gui.panels.code_editor import CodeEditor
from gradviz.io.graph_file import dumps
from gradviz.io.paths import EXAMPLES
from gradviz.model.code_print import code_of


def press_in_window(window, qtbot, key, modifier=Qt.KeyboardModifier.ControlModifier) -> None:
    """A key pressed on the canvas of the active main window, where its shortcuts live."""
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()  # offscreen, nothing activates it for us
    qtbot.waitUntil(window.isActiveWindow)
    window.view.setFocus()
    QTest.keyClick(window.view, key, modifier)


def open_editor(window, qtbot) -> CodeEditor:
    press_in_window(window, qtbot, Qt.Key.Key_E)
    editor = window.findChild(CodeEditor, "codeEditor")
    assert editor is not None and editor.isVisible() and not editor.isModal()
    qtbot.waitUntil(editor.isActiveWindow)
    return editor


def type_at_end(editor: CodeEditor, lines: list[str]) -> None:
    QTest.keyClick(editor.text, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    for line in lines:
        QTest.keyClicks(editor.text, line)
        QTest.keyClick(editor.text, Qt.Key.Key_Return)


def test_ctrl_e_shows_the_graph_as_code(window, qtbot):
    window.open_path(EXAMPLES / "linear_layer.json")
    action = window.findChild(QAction, "actionGraphAsCode")
    assert action.shortcut() == QKeySequence("Ctrl+E") and action.text() == "Graph as Code…"
    editor = open_editor(window, qtbot)
    assert editor.text.toPlainText() == code_of(window.document.to_graph_file())
    assert "a = W @ x\n" in editor.text.toPlainText()
    assert editor.text.font().fixedPitch()
    for widget in (editor, editor.text, editor.error, editor.apply_button, editor.revert_button):
        assert widget.objectName() and widget.accessibleName()


def test_typing_and_applying_is_one_undoable_edit(window, qtbot):
    window.open_path(EXAMPLES / "linear_layer.json")
    before = window.document.to_graph_file()
    editor = open_editor(window, qtbot)
    type_at_end(editor, ["h = tanh(L)", "d = h * h"])
    assert editor.text.document().isModified()
    qtbot.mouseClick(editor.apply_button, Qt.MouseButton.LeftButton)
    assert editor.error.text() == ""
    document = window.document
    assert document.output == "d" and document.nodes["h"].inputs == ("L",) and document.nodes["d"].op == "mul"
    for node_id in before.layout:  # the nodes that stay keep their place; the new ones are laid out
        assert document.positions[node_id] == before.layout[node_id]
    assert {"h", "d"} <= set(document.positions)
    assert window.undo_stack.count() == 1 and window.undo_stack.undoText() == "apply graph as code"
    assert not editor.text.document().isModified()

    press_in_window(window, qtbot, Qt.Key.Key_Z)
    assert dumps(window.document.to_graph_file()) == dumps(before)  # exactly as it was, node order too
    assert editor.text.toPlainText() == code_of(before)  # the unedited text follows the undo
    window.undo_stack.redo()
    assert window.document.output == "d"


def test_a_bad_line_keeps_the_graph_and_points_at_the_error(window, qtbot):
    window.open_path(EXAMPLES / "linear_layer.json")
    before = dumps(window.document.to_graph_file())
    editor = open_editor(window, qtbot)
    lines = editor.text.toPlainText().count("\n")
    type_at_end(editor, ["b = x @ W", "cost = sum(b)"])
    QTest.keyClick(editor.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Enter applies
    assert editor.error.text() == f"line {lines + 1}, col 5: matmul: inner sizes 1 and 3 differ (2×1 times 3×2)"
    cursor = editor.text.textCursor()
    assert (cursor.blockNumber(), cursor.positionInBlock()) == (lines, 4)
    assert dumps(window.document.to_graph_file()) == before and window.undo_stack.count() == 0
    assert editor.text.toPlainText().endswith("cost = sum(b)\n")  # the user's text is kept to fix

    qtbot.mouseClick(editor.revert_button, Qt.MouseButton.LeftButton)
    assert editor.text.toPlainText() == code_of(window.document.to_graph_file()) and editor.error.text() == ""


def test_applying_unchanged_text_pushes_nothing(window, qtbot):
    window.open_path(EXAMPLES / "matmul.json")
    editor = open_editor(window, qtbot)
    assert editor.apply() and window.undo_stack.count() == 0


def test_the_dialog_draws(window, qtbot, tmp_path):
    window.open_path(EXAMPLES / "tiny_cnn.json")
    editor = open_editor(window, qtbot)
    editor.error.setText("line 4, col 5: matmul: inner sizes 2 and 3 differ (2×2 times 3×1)")
    image = editor.grab()
    assert isinstance(editor, QDialog) and not image.isNull() and image.save(str(tmp_path / "code_editor.png"))
