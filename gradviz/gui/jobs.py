"""The window's long work besides runs (training, the gradient check): one job at a time, off the GUI
thread when it is long, with a progress bar and Cancel.

A job is a pure engine function of a compiled program and a progress report. Its estimated cost decides
where it runs: short work runs here and now (a small example feels instant, and its result is there when
the click returns), long work in a JobWorker while the window keeps answering. Either way the result goes
to ``done`` and an error to ``failed``, so the caller has one path for both. A cancelled job calls
neither: it changes nothing. An edit to the graph cancels the job, since its result would describe a
graph that no longer exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QStatusBar

from gradviz.engine.tracer import Report
from gradviz.gui.worker import JobWorker, Reaper, RunProgress
from gradviz.model.document import Change, GraphDocument, NodesMoved
from gradviz.model.playback import RunError, is_long


@dataclass(frozen=True)
class Job:
    """One piece of long work: ``work(report)`` computes (on any thread); ``done(result)`` or
    ``failed(error)`` follows on the GUI thread. ``name`` ("Training") starts the messages; ``text`` is
    the progress bar's (QProgressBar's %v of %m); ``cost`` is the estimate (bytes, flops)."""

    name: str
    text: str
    work: Callable[[Report | None], Any]
    cost: tuple[int, int]
    done: Callable[[Any], None]
    failed: Callable[[BaseException], None]


class Jobs(QObject):
    """Runs one Job at a time for a window. ``started(job)`` and ``running(bool)`` around background work,
    ``progressed(done, total)`` during it; ``message(str)`` for the status bar."""

    started = Signal(object)
    running = Signal(bool)
    progressed = Signal(int, int)
    message = Signal(str)

    def __init__(self, document: GraphDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job: Job | None = None
        self._worker: JobWorker | None = None
        self._stopping = Reaper(self)  # cancelled workers finishing their current step
        document.subscribe(self._graph_changed)

    @property
    def busy(self) -> bool:
        """True while a job runs in the background."""
        return self._worker is not None

    @property
    def current(self) -> Job | None:
        return self._job if self._worker is not None else None

    def free(self) -> bool:
        """True if no job is running; else False and a message: one at a time, the user cancels or waits."""
        if self._job is not None:
            self.message.emit(f"{self._job.name} is still running: wait for it, or press Cancel beside its bar")
            return False
        return True

    def start(self, job: Job) -> bool:
        """Run ``job``: here and now if it is short, else in the background. False if another job is
        still running (see ``free``)."""
        if not self.free():
            return False
        if not is_long(*job.cost):
            self._run_here(job)
            return True
        self._job = job
        self._worker = JobWorker(job.work)
        self._worker.progressed.connect(self.progressed)
        self._worker.finished.connect(self._finished)
        self.started.emit(job)
        self.running.emit(True)
        self._worker.start()
        return True

    def _run_here(self, job: Job) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result = job.work(None)
        except Exception as error:  # shown in the window as one line, never a traceback
            QApplication.restoreOverrideCursor()
            job.failed(error)
            return
        QApplication.restoreOverrideCursor()
        job.done(result)

    def _finished(self) -> None:
        if self._worker is None or self.sender() is not self._worker:
            return  # a cancelled worker's signal, already queued when it was cancelled
        worker, job = self._worker, self._job
        self._worker = self._job = None
        worker.wait()
        self.running.emit(False)
        if job is None:
            return
        if worker.error is not None:
            job.failed(worker.error)
        else:
            job.done(worker.result)

    def cancel_pressed(self) -> None:
        """The Cancel button beside the bar."""
        self.cancel()

    def cancel(self, reason: str = "") -> bool:
        """Stop the background job (it ends after its current step, and is joined then); its result is
        dropped, so nothing changes. ``reason`` goes in the message. False if no job was running."""
        worker, job = self._worker, self._job
        if worker is None or job is None:
            return False
        self._worker = self._job = None
        worker.finished.disconnect(self._finished)
        self._stopping.add(worker)
        self.running.emit(False)
        self.message.emit(f"{job.name} cancelled{': ' + reason if reason else ''}; nothing changed")
        return True

    def _graph_changed(self, change: Change) -> None:
        if not isinstance(change, NodesMoved):
            self.cancel("the graph changed")

    def shutdown(self) -> None:
        """The window closes: stop the job and join every worker thread, so none outlives the window."""
        if self._worker is not None:
            self.cancel()
        self._stopping.join_all()


class JobProgress(RunProgress):
    """The bar and Cancel button of a window's ``jobs``, saying which job runs."""

    def __init__(self, jobs: Jobs, status_bar: QStatusBar) -> None:
        super().__init__(status_bar, "job", "Training or gradient check progress")
        self.describe("Training or checking gradients", "%v of %m", "Cancel", "Stop: nothing changes")
        jobs.started.connect(self.show_job)
        jobs.running.connect(self.show_running)
        jobs.progressed.connect(self.show_progress)
        self.cancel.clicked.connect(jobs.cancel_pressed)

    def show_job(self, job: Job) -> None:
        what = job.name.lower()
        tip = f"Stop the {what}: the graph and its history stay as they are"
        self.describe(f"{job.name} in progress", job.text, f"Cancel the {what}", tip)


def one_line(error: BaseException, document: GraphDocument) -> str:
    """What a job raised, for the status bar: the engine's own words (a singular matrix, a trace too big),
    after the label of the node it happened at."""
    node_id, message = RunError.of(error)
    if node_id is None:
        return message
    spec = document.nodes.get(node_id)
    return f"{(spec.label if spec is not None else '') or node_id}: {message}"
