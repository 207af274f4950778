"""The player: the playback cursor over the current trace, a clock for Play, and a signal per move.

Animation never owns state: every move, by a key, the scrubber or the clock, is a seek, and the views
draw the step they are told.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from gradviz.engine.trace import Trace
from gradviz.model.playback import Playback

SPEEDS = (0.5, 1.0, 2.0, 4.0, 8.0, 30.0)  # steps per second


class Player(QObject):
    """``moved(index)`` after every change of step or trace; ``playing_changed(bool)``."""

    moved = Signal(int)
    playing_changed = Signal(bool)

    def __init__(self) -> None:
        super().__init__()
        self.playback: Playback | None = None
        self.speed = 2.0
        self._clock = QTimer(self)
        self._clock.timeout.connect(self._tick)

    @property
    def index(self) -> int:
        return self.playback.index if self.playback else -1

    def set_trace(self, trace: Trace | None, index: int | None = None) -> None:
        """A new trace (after an edit): keep the place, or go to ``index`` when one is given."""
        if trace is None:
            self.playback = None
            self.pause()
        elif self.playback is None or index is not None:
            self.playback = Playback(trace, -1 if index is None else index)
        else:
            self.playback.retrace(trace)
        self.moved.emit(self.index)

    def seek(self, index: int) -> None:
        if self.playback is not None and index != self.playback.index:
            self.playback.seek(index)
            self.moved.emit(self.playback.index)

    def step(self) -> None:
        self.seek(self.index + 1)

    def back(self) -> None:
        self.seek(self.index - 1)

    def home(self) -> None:
        self.seek(-1)

    def end(self) -> None:
        if self.playback is not None:
            self.seek(self.playback.last)

    @property
    def playing(self) -> bool:
        return self._clock.isActive()

    def play(self) -> None:
        if self.playback is None:
            return
        if self.playback.at_end:
            self.home()
        self._clock.start(int(1000 / self.speed))
        self.playing_changed.emit(True)

    def pause(self) -> None:
        if self._clock.isActive():
            self._clock.stop()
            self.playing_changed.emit(False)

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def set_speed(self, steps_per_second: float) -> None:
        self.speed = steps_per_second
        if self.playing:
            self._clock.start(int(1000 / self.speed))

    def _tick(self) -> None:
        if self.playback is None or self.playback.at_end:
            self.pause()
        else:
            self.step()
