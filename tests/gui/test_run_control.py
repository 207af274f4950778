"""A long run goes off the GUI thread: the window keeps answering, shows a progress bar and Cancel, and a
window closed mid-run stops and joins its thread (Qt warns "QThread: Destroyed while thread is still
running" otherwise, and any Qt warning fails these tests)."""

from __future__ import annotations

import dataclasses
import threading
import time

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QProgressBar, QPushButton

from gradviz.engine.program import NodeSpec
from gradviz.gui.commands import ReplaceNode
from gradviz.io.graph_file import GraphFile
from gradviz.model.playback import RunJob
from tests.gui.long_graphs import matmul_chain
from tests.gui.window_setup import active_with

SIDE, DEPTH = 400, 12  # a chain of 12 matmuls of 400×400: about 4.6 GFlop with its reverse pass


@pytest.fixture
def big(window, qtbot):
    return active_with(window, qtbot, matmul_chain(SIDE, DEPTH), "chain")


def press_right(window) -> None:
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Right)


def test_a_long_run_keeps_the_event_loop_turning_and_shows_its_progress(big, qtbot):
    ticks = []
    clock = QTimer(interval=10, timeout=lambda: ticks.append(big.player.busy))
    clock.start()
    press_right(big)
    assert big.player.busy and big.player.index == -1  # the key returned at once: the run goes on
    bar, cancel = big.findChild(QProgressBar, "runProgress"), big.findChild(QPushButton, "runCancel")
    assert bar.isVisible() and cancel.isVisible()
    press_right(big)  # a second → while it runs: the cursor goes one further when it is done
    qtbot.waitUntil(lambda: not big.player.busy, timeout=120_000)
    clock.stop()
    assert sum(ticks) >= 3  # the clock fired while the trace was being made: the window stayed responsive
    assert big.player.index == 1 and big.player.error is None
    assert not bar.isVisible()
    assert big.scene.nodes["W0"].look.stepping  # the canvas shows the new step


def test_cancel_stops_the_run_and_leaves_the_graph_unrun(big, qtbot):
    press_right(big)
    cancel = big.findChild(QPushButton, "runCancel")
    qtbot.waitUntil(cancel.isVisible)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert not big.player.busy and big.player.playback is None and big.player.index == -1
    assert big.player.error is None and big.timeline.buttons["step"].isEnabled()  # it can be run again
    assert not big.findChild(QProgressBar, "runProgress").isVisible()
    qtbot.waitUntil(lambda: not big.player._stopping, timeout=120_000)  # the cancelled thread ended, joined
    press_right(big)  # and the graph runs again, to the end this time
    qtbot.waitUntil(lambda: not big.player.busy, timeout=120_000)
    assert big.player.index == 0 and big.player.error is None


def test_an_edit_during_a_run_starts_over_with_the_new_graph(big, qtbot):
    press_right(big)
    assert big.player.busy
    big.undo_stack.push(
        ReplaceNode(big.document, dataclasses.replace(big.document.nodes["c"], label="cost"), "relabel")
    )
    qtbot.waitUntil(lambda: not big.player.busy and not big.player._stopping, timeout=120_000)
    assert big.player.index == -1  # the edit stopped the run; the next → runs the new graph
    press_right(big)
    qtbot.waitUntil(lambda: big.player.playback is not None, timeout=120_000)
    assert big.player.playback.trace.program.node("c").label == "cost"


def test_closing_the_window_mid_run_stops_and_joins_the_thread(big, qtbot):
    press_right(big)
    worker = big.player._worker
    assert worker is not None and worker.isRunning()
    big.close()
    assert worker.isFinished()


def test_cancelling_a_rerun_after_an_edit_while_stepping_leaves_the_timeline_before_the_first_step(
    window, qtbot, monkeypatch
):
    """Stepping, an edit reruns the graph at once (in the background when long); Cancel leaves it unrun.
    The timeline then has no trace to tell a step of, though the player's old cursor still has an index:
    it shows "before the first step" (it raised AttributeError on the missing trace before). The rerun is held
    at its first step until Cancel (a graph this small would otherwise finish before the test could click)."""
    monkeypatch.setattr("gradviz.model.playback.LONG_RUN_FLOPS", -1)  # every run goes to the background
    running = threading.Event()
    running.set()
    make_trace = RunJob.trace

    def held_until_cancelled(job, program, report=None):
        while not running.is_set():
            report(0, 1)  # raises inside the worker once Cancel is pressed
            time.sleep(0.005)
        return make_trace(job, program, report)

    monkeypatch.setattr(RunJob, "trace", held_until_cancelled)
    nodes = (NodeSpec("x", "input", value=np.ones(3)), NodeSpec("c", "sum", ("x",)))
    window.load_graph(window.prepare_graph(GraphFile(nodes, "c"), "small"), None)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.view.setFocus()
    press_right(window)
    qtbot.waitUntil(lambda: window.player.playback is not None, timeout=60_000)
    assert window.player.index == 0
    x = window.document.nodes["x"]
    running.clear()
    window.undo_stack.push(ReplaceNode(window.document, dataclasses.replace(x, value=np.full(3, 2.0)), "edit x"))
    cancel = window.findChild(QPushButton, "runCancel")
    qtbot.waitUntil(lambda: window.player.busy and cancel.isVisible())
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert window.player.playback is None and window.player.error is None
    assert window.timeline.position.text() == "before the first step"
    qtbot.waitUntil(lambda: not window.player._stopping, timeout=60_000)  # the cancelled thread ended, joined
    running.set()
    press_right(window)  # and the edited graph runs
    qtbot.waitUntil(lambda: window.player.playback is not None, timeout=60_000)
    assert window.player.playback.trace.state(0).values["x"][0] == 2.0
