"""Starting the window: `python main.py [FILE]` or `gradviz [FILE]`."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtGui import QIcon

from gradviz.gui.main_window import MainWindow
from gradviz.gui.qt_application import application
from gradviz.gui.recovery import Recovery
from gradviz.io.paths import DEFAULT_EXAMPLE, ICON


def state_folder() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))


def start(path: str | None, settings: QSettings, recovery: Recovery) -> MainWindow:
    """The window, shown: after a crash it offers the lost work first, else it starts opening ``path``
    (or the default example). A file it cannot open is a dialog over an empty window, never an exit."""
    window = MainWindow(settings, recovery)
    window.show()
    first = path or DEFAULT_EXAMPLE
    if not window.files.offer_recovery(background=True, otherwise=first):
        window.files.open_file(first)  # in the background: the window answers meanwhile
    return window


def run(path: str | None = None) -> int:
    """Run the window until it is closed; the exit status is the event loop's (0)."""
    app = application(sys.argv[:1])
    app.setApplicationName("gradviz")
    app.setOrganizationName("gradviz")
    app.setWindowIcon(QIcon(str(ICON)))
    app.setDesktopFileName("gradviz")  # Wayland and the task bar match the window to gradviz.desktop
    window = start(path, QSettings(), Recovery(state_folder() / "recovery"))  # noqa: F841 - kept alive
    return app.exec()
