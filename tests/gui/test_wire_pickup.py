"""Picking up a wire and dropping it is one gesture, so one undo entry (a QUndoStack macro)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt

from gradviz.io.paths import EXAMPLES


def drag(qtbot, window, start: QPointF, end: QPointF) -> None:
    """Press at ``start``, move, release at ``end`` (scene coordinates) on the view's viewport."""
    view = window.view
    a, b = view.mapFromScene(start), view.mapFromScene(end)
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(view.viewport(), pos=(a + b) / 2)
    qtbot.mouseMove(view.viewport(), pos=b)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=b)


def input_port(window, node_id: str, port: int) -> QPointF:
    item = window.scene.nodes[node_id]
    return item.mapToScene(item.input_port(port))


def opened(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    window.resize(1400, 900)
    window.open_path(EXAMPLES / "linear_layer.json")
    window.view.resetTransform()
    window.view.centerOn(300, 500)
    return window.undo_stack.count()


def test_picking_up_a_wire_and_dropping_it_on_the_canvas_is_one_undo(window, qtbot):
    before = opened(window, qtbot)
    drag(qtbot, window, input_port(window, "a", 1), QPointF(380, 700))  # empty canvas: disconnect
    assert window.document.nodes["a"].inputs == ("W", None)
    assert window.undo_stack.count() == before + 1
    window.undo_stack.undo()
    assert window.document.nodes["a"].inputs == ("W", "x") and window.undo_stack.count() == before + 1
    assert window.undo_stack.index() == before


def test_moving_a_wire_to_another_port_is_one_undo(window, qtbot):
    before = opened(window, qtbot)
    drag(qtbot, window, input_port(window, "L", 0), input_port(window, "L", 1))  # a now feeds port 2
    assert window.document.nodes["L"].inputs == (None, "a")
    assert window.undo_stack.count() == before + 1
    assert "a" in window.undo_stack.undoText()
    window.undo_stack.undo()
    assert window.document.nodes["L"].inputs == ("a", "y")
    window.undo_stack.redo()
    assert window.document.nodes["L"].inputs == (None, "a")
