"""The inspector's node form follows the document field by field (issue 13: typed events, views update
what changed): an edit elsewhere leaves its widgets alone, an edit of its node rewrites only that field,
so the field being typed in keeps the focus and its cursor."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QTableWidget,
    QWidget,
)

from gradviz.gui.commands import MoveNodes, ReplaceNode
from gradviz.io.paths import EXAMPLES


def shown(window, qtbot, node_id: str) -> None:
    """linear_layer open (W 3×2 parameter, x 2×1 input, a = W x, y 3×1 constant, L = mse(a, y) the cost),
    the window on screen and ``node_id`` selected, as a click would."""
    window.show()
    window.activateWindow()  # offscreen, nothing activates it for us: no focus without it
    qtbot.waitActive(window)
    window.open_path(EXAMPLES / "linear_layer.json")
    window.scene.clearSelection()
    window.scene.nodes[node_id].setSelected(True)
    assert window.inspector.node_id == node_id
    qtbot.waitUntil(lambda: window.isActiveWindow() and window.inspector.form.isVisible())  # the dock raised


def form_widgets(window) -> list[QWidget]:
    return window.inspector.form.findChildren(QWidget)


def status(window) -> str:
    return window.inspector.form.findChild(QLabel, "inspectorStatus").text()


def test_edits_of_other_nodes_leave_the_form_alone(window, qtbot):
    shown(window, qtbot, "W")
    before = form_widgets(window)
    document, stack = window.document, window.undo_stack
    stack.push(MoveNodes(document, {"x": (document.positions["x"], (5.0, 5.0))}))
    stack.push(ReplaceNode(document, dataclasses.replace(document.nodes["L"], attrs={"reduction": "mean"}), "mean"))
    stack.push(ReplaceNode(document, dataclasses.replace(document.nodes["x"], value=[[3.0], [4.0]]), "x"))
    stack.push(ReplaceNode(document, dataclasses.replace(document.nodes["a"], label="z"), "label a"))
    after = form_widgets(window)
    assert len(after) == len(before) and all(old is new for old, new in zip(before, after, strict=True))
    assert status(window) == "shape 3×2"


def test_an_edit_upstream_rewrites_the_shown_nodes_shape_in_place(window, qtbot):
    shown(window, qtbot, "a")
    label = window.inspector.form.findChild(QLabel, "inspectorStatus")
    assert label.text() == "shape 3×1"  # W (3×2) times x (2×1)
    x = window.document.nodes["x"]
    window.undo_stack.push(ReplaceNode(window.document, dataclasses.replace(x, value=[[1.0], [2.0], [3.0]]), "x"))
    assert window.inspector.form.findChild(QLabel, "inspectorStatus") is label
    assert "inner sizes 2 and 3 differ" in label.text()  # 3×2 times 3×1 cannot multiply
    window.undo_stack.undo()
    assert label.text() == "shape 3×1"


def test_typing_a_label_keeps_the_focus_and_the_cursor(window, qtbot):
    shown(window, qtbot, "W")
    before = form_widgets(window)
    edit = window.inspector.form.findChild(QLineEdit, "labelEdit")
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(edit, "weights")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert window.document.nodes["W"].label == "weights"
    assert QApplication.focusWidget() is edit and edit.cursorPosition() == len("weights")
    assert "weights" in window.inspector.form.findChild(QLabel, "inspectorFormula").text()
    after = form_widgets(window)
    assert all(old is new for old, new in zip(before, after, strict=True))
    window.undo_stack.undo()  # the one field follows back
    assert edit.text() == "" and window.inspector.form.findChild(QLineEdit, "labelEdit") is edit


def test_typing_a_number_keeps_the_table_and_its_focus(window, qtbot):
    shown(window, qtbot, "W")
    table = window.inspector.form.findChild(QTableWidget, "valueTable")
    table.setFocus()
    table.item(1, 0).setText("2.50")  # what a committed cell editor does
    assert window.document.nodes["W"].value[1][0] == 2.5
    assert window.inspector.form.findChild(QTableWidget, "valueTable") is table
    assert QApplication.focusWidget() is table
    assert table.item(1, 0).text() == "2.5"  # the number as the document holds it
    window.undo_stack.undo()
    assert table.item(1, 0).text() == f"{window.document.nodes['W'].value[1][0]:.6g}"


def test_a_new_shape_replaces_only_the_table(window, qtbot):
    shown(window, qtbot, "W")
    shape = window.inspector.form.findChild(QLineEdit, "shapeEdit")
    old_table = window.inspector.form.findChild(QTableWidget, "valueTable")
    assert shape.text() == "3×2" and (old_table.rowCount(), old_table.columnCount()) == (3, 2)
    qtbot.mouseClick(shape, Qt.MouseButton.LeftButton)
    shape.selectAll()
    qtbot.keyClicks(shape, "2x2")
    qtbot.keyClick(shape, Qt.Key.Key_Return)
    table = window.inspector.form.findChild(QTableWidget, "valueTable")
    assert (table.rowCount(), table.columnCount()) == (2, 2) and table is not old_table
    assert window.inspector.form.findChild(QLineEdit, "shapeEdit") is shape and shape.text() == "2×2"
    assert QApplication.focusWidget() is shape


def test_undoing_an_attribute_sets_the_same_combo_back(window, qtbot):
    shown(window, qtbot, "L")
    combo = window.inspector.form.findChild(QComboBox, "attr_reduction")
    combo.setCurrentText("mean")
    assert window.document.nodes["L"].attrs == {"reduction": "mean"}
    window.undo_stack.undo()
    assert window.inspector.form.findChild(QComboBox, "attr_reduction") is combo
    assert combo.currentText() == "sum" and window.undo_stack.count() == 1  # setting it back edited nothing


def test_inspector_attribute_form_is_generated_and_live(window):
    window.open_path(EXAMPLES / "linear_layer.json")
    window.scene.nodes["L"].setSelected(True)
    combo = window.inspector.findChild(QComboBox, "attr_reduction")
    assert [combo.itemText(i) for i in range(combo.count())] == ["sum", "mean"]
    combo.setCurrentText("mean")
    assert window.document.nodes["L"].attrs == {"reduction": "mean"}
    window.undo_stack.undo()
    assert window.document.nodes["L"].attrs == {"reduction": "sum"}


def test_renaming_a_label_is_one_undoable_edit(window, qtbot):
    window.open_path(EXAMPLES / "linear_layer.json")
    window.scene.nodes["W"].setSelected(True)
    label = window.inspector.findChild(QLineEdit, "labelEdit")
    label.setText("W₁")
    label.editingFinished.emit()
    assert window.document.nodes["W"].label == "W₁" and window.scene.nodes["W"].look.name == "W₁"
    window.undo_stack.undo()
    assert window.document.nodes["W"].label is None
