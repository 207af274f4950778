"""The process's QApplication, made under the settings the window is measured with.

Qt's raster engine hands every fill of more than 96 scan lines to a thread pool of its own and waits for
it (qdrawhelper.cpp, QT_THREAD_PARALLEL_FILLS). For what the canvas draws (node boxes, wires, heatmaps,
each a few hundred pixels tall) the hand-off and the wake-ups cost more than the fill: on the 2-core
machine the benchmarks run on, playing 500 nodes at 60 steps/s took 21-26 ms of CPU per shown step with
the pool and 13-16 without; a zoom repaint at the legible zoom took 78 ms of wall time with it, 60
without (benchmarks/gui_bench.py). QT_NO_GUI_THREADPOOL is Qt's switch that keeps fills on the painting
thread. Qt reads it once, when the pool is first wanted, so it is set before the application exists.

Nodes keep their pictures in Qt's pixmap cache (QGraphicsItem.DeviceCoordinateCache), 10 MB by default:
at the legible zoom that is some 80 nodes with their heatmaps, fewer than a 1920×1080 canvas shows twice
over. A view following the step brought each column of nodes back into view with its picture gone, and
painted it again in Python: 12 node paints a step playing the 500-node benchmark graph, 2.7 with the cache
at PIXMAP_CACHE_KB (32 MB still left 10.6). The cache only grows as pictures are made: a small graph
costs nothing more.
"""

from __future__ import annotations

import os

from PySide6.QtGui import QPixmapCache
from PySide6.QtWidgets import QApplication

SERIAL_FILLS = "QT_NO_GUI_THREADPOOL"
PIXMAP_CACHE_KB = 64 * 1024


def serial_fills() -> None:
    """Keep Qt's fills on the painting thread (see the module docstring), unless the user chose otherwise."""
    os.environ.setdefault(SERIAL_FILLS, "1")


def application(argv: list[str]) -> QApplication:
    """The running QApplication, or a new one made with serial fills and room for the nodes' pictures."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    serial_fills()
    app = QApplication(argv)
    QPixmapCache.setCacheLimit(PIXMAP_CACHE_KB)
    return app
