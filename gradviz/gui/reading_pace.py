"""Words and numbers about the step keep to a reading pace while the steps play faster than anyone reads.

The canvas shows every step. The panels that put a step into words (the timeline's sentence and
position, the formula, the inspector) relaid and repainted their rich text at every step: at 60 steps a
second, 2 ms of the 6 a step cost playing 500 nodes fitted in the window, for text that changed faster
than the eye can take in. Playing faster than READABLE_SPEED, they show the latest step at most every
READ_MS (ten times a second); when the steps pause, or are taken by hand, at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from gradviz.gui.playback import Player

READABLE_SPEED = 10.0  # steps per second: the speeds the timeline offers up to 8 are never held back
READ_MS = 100


class ReadingPace(QObject):
    """Passes each step ``player`` moves to to ``show``; while it plays faster than READABLE_SPEED, only the
    latest step at most every READ_MS, and the one held back when the steps pause."""

    def __init__(self, parent: QObject, player: Player, show: Callable[[int], None]) -> None:
        super().__init__(parent)
        self._player, self._show = player, show
        self._held: int | None = None  # the latest step not shown yet
        self._shown_at = -float("inf")  # time.monotonic() of the last show
        self._later = QTimer(self, singleShot=True)
        self._later.timeout.connect(self._settle)
        player.moved.connect(self._step)
        player.playing_changed.connect(self._playing_changed)

    def _step(self, index: int) -> None:
        self._held = index
        wait_ms = READ_MS - (time.monotonic() - self._shown_at) * 1000
        fast = self._player.playing and self._player.speed > READABLE_SPEED
        if wait_ms <= 0 or not fast:
            self._settle()
        elif not self._later.isActive():
            self._later.start(max(1, int(wait_ms)))

    def _playing_changed(self, playing: bool) -> None:
        if not playing:
            self._settle()

    def _settle(self) -> None:
        """Show the step held back, if any, now."""
        self._later.stop()
        if self._held is not None:
            index, self._held = self._held, None
            self._shown_at = time.monotonic()
            self._show(index)
