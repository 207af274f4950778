"""Training and the gradient check of a big graph go off the GUI thread: the window keeps answering (a 20 ms
clock keeps ticking), a bar shows the progress and Cancel stops the job leaving the document and its
history as they were; the result is the engine's own for the same inputs; an edit cancels the job, and a
window closed mid-job stops and joins its thread (any Qt warning, "QThread: Destroyed while thread is still
running" included, fails these tests). Small graphs stay instant: tests/gui/test_stepping.py."""

from __future__ import annotations

import dataclasses
import itertools
import time

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QProgressBar, QPushButton, QTabBar, QWidget

from gradviz.engine import budget
from gradviz.engine.gradcheck import gradcheck
from gradviz.engine.program import NodeSpec
from gradviz.engine.training import train
from gradviz.gui.commands import ReplaceNode
from gradviz.model.playback import is_long
from tests.gui.long_graphs import matmul_chain, outer_product
from tests.gui.window_setup import active_with

CTRL = Qt.KeyboardModifier.ControlModifier
LEFT = Qt.MouseButton.LeftButton


CHAIN = (200, 6)  # a run of about 0.3 GFlop: training it is long


def opened(window, qtbot, nodes: tuple[NodeSpec, ...]):
    return active_with(window, qtbot, nodes, "big")


def raise_training(window) -> None:
    """Bring the Training tab forward, as a user clicks it."""
    for bar in window.findChildren(QTabBar):
        for index in range(bar.count()):
            if bar.tabText(index) == "Training" and bar.isVisible():
                QTest.mouseClick(bar, LEFT, Qt.KeyboardModifier.NoModifier, bar.tabRect(index).center())
    assert window.training.train_button.isVisible()


def click_train(window, iterations: int, rate: float = 1e-3) -> None:
    raise_training(window)
    window.training.rate.setValue(rate)
    window.training.count.setValue(iterations)
    QTest.mouseClick(window.training.train_button, LEFT)


def press_check(window) -> None:
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_G, CTRL)  # Steps ▸ Check Gradients…


class Clock:
    """A 20 ms QTimer, as an animation would run: the ticks it got while a job ran, and the longest wait."""

    def __init__(self) -> None:
        self.ticks: list[float] = []
        self.timer = QTimer(interval=20, timeout=lambda: self.ticks.append(time.monotonic()))
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    @property
    def longest_gap(self) -> float:
        return max(b - a for a, b in itertools.pairwise(self.ticks))


def progress(window) -> tuple[QProgressBar, QPushButton]:
    return window.findChild(QProgressBar, "jobProgress"), window.findChild(QPushButton, "jobCancel")


def dialogs(window) -> list[QWidget]:
    return [dialog for dialog in window.findChildren(QWidget, "gradCheckDialog") if dialog.isVisible()]


ITERATIONS, RATE = 3, 1e-3
LONG_CHAIN = (800, 12)  # about 3 s of training here: long enough that a stall of the window would show


def test_a_long_training_keeps_the_window_answering_and_gives_the_engines_records(window, qtbot):
    window = opened(window, qtbot, matmul_chain(*LONG_CHAIN))
    program = window.document.program()
    assert is_long(*budget.training(program, ITERATIONS))
    clock = Clock()
    reports: list[tuple[int, int]] = []
    window.jobs.progressed.connect(lambda done, total: reports.append((done, total)))
    started = time.monotonic()
    click_train(window, ITERATIONS, RATE)
    assert window.jobs.busy and window.training.records == ()  # the click returned at once
    bar, cancel = progress(window)
    assert bar.isVisible() and cancel.isVisible() and "training" in bar.format()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=120_000)
    # runs done of ITERATIONS + 1, as the bar showed them (read from the signal: the bar resets when the job
    # ends, and a quick run may end before a poll sees it)
    runs = ITERATIONS + 1
    assert reports and {total for _, total in reports} == {runs} and all(0 <= done <= runs for done, _ in reports)
    assert len({done for done, _ in reports}) > 1  # the bar moved as runs were done
    took = time.monotonic() - started
    clock.stop()
    assert len(clock.ticks) >= 3 and clock.longest_gap < took / 2  # the event loop never waited for the job
    assert not bar.isVisible()
    expected = train(program, RATE, ITERATIONS)
    assert np.isfinite([r.loss for r in expected]).all()
    records = window.training.records
    assert [r.loss for r in records] == pytest.approx([r.loss for r in expected], rel=1e-12)
    for got, wanted in zip(records, expected, strict=True):
        for name, value in wanted.parameters.items():
            np.testing.assert_allclose(got.parameters[name], value, rtol=1e-12, atol=1e-15)
    assert window.undo_stack.count() == 0  # training alone changes nothing; applying an iteration does
    window.training.chooser.setValue(2)
    QTest.mouseClick(window.training.apply_button, LEFT)
    assert window.undo_stack.count() == 1
    np.testing.assert_array_equal(window.document.nodes["W0"].value, records[2].parameters["W0"])


