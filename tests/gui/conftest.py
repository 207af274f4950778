"""A main window with its own settings file and state folder, so tests never touch the user's."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from gradviz.gui.main_window import MainWindow
from gradviz.gui.qt_application import serial_fills
from gradviz.gui.recovery import Recovery

serial_fills()  # before pytest-qt makes the application: the tests paint as the window does


@pytest.fixture
def make_window(qtbot, tmp_path):
    def make(dark: bool = False) -> MainWindow:
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings, Recovery(tmp_path / "state"), dark=dark)
        # a test may end with unsaved work; closing would then (rightly) ask, and nobody would answer
        qtbot.addWidget(window, before_close_func=lambda w: w.undo_stack.setClean())
        return window

    return make


@pytest.fixture
def window(make_window):
    return make_window()
