"""A main window with its own settings file and state folder, so tests never touch the user's."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from gradviz.gui.main_window import MainWindow
from gradviz.gui.recovery import Recovery


@pytest.fixture
def make_window(qtbot, tmp_path):
    def make(dark: bool = False) -> MainWindow:
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings, Recovery(tmp_path / "state"), dark=dark)
        qtbot.addWidget(window)
        return window
    return make


@pytest.fixture
def window(make_window):
    return make_window()
