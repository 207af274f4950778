"""Long work off the GUI thread: a QThread that runs one pure function (a trace, a training, a gradient
check, opening a file), reporting progress, and can be cancelled.

A 3000×3000 matmul graph takes tens of seconds to trace, and training or checking the gradients of a big
graph as long; on the GUI thread the window would freeze for all of it. numpy releases the GIL inside its
kernels, so the event loop keeps turning while the worker computes. Cancelling is cooperative: the engine
reports after every step, and the report raises once an interruption is requested, so cancelled work
stops between two steps and its partial result is dropped. ``RunProgress`` is the bar and the Cancel
button the window shows meanwhile; ``Reaper`` joins cancelled workers once their current step is done.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import cast

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QSizePolicy, QStatusBar, QWidget

from gradviz.engine.program import Program
from gradviz.engine.tracer import Report
from gradviz.engine.walkable import Walkable
from gradviz.model.playback import RunJob

# What the run's bar and Cancel say: (what it does, the bar's text, Cancel's name, Cancel's tip)
RUNNING = (
    "Running the graph",
    "running the graph: %p%",
    "Cancel the run",
    "Stop running the graph (the timeline stays before the first step)",
)
REPORT_EVERY_S = 0.05  # progress signals at most 20 times a second: a 10,000-step run would flood the queue


class Cancelled(Exception):  # noqa: N818 - a signal to unwind the engine, not an error
    """Raised inside the worker's report when Cancel was pressed (never leaves the worker)."""


class JobWorker(QThread):
    """Runs ``work(report)`` once, a pure function (no Qt, nothing shared it writes); afterwards ``result``
    or ``error`` holds the outcome (both None when cancelled). ``progressed(done, total)`` while it runs,
    at most every REPORT_EVERY_S; QThread's ``finished`` at the end."""

    progressed = Signal(int, int)

    def __init__(self, work: Callable[[Report], object]) -> None:
        super().__init__()
        self.work = work
        self.result: object | None = None
        self.error: BaseException | None = None
        self._last_report = 0.0

    def run(self) -> None:
        try:
            self.result = self.work(self._report)
        except Cancelled:
            pass
        except Exception as error:  # whatever the work raises is shown in the window, never lost
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


class TraceWorker(JobWorker):
    """Makes the trace of ``program`` as ``job`` says; ``trace`` is the result."""

    def __init__(self, job: RunJob, program: Program) -> None:
        super().__init__(functools.partial(job.trace, program))
        self.job, self.program = job, program

    @property
    def trace(self) -> Walkable | None:
        return cast("Walkable | None", self.result)  # the work is job.trace, which makes one


class Reaper(QObject):
    """Cancelled workers finishing their current step. numpy cannot be interrupted mid-kernel (a 3000²
    matmul takes seconds), so rather than wait for a worker on the GUI thread it is kept here until it has
    finished, then joined; ``join_all`` waits for the rest when the window closes (Qt aborts on a QThread
    destroyed while running)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._workers: set[JobWorker] = set()

    def __bool__(self) -> bool:
        return bool(self._workers)

    def __len__(self) -> int:
        return len(self._workers)

    def add(self, worker: JobWorker) -> None:
        """Cancel ``worker`` and join it once it ends."""
        worker.cancel()
        self._workers.add(worker)
        worker.finished.connect(self._reap)
        self._reap()  # it may have ended already, its finished signal gone elsewhere

    def _reap(self) -> None:
        for worker in [worker for worker in self._workers if worker.isFinished()]:
            worker.wait()  # returns at once: the thread has ended; only now may the QThread go
            self._workers.discard(worker)

    def join_all(self) -> None:
        for worker in list(self._workers):
            worker.wait()
        self._workers.clear()


class RunProgress(QWidget):
    """A progress bar and a Cancel button, shown at the right of ``status_bar`` while work is in the
    background (and taken out after: even hidden, a permanent widget would make the status bar taller).
    ``name`` prefixes the object names (runProgress, runCancel); ``describe`` says what is running."""

    def __init__(self, status_bar: QStatusBar, name: str = "run", title: str = "Run progress") -> None:
        super().__init__()
        self.status_bar = status_bar
        self.setObjectName(f"{name}ProgressPanel")
        self.setAccessibleName(title)
        self.bar = QProgressBar()
        self.bar.setObjectName(f"{name}Progress")
        self.bar.setFixedWidth(260)
        self.cancel = QPushButton("Cancel")
        self.cancel.setObjectName(f"{name}Cancel")
        self.describe(*RUNNING)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.bar)
        row.addWidget(self.cancel)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # its own size, at the right
        self.hide()

    def describe(self, doing: str, text: str, cancel: str, tip: str) -> None:
        """What the bar says it is doing (``text`` may use QProgressBar's %v, %m, %p) and what Cancel does."""
        self.bar.setAccessibleName(doing)
        self.bar.setFormat(text)
        self.cancel.setAccessibleName(cancel)
        self.cancel.setToolTip(tip)

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
