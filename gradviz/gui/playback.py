"""The player: the playback cursor over the current trace, a clock for Play, and a signal per move.

Animation never owns state: every move, by a key, the scrubber or the clock, is a seek, and the views
draw the step they are told.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QTimer, Signal

from gradviz.engine.program import Program
from gradviz.gui.worker import Reaper, TraceWorker
from gradviz.model.playback import Playback, RunError, RunJob

SPEEDS = (0.5, 1.0, 2.0, 4.0, 8.0, 30.0)  # steps per second
PAST_THE_END = sys.maxsize  # a seek there before the trace exists lands on its last step (seeks clamp)


class Player(QObject):
    """``moved(index)`` after every change of step, trace or error; ``playing_changed(bool)``;
    ``running(bool)`` and ``progressed(done, total)`` around a run in the background.

    After an edit the player holds a ``RunJob``, not a trace: the graph runs when stepping needs it, or
    when ``run()`` is called, never when a property is read (views read properties while painting). A
    run that fails leaves ``error`` (the node and the one-line reason) and no cursor; nothing it raises
    reaches a Qt handler.
    """

    moved = Signal(int)
    playing_changed = Signal(bool)
    running = Signal(bool)
    progressed = Signal(int, int)

    def __init__(self) -> None:
        super().__init__()
        self._playback: Playback | None = None
        self._job: RunJob | None = None  # how to make the trace after the last edit, until it is made
        self.error: RunError | None = None
        self._worker: TraceWorker | None = None
        self._stopping = Reaper(self)  # cancelled workers finishing their current step
        self._target = -1  # where the cursor goes when the background run is done
        self.speed = 2.0
        self._clock = QTimer(self)
        self._clock.timeout.connect(self._tick)

    @property
    def available(self) -> bool:
        """True when the graph can run (as far as is known before running it), so stepping is possible."""
        return self.error is None and (self._job is not None or self._playback is not None)

    @property
    def playback(self) -> Playback | None:
        """The cursor over the current trace if it has been made; never runs the graph."""
        return self._playback if self._job is None else None

    @property
    def busy(self) -> bool:
        """True while a run is going on in the background."""
        return self._worker is not None

    def run(self) -> Playback | None:
        """Run the graph now, on this thread, if an edit left it unrun (views hear ``moved``); the cursor, or
        None (see ``error``)."""
        if self._run_now():
            self.moved.emit(self.index)
        return self.playback

    def _run_now(self, program: Program | None = None) -> bool:
        """Make the trace of the pending job here and now (of ``program`` if it is compiled already); True if
        there was one to make."""
        if self._job is None:
            return False
        self._cancel_worker()
        job, self._job = self._job, None
        try:
            self._install(job.trace(program if program is not None else job.prepare()))
        except Exception as error:  # a failing run is shown on its node, never raised
            self._fail(error)
        return True

    def _land(self, index: int) -> None:
        """Put the cursor where the told step holding ``index`` ends (Story.landing): every seek, by a key,
        the scrubber, a lesson's stop or practice, lands where → and ← land, never between an edge's
        contribution and its addition, so the canvas always shows a step the timeline tells."""
        self._playback.seek(self._playback.story.landing(index))

    def _install(self, trace: object) -> None:
        if self._playback is None:
            self._playback = Playback(trace)
        else:
            self._playback.retrace(trace)  # same step, new numbers

    def _fail(self, error: BaseException) -> None:
        self.error = RunError.of(error)
        self._playback = None
        self.pause()

    @property
    def index(self) -> int:
        return self._playback.index if self._playback is not None else -1

    def set_source(self, job: RunJob | None, index: int | None = None) -> None:
        """After an edit: how to make the new trace (None: the graph cannot run). A student who is stepping
        sees the new numbers at once, at the same step; otherwise the graph runs when stepping starts, so
        editing a big graph never waits for it. ``index`` (a lesson file's step) moves there."""
        self._cancel_worker()
        self.error = None
        if job is None:
            self._playback, self._job = None, None
            self.pause()
        else:
            stepping = self.index >= 0
            if index is not None:
                self._playback = None  # another file: start afresh
            self._job = job
            if index is not None and index >= 0:
                self._start(index)
                return
            if stepping:
                self._start(self.index)  # the student is looking at the numbers: show the new ones now
                return
        self.moved.emit(self.index)

    def _start(self, target: int) -> None:
        """Make the trace, then move to ``target``: at once for a short run, in the background for a long one."""
        job = self._job
        try:
            program = job.prepare()
            long = job.is_long(program)
        except Exception as error:  # a graph that cannot compile or fit is shown, never raised
            self._job = None
            self._fail(error)
            self.moved.emit(self.index)
            return
        if not long:
            self._run_now(program)
            if self._playback is not None:
                self._land(target)
            self.moved.emit(self.index)
            return
        self.pause()
        self._target = target
        self._worker = TraceWorker(job, program)
        self._worker.progressed.connect(self.progressed)
        self._worker.finished.connect(self._worker_done)
        self.running.emit(True)
        self._worker.start()

    def _worker_done(self) -> None:
        if self._worker is None or self.sender() is not self._worker:
            return  # a cancelled worker's signal, already queued when it was cancelled
        worker, self._worker = self._worker, None
        worker.wait()
        self.running.emit(False)
        self._job = None
        if worker.error is not None:
            self._fail(worker.error)
        elif worker.trace is not None:
            self._install(worker.trace)
            self._land(self._target)
        self.moved.emit(self.index)

    def cancel(self) -> None:
        """Stop a background run; the graph stays unrun, before the first step."""
        if self._worker is not None:
            self._cancel_worker()
            self.moved.emit(self.index)

    def _cancel_worker(self) -> None:
        """Tell the running worker to stop and forget its result; it is joined once its current step is done
        (see Reaper), not waited for here."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.finished.disconnect(self._worker_done)
            self._stopping.add(worker)
            self.running.emit(False)

    def shutdown(self) -> None:
        """The window closes: stop playing, stop any background run and join every worker thread, so none
        outlives the window (Qt aborts on a QThread destroyed while running)."""
        self.pause()
        self._cancel_worker()
        self._stopping.join_all()

    def seek(self, index: int) -> None:
        if self._worker is not None:
            self._target = index  # the run in progress goes there when it is done
            return
        if self._job is not None:
            if index >= 0 and self.error is None:
                self._start(index)
            return
        playback = self._playback
        if playback is not None:
            before = playback.index
            self._land(index)
            if playback.index != before:
                self.moved.emit(playback.index)

    def step(self) -> None:
        """To the next step as the timeline tells it (see gradviz.model.story), never half an edge; before
        the graph has run (or while it runs), the next exact step."""
        playback = self.playback
        if playback is not None and self._worker is None:
            self.seek(playback.story.after(playback.index))
        else:
            self.seek(self.index + 1 if self._worker is None else self._target + 1)

    def back(self) -> None:
        playback = self.playback
        if playback is not None and self._worker is None:
            self.seek(playback.story.before(playback.index))
        else:
            self.seek(self.index - 1 if self._worker is None else self._target - 1)

    def home(self) -> None:
        self.seek(-1)

    def end(self) -> None:
        self.seek(self._playback.last if self.playback is not None else PAST_THE_END)

    @property
    def playing(self) -> bool:
        return self._clock.isActive()

    def play(self) -> None:
        """Step on the clock; a graph not run yet runs at the first tick (in the background if long)."""
        if not self.available:
            return
        if self.playback is not None and self.playback.at_end:
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
        if self._worker is not None:
            return  # the trace is still being made: the clock waits for it
        if not self.available or (self.playback is not None and self.playback.at_end):
            self.pause()
        else:
            self.step()
