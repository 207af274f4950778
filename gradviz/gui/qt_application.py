"""The process's QApplication, made under the settings the window is measured with.

Qt's raster engine hands every fill of more than 96 scan lines to a thread pool of its own and waits for
it (qdrawhelper.cpp, QT_THREAD_PARALLEL_FILLS). For what the canvas draws (node boxes, wires, heatmaps,
each a few hundred pixels tall) the hand-off and the wake-ups cost more than the fill: on the 2-core
machine the benchmarks run on, playing 500 nodes at 60 steps/s took 21-26 ms of CPU per shown step with
the pool and 13-16 without; a zoom repaint at the legible zoom took 78 ms of wall time with it, 60
without (benchmarks/gui_bench.py). QT_NO_GUI_THREADPOOL is Qt's switch that keeps fills on the painting
thread. Qt reads it once, when the pool is first wanted, so it is set before the application exists.
"""

from __future__ import annotations

import os

from PySide6.QtWidgets import QApplication

SERIAL_FILLS = "QT_NO_GUI_THREADPOOL"


def serial_fills() -> None:
    """Keep Qt's fills on the painting thread (see the module docstring), unless the user chose otherwise."""
    os.environ.setdefault(SERIAL_FILLS, "1")


def application(argv: list[str]) -> QApplication:
    """The running QApplication, or a new one made with serial fills."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    serial_fills()
    return QApplication(argv)
