"""The application is made with Qt's fills kept on the painting thread (gradviz/gui/qt_application.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gradviz.gui.qt_application import PIXMAP_CACHE_KB, SERIAL_FILLS, serial_fills

# Blends a fill tall enough for Qt to hand to its thread pool (over 96 scan lines), then prints the
# names of the process's threads: Qt's pool threads are called "Thread (pooled)".
PAINT_AND_LIST_THREADS = """
import sys
from pathlib import Path
from PySide6.QtGui import QColor, QImage, QPainter, QPixmapCache
from PySide6.QtWidgets import QApplication
if sys.argv[1] == "gradviz":
    from gradviz.gui.qt_application import application
    app = application([])
else:
    app = QApplication([])
image = QImage(800, 800, QImage.Format.Format_ARGB32_Premultiplied)
painter = QPainter(image)
painter.fillRect(0, 0, 700, 700, QColor(20, 90, 120, 128))  # translucent: blended span by span
painter.end()
print("|".join(path.read_text().strip() for path in Path("/proc/self/task").glob("*/comm")))
print(QPixmapCache.cacheLimit())
"""


def painted(maker: str) -> tuple[list[str], int]:
    """The names of the threads of a new process that painted in an application made by ``maker``, and
    its pixmap cache's limit in KB."""
    environment = {key: value for key, value in os.environ.items() if key != SERIAL_FILLS}
    environment["QT_QPA_PLATFORM"] = "offscreen"
    done = subprocess.run(
        [sys.executable, "-c", PAINT_AND_LIST_THREADS, maker],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    names, limit = done.stdout.strip().splitlines()[-2:]
    return names.split("|"), int(limit)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads thread names from Linux's /proc")
def test_the_application_paints_without_qts_fill_threads_and_keeps_more_pictures() -> None:
    bare_threads, bare_limit = painted("bare PySide6")
    threads, limit = painted("gradviz")
    assert "Thread (pooled)" in bare_threads, "the check must see Qt's pool when it is used"
    assert "Thread (pooled)" not in threads
    assert limit == PIXMAP_CACHE_KB > bare_limit


def test_a_choice_made_before_start_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SERIAL_FILLS, "")  # set, even empty: Qt reads it as set, and so does gradviz
    serial_fills()
    assert os.environ[SERIAL_FILLS] == ""
    monkeypatch.delenv(SERIAL_FILLS)
    serial_fills()
    assert os.environ[SERIAL_FILLS] == "1"
