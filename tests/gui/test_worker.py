"""Work off the GUI thread: a worker gives its result or its error, reports progress at a bounded rate
(always the last report), stops between two steps when cancelled, and the Reaper joins cancelled workers."""

from __future__ import annotations

import threading

import numpy as np
from PySide6.QtWidgets import QStatusBar

from gradviz.engine.build import Builder
from gradviz.engine.tracer import run
from gradviz.gui.worker import JobWorker, Reaper, RunProgress, TraceWorker
from gradviz.model.playback import RunJob


def _finish(qtbot, worker: JobWorker) -> None:
    with qtbot.waitSignal(worker.finished, timeout=10_000):
        worker.start()
    worker.wait()


def test_the_result_of_the_work_is_kept_and_the_last_report_always_arrives(qtbot):
    def count(report) -> int:
        for done in range(1, 1001):
            report(done, 1000)  # a thousand reports in a few milliseconds
        return 42

    worker = JobWorker(count)
    seen: list[tuple[int, int]] = []
    worker.progressed.connect(lambda done, total: seen.append((done, total)))
    _finish(qtbot, worker)
    qtbot.waitUntil(lambda: (1000, 1000) in seen)
    assert worker.result == 42 and worker.error is None
    assert len(seen) < 100  # at most one every REPORT_EVERY_S, not a thousand signals queued


def test_an_error_in_the_work_is_kept_not_raised(qtbot):
    def broken(report) -> None:
        raise np.linalg.LinAlgError("Singular matrix")

    worker = JobWorker(broken)
    _finish(qtbot, worker)
    assert worker.result is None and isinstance(worker.error, np.linalg.LinAlgError)
    assert str(worker.error) == "Singular matrix"


def test_cancel_stops_at_the_next_report_with_neither_result_nor_error(qtbot):
    started, steps = threading.Event(), []

    def endless(report) -> str:
        started.set()
        while True:
            steps.append(1)
            report(len(steps), 0)
            threading.Event().wait(0.001)

    worker = JobWorker(endless)
    worker.start()
    assert started.wait(5)
    with qtbot.waitSignal(worker.finished, timeout=5000):
        worker.cancel()
    worker.wait()
    assert worker.result is None and worker.error is None and steps


def test_a_trace_worker_makes_the_engines_trace(qtbot):
    g = Builder()
    program = g.program(g.op("sum", g.op("square", g.input("x", np.array([1.0, 2.0, 3.0])), id="s"), id="c"))
    worker = TraceWorker(RunJob(lambda: program), program)
    _finish(qtbot, worker)
    assert worker.error is None
    assert worker.trace.value("c") == run(program).value("c") == 14.0  # 1 + 4 + 9


def test_the_reaper_keeps_a_cancelled_worker_until_it_ends_then_lets_it_go(qtbot):
    release = threading.Event()

    def one_long_step(report) -> None:
        release.wait(5)  # a numpy kernel that cannot be interrupted
        report(1, 1)

    worker = JobWorker(one_long_step)
    worker.start()
    reaper = Reaper()
    reaper.add(worker)
    assert reaper and len(reaper) == 1  # still in its step
    release.set()
    qtbot.waitUntil(lambda: not reaper, timeout=5000)
    assert worker.isFinished() and worker.result is None  # cancelled: the partial result is dropped
    reaper.join_all()


def test_the_progress_panel_sits_in_the_status_bar_only_while_work_runs(qtbot):
    bar = QStatusBar()
    qtbot.addWidget(bar)
    bar.show()
    progress = RunProgress(bar, "job", "Job progress")
    assert (progress.objectName(), progress.bar.objectName(), progress.cancel.objectName()) == (
        "jobProgressPanel",
        "jobProgress",
        "jobCancel",
    )
    assert progress.accessibleName() == "Job progress" and progress.cancel.accessibleName()
    progress.show_running(True)
    assert progress.isVisible() and progress.parent() is not None
    assert (progress.bar.minimum(), progress.bar.maximum()) == (0, 0)  # busy until the first report
    progress.show_progress(3, 12)
    assert (progress.bar.maximum(), progress.bar.value()) == (12, 3)
    progress.describe("Training", "training: %v of %m", "Cancel the training", "Stop training")
    assert progress.bar.text() == "training: 3 of 12" and progress.cancel.toolTip() == "Stop training"
    progress.show_running(False)
    assert not progress.isVisible()
