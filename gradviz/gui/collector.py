"""Python's cyclic garbage collector, run on the GUI thread only, and held off while a big graph opens.

Left automatic, the collector runs in whichever thread allocates past its threshold: a worker tracing a
graph, training, opening a file, or typesetting a rule. It then frees the Qt objects that sit in garbage
reference cycles (the wrappers of a closed window's parts) from that thread, while the GUI thread is using
Qt: the suite segfaulted with a worker laying out a file and the GUI thread in its event loop. So while the
window runs, automatic collection is off and the GUI thread collects on a timer, generation by generation
as the automatic collector would. This is what pyqtgraph's ``GarbageCollector`` does; it is not imported
for it because importing pyqtgraph is most of the window's start-up (it loads when a heatmap is first shown).

Opening a 10,000-node file makes about a million long-lived objects, and each full collection meanwhile
walked all of them (0.2-0.6 s each, several per open): ``hold`` defers collections while a graph opens,
``release_later`` lets them resume a moment after it is shown (its first pass is then a stall of its own,
not added to the swap's).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 1000  # how often the GUI thread looks whether a collection is due (pyqtgraph's default too)
RESUME_AFTER_MS = 1000  # after an opened graph is shown: the window has painted it by then


class GuiThreadCollector(QObject):
    """Collects garbage on the GUI thread's timer; automatic collection stays off while it exists."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName("guiThreadCollector")
        self.holders = 0
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> None:
        """Collect the generations past their thresholds, youngest first, unless a graph is opening."""
        if self.holders:
            return
        young, middle, old = gc.get_count()
        first, second, third = gc.get_threshold()
        if young > first:
            gc.collect(0)
            if middle > second:
                gc.collect(1)
                if old > third:
                    gc.collect(2)

    def hold(self) -> None:
        """No collection until the matching ``release``."""
        self.holders += 1

    def release(self) -> None:
        self.holders = max(0, self.holders - 1)

    def release_later(self) -> None:
        QTimer.singleShot(RESUME_AFTER_MS, self, self.release)


def collector() -> GuiThreadCollector:
    """The application's collector, made (and automatic collection turned off) on first use."""
    app = QCoreApplication.instance()
    assert app is not None, "the collector belongs to a running Qt application"
    found = app.findChild(GuiThreadCollector, "guiThreadCollector")
    return found if found is not None else GuiThreadCollector(app)
