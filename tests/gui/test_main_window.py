"""The window, driven as a user drives it (offscreen): build, connect, edit, undo, save, reopen."""

from __future__ import annotations

import gc

import numpy as np
import shiboken6
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QAction, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QGraphicsView,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from gradviz.engine.program import NodeSpec
from gradviz.gui.commands import AddNodes, MoveNodes, RemoveNodes
from gradviz.gui.main_window import MainWindow
from gradviz.gui.recovery import Recovery
from gradviz.io.graph_file import dumps, read
from gradviz.io.paths import EXAMPLES


def drag(qtbot, view, start: QPointF, end: QPointF) -> None:
    """Press at ``start``, move, release at ``end`` (scene coordinates), as a mouse would."""
    viewport = view.viewport()
    a, b = view.mapFromScene(start), view.mapFromScene(end)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(viewport, pos=(a + b) / 2)
    qtbot.mouseMove(viewport, pos=b)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=b)


def port(window, node_id: str, which: str, index: int = 0) -> QPointF:
    item = window.scene.nodes[node_id]
    return item.mapToScene(item.output_port() if which == "out" else item.input_port(index))


def test_build_connect_edit_undo_save_reopen(window, qtbot, tmp_path):
    window.show()
    qtbot.waitExposed(window)
    window.resize(1400, 900)
    saved = tmp_path / "built.json"
    window.save_to(saved)  # an empty graph, saved: the state undo must come back to
    clean_text = saved.read_text()

    window.palette.search.setText("parameter")
    assert window.palette.visible_ops() == ["parameter"]
    window.palette.op_chosen.emit("parameter")
    w = window.scene.add_op("input", QPointF(0, 200))
    mm = window.scene.add_op("matmul", QPointF(400, 100))
    param = next(node for node in window.document.nodes if node.startswith("parameter"))
    window.scene.nodes[param].setPos(0, 0)
    window.view.resetTransform()
    window.view.centerOn(300, 150)

    drag(qtbot, window.view, port(window, param, "out"), port(window, mm, "in", 0))
    drag(qtbot, window.view, port(window, w, "out"), port(window, mm, "in", 1))
    assert window.document.nodes[mm].inputs == (param, w)
    assert window.document.status(mm).shape == (2, 1)  # 2×2 parameter times 2×1 input

    window.scene.clearSelection()
    window.scene.nodes[w].setSelected(True)
    table = window.inspector.findChild(QWidget, "valueTable")
    table.item(1, 0).setText("5")
    assert np.array_equal(window.document.nodes[w].value, [[1.0], [5.0]])

    sum_id = window.scene.add_op("sum", QPointF(700, 100))
    drag(qtbot, window.view, port(window, mm, "out"), port(window, sum_id, "in", 0))
    window.scene.clearSelection()
    window.scene.nodes[sum_id].setSelected(True)
    window.edits.use_selected_as_cost()
    assert window.document.program().output == sum_id
    assert window.isWindowModified()

    built_text = dumps(window.document.to_graph_file())
    while window.undo_stack.canUndo():
        window.undo_stack.undo()
    assert window.undo_stack.isClean() and not window.isWindowModified()
    assert dumps(window.document.to_graph_file()) == clean_text
    while window.undo_stack.canRedo():
        window.undo_stack.redo()
    assert dumps(window.document.to_graph_file()) == built_text

    window.save_to(saved)
    reopened = read(saved)
    assert dumps(reopened) == built_text
    window.open_path(saved)
    assert dumps(window.document.to_graph_file()) == built_text


def test_incompatible_connection_is_refused_with_a_reason(window, qtbot):
    window.open_path(EXAMPLES / "linear_layer.json")
    messages = []
    window.scene.message.connect(messages.append)
    assert not window.scene.connect_ports("y", "a", 1)  # y is 3×1: W (3×2) times y does not fit
    assert "inner sizes 2 and 3 differ" in messages[-1]
    assert not window.scene.connect_ports("L", "a", 0)
    assert "cycle" in messages[-1]
    assert window.undo_stack.isClean()


def test_a_node_that_cannot_compute_turns_red_with_its_reason(window, qtbot):
    window.open_path(EXAMPLES / "linear_layer.json")
    window.scene.nodes["a"].setSelected(True)
    window.edits.delete_selected()
    look = window.scene.nodes["L"].look
    assert look.error == "input prediction not connected"
    # the timeline (after the edit's retrace) names the node and the reason, not a generic sentence
    qtbot.waitUntil(lambda: "L: input prediction not connected" in window.timeline.words.text(), timeout=3000)
    window.undo_stack.undo()
    assert window.scene.nodes["L"].look.error is None and window.document.nodes["L"].inputs == ("a", "y")


