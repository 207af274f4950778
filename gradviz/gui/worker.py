"""Long work off the GUI thread: a QThread that does one task (a trace, opening a file), reporting
progress, and can be cancelled.

A 3000×3000 matmul graph takes tens of seconds to trace; on the GUI thread the window would freeze for
all of it. numpy releases the GIL inside its kernels, so the event loop keeps turning while the worker
computes. Cancelling is cooperative: the tracer reports after every step (opening a file, after each stage),
and the report raises once an interruption is requested, so a cancelled run stops between two steps
and its partial trace is dropped. ``RunProgress`` is the bar and the Cancel button the window shows meanwhile.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import cast

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QSizePolicy, QStatusBar, QWidget

from gradviz.engine.program import Program
from gradviz.engine.walkable import Walkable
from gradviz.model.playback import RunJob

REPORT_EVERY_S = 0.05  # progress signals at most 20 times a second: a 10,000-step run would flood the queue


class Cancelled(Exception):  # noqa: N818 - a signal to unwind the tracer, not an error
    """Raised inside the worker's tracer when Cancel was pressed (never leaves the worker)."""


Report = Callable[[int, int], None]


class TaskWorker(QThread):
    """Runs ``task(report)`` once; afterwards ``result`` or ``error`` holds the outcome (both None when
    cancelled). The task calls ``report(done, total)`` as it goes, which raises Cancelled once Cancel
    was pressed; ``progressed(done, total)`` reaches the GUI thread meanwhile; QThread's ``finished`` at
    the end."""

    progressed = Signal(int, int)

    def __init__(self, task: Callable[[Report], object]) -> None:
        super().__init__()
        self.task = task
        self.result: object | None = None
        self.error: BaseException | None = None
        self._last_report = 0.0

    def run(self) -> None:
        try:
            self.result = self.task(self._report)
        except Cancelled:
            pass
        except Exception as error:  # whatever the task raises is the caller's to show, never lost
            self.error = error

    def _report(self, done: int, total: int) -> None:
        if self.isInterruptionRequested():
            raise Cancelled
        now = time.monotonic()
        if now - self._last_report >= REPORT_EVERY_S or done == total:
            self._last_report = now
            self.progressed.emit(done, total)

    def cancel(self) -> None:
        """Stop at the task's next report; ``wait()`` then returns once it got there."""
        self.requestInterruption()


class TraceWorker(TaskWorker):
    """Runs ``job`` on ``program`` once: a trace, or the error the run raised (shown on the node)."""

    def __init__(self, job: RunJob, program: Program) -> None:
        super().__init__(lambda report: job.trace(program, report))
        self.job, self.program = job, program

    @property
    def trace(self) -> Walkable | None:
        return cast("Walkable | None", self.result)  # the task is job.trace, which makes one


class RunProgress(QWidget):
    """A progress bar and a Cancel button, shown at the right of ``status_bar`` while a run is in the
    background (and taken out after: even hidden, a permanent widget would make the status bar taller).
    ``name`` and the texts say which work it follows (a run of the graph, a file opening)."""

    def __init__(
        self,
        status_bar: QStatusBar,
        *,
        name: str = "run",
        doing: str = "running the graph",
        accessible: str = "Running the graph",
        cancel_tip: str = "Stop running the graph (the timeline stays before the first step)",
        cancel_accessible: str = "Cancel the run",
    ) -> None:
        super().__init__()
        self.status_bar = status_bar
        self.setObjectName(f"{name}ProgressPanel")
        self.setAccessibleName(f"{accessible} progress" if name != "run" else "Run progress")
        self.bar = QProgressBar()
        self.bar.setObjectName(f"{name}Progress")
        self.bar.setAccessibleName(accessible)
        self.bar.setFormat(f"{doing}: %p%")
        self.bar.setFixedWidth(260)
        self.cancel = QPushButton("Cancel")
        self.cancel.setObjectName(f"{name}Cancel")
        self.cancel.setAccessibleName(cancel_accessible)
        self.cancel.setToolTip(cancel_tip)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.bar)
        row.addWidget(self.cancel)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # its own size, at the right
        self.hide()

    def say(self, doing: str, cancel_tip: str) -> None:
        """What the bar says the work is, and what Cancel does (one bar may follow several kinds of work)."""
        self.bar.setFormat(f"{doing}: %p%")
        self.cancel.setToolTip(cancel_tip)

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
