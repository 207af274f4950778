"""What the window's panels show at one step of a playback, as plain data (no Qt).

Given a trace, an exact step index and the node selected, ``present`` says which node and which wire
the canvas marks, the timeline's sentence, the formula panel's rule, shapes and cost, and which arrays
the inspector's step view shows under which titles. The panels only render it, so what a student is
shown at a step is decided (and tested) here, once; the grouping of exact steps into told ones is the
story's (gradviz.model.story), read, not repeated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from gradviz.engine.formula import render_unicode
from gradviz.engine.forward_mode import ForwardTrace, TangentStep
from gradviz.engine.trace import BackwardStep, State
from gradviz.engine.walkable import AnyStep, Walkable
from gradviz.model.story import Story, story_of


@dataclass(frozen=True)
class ArrayShown:
    """One array of the selected node at the step: ``subject`` (a name, in the notes' notation) then
    ``words`` make its title; ``diverging`` arrays (bars, tangents, contributions) centre on zero."""

    key: Literal["value", "bar", "contribution"]
    subject: str
    words: str
    array: np.ndarray
    diverging: bool


@dataclass(frozen=True)
class Line:
    """A line of the formula panel's details: a bold ``heading`` (or none) then ``text``; a ``note`` is what
    the rule teaches, a ``warning`` something gone wrong."""

    text: str
    heading: str = ""
    tone: Literal["plain", "note", "warning"] = "plain"


@dataclass(frozen=True)
class StepView:
    """Everything the panels show at exact step ``index`` (told as presented step ``position`` of ``count``)
    of ``trace``."""

    trace: Walkable
    index: int
    position: int
    count: int
    where: str  # where the step is in the run: forward pass, reverse pass, or forward mode's pass
    state: State
    step: AnyStep  # the step the canvas marks: for an edge, the contribution flowing back
    current: str  # the node the step is about, which the canvas keeps in view
    edge: tuple[str, int] | None  # the wire marked, (child id, port), for an edge of the reverse pass
    sentence: str
    formula: str
    formula_latex: str
    lines: tuple[Line, ...]
    arrays: tuple[ArrayShown, ...]  # the selected node's, empty when none is selected or it has none yet

    def arrays_for(self, node_id: str | None) -> tuple[ArrayShown, ...]:
        """Another node's arrays at this step (the selection changed while the step stays)."""
        return arrays_of(node_id, self.trace, self.state, self.step)


def drawn_at(trace: Walkable, index: int) -> tuple[State, AnyStep]:
    """What the canvas draws at exact step ``index`` (≥ 0): the state, and the step it marks (the one the
    timeline tells: an edge, not its "+="). The part of ``present`` the canvas needs, at every step of a
    playback, without the words, which wait for a reading pace (gui/reading_pace.py)."""
    return trace.state(index), story_of(trace).shown_step(index)


def present(trace: Walkable, index: int, selected: str | None = None) -> StepView:
    """The panels' content at exact step ``index`` (≥ 0) of ``trace``, with ``selected``'s arrays."""
    story = story_of(trace)
    position = story.position(index)
    state, step = drawn_at(trace, index)
    return StepView(
        trace,
        index,
        position,
        len(story),
        trace.where(index),
        state,
        step,
        step.node.id,
        (step.node.id, step.port) if isinstance(step, BackwardStep) else None,
        story.sentence(position),
        story.formula(position),
        story.formula(position, latex=True),
        _lines(story, index, position, step),
        arrays_of(selected, trace, state, step),
    )


def arrays_of(node_id: str | None, trace: Walkable, state: State, step: AnyStep) -> tuple[ArrayShown, ...]:
    """``node_id``'s arrays at the step: its value, its bar (a tangent in forward mode) so far, and, when the
    step is an edge into it, this step's contribution. None (or a node the trace does not know, added since
    it ran) has none."""
    if node_id is None or node_id not in trace.program.index:
        return ()
    name = trace.program.node(node_id).name
    shown = []
    value, bar = state.values.get(node_id), state.bars.get(node_id)
    if value is not None:
        shown.append(ArrayShown("value", name, "at this step", value, False))
    if bar is not None:
        tangent = isinstance(step, TangentStep)
        subject = render_unicode("{x:dot}" if tangent else "{x:bar}", {"x": name})
        shown.append(ArrayShown("bar", subject, "tangent" if tangent else "bar, accumulated so far", bar, True))
    if isinstance(step, BackwardStep) and step.parent.id == node_id:
        words = f"from {step.node.name}"
        shown.append(ArrayShown("contribution", "this step's contribution", words, step.contribution, True))
    return tuple(shown)


def _lines(story: Story, index: int, position: int, step: AnyStep) -> tuple[Line, ...]:
    """The rule's shapes, what broadcasting summed, what the rule teaches, forward mode's progress, the
    step's cost against summing every partial one entry at a time, and a warning for nan or infinity."""
    trace = story.trace
    lines = []
    if isinstance(step, BackwardStep):
        lines.append(Line(story.shapes(position) or "", "shapes"))
        if step.summed_axes:
            lines.append(Line(f"broadcasting undone: Σ over axis {', '.join(map(str, step.summed_axes))}"))
        if step.note:
            lines.append(Line(step.note, tone="note"))
    if isinstance(step, TangentStep) and isinstance(trace, ForwardTrace):
        known = trace.gradient_at(index)
        found = sum(int((~np.isnan(gradient)).sum()) for gradient in known.values())
        total = sum(gradient.size for gradient in known.values())
        progress = (
            f"after the finished passes, {found} of {total} gradient elements are known; "
            "reverse mode finds all of them in one pass"
        )
        lines.append(Line(progress, trace.where(index)))
    told = story.told[position].steps
    flops = sum(trace.flops(exact) for exact in told)
    if flops:
        cost = f"{flops:,} floating-point operations"
        naive = trace.naive_flops(step.index)
        if naive:
            cost += (
                f"; summing every partial derivative one entry at a time would take {naive:,} "
                f"({naive / flops:.0f}×): O(n⁴) against O(n³)"
            )
        lines.append(Line(cost, "cost"))
    if any(trace.steps[exact].nonfinite for exact in told):
        lines.append(Line("this step produced nan or infinity", tone="warning"))
    return tuple(lines)