def test_copy_paste_duplicate_delete(window):
    window.open_path(EXAMPLES / "linear_layer.json")
    before = len(window.document.nodes)
    window.scene.nodes["W"].setSelected(True)
    window.scene.nodes["a"].setSelected(True)
    window.edits.duplicate()
    assert len(window.document.nodes) == before + 2
    copies = window.scene.selected_ids()
    copied_a = next(node for node in copies if window.document.nodes[node].op == "matmul")
    copied_w = next(node for node in copies if window.document.nodes[node].op == "parameter")
    assert window.document.nodes[copied_a].inputs == (copied_w, "x")  # wires inside follow, outside stay
    window.undo_stack.undo()
    assert len(window.document.nodes) == before


def test_auto_layout_and_its_undo_move_every_wire_with_its_nodes(window):
    """Auto layout moves all the nodes as one event; each wire must still run from its parent's output
    port to its child's input port, after the layout and after its undo."""
    window.open_path(EXAMPLES / "mlp_cross_entropy.json")
    for spec in list(window.document.nodes.values()):  # a mess for the layout to tidy
        window.undo_stack.push(MoveNodes(window.document, {spec.id: (window.document.positions[spec.id], (0.0, 0.0))}))

    def wires_meet_their_ports() -> bool:
        scene = window.scene
        for edge in scene.edges.values():
            parent, child = scene.nodes[edge.parent_id], scene.nodes[edge.child_id]
            start, end = edge.path().pointAtPercent(0), edge.path().pointAtPercent(1)
            if (start - parent.mapToScene(parent.output_port())).manhattanLength() > 0.01:
                return False
            if (end - child.mapToScene(child.input_port(edge.port))).manhattanLength() > 0.01:
                return False
        return True

    window.edits.auto_layout()
    assert len(set(window.document.positions.values())) == len(window.document.nodes)  # apart again
    assert wires_meet_their_ports()
    window.undo_stack.undo()
    assert set(window.document.positions.values()) == {(0.0, 0.0)} and wires_meet_their_ports()


def test_pasting_or_deleting_several_nodes_leaves_the_other_items_alone(window):
    """Several nodes come or go as one event naming them: the canvas adds or removes only their items,
    the others stay the same objects, still selected (it once rebuilt the whole canvas)."""
    window.open_path(EXAMPLES / "linear_layer.json")
    items = dict(window.scene.nodes)
    window.scene.nodes["L"].setSelected(True)
    window.undo_stack.push(
        AddNodes(
            window.document,
            [(NodeSpec("n1", "neg", ("a",)), (0.0, 0.0)), (NodeSpec("n2", "neg", ("n1",)), (0.0, 50.0))],
            "two",
        )
    )
    assert all(window.scene.nodes[node_id] is item for node_id, item in items.items())
    assert window.scene.nodes["L"].isSelected() and ("n2", 0) in window.scene.edges
    window.undo_stack.push(RemoveNodes(window.document, ["n2", "n1", "W"]))
    assert sorted(window.scene.nodes) == ["L", "a", "x", "y"]
    assert all(window.scene.nodes[node_id] is items[node_id] for node_id in ("L", "a", "x", "y"))
    assert window.scene.nodes["L"].isSelected() and ("a", 0) not in window.scene.edges  # a's W port is open


def test_every_interactive_widget_is_named(window):
    window.open_path(EXAMPLES / "linear_layer.json")
    window.scene.nodes["W"].setSelected(True)  # the inspector shows a full form
    interactive = (QAbstractButton, QLineEdit, QAbstractSpinBox, QComboBox, QAbstractItemView, QGraphicsView)
    unnamed = [
        f"{type(widget).__name__} {widget.objectName()!r}"
        for widget in window.findChildren(QWidget)
        if isinstance(widget, interactive)
        and widget.isVisibleTo(window)
        and not (widget.objectName() and widget.accessibleName())
        and not widget.objectName().startswith("qt_")
    ]
    assert unnamed == []
    actions = [action for action in window.findChildren(QAction) if action.text() and action.menu() is None]
    assert actions and all(action.objectName() for action in actions)


def test_save_errors_are_shown_and_lose_nothing(window, monkeypatch, tmp_path):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    window.open_path(EXAMPLES / "linear_layer.json")
    window.scene.add_op("exp", QPointF(0, 500))
    assert not window.save_to(tmp_path / "missing" / "folder" / "g.json")
    assert len(shown) == 1 and "cannot save" in shown[0] and "\n" not in shown[0]
    assert window.isWindowModified() and any(n.startswith("exp") for n in window.document.nodes)
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json")
    nodes_before = dict(window.document.nodes)
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Discard)
    assert not window.open_path(bad)
    assert "not JSON" in shown[-1]
    assert window.document.nodes == nodes_before  # the failed open left the graph as it was


def test_closing_with_unsaved_changes_asks(window, monkeypatch):
    window.open_path(EXAMPLES / "linear_layer.json")
    window.scene.add_op("exp", QPointF(0, 500))
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Cancel)
    assert not window.close()
    assert window.isWindowModified() and any(node.startswith("exp") for node in window.document.nodes)
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Discard)
    assert window.close()


