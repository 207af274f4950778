"""A trace and a cursor over it: what the timeline shows, with no Qt.

The cursor is an index into the trace's steps (-1 is "before the first step"); moving it is just
changing the number, because the trace answers "the state after step k" directly. When an edit
recomputes the trace, the cursor stays on the same step in the new trace where that step still
exists (the same kind of step on the same node and edge), and otherwise at the same place in the
new trace, so a student editing a value keeps their place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from gradviz.engine import budget
from gradviz.engine.errors import GradvizError, NodeError
from gradviz.engine.forward_mode import ForwardTrace
from gradviz.engine.program import Program
from gradviz.engine.trace import AccumulateStep, BackwardStep, ForwardStep, State, Trace
from gradviz.engine.tracer import Report, run
from gradviz.engine.walkable import AnyStep, Walkable
from gradviz.model.story import Story, story_of

LONG_RUN_FLOPS = 30_000_000  # a run estimated above this goes off the GUI thread, with a progress bar
LONG_RUN_BYTES = 200 * 2**20  # and so does one that allocates this much (filling memory takes time too)


def is_long(needed: int, flops: int) -> bool:
    """Whether work estimated at ``flops`` and ``needed`` bytes (a run, a training, a gradient check) is long
    enough to be worth a progress bar and a Cancel button; shorter work stays on the GUI thread, instant."""
    return flops > LONG_RUN_FLOPS or needed > LONG_RUN_BYTES


class RunError(NamedTuple):
    """Why the graph could not run, in one line, and the node it happened at (None: no single node)."""

    node_id: str | None
    message: str

    @classmethod
    def of(cls, error: BaseException) -> RunError:
        """Whatever a run raised, as what the student is shown: the engine's own words for the errors it
        knows (a singular matrix, a label out of range, a trace too big), the kind of error otherwise."""
        if isinstance(error, NodeError):
            return cls(error.node_id, error.reason)
        if isinstance(error, GradvizError):
            return cls(None, str(error))
        if isinstance(error, MemoryError):
            return cls(None, "out of memory")
        return cls(None, f"{type(error).__name__}: {error}")


@dataclass(frozen=True)
class RunJob:
    """How to make the trace of the graph as it is now: compile it (cheap), check its memory budget, and
    run it in ``mode`` ('reverse' or 'forward'), maybe for long, on any thread."""

    compile: Callable[[], Program]
    mode: str = "reverse"
    overrides: Mapping[str, object] | None = None

    def prepare(self) -> Program:
        """The compiled program, refused (TooBigError) if its trace would not fit in the budget."""
        program = self.compile()
        budget.check(program, self.mode)
        return program

    def is_long(self, program: Program) -> bool:
        """Whether running ``program`` takes long enough to be worth a progress bar and a Cancel button."""
        estimate = budget.estimate(program, self.mode)  # a trace kept at checkpoints is over 2 GiB whole: long
        return is_long(estimate.bytes, estimate.flops)

    def trace(self, program: Program, report: Report | None = None) -> Walkable:
        if self.mode == "reverse":
            return run(program, self.overrides, report)
        return ForwardTrace(program, self.overrides, report)


def step_key(step: AnyStep) -> tuple[object, ...]:
    """What identifies a step across retracing: its kind, node, and edge (for bars, the parent)."""
    match step:
        case BackwardStep():
            return (step.kind, step.node.id, step.port, step.parent.id)
        case AccumulateStep():
            return (step.kind, step.node.id, step.count)
        case _:
            return (step.kind, step.node.id)


def _derivatives_start(trace: Walkable) -> int:
    """The first step that carries a derivative: reverse mode's seed (its forward steps carry values only);
    in forward mode every step carries a tangent."""
    return trace.seed_index if isinstance(trace, Trace) else 0


class Playback:
    """The cursor over one trace."""

    def __init__(self, trace: Walkable, index: int = -1) -> None:
        self.trace = trace
        self.index = -1
        self.seek(index)

    @property
    def last(self) -> int:
        return len(self.trace) - 1

    def seek(self, index: int) -> int:
        """Move to step ``index`` (clamped to -1 … last); returns where the cursor is."""
        self.index = max(-1, min(self.last, index))
        return self.index

    @property
    def story(self) -> Story:
        """The trace as the window tells it (one step per edge); → and ← move by its steps."""
        return story_of(self.trace)

    def step(self) -> int:
        """To the next presented step: an edge's contribution and its addition are one step."""
        return self.seek(self.story.after(self.index))

    def back(self) -> int:
        return self.seek(self.story.before(self.index))

    def home(self) -> int:
        return self.seek(-1)

    def end(self) -> int:
        return self.seek(self.last)

    @property
    def at_end(self) -> bool:
        return self.index >= self.last

    @property
    def current(self) -> AnyStep | None:
        return self.trace.steps[self.index] if self.index >= 0 else None

    def state(self) -> State:
        return self.trace.state(self.index)

    def retrace(self, trace: Walkable) -> int:
        """Follow an edit: the same step in ``trace`` if it has one, else the same place: a forward step stays
        among the forward steps, a derivative's step goes as far into the new trace's derivative steps."""
        old, old_start = self.current, _derivatives_start(self.trace)
        self.trace = trace
        if old is None:
            return self.seek(-1)
        wanted = step_key(old)
        for step in trace.steps:
            if step_key(step) == wanted:
                return self.seek(step.index)
        start = _derivatives_start(trace)
        if isinstance(old, ForwardStep):  # a forward step that vanished: stay among the forward steps
            return self.seek(min(old.index, start - 1))
        return self.seek(start + (old.index - old_start))  # as far into the derivatives
