"""The words about the step keep to a reading pace only while the steps play too fast to read; a step
taken by hand, or played slowly, is told at once, and the step the steps pause on is told at once."""

from __future__ import annotations

import itertools
import time

from PySide6.QtCore import QObject, Signal

from gradviz.gui.panels.formula import _line as details_line
from gradviz.gui.reading_pace import READ_MS, READABLE_SPEED, ReadingPace
from gradviz.io.paths import EXAMPLES
from gradviz.model.step_view import present


class FakePlayer(QObject):
    """What a ReadingPace reads of the player: its moves, whether it plays, and how fast."""

    moved = Signal(int)
    playing_changed = Signal(bool)

    def __init__(self) -> None:
        super().__init__()
        self.playing, self.speed = False, 2.0

    def play(self, speed: float) -> None:
        self.playing, self.speed = True, speed
        self.playing_changed.emit(True)

    def pause(self) -> None:
        self.playing = False
        self.playing_changed.emit(False)


def _paced() -> tuple[FakePlayer, list[tuple[float, int]], ReadingPace]:
    player, shown = FakePlayer(), []
    holder = QObject()
    pace = ReadingPace(holder, player, lambda index: shown.append((time.monotonic(), index)))  # type: ignore[arg-type]
    pace.holder = holder  # the pace lives as long as its parent
    return player, shown, pace


def test_steps_by_hand_and_slow_play_are_told_at_once(qtbot):
    player, shown, _pace = _paced()
    for index in range(5):
        player.moved.emit(index)
    player.play(READABLE_SPEED - 2)
    for index in range(5, 10):
        player.moved.emit(index)
    assert [index for _, index in shown] == list(range(10))


def test_fast_play_is_told_ten_times_a_second_and_the_pause_at_once(qtbot):
    player, shown, _pace = _paced()
    player.play(60.0)
    start = time.monotonic()
    for index in range(40):  # 60 steps a second for two thirds of a second
        player.moved.emit(index)
        qtbot.wait(16)
    seconds = time.monotonic() - start
    assert 2 <= len(shown) <= seconds * 1000 / READ_MS + 2
    gaps = [later - earlier for (earlier, _), (later, _) in itertools.pairwise(shown)]
    assert min(gaps) >= READ_MS / 1000 * 0.9
    player.moved.emit(40)
    player.pause()
    assert shown[-1][1] == 40  # the step paused on, told at once


def test_after_fast_play_the_words_tell_the_step_the_canvas_shows(window, qtbot):
    window.open_path(EXAMPLES / "mlp_cross_entropy.json")
    player = window.player
    player.seek(0)
    player.set_speed(60.0)
    player.play()
    qtbot.wait(400)
    player.pause()
    story = player.playback.story
    position = story.position(player.index)
    assert window.timeline.position.text().startswith(f"step {position + 1} of {len(story)}")
    shown = present(player.playback.trace, player.index)  # what the formula panel tells of the step paused on
    assert window.formula_panel.details.text() == "<br>".join(map(details_line, shown.lines))