def test_cancel_stops_the_training_and_changes_nothing(window, qtbot):
    window = opened(window, qtbot, matmul_chain(*CHAIN))
    before = {
        node_id: np.array(spec.value) for node_id, spec in window.document.nodes.items() if spec.value is not None
    }
    click_train(window, 1000)  # minutes of work
    bar, cancel = progress(window)
    qtbot.waitUntil(lambda: bar.value() >= 1, timeout=60_000)  # a run done: the job is well under way
    QTest.mouseClick(cancel, LEFT)
    assert not window.jobs.busy and not bar.isVisible()
    assert "Training cancelled" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not window.jobs._stopping, timeout=60_000)  # it stopped within a step, and was joined
    assert window.training.records == () and not window.training.chooser.isEnabled()
    assert window.undo_stack.count() == 0 and window.undo_stack.isClean()
    for node_id, value in before.items():
        np.testing.assert_array_equal(window.document.nodes[node_id].value, value)


def test_an_edit_cancels_a_running_training(window, qtbot):
    window = opened(window, qtbot, matmul_chain(*CHAIN))
    click_train(window, 1000)
    assert window.jobs.busy
    spec = window.document.nodes["c"]
    window.undo_stack.push(ReplaceNode(window.document, dataclasses.replace(spec, label="cost"), "relabel"))
    assert not window.jobs.busy
    assert window.statusBar().currentMessage() == "Training cancelled: the graph changed; nothing changed"
    qtbot.waitUntil(lambda: not window.jobs._stopping, timeout=60_000)
    assert window.training.records == ()


def test_a_long_gradient_check_shows_progress_and_the_engines_result(window, qtbot):
    window = opened(window, qtbot, outer_product(100))
    program = window.document.program()
    assert is_long(*budget.gradient_check(program))
    clock = Clock()
    started = time.monotonic()
    press_check(window)
    assert window.jobs.busy and not dialogs(window)
    bar, _cancel = progress(window)
    assert bar.isVisible() and "checking gradients" in bar.format()
    qtbot.waitUntil(lambda: bar.maximum() == 100, timeout=60_000)  # numbers checked of x's 100
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=120_000)
    took = time.monotonic() - started
    clock.stop()
    assert len(clock.ticks) >= 3 and clock.longest_gap < took / 2
    (dialog,) = dialogs(window)
    expected = gradcheck(program)
    assert dialog.check.passed and expected.passed
    np.testing.assert_allclose(dialog.check.sources["x"].numeric, expected.sources["x"].numeric, rtol=1e-9)
    np.testing.assert_allclose(dialog.check.sources["x"].bar, expected.sources["x"].bar, rtol=1e-12)
    assert window.statusBar().currentMessage().startswith("Gradient check passed")
    dialog.close()


def test_cancel_stops_the_gradient_check_and_no_dialog_opens(window, qtbot):
    window = opened(window, qtbot, outer_product(300))
    press_check(window)
    bar, cancel = progress(window)
    qtbot.waitUntil(lambda: bar.value() >= 1, timeout=60_000)
    QTest.mouseClick(cancel, LEFT)
    assert "Gradient check cancelled" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not window.jobs._stopping, timeout=60_000)
    QApplication.processEvents()
    assert not dialogs(window) and window.undo_stack.count() == 0


def test_one_job_at_a_time(window, qtbot):
    window = opened(window, qtbot, matmul_chain(*CHAIN))
    click_train(window, 1000)
    press_check(window)
    assert window.statusBar().currentMessage().startswith("Training is still running")
    assert window.jobs.current.name == "Training" and not dialogs(window)


@pytest.mark.parametrize("job", ["training", "gradient check"])
def test_closing_the_window_mid_job_stops_and_joins_its_thread(window, qtbot, job):
    if job == "training":
        window = opened(window, qtbot, matmul_chain(*CHAIN))
        click_train(window, 1000)
    else:
        window = opened(window, qtbot, outer_product(300))
        press_check(window)
    worker = window.jobs._worker
    assert worker is not None and worker.isRunning()
    window.close()
    assert worker.isFinished()


def singular(side: int = 300) -> tuple[NodeSpec, ...]:
    """inv of a zero matrix: 2·300³ flops a pass, long enough for the background, and singular."""
    return (
        NodeSpec("A", "parameter", value=np.zeros((side, side)), label="A"),
        NodeSpec("B", "inv", ("A",), label="inverse"),
        NodeSpec("c", "sum", ("B",)),
    )


@pytest.mark.parametrize("job", ["training", "gradient check"])
def test_an_error_in_the_thread_is_one_line_in_the_status_bar(window, qtbot, job):
    window = opened(window, qtbot, singular())
    assert is_long(*budget.training(window.document.program(), 1))
    click_train(window, 1) if job == "training" else press_check(window)
    assert window.jobs.busy
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    start = "Cannot train" if job == "training" else "Cannot check gradients"
    assert window.statusBar().currentMessage() == f"{start}: inverse: inv: the matrix is singular"
    assert not dialogs(window) and window.training.records == ()


def test_a_training_that_diverges_says_so(window, qtbot):
    """c = Σ log W, W̄ = 1/W: from W = 0.5 a step of η = 1 lands on W = −1.5, whose log is nan."""
    log_sum = (
        NodeSpec("W", "parameter", value=np.full((300, 300), 0.5)),
        NodeSpec("L", "log", ("W",)),
        NodeSpec("c", "sum", ("L",)),
    )
    window = opened(window, qtbot, log_sum)
    assert is_long(*budget.training(window.document.program(), 100))
    click_train(window, 100, rate=1.0)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    assert len(window.training.records) == 101
    assert window.statusBar().currentMessage() == (
        "Training diverged: the cost is nan from iteration 1 on; try a smaller learning rate"
    )
