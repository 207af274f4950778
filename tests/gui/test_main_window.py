"""The window, driven as a user drives it (offscreen): build, connect, edit, undo, save, reopen."""

from __future__ import annotations

import gc

import numpy as np
import shiboken6
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QAction, QDropEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QGraphicsView,
    QLineEdit,
    QWidget,
)

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

    window.op_palette.search.setText("parameter")
    assert window.op_palette.visible_ops() == ["parameter"]
    window.op_palette.op_chosen.emit("parameter")
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


def test_dropping_a_file_on_the_window_opens_it(window, qtbot):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(EXAMPLES / "matmul.json"))])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    window.dropEvent(event)
    qtbot.waitUntil(lambda: not window.files.loading)  # a dropped file opens in the background
    assert set(window.document.nodes) == {spec.id for spec in read(EXAMPLES / "matmul.json").nodes}


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
    collecting = gc.isenabled()
    gc.disable()  # only Qt's own deletion may free them here
    try:
        window.undo_stack.setClean()
        window.close()
        window.deleteLater()
        qtbot.waitUntil(lambda: not shiboken6.isValid(window))
        assert not any(shiboken6.isValid(scene) for scene in scenes)
    finally:
        if collecting:
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


def test_scripts_can_still_select_all_and_delete_through_the_window(window):
    """The edit gestures live in EditActions; the window keeps the names scripts call (the bug reproductions
    in ../shared/repro drive it so: select all, delete, undo)."""
    window.open_path(EXAMPLES / "linear_layer.json")
    ids = set(window.document.nodes)
    window.select_all()
    assert set(window.scene.selected_ids()) == ids
    window.delete_selected()
    assert window.document.nodes == {}
    window.undo_stack.undo()
    assert set(window.document.nodes) == ids
