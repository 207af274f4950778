"""One clock drives the timeline and the kernel-flip view's frames (issue 13, "one player"), driven by real
clicks and key presses. tiny_cnn's conv2d has a 5×5 result (x 5×5, padding 1, 3×3 kernel): 25 frames,
rows ending at frames 4, 9, 14, 19, 24; it is the 4th step (x, w, b, conv), exact step 3.

The player runs the graph only when asked to (a step, run()), never when a property is read: views
read its properties while painting, and a read that ran a big graph froze the window (issue 13).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer

from gradviz.engine.build import Builder
from gradviz.gui.playback import Player
from gradviz.io.paths import EXAMPLES
from gradviz.model.frames import FrameCursor
from gradviz.model.playback import RunJob
from tests.gui.window_setup import active_on

CONV = 3  # conv's forward step in tiny_cnn
LAST = 24  # the last of its 25 frames


def _stepping_window(window, qtbot, name: str = "tiny_cnn") -> None:
    active_on(window, qtbot, EXAMPLES / f"{name}.json")


def _press(qtbot, window, key: Qt.Key, times: int = 1) -> None:
    for _ in range(times):
        qtbot.keyClick(window.view.viewport(), key)


def _click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _running_clocks(window) -> list[QTimer]:
    """Every repeating timer running in the window or its player, but two that are no clock of playing:
    the autosave's (every few minutes) and the status bar's, which clears its message after a while."""
    timers = [*window.findChildren(QTimer), *window.player.findChildren(QTimer)]
    others = [window.files.autosave_timer, *window.statusBar().findChildren(QTimer)]
    return [t for t in timers if t.isActive() and not t.isSingleShot() and t not in others]


def _frames_seen(window) -> list[tuple[int, int]]:
    """(step, frame) for every frame the player moves to from now on."""
    seen: list[tuple[int, int]] = []
    window.player.frame_moved.connect(lambda frame: seen.append((window.player.index, frame)))
    return seen


def test_one_timer_runs_while_playing_and_while_sliding(window, qtbot):
    _stepping_window(window, qtbot)
    panel = window.convolution
    assert _running_clocks(window) == []
    _press(qtbot, window, Qt.Key.Key_Right, CONV + 1)  # onto conv: its window slides
    assert window.player.index == CONV and window.player.sliding
    assert len(_running_clocks(window)) == 1 and panel.findChildren(QTimer) == []  # the player's: the view has none
    _click(qtbot, window.timeline.buttons["play"])  # the timeline's ⏸ (it shows ⏸ while sliding): it stops
    assert _running_clocks(window) == [] and panel.frame < LAST
    counts: list[int] = []
    window.player.frame_moved.connect(lambda _: counts.append(len(_running_clocks(window))))
    window.player.moved.connect(lambda _: counts.append(len(_running_clocks(window))))
    _press(qtbot, window, Qt.Key.Key_Space)  # play on: the rest of conv's frames, then the steps after it
    qtbot.waitUntil(lambda: window.player.index > CONV + 1, timeout=8000)
    _press(qtbot, window, Qt.Key.Key_Space)
    assert _running_clocks(window) == [] and not window.player.ticking
    assert set(counts) == {1} and len(counts) > 3  # frames and steps alike, each moved by the one timer


def test_the_panels_play_slides_the_frames_then_the_timeline_steps_on(window, qtbot):
    _stepping_window(window, qtbot)
    panel = window.convolution
    panel.pace.setCurrentText("row by row")
    window.timeline.speed.setCurrentText("30 steps/s")
    _press(qtbot, window, Qt.Key.Key_Right, CONV + 1)
    _click(qtbot, panel.buttons["play"])  # the panel's ⏸ while the arrival slide runs: it stops
    assert not window.player.ticking
    stopped = panel.frame
    assert stopped < LAST
    seen = _frames_seen(window)
    _click(qtbot, panel.buttons["play"])  # the panel's ▶: the rest of the frames, then on along the timeline
    assert window.player.playing
    qtbot.waitUntil(lambda: window.player.index > CONV + 1, timeout=8000)
    _click(qtbot, panel.buttons["play"])
    at_conv = [frame for index, frame in seen if index == CONV]
    rows = [frame for frame in (4, 9, 14, 19, 24) if frame > stopped]
    assert at_conv == rows  # a row at a time from where it stopped, every row, and only then the next step


def test_reaching_a_convolution_while_paused_slides_it_once_and_stays(window, qtbot):
    _stepping_window(window, qtbot)
    panel = window.convolution
    panel.pace.setCurrentText("row by row")
    _press(qtbot, window, Qt.Key.Key_Right, CONV + 1)
    qtbot.waitUntil(lambda: not window.player.ticking, timeout=8000)
    assert panel.frame == LAST and window.player.index == CONV  # slid to the end; the timeline stayed


def test_pausing_from_either_place_pauses_both(window, qtbot):
    _stepping_window(window, qtbot)
    panel = window.convolution
    _press(qtbot, window, Qt.Key.Key_Right, CONV)
    for pause in (lambda: _click(qtbot, panel.buttons["play"]), lambda: _press(qtbot, window, Qt.Key.Key_Space)):
        _click(qtbot, window.timeline.buttons["play"])  # play the timeline: onto conv, sliding its frames
        qtbot.waitUntil(lambda: window.player.index == CONV and 0 < panel.frame < LAST, timeout=5000)
        pause()
        assert not window.player.playing and not window.player.ticking
        step, frame = window.player.index, panel.frame
        qtbot.wait(400)  # five frames' time at 12 a second
        assert (window.player.index, panel.frame) == (step, frame)  # neither the step nor the frame moved
        _press(qtbot, window, Qt.Key.Key_Left)  # back before conv for the other pause
        _press(qtbot, window, Qt.Key.Key_Right)
        _click(qtbot, panel.buttons["play"])  # (reaching it slid it again: stop that)
        _press(qtbot, window, Qt.Key.Key_Left)


def test_a_change_of_pace_takes_effect_at_once(window, qtbot):
    _stepping_window(window, qtbot)
    panel = window.convolution
    _press(qtbot, window, Qt.Key.Key_Right, CONV + 1)  # sliding pixel by pixel
    qtbot.waitUntil(lambda: panel.frame >= 1, timeout=5000)
    panel.pace.setFocus()
    qtbot.keyClick(panel.pace, Qt.Key.Key_Down)  # "row by row"
    changed_at, seen = panel.frame, _frames_seen(window)
    assert window.player.pace == "row by row"
    qtbot.waitUntil(lambda: not window.player.ticking, timeout=8000)
    assert [frame for _, frame in seen] == [row for row in (4, 9, 14, 19, 24) if row > changed_at]  # whole rows


def test_seeking_the_timeline_resets_the_frame_cursor(window, qtbot):
    _stepping_window(window, qtbot)
    panel = window.convolution
    _press(qtbot, window, Qt.Key.Key_Right, CONV + 1)
    qtbot.waitUntil(lambda: panel.frame >= 2, timeout=5000)
    _press(qtbot, window, Qt.Key.Key_Right)  # on to relu: conv's slide is over, shown finished
    assert panel.frame == LAST and not window.player.ticking and not window.player.frames.on_step
    _press(qtbot, window, Qt.Key.Key_Left)  # back onto conv: its window slides again from the first frame
    assert window.player.index == CONV and panel.frame == 0 and window.player.sliding
    qtbot.waitUntil(lambda: panel.frame >= 1, timeout=5000)
    _press(qtbot, window, Qt.Key.Key_Home)
    assert not window.player.ticking and not window.player.frames.on_step


def test_closing_the_view_lets_playing_go_on_without_its_frames(window, qtbot):
    _stepping_window(window, qtbot)
    panel = window.convolution
    _press(qtbot, window, Qt.Key.Key_Right, CONV)
    _click(qtbot, window.timeline.buttons["play"])
    qtbot.waitUntil(lambda: window.player.index == CONV and panel.frame > 0, timeout=5000)  # sliding conv's frames
    window.conv_follow.dock.toggleViewAction().trigger()  # View ▸ Convolution off: the view closes
    qtbot.waitUntil(lambda: window.player.index > CONV, timeout=4000)
    assert window.player.playing and panel.frame < LAST  # it stepped on without sliding the rest, unseen
    window.player.pause()


def test_the_view_slides_a_window_of_its_own_once_without_moving_the_timeline(window, qtbot):
    _stepping_window(window, qtbot, "correlation_impulse")
    panel = window.convolution
    window.scene.nodes["I_o"].setSelected(True)  # not stepping: the finished pass, to explore
    assert window.player.index == -1 and panel.frame == 15
    panel.pace.setCurrentText("row by row")
    _click(qtbot, panel.buttons["play"])  # finished: it slides again from the first frame
    assert window.player.sliding and not window.player.playing and panel.frame == 0
    qtbot.waitUntil(lambda: not window.player.ticking, timeout=5000)
    assert panel.frame == 15 and window.player.index == -1


def test_the_frame_cursor_counts_pixels_and_rows():
    frames = FrameCursor()
    assert frames.at_end and frames.index == -1  # no window: nothing to slide
    assert frames.load(12, 4, 0) == 0 and not frames.on_step  # a 3×4 result
    assert [frames.advance("pixel by pixel") for _ in range(3)] == [1, 2, 3]
    assert [frames.advance("row by row") for _ in range(3)] == [7, 11, 11]  # the next row's end, then stays
    assert frames.at_end
    assert frames.seek(-5) == 0 and frames.seek(99) == 11
    frames.load(5, 1, 0)  # a one-column result: a row is a pixel
    assert [frames.advance("row by row") for _ in range(4)] == [1, 2, 3, 4]


def counted_job(calls: list[int]) -> RunJob:
    def compile_graph():
        calls.append(1)
        g = Builder()
        return g.program(g.op("sum", g.op("square", g.input("x", np.arange(3.0)), id="s"), id="c"))

    return RunJob(compile_graph)


def test_reading_the_player_never_runs_the_graph(qtbot):
    player, calls = Player(), []
    player.set_source(counted_job(calls))
    for _ in range(3):
        assert player.playback is None
        assert player.available and not player.busy and player.index == -1 and player.error is None
    assert calls == []
    with qtbot.waitSignal(player.moved) as moved:
        player.step()
    assert calls == [1] and moved.args == [0] and player.playback.trace.value("c") == 5.0
    assert player.run() is player.playback and calls == [1]  # already run: run() does nothing more


def test_run_reports_a_failure_instead_of_raising(qtbot):
    def broken():
        raise ZeroDivisionError("a bug somewhere")

    player = Player()
    player.set_source(RunJob(broken))
    with qtbot.waitSignal(player.moved):
        assert player.run() is None
    assert player.error.node_id is None and player.error.message == "ZeroDivisionError: a bug somewhere"
    assert not player.available
    player.step()  # nothing to step, nothing raised
    assert player.index == -1
