"""The canvas view: fit, zoom by keys and wheel, pan, quick add by Tab, play by a tapped Space, rubber band."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
)

from gradviz.engine.program import NodeSpec
from gradviz.gui.canvas.view import MAX_ZOOM, MIN_ZOOM
from gradviz.io.graph_file import GraphFile, save
from gradviz.io.paths import EXAMPLES
from tests.gui.test_main_window import _open_example, drag
from tests.gui.window_setup import active_on, open_settled


def test_fit_and_zoom(window):
    window.open_path(EXAMPLES / "mlp_cross_entropy.json")
    window.view.fit()
    assert 0.1 <= window.view.zoom() <= 1.5
    window.view.set_zoom(100)
    assert window.view.zoom() == pytest.approx(4.0)


def test_rubber_band_selects_the_nodes_it_covers(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    window.open_path(EXAMPLES / "linear_layer.json")
    window.view.resetTransform()
    box = window.scene.itemsBoundingRect()
    window.view.centerOn(box.center())
    drag(qtbot, window.view, box.topLeft() + QPointF(-20, -20), box.bottomRight() + QPointF(20, 20))
    assert sorted(window.scene.selected_ids()) == sorted(window.document.nodes)


def test_fit_recovers_from_a_viewport_squeezed_to_nothing(window, qtbot):
    _open_example(window, qtbot, "correlation_impulse")
    window.view.setFixedHeight(2)  # a dock took all the height for a moment
    qtbot.wait(30)
    window.view.fit()
    window.view.setMinimumHeight(0)
    window.view.setMaximumHeight(16777215)
    qtbot.wait(30)
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_F)
    zoom = window.view.transform().m11()
    assert zoom > 0.05 and np.isfinite(zoom)
    shown = window.view.mapFromScene(window.scene.itemsBoundingRect()).boundingRect()
    assert window.view.viewport().rect().adjusted(-1, -1, 1, 1).contains(shown)


def test_resizing_in_reverse_vs_forward_mode_settles_at_every_width(window, qtbot):
    """The fit-on-resize livelock: a grown scene rect, two canvases, width by width."""
    from PySide6.QtCore import QRectF  # noqa: PLC0415

    _open_example(window, qtbot, "mlp_cross_entropy")
    window.timeline.mode.setCurrentIndex(2)
    qtbot.wait(30)
    window.view.fit()
    window.scene.setSceneRect(QRectF(-1275.2, -322.1, 3456.2, 1794.8))
    toggles = []
    for width in range(1024, 1264, 3):
        window.resize(width, 760)
        states = set()
        for _ in range(30):
            QApplication.processEvents()
            states.add((window.view.horizontalScrollBar().isVisible(), window.view.verticalScrollBar().isVisible()))
        toggles.append(len(states))
    assert max(toggles) <= 2


def _hint_ink(window) -> int:
    """How many pixels of the viewport's middle band, away from any node, differ from the empty canvas."""
    view = window.view
    image = view.viewport().grab().toImage()
    background = window.scene.theme.background
    nodes = [view.mapFromScene(item.sceneBoundingRect()).boundingRect() for item in window.scene.nodes.values()]
    middle = image.height() // 2
    ink = 0
    for y in range(middle - 40, middle + 40, 2):
        for x in range(0, image.width(), 2):
            colour = image.pixelColor(x, y)
            if any(rect.contains(x, y) for rect in nodes):
                continue
            if abs(colour.lightness() - background.lightness()) > 60:
                ink += 1
    return ink


def test_the_empty_graph_hint_goes_when_a_node_comes_and_comes_back_when_it_goes(window, qtbot):
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(30)
    assert not window.scene.nodes and _hint_ink(window) > 200  # the hint's lines of text
    window.scene.add_op("input", QPointF(0, 0))
    qtbot.wait(30)
    assert _hint_ink(window) == 0  # all of it repainted, not only around the new node
    window.undo_stack.undo()
    qtbot.wait(30)
    assert _hint_ink(window) > 200


def test_a_fitted_graph_stays_whole_when_its_nodes_grow_while_stepping(window, qtbot, tmp_path):
    """Nodes show their value and bar once stepping starts, so a graph fitted before the first step grows;
    the fitted view fits it again (the tiny CNN's bottom node was cut off at the end of the pass). A column
    of nodes, so that the height is what the fit is bound by."""
    nodes = (
        NodeSpec("a", "parameter", value=[[1.0, 2.0], [3.0, 4.0]]),
        NodeSpec("b", "exp", ("a",)),
        NodeSpec("c", "sum", ("b",)),
    )
    save(
        GraphFile(nodes, "c", layout={"a": (0.0, 0.0), "b": (0.0, 250.0), "c": (0.0, 500.0)}), tmp_path / "column.json"
    )
    window.show()
    qtbot.waitExposed(window)
    assert window.open_path(tmp_path / "column.json")
    window.view.fit()  # F: the whole graph, before any node shows its arrays
    before = window.scene.itemsBoundingRect()
    window.player.seek(len(window.player.run().trace) - 1)
    grown = window.scene.itemsBoundingRect()
    assert grown.height() > before.height()  # the premise: stepping made the nodes taller
    shown = window.view.mapFromScene(grown).boundingRect()
    assert window.view.viewport().rect().adjusted(-1, -1, 1, 1).contains(shown)
    window.view.set_zoom(2.0)  # zoomed by hand: stepping back and forth leaves the student's zoom alone
    window.player.seek(0)
    window.player.seek(len(window.player.run().trace) - 1)
    assert window.view.zoom() == pytest.approx(2.0)


