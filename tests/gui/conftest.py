"""A main window with its own settings file and state folder, so tests never touch the user's."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from gradviz.gui.main_window import MainWindow
from gradviz.gui.qt_application import serial_fills
from gradviz.gui.recovery import Recovery

serial_fills()  # before pytest-qt makes the application: the tests paint as the window does


@pytest.fixture(autouse=True)
def _application_look(qapp):
    """Each test starts with the application's style and palette as the desktop gives them: a window put in
    dark mode colours the whole application, and the next test (one about the palette above all) must not
    start from it."""
    style, palette, ours = qapp.style().name(), qapp.palette(), qapp.property("gradvizPalette")
    yield
    if qapp.style().name() != style:
        QApplication.setStyle(style)
    qapp.setPalette(palette)
    qapp.setProperty("gradvizPalette", ours)


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
