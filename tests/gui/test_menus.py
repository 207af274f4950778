"""The menus: every action named, no key shared by two actions, both redo keys redo."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from gradviz.io.graph_file import read
from gradviz.io.paths import EXAMPLES
from tests.gui.test_main_window import _open_example


def test_no_two_actions_share_a_key_and_both_redo_keys_redo(window, qtbot):
    seen: dict[str, str] = {}
    for action in window.findChildren(QAction):
        for sequence in action.shortcuts():
            key = sequence.toString()
            assert key not in seen, f"{key} is both {seen[key]} and {action.objectName()}"
            seen[key] = action.objectName()
    _open_example(window, qtbot, "linear_layer")
    window.edits.select_all()
    window.edits.delete_selected()
    for redo_key in ("Ctrl+Y", "Ctrl+Shift+Z"):
        qtbot.keyClick(window.view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert window.document.nodes
        sequence = QKeySequence(redo_key)[0]
        qtbot.keyClick(window.view.viewport(), sequence.key(), sequence.keyboardModifiers())
        assert not window.document.nodes, redo_key


def test_every_example_is_in_file_examples_and_its_action_opens_it(window, qtbot):
    menu = window.findChild(QMenu, "examplesMenu")
    names = [action.objectName() for action in menu.actions()]
    assert names == [f"example_{path.stem}" for path in sorted(EXAMPLES.glob("*.json"))]
    window.findChild(QAction, "example_tiny_cnn").trigger()
    qtbot.waitUntil(lambda: not window.files.loading)
    assert set(window.document.nodes) == {spec.id for spec in read(EXAMPLES / "tiny_cnn.json").nodes}


def test_an_action_is_named_after_its_words_and_its_key_reaches_it_from_the_canvas(window, qtbot):
    _open_example(window, qtbot, "linear_layer")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    select_all = window.findChild(QAction, "actionSelectAll")
    assert select_all.text() == "Select All" and window.findChild(QAction, "actionSaveAs").text() == "Save As…"
    assert select_all.shortcut() == QKeySequence(QKeySequence.StandardKey.SelectAll)
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert sorted(window.scene.selected_ids()) == sorted(window.document.nodes)
