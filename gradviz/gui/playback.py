"""The player: the playback cursor over the current trace, a clock for Play, and a signal per move.

Animation never owns state: every move, by a key, the scrubber or the clock, is a seek, and the views
draw the step they are told.
"""

from __future__ import annotations

from collections.abc import Callable

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
        self._playback: Playback | None = None
        self._compute: Callable[[], Trace] | None = None  # the trace, made when stepping first needs it
        self.speed = 2.0
        self._clock = QTimer(self)
        self._clock.timeout.connect(self._tick)

    @property
    def available(self) -> bool:
        """True when the graph can run, so stepping is possible."""
        return self._compute is not None or self._playback is not None

    @property
    def loaded(self) -> Playback | None:
        """The cursor if the current trace exists already; never runs the graph (for painting)."""
        return self._playback if self._compute is None else None

    @property
    def playback(self) -> Playback | None:
        """The cursor over the current trace; reading it runs the graph if it has not run since the edit."""
        return self._run_now()

    def _run_now(self) -> Playback | None:
        if self._compute is not None:
            trace, self._compute = self._compute(), None
            if self._playback is None:
                self._playback = Playback(trace)
            else:
                self._playback.retrace(trace)  # same step, new numbers
        return self._playback

    @property
    def index(self) -> int:
        return self._playback.index if self._playback is not None else -1

    def set_source(self, compute: Callable[[], Trace] | None, index: int | None = None) -> None:
        """After an edit: how to make the new trace (None: the graph cannot run). A student who is stepping
        sees the new numbers at once, at the same step; otherwise the graph runs when stepping starts, so
        editing a big graph never waits for it. ``index`` (a lesson file's step) moves there."""
        if compute is None:
            self._playback, self._compute = None, None
            self.pause()
        else:
            stepping = self.index >= 0
            if index is not None:
                self._playback = None  # another file: start afresh
            self._compute = compute
            if index is not None and index >= 0:
                self._run_now().seek(index)
            elif stepping:
                self._run_now()  # the student is looking at the numbers: show the new ones now
        self.moved.emit(self.index)

    def seek(self, index: int) -> None:
        playback = self.playback
        if playback is not None and index != playback.index:
            playback.seek(index)
            self.moved.emit(playback.index)

    def step(self) -> None:
        """To the next step as the timeline tells it (see gradviz.model.story), never half an edge."""
        playback = self.playback
        if playback is not None:
            self.seek(playback.story.after(playback.index))

    def back(self) -> None:
        playback = self.playback
        if playback is not None:
            self.seek(playback.story.before(playback.index))

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
