"""Long runs off the GUI thread: a QThread that makes one trace, reporting progress, and can be cancelled.

A 3000×3000 matmul graph takes tens of seconds to trace; on the GUI thread the window would freeze for
all of it. numpy releases the GIL inside its kernels, so the event loop keeps turning while the worker
computes. Cancelling is cooperative: the tracer reports after every step, and the report raises once
an interruption is requested, so a cancelled run stops between two steps and its partial trace is
dropped. ``RunProgress`` is the bar and the Cancel button the window shows meanwhile.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QSizePolicy, QStatusBar, QWidget

from gradviz.engine.program import Program
from gradviz.engine.walkable import Walkable
from gradviz.model.playback import RunJob

REPORT_EVERY_S = 0.05  # progress signals at most 20 times a second: a 10,000-step run would flood the queue


class Cancelled(Exception):  # noqa: N818 - a signal to unwind the tracer, not an error
    """Raised inside the worker's tracer when Cancel was pressed (never leaves the worker)."""


class TraceWorker(QThread):
    """Runs ``job`` on ``program`` once; afterwards ``trace`` or ``error`` holds the outcome (both None
    when cancelled). ``progressed(done, total)`` while it runs; QThread's ``finished`` at the end."""

    progressed = Signal(int, int)

    def __init__(self, job: RunJob, program: Program) -> None:
        super().__init__()
        self.job, self.program = job, program
        self.trace: Walkable | None = None
        self.error: BaseException | None = None
        self._last_report = 0.0

    def run(self) -> None:
        try:
            self.trace = self.job.trace(self.program, self._report)
        except Cancelled:
            pass
        except Exception as error:  # whatever the run raises is shown on the node, never lost
            self.error = error

    def _report(self, done: int, total: int) -> None:
        if self.isInterruptionRequested():
            raise Cancelled
        now = time.monotonic()
        if now - self._last_report >= REPORT_EVERY_S or done == total:
            self._last_report = now
            self.progressed.emit(done, total)

    def cancel(self) -> None:
        """Stop at the next step; ``wait()`` then returns once the current step is done."""
        self.requestInterruption()


class RunProgress(QWidget):
    """A progress bar and a Cancel button, shown at the right of ``status_bar`` while a run is in the
    background (and taken out after: even hidden, a permanent widget would make the status bar taller)."""

    def __init__(self, status_bar: QStatusBar) -> None:
        super().__init__()
        self.status_bar = status_bar
        self.setObjectName("runProgressPanel")
        self.setAccessibleName("Run progress")
        self.bar = QProgressBar()
        self.bar.setObjectName("runProgress")
        self.bar.setAccessibleName("Running the graph")
        self.bar.setFormat("running the graph: %p%")
        self.bar.setFixedWidth(260)
        self.cancel = QPushButton("Cancel")
        self.cancel.setObjectName("runCancel")
        self.cancel.setAccessibleName("Cancel the run")
        self.cancel.setToolTip("Stop running the graph (the timeline stays before the first step)")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.bar)
        row.addWidget(self.cancel)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # its own size, at the right
        self.hide()

    def show_running(self, running: bool) -> None:
        self.bar.setRange(0, 0)  # busy until the first report says how much there is
        if running:
            self.status_bar.addPermanentWidget(self)
            self.show()
        else:
            self.status_bar.removeWidget(self)  # hides it

    def show_progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
