"""The window opened from a script or a notebook on a graph held in memory (``Graph.show()``)."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from gradviz.gui.app import state_folder
from gradviz.gui.main_window import MainWindow
from gradviz.gui.qt_application import application
from gradviz.gui.recovery import Recovery
from gradviz.io.graph_file import GraphFile


def show_graph(
    graph: GraphFile, settings: QSettings | None = None, recovery: Recovery | None = None
) -> MainWindow | None:
    """Open the window on ``graph``, untitled and unsaved.

    With no QApplication yet, this makes one and blocks until the window closes (as a script wants);
    under a running event loop (a notebook's ``%gui qt``, a test) it returns the window at once.
    """
    existing = QApplication.instance()
    app = existing or application(["gradviz"])
    window = MainWindow(settings or QSettings("gradviz", "gradviz"), recovery or Recovery(state_folder()))
    window.show()
    window.load_graph(graph, None)
    if existing is None:
        app.exec()
        return None
    return window
