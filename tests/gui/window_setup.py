"""How tests bring a window up with a graph: opened and settled, active with the canvas focused (keys
and shortcuts go to the active window), or scrolled by its scroll bars."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from gradviz.engine.program import NodeSpec
from gradviz.gui.canvas.items import NodeItem
from gradviz.gui.canvas.view import GraphView
from gradviz.gui.main_window import MainWindow
from gradviz.io.graph_file import GraphFile
from gradviz.io.paths import EXAMPLES


def open_settled(window: MainWindow, qtbot: QtBot, path: Path) -> None:
    """Open ``path`` and wait until the window has placed it: the view's fit to the opened graph runs from
    a timer, and a test that zooms or scrolls before it fires has its view moved away under it."""
    window.open_path(path)
    qtbot.waitUntil(lambda: not window._fit_soon.isActive(), timeout=3000)
    qtbot.wait(30)


def active(window: MainWindow, qtbot: QtBot) -> GraphView:
    """Show the window, make it active (offscreen, nothing activates it for us) and focus the canvas."""
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.view.setFocus()
    return window.view


def active_on(window: MainWindow, qtbot: QtBot, path: Path) -> GraphView:
    """The window shown, ``path`` opened in it, then active with the canvas focused."""
    window.show()
    qtbot.waitExposed(window)
    window.open_path(path)
    return active(window, qtbot)


def active_with(window: MainWindow, qtbot: QtBot, nodes: tuple[NodeSpec, ...], where: str) -> MainWindow:
    """``nodes`` (the cost c) loaded as the graph of ``where``, then the window active with the canvas focused."""
    window.load_graph(window.prepare_graph(GraphFile(nodes, "c"), where), None)
    active(window, qtbot)
    return window


def scrolled_by_its_bars(window: MainWindow, qtbot: QtBot) -> GraphView:
    """The window on Giles' example at a zoom where the graph overflows the view, scrolled six times by its
    scroll bar with a repaint after each (as following the step scrolls it): each strip scrolled into view
    is painted from tiles, and Qt's record of where it last drew each item is out of date for the items
    those repaints did not draw."""
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    open_settled(window, qtbot, EXAMPLES / "giles_matrix_results.json")
    view = window.view
    view.set_zoom(1.4)
    view.centerOn(window.scene.itemsBoundingRect().topLeft())
    qtbot.wait(20)
    for _ in range(6):
        view.horizontalScrollBar().setValue(view.horizontalScrollBar().value() + 90)
        qtbot.wait(20)
    return view


def nodes_in_view(window: MainWindow) -> list[NodeItem]:
    """The nodes the canvas shows, whole or in part."""
    shown = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    return [item for item in window.scene.nodes.values() if shown.intersects(item.sceneBoundingRect())]
