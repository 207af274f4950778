"""A long seek along a trace kept at checkpoints is prepared off the GUI thread: End on a chain forced over a
small budget keeps the event loop turning (a 20 ms timer fires meanwhile), shows the run's progress bar
and Cancel, then lands with every node drawing the full trace's numbers; Cancel leaves the cursor where it
was; a step within the kept segments lands at once."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QProgressBar, QPushButton

from gradviz.engine import budget
from gradviz.engine.program import NodeSpec, Program
from gradviz.engine.tracer import run
from gradviz.gui import seeking
from tests.gui.drawn_arrays import drawn
from tests.gui.test_run_errors import opened

SIDE, DEPTH = 200, 80  # a far seek colours 2 × 81 heatmaps of 200×200 and recomputes the chain: ~0.3 s estimated
CHAIN = (
    NodeSpec("x", "input", value=np.random.default_rng(0).normal(size=(SIDE, SIDE)).tolist()),
    *(NodeSpec(f"t{k + 1}", "tanh", (f"t{k}" if k else "x",)) for k in range(DEPTH)),
    NodeSpec("c", "sum", (f"t{DEPTH}",)),
)


@pytest.fixture
def checkpointed(window, qtbot, tmp_path, monkeypatch):
    estimate = budget.estimate(Program(CHAIN, "c"))
    monkeypatch.setattr(budget, "BUDGET_BYTES", estimate.checkpointed)  # the full trace is over it
    opened(window, qtbot, tmp_path, CHAIN)
    press(window, Qt.Key.Key_Right)  # runs the graph (short: on the GUI thread) and shows step 0
    assert window.player.index == 0 and window.player.playback.trace.checkpoints is not None
    return window


def press(window, key: Qt.Key) -> None:
    QTest.keyClick(window.view.viewport(), key)


def assert_shows_full_trace(window) -> None:
    index = window.player.index
    state = run(Program(CHAIN, "c")).state(index)
    for spec in CHAIN:
        look = window.scene.nodes[spec.id].look
        for shown, full in ((look.value, state.values.get(spec.id)), (look.bar, state.bars.get(spec.id))):
            assert (shown is None) == (full is None), (index, spec.id)
            if full is not None:
                assert drawn(shown).tobytes() == full.tobytes(), (index, spec.id)


def test_end_is_prepared_in_the_background_and_lands_on_the_full_traces_numbers(checkpointed, qtbot):
    window, ticks = checkpointed, []
    clock = QTimer(interval=20, timeout=lambda: ticks.append(window.player.seeking))
    clock.start()
    press(window, Qt.Key.Key_End)
    assert window.player.seeking and window.player.index == 0  # the key returned at once; the cursor waits
    bar, cancel = window.findChild(QProgressBar, "runProgress"), window.findChild(QPushButton, "runCancel")
    assert bar.isVisible() and cancel.isVisible() and bar.format().startswith("preparing the step")
    qtbot.waitUntil(lambda: not window.player.seeking, timeout=60_000)
    clock.stop()
    assert sum(ticks) >= 3  # the 20 ms timer fired while the pictures were made: the window kept answering
    last = len(window.player.playback.trace) - 1
    assert window.player.index == last and window.player.error is None and not bar.isVisible()
    assert_shows_full_trace(window)
    press(window, Qt.Key.Key_Left)  # one told step back: its segments are kept, so it lands at once
    assert not window.player.seeking and window.player.index < last
    assert_shows_full_trace(window)


def test_cancel_leaves_the_cursor_where_it_was(checkpointed, qtbot):
    window = checkpointed
    press(window, Qt.Key.Key_End)
    cancel = window.findChild(QPushButton, "runCancel")
    qtbot.waitUntil(cancel.isVisible)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert not window.player.seeking and window.player.index == 0 and window.player.error is None
    assert not window.findChild(QProgressBar, "runProgress").isVisible()
    qtbot.waitUntil(lambda: not window.player._stopping, timeout=60_000)  # the cancelled thread ended, joined
    assert_shows_full_trace(window)
    press(window, Qt.Key.Key_End)  # and the seek can be made again, to the end this time
    qtbot.waitUntil(lambda: not window.player.seeking, timeout=60_000)
    assert window.player.index == len(window.player.playback.trace) - 1
    assert_shows_full_trace(window)


def test_steps_pressed_while_preparing_move_the_target(checkpointed, qtbot):
    window = checkpointed
    press(window, Qt.Key.Key_End)
    assert window.player.seeking
    press(window, Qt.Key.Key_Left)  # from where the cursor is going, not from where it is
    qtbot.waitUntil(lambda: not window.player.seeking, timeout=60_000)
    playback = window.player.playback
    assert window.player.index == playback.story.before(playback.last)
    assert_shows_full_trace(window)


def test_a_seek_estimated_short_lands_at_once(checkpointed, monkeypatch):
    monkeypatch.setattr(seeking, "BACKGROUND_S", 1e9)
    window = checkpointed
    press(window, Qt.Key.Key_End)
    assert not window.player.seeking and window.player.index == len(window.player.playback.trace) - 1
    assert_shows_full_trace(window)