def test_examples_open_as_untitled_copies_and_recent_files_are_remembered(window, tmp_path):
    window.open_path(EXAMPLES / "matmul.json")
    assert window.path is None and "untitled" in window.windowTitle()
    target = tmp_path / "mine.json"
    window.save_to(target)
    assert window.settings.value("files/recent", [], list)[0] == str(target)


def test_inspector_attribute_form_is_generated_and_live(window):
    window.open_path(EXAMPLES / "linear_layer.json")
    window.scene.nodes["L"].setSelected(True)
    combo = window.inspector.findChild(QComboBox, "attr_reduction")
    assert [combo.itemText(i) for i in range(combo.count())] == ["sum", "mean"]
    combo.setCurrentText("mean")
    assert window.document.nodes["L"].attrs == {"reduction": "mean"}
    window.undo_stack.undo()
    assert window.document.nodes["L"].attrs == {"reduction": "sum"}


def test_inspector_shows_one_node_at_a_time(window):
    window.open_path(EXAMPLES / "linear_layer.json")
    for node in ("W", "a", "L", "W"):
        window.scene.clearSelection()
        window.scene.nodes[node].setSelected(True)
    forms = [child for child in window.inspector.form.children() if isinstance(child, QWidget)]
    assert len(forms) == 1
    assert window.inspector.findChild(QLineEdit, "labelEdit").placeholderText() == "W"


def test_dropping_a_file_on_the_window_opens_it(window, qtbot):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(EXAMPLES / "matmul.json"))])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    window.dropEvent(event)
    qtbot.waitUntil(lambda: not window.files.loading)  # a dropped file opens in the background
    assert set(window.document.nodes) == {spec.id for spec in read(EXAMPLES / "matmul.json").nodes}


def test_renaming_a_label_is_one_undoable_edit(window, qtbot):
    window.open_path(EXAMPLES / "linear_layer.json")
    window.scene.nodes["W"].setSelected(True)
    label = window.inspector.findChild(QLineEdit, "labelEdit")
    label.setText("W₁")
    label.editingFinished.emit()
    assert window.document.nodes["W"].label == "W₁" and window.scene.nodes["W"].look.name == "W₁"
    window.undo_stack.undo()
    assert window.document.nodes["W"].label is None


# ----- issue 11: the window's stability --------------------------------------------------------------------


def _open_example(window, qtbot, name: str) -> None:
    window.show()
    qtbot.waitExposed(window)
    window.open_path(EXAMPLES / f"{name}.json")
    qtbot.wait(30)


def test_a_plain_click_on_a_node_moves_nothing_and_records_nothing(window, qtbot):
    _open_example(window, qtbot, "linear_layer")
    node_id, item = next(iter(window.scene.nodes.items()))
    before = item.pos()
    point = window.view.mapFromScene(item.mapToScene(item.boundingRect().center().x(), 30.0))
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.wait(30)
    assert window.scene.selected_ids() == [node_id]
    assert item.pos() == before
    assert window.undo_stack.count() == 0 and not window.isWindowModified()


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


def test_a_closed_windows_scenes_go_with_it_not_with_the_garbage_collector(qtbot, tmp_path):
    """A scene left to Python outlived its window until the collector freed it, which could happen inside one
    of the scene's own pending events (a Python boundingRect allocating): the full GUI suite segfaulted about
    one run in three. The scenes are the window's children now, deleted with it."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, Recovery(tmp_path / "state"))  # not qtbot's: it is deleted here, not at teardown
    window.open_path(EXAMPLES / "linear_layer.json")
    window.run.set_mode("both")  # the reverse side has a scene of its own while comparing
    scenes = [window.scene, window.reverse_side.scene]
    assert all(scene is not None and scene.parent() is window for scene in scenes)
    gc.disable()  # only Qt's own deletion may free them here
    try:
        window.undo_stack.setClean()
        window.close()
        window.deleteLater()
        qtbot.waitUntil(lambda: not shiboken6.isValid(window))
        assert not any(shiboken6.isValid(scene) for scene in scenes)
    finally:
        gc.enable()


def test_dark_mode_is_remembered_across_a_restart(qtbot, tmp_path):
    def launch() -> MainWindow:
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings, Recovery(tmp_path / "state"))  # no dark= : the remembered choice
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        return window

    def toggle(window: MainWindow) -> None:
        qtbot.keyClick(
            window.view.viewport(),
            Qt.Key.Key_D,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )

    first = launch()
    assert not first.scene.theme.dark  # this settings file has no choice yet; offscreen follows a light desktop
    toggle(first)
    assert first.scene.theme.dark
    first.close()
    second = launch()
    assert second.scene.theme.dark and second.findChild(QAction, "actionDarkMode").isChecked()
    toggle(second)
    second.close()
    third = launch()
    assert not third.scene.theme.dark and not third.findChild(QAction, "actionDarkMode").isChecked()