def test_stepping_a_graph_too_big_to_fit_brings_each_steps_node_into_view(window, qtbot):
    """Opened at a legible zoom centred on the cost, the tiny CNN's first nodes are off screen; stepping
    scrolls each step's node into view (the student never steps through nodes they cannot see)."""
    window.resize(900, 700)
    window.show()
    qtbot.waitExposed(window)
    window.open_path(EXAMPLES / "tiny_cnn.json")
    window.view.set_zoom(1.5)  # zoomed in by hand: far from fitting
    window.view.centerOn(window.scene.nodes["loss"])
    trace = window.player.run().trace
    for step in trace.steps[:6]:
        window.player.seek(step.index)
        node = window.scene.nodes[window.player.playback.story.shown_step(step.index).node.id]
        shown = window.view.mapFromScene(node.sceneBoundingRect()).boundingRect()
        assert window.view.viewport().rect().intersects(shown), step.node.id


def _view_window(window, qtbot):
    return active_on(window, qtbot, EXAMPLES / "linear_layer.json")


def test_plus_and_minus_zoom_by_a_fifth_within_the_limits(window, qtbot):
    view = _view_window(window, qtbot)
    view.set_zoom(1.0)
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    assert view.zoom() == pytest.approx(1.2)
    qtbot.keyClick(view, Qt.Key.Key_Minus)
    qtbot.keyClick(view, Qt.Key.Key_Minus)
    assert view.zoom() == pytest.approx(1 / 1.2)
    for _ in range(30):
        qtbot.keyClick(view, Qt.Key.Key_Minus)
    assert view.zoom() == pytest.approx(MIN_ZOOM)
    for _ in range(40):
        qtbot.keyClick(view, Qt.Key.Key_Equal)  # = is + without Shift
    assert view.zoom() == pytest.approx(MAX_ZOOM)


def test_the_wheel_zooms_in_forward_and_out_back(window, qtbot):
    view = _view_window(window, qtbot)
    view.set_zoom(1.0)
    centre = QPointF(view.viewport().rect().center())
    for delta, expected in ((120, 1.0015**120), (-120, 1.0)):
        wheel = QWheelEvent(
            centre,
            view.viewport().mapToGlobal(centre),
            QPoint(0, 0),
            QPoint(0, delta),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(view.viewport(), wheel)
        assert view.zoom() == pytest.approx(expected)


def test_tab_asks_for_quick_add_at_the_centre_and_a_tapped_space_for_play(window, qtbot):
    view = _view_window(window, qtbot)
    with qtbot.waitSignal(view.quick_add_requested) as asked:
        qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert asked.args[0] == view.mapToScene(view.viewport().rect().center())
    with qtbot.waitSignal(view.play_toggle_requested):
        qtbot.keyClick(view, Qt.Key.Key_Space)


def test_space_and_a_drag_pans_without_playing(window, qtbot):
    view = _view_window(window, qtbot)
    view.set_zoom(MAX_ZOOM)  # zoomed in on the middle of the graph: there is room to pan every way
    view.centerOn(window.scene.itemsBoundingRect().center())
    toggles: list[bool] = []
    view.play_toggle_requested.connect(lambda: toggles.append(True))
    qtbot.keyPress(view, Qt.Key.Key_Space)
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=QPoint(200, 200))
    before = view.mapToScene(view.viewport().rect().center())
    qtbot.mouseMove(viewport, pos=QPoint(150, 180))
    qtbot.mouseMove(viewport, pos=QPoint(100, 160))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=QPoint(100, 160))
    qtbot.keyRelease(view, Qt.Key.Key_Space)
    after = view.mapToScene(view.viewport().rect().center())
    # the canvas follows the hand: dragged 100 px left and 40 up, the view shows what was right and below
    assert after.x() - before.x() == pytest.approx(100 / MAX_ZOOM, abs=1)
    assert after.y() - before.y() == pytest.approx(40 / MAX_ZOOM, abs=1)
    assert toggles == []


class _Paints(QObject):
    """Counts the paint events a widget gets."""

    def __init__(self, widget) -> None:
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        self.count += event.type() == QEvent.Type.Paint
        return False


def test_a_zoom_into_or_out_of_boxes_paints_the_canvas_once(window, qtbot):
    """The nodes take a zoom's detail (boxes, their pictures) as the zoom changes: changed while the view
    painted, they asked for a second paint of the whole graph right after the first."""
    from gradviz.gui.canvas.items import boxes_below  # noqa: PLC0415

    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    open_settled(window, qtbot, EXAMPLES / "mlp_cross_entropy.json")
    paints = _Paints(window.view.viewport())
    for zoom, boxes in ((boxes_below() * 0.5, True), (1.0, False), (boxes_below() * 0.3, True)):
        paints.count = 0
        window.view.set_zoom(zoom)
        qtbot.waitUntil(lambda: paints.count > 0, timeout=2000)
        qtbot.wait(100)
        assert paints.count == 1 and {item.boxes for item in window.scene.nodes.values()} == {boxes}
