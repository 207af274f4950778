"""Starting the window: `python main.py [FILE]` or `gradviz [FILE]`."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from gradviz.gui.main_window import MainWindow
from gradviz.gui.recovery import Recovery
from gradviz.io.paths import DEFAULT_EXAMPLE, ICON


def state_folder() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))


def run(path: str | None = None) -> int:
    """Open the window on ``path``, or on the default example; after a crash, offer recovery first."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("gradviz")
    app.setOrganizationName("gradviz")
    app.setWindowIcon(QIcon(str(ICON)))
    app.setDesktopFileName("gradviz")  # Wayland and the task bar match the window to gradviz.desktop
    window = MainWindow(QSettings(), Recovery(state_folder()))
    window.show()
    if not window.offer_recovery():
        window.open_path(path or DEFAULT_EXAMPLE)
    return app.exec()
