"""A trace and a cursor over it: what the timeline shows, with no Qt.

The cursor is an index into the trace's steps (-1 is "before the first step"); moving it is just
changing the number, because the trace answers "the state after step k" directly. When an edit
recomputes the trace, the cursor stays on the same step in the new trace where that step still
exists (the same kind of step on the same node and edge), and otherwise on the nearest step of the
same phase, so a student editing a value keeps their place.
"""

from __future__ import annotations

from gradviz.engine.trace import State, Step, Trace
from gradviz.model.story import Story, story_of


def step_key(step: Step) -> tuple:
    """What identifies a step across retracing: its kind, node, and edge (for bars, the parent)."""
    if step.kind == "backward":
        return ("backward", step.node.id, step.port, step.parent.id)
    if step.kind == "accumulate":
        return ("accumulate", step.node.id, step.count)
    return (step.kind, step.node.id)


class Playback:
    """The cursor over one trace."""

    def __init__(self, trace: Trace, index: int = -1) -> None:
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
    def current(self) -> Step | None:
        return self.trace.steps[self.index] if self.index >= 0 else None

    def state(self) -> State:
        return self.trace.state(self.index)

    def retrace(self, trace: Trace) -> int:
        """Follow an edit: the same step in ``trace`` if it has one, else the same place by phase."""
        old, old_seed = self.current, self.trace.seed_index
        self.trace = trace
        if old is None:
            return self.seek(-1)
        wanted = step_key(old)
        for step in trace.steps:
            if step_key(step) == wanted:
                return self.seek(step.index)
        if old.kind == "forward":  # a forward step that vanished: stay in the forward phase
            return self.seek(min(old.index, trace.seed_index - 1))
        return self.seek(trace.seed_index + (old.index - old_seed))  # as far into the reverse pass
