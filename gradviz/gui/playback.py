"""The player: the playback cursor over the current trace, the kernel-flip view's frame cursor within a
step, one clock for both, and a signal per move.

Animation never owns state: every move, by a key, a scrubber or the clock, is a seek, and the views
draw the step (and the frame) they are told. The views hold no clock: the timeline and the kernel-flip
view send their buttons here (play, pause, speed, pace, seek) and draw what ``moved`` and
``frame_moved`` say.

What the one clock does, as a lecturer would expect it:

- **Play** (the timeline's ▶, Space, or the kernel-flip view's ▶ while it shows the timeline's step)
  steps through the timeline at its speed. On a convolution's step the kernel-flip view shows, the
  ticks first slide the window over that step's result at the view's pace (pixel by pixel or a row at a
  time); after the last frame the timeline moves on at its speed.
- **Reaching** a convolution's step while paused (→, ←, the scrubber, a lesson's stop) slides its window
  once and stops on the last frame; the timeline stays. Play from there goes on through the rest of the
  frames, then along the timeline.
- The view's ▶ when it shows a window of its own (a node selected, the impulse demo, a phase picked by
  hand) slides that window once and stops; the timeline stays where it is.
- **Pause**, from either ⏸ or Space, stops the clock: whatever it was moving stops. Both buttons show ⏸
  while it runs, sliding or playing, so they always agree. A change of speed or pace takes effect at once.
- Any move of the timeline ends the frames of the step it left: the next convolution step slides from
  its first frame; any other step leaves the view's window finished.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from gradviz.engine.program import Program
from gradviz.engine.walkable import Walkable
from gradviz.gui.worker import JobWorker, Reaper, Report, TraceWorker
from gradviz.model.frames import PACES, FrameCursor
from gradviz.model.playback import Playback, RunError, RunJob

SPEEDS = (0.5, 1.0, 2.0, 4.0, 8.0, 30.0)  # steps per second
PAST_THE_END = sys.maxsize  # a seek there before the trace exists lands on its last step (seeks clamp)
# Before a seek from one step to another lands: the task making what the views need for it off the GUI thread
# when that is long (its result, run on the GUI thread, hands it over), or None to land at once. See gui/seeking.py.
SeekTask = Callable[[Walkable, int, int], Callable[[Report], Callable[[], None]] | None]


class Player(QObject):
    """``moved(index)`` after every change of step, trace or error; ``frame_moved(frame)`` after every
    change of the kernel-flip view's frame; ``playing_changed(playing)`` when the clock starts, stops, or
    goes from sliding one window to playing the timeline; ``running(bool)`` and ``progressed(done, total)``
    around a run in the background.

    After an edit the player holds a ``RunJob``, not a trace: the graph runs when stepping needs it, or
    when ``run()`` is called, never when a property is read (views read properties while painting). A
    run that fails leaves ``error`` (the node and the one-line reason) and no cursor; nothing it raises
    reaches a Qt handler.
    """

    moved = Signal(int)
    frame_moved = Signal(int)
    playing_changed = Signal(bool)
    running = Signal(bool)
    progressed = Signal(int, int)

    def __init__(self) -> None:
        super().__init__()
        self._playback: Playback | None = None
        self._job: RunJob | None = None  # how to make the trace after the last edit, until it is made
        self.error: RunError | None = None
        self._worker: TraceWorker | None = None
        self._seeker: JobWorker | None = None  # preparing a long seek in the background (see seek_task)
        self.seek_task: SeekTask | None = None  # the window's: what a seek needs prepared, if it is long
        self._stopping = Reaper(self)  # cancelled workers finishing their current step
        self._target = -1  # where the cursor goes when the background run is done
        self.speed = 2.0
        self.frames = FrameCursor()  # the kernel-flip view's frame within the step (or within a window of its own)
        self.pace = next(iter(PACES))
        self._clock = QTimer(self)  # the one clock: steps and frames
        self._clock.timeout.connect(self._tick)
        self._interval = 0  # the clock's period now (ms): a step's or a frame's
        self._steps = False  # while the clock runs: True playing the timeline, False sliding one window

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

    @property
    def seeking(self) -> bool:
        """True while a long seek is being prepared in the background (the cursor moves when it is done)."""
        return self._seeker is not None

    def run(self) -> Playback | None:
        """Run the graph now, on this thread, if an edit left it unrun (views hear ``moved``); the cursor, or
        None (see ``error``)."""
        if self._run_now():
            self._moved(self.index)
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

    def _moved(self, index: int) -> None:
        """Tell the views the timeline moved (or its trace changed): the frames of the step it was on are
        over, so a slide of that step stops; the view attaches the new step's frames, if it has any."""
        self.frames.on_step = False
        if self.sliding:
            self.pause()
        self.moved.emit(index)
        self._keep_time()  # playing on: a step's period, or a frame's if the new step has frames

    def _land(self, index: int) -> None:
        """Put the cursor where the told step holding ``index`` ends (Story.landing): every seek, by a key,
        the scrubber, a lesson's stop or practice, lands where → and ← land, never between an edge's
        contribution and its addition, so the canvas always shows a step the timeline tells."""
        if self._playback is not None:
            self._playback.seek(self._playback.story.landing(index))

    def _install(self, trace: Walkable) -> None:
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
        self._moved(self.index)

    def _start(self, target: int) -> None:
        """Make the trace, then move to ``target``: at once for a short run, in the background for a long one."""
        job = self._job
        if job is None:
            return
        try:
            program = job.prepare()
            long = job.is_long(program)
        except Exception as error:  # a graph that cannot compile or fit is shown, never raised
            self._job = None
            self._fail(error)
            self._moved(self.index)
            return
        if not long:
            self._run_now(program)
            if self._playback is not None:
                self._land(target)
            self._moved(self.index)
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
        self._moved(self.index)

    def cancel(self) -> None:
        """Stop a background run (the graph stays unrun, before the first step) or a seek being prepared
        (the cursor stays where it is)."""
        if self._worker is not None or self._seeker is not None:
            self._cancel_worker()
            self._moved(self.index)

    def _cancel_worker(self) -> None:
        """Tell the running worker (a run's, or a seek's) to stop and forget its result; it is joined once its
        current step is done (see Reaper), not waited for here."""
        running: list[tuple[JobWorker, Callable[[], None]]] = []
        if self._worker is not None:
            running.append((self._worker, self._worker_done))
        if self._seeker is not None:
            running.append((self._seeker, self._seeker_done))
        self._worker = self._seeker = None
        for worker, done in running:
            worker.finished.disconnect(done)
            self._stopping.add(worker)
        if running:
            self.running.emit(False)

    def shutdown(self) -> None:
        """The window closes: stop playing, stop any background run and join every worker thread, so none
        outlives the window (Qt aborts on a QThread destroyed while running)."""
        self.pause()
        self._cancel_worker()
        self._stopping.join_all()

    def seek(self, index: int) -> None:
        if self._worker is not None or self._seeker is not None:
            self._target = index  # the run (or the seek) in progress goes there when it is done
            return
        if self._job is not None:
            if index >= 0 and self.error is None:
                self._start(index)
            return
        playback = self._playback
        if playback is not None:
            before = playback.index
            target = playback.story.landing(index)
            seek_task = self.seek_task if target != before else None
            task = seek_task(playback.trace, before, target) if seek_task is not None else None
            if task is not None:
                self._prepare(task, target)
                return
            self._land(index)
            if playback.index != before:
                self._moved(playback.index)

    def _prepare(self, task: Callable[[Report], Callable[[], None]], target: int) -> None:
        """Prepare the seek to ``target`` in the background, with the run's progress bar and Cancel; the
        cursor stays where it is meanwhile (keys pressed, or the clock's ticks, move the target)."""
        self._target = target
        self._seeker = JobWorker(task)
        self._seeker.progressed.connect(self.progressed)
        self._seeker.finished.connect(self._seeker_done)
        self.running.emit(True)
        self._seeker.start()

    def _seeker_done(self) -> None:
        if self._seeker is None or self.sender() is not self._seeker:
            return  # a cancelled seek's signal, already queued when it was cancelled
        seeker, self._seeker = self._seeker, None
        seeker.wait()
        self.running.emit(False)
        if seeker.error is not None:
            self._fail(seeker.error)  # recomputing failed where the first run did not: shown like a run's error
            self._moved(self.index)
            return
        if callable(seeker.result):
            seeker.result()  # the views take what was prepared
        self.seek(self._target)  # lands (a target moved meanwhile may be prepared again)

    def step(self) -> None:
        """To the next step as the timeline tells it (see gradviz.model.story), never half an edge; before
        the graph has run (or while it runs), the next exact step."""
        playback = self.playback
        if playback is not None and self._worker is None:
            self.seek(playback.story.after(self._target if self._seeker is not None else playback.index))
        else:
            self.seek(self.index + 1 if self._worker is None else self._target + 1)

    def back(self) -> None:
        playback = self.playback
        if playback is not None and self._worker is None:
            self.seek(playback.story.before(self._target if self._seeker is not None else playback.index))
        else:
            self.seek(self.index - 1 if self._worker is None else self._target - 1)

    def home(self) -> None:
        self.seek(-1)

    def end(self) -> None:
        playback = self.playback
        self.seek(playback.last if playback is not None else PAST_THE_END)

    # ----- the clock ---------------------------------------------------------------------------------------

    @property
    def playing(self) -> bool:
        """True while the clock plays the timeline (through the frames of a convolution's step)."""
        return self._clock.isActive() and self._steps

    @property
    def sliding(self) -> bool:
        """True while the clock slides one window's frames only, to stop on its last."""
        return self._clock.isActive() and not self._steps

    @property
    def ticking(self) -> bool:
        """True while the clock runs, whatever it moves: both ▶ buttons show ⏸."""
        return self._clock.isActive()

    def play(self) -> None:
        """Step on the clock (through a convolution's frames first); a graph not run yet runs at the first
        tick (in the background if long). At the end, playing starts over."""
        if not self.available:
            return
        if not self._frames_due(True) and self.playback is not None and self.playback.at_end:
            self.home()
        self._run_clock(steps=True)

    def pause(self) -> None:
        if self._clock.isActive():
            self._clock.stop()
            self.playing_changed.emit(False)

    def toggle(self) -> None:
        """Space and the timeline's ▶/⏸: pause whatever the clock moves, or play."""
        self.pause() if self.ticking else self.play()

    def set_speed(self, steps_per_second: float) -> None:
        self.speed = steps_per_second
        self._keep_time()

    def set_pace(self, pace: str) -> None:
        """How the frames move: one of PACES ('pixel by pixel' or 'row by row'), at once if they are moving."""
        self.pace = pace
        self._keep_time()

    def _frames_due(self, steps: bool) -> bool:
        """Whether the next tick moves a frame: the window has frames to go and is the step's (or, sliding,
        is the one slid)."""
        return not self.frames.at_end and (self.frames.on_step or not steps)

    def _run_clock(self, steps: bool) -> None:
        was = (self.ticking, self.playing)
        self._steps = steps
        self._interval = self._period()
        self._clock.start(self._interval)
        if (self.ticking, self.playing) != was:
            self.playing_changed.emit(self.playing)

    def _period(self) -> int:
        """The clock's period: a frame's at the view's pace while frames are due, else a step's."""
        rate = PACES[self.pace] if self._frames_due(self._steps) else self.speed
        return int(1000 / rate)

    def _keep_time(self) -> None:
        """A running clock takes the period of what it moves next (restarted only when it changes)."""
        if self._clock.isActive() and self._period() != self._interval:
            self._interval = self._period()
            self._clock.start(self._interval)

    def _tick(self) -> None:
        if self._worker is not None:
            return  # the trace is still being made: the clock waits for it
        if self._frames_due(self._steps):
            self.frame_moved.emit(self.frames.advance(self.pace))
            if self.sliding and self.frames.at_end:
                self.pause()  # slid once: the window stays on its whole result
            self._keep_time()
        elif not self._steps or not self.available or (self.playback is not None and self.playback.at_end):
            self.pause()
        else:
            self.step()
            self._keep_time()

    # ----- the frames of the kernel-flip view -------------------------------------------------------------

    def load_frames(self, count: int, width: int, index: int) -> None:
        """The view shows another window (node, phase or slice) of ``count`` frames in rows of ``width``, at
        frame ``index``: a window of its own until ``slide_step`` says it is the step's."""
        self.frame_moved.emit(self.frames.load(count, width, index))

    def slide_step(self) -> None:
        """The view shows the current step's window from its first frame: slide it, now if paused (and stop
        on its last frame), or as the next ticks of playing."""
        self.frames.on_step = True
        if self.frames.at_end:
            return
        if self.ticking:
            self._keep_time()
        else:
            self._run_clock(steps=False)

    def leave_step(self) -> None:
        """The view closed: playing no longer waits for the frames of the step it showed."""
        self.frames.on_step = False
        self._keep_time()

    def seek_frame(self, index: int) -> None:
        before = self.frames.index
        if self.frames.seek(index) != before:
            self.frame_moved.emit(self.frames.index)
        self._keep_time()

    def step_frame(self) -> None:
        self.seek_frame(self.frames.index + 1)

    def back_frame(self) -> None:
        self.seek_frame(self.frames.index - 1)

    def play_frames(self) -> None:
        """The view's ▶: its window from where it is (from the first frame if finished). The step's window
        plays on along the timeline afterwards; a window of its own slides once."""
        if not self.frames.count or self.playing:
            return  # nothing to slide, or playing already (through the step's frames, if it has any)
        if self.frames.at_end:
            self.seek_frame(0)
        if self.frames.on_step and self.available:
            self.play()
        else:
            self._run_clock(steps=False)

    def toggle_frames(self) -> None:
        """The view's ▶/⏸: one clock, so its ⏸ stops the timeline's playing too."""
        self.pause() if self.ticking else self.play_frames()
