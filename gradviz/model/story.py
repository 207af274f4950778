"""The story a student is told: the trace's exact steps, grouped the way a lecturer tells them.

The trace records two steps per edge of the reverse pass: the contribution flowing back (a
``BackwardStep``) and its addition into the parent's bar (an ``AccumulateStep``). Told literally, every
bar would start with a step that adds something to nothing. A lecturer tells one thing per edge:

    x̄ = Wᵀ ā                       the first (often the only) contribution to a bar is an assignment
    Ā += C̅₂̅ C₂ A⁻ᵀ                 an addition appears only where a bar really sums several contributions:
                                   "A feeds 3 nodes (C₃, C₂ and C₁), this is the 2nd of 3"
    b̄ = Σ over axis 0 of (s̄)       broadcasting: the sum over the stretched axis is said, too

So each presented step (a ``Told``) stands for one or more exact trace steps, and the engine's cursor
rests on the last of them: the canvas at a presented step shows exactly the trace's numbers at that
step. The trace itself is never changed. Forward steps, the seed and forward mode's tangent steps are
told one for one.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from typing import NamedTuple
from weakref import WeakKeyDictionary

from gradviz.engine.describe import sentence as exact_sentence
from gradviz.engine.formula import render_latex, render_shapes, render_unicode
from gradviz.engine.ops._common import show
from gradviz.engine.trace import AccumulateStep, BackwardStep, SeedStep
from gradviz.engine.walkable import AnyStep, Walkable

_RULE = re.compile(r"^\s*(\{\w+:bar\})\s*\+=\s*(.*)$")  # every bar rule is written "{x:bar} += …"
_SINGLE = re.compile(r"^\{\w+(?::\w+)?\}$")


class Told(NamedTuple):
    """One presented step: the exact trace steps it stands for and the one whose node or edge is marked."""

    steps: tuple[int, ...]
    shown: int

    @property
    def index(self) -> int:  # type: ignore[override]  # replaces tuple.index (finding an item), which no Told needs
        """Where the engine's cursor rests for this step: after the last of its exact steps."""
        return self.steps[-1]


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, …, 11th, 12th, 13th, …, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _listed(names: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _bar(name: str) -> str:
    return render_unicode("{x:bar}", {"x": name})


def _axes(axes: tuple[int, ...]) -> str:
    return f"axis {axes[0]}" if len(axes) == 1 else f"axes {', '.join(map(str, axes))}"


class Story:
    """The presented steps of one trace, and the way between them and the trace's exact steps."""

    def __init__(self, trace: Walkable) -> None:
        self.trace = trace
        told: list[Told] = []
        # node id → the accumulate steps into its bar, in order: how many contributions it sums
        self._additions: dict[str, list[AccumulateStep]] = {}
        for step in trace.steps:
            match step:
                case BackwardStep():
                    continue  # told together with the addition that follows it
                case AccumulateStep():
                    told.append(Told((step.backward_index, step.index), step.backward_index))
                    self._additions.setdefault(step.node.id, []).append(step)
                case _:
                    told.append(Told((step.index,), step.index))
        self.told = tuple(told)
        self._ends = [entry.index for entry in self.told]

    def __len__(self) -> int:
        return len(self.told)

    # ----- between presented positions and exact steps -------------------------------------------

    def position(self, index: int) -> int:
        """The presented step that exact step ``index`` belongs to (-1 for -1, before the first)."""
        if index < 0:
            return -1
        return min(bisect_left(self._ends, index), len(self._ends) - 1)

    def index(self, position: int) -> int:
        """The exact step the cursor rests on at presented step ``position`` (-1 before the first)."""
        if position < 0 or not self._ends:
            return -1
        return self._ends[min(position, len(self._ends) - 1)]

    def landing(self, index: int) -> int:
        """Where a jump to exact step ``index`` lands: the end of the presented step holding it (-1 stays
        -1, past the end is the last). Every seek and every lesson stop goes there, so the canvas never
        rests between an edge's contribution and its addition, and a stop's numbers are the canvas's."""
        return self.index(self.position(index)) if index >= 0 else -1

    def after(self, index: int) -> int:
        """The exact step of the presented step after the one containing ``index`` (→); the last stays."""
        position = bisect_right(self._ends, index)
        return self._ends[position] if position < len(self._ends) else self._ends[-1] if self._ends else -1

    def before(self, index: int) -> int:
        """The exact step of the presented step before the one containing ``index`` (←); -1 at the start."""
        position = bisect_left(self._ends, index) - 1
        return self._ends[position] if position >= 0 else -1

    def shown_step(self, index: int) -> AnyStep:
        """The step whose node or edge the canvas marks at exact step ``index``: for an edge, the
        contribution flowing back (the addition that completes it marks the same edge)."""
        return self.trace.steps[self.told[self.position(index)].shown]

    # ----- telling --------------------------------------------------------------------------------

    def _edge(self, position: int) -> tuple[BackwardStep, AccumulateStep] | None:
        """The backward step and its addition, for a presented step that is an edge; else None."""
        entry = self.told[position]
        if len(entry.steps) != 2:
            return None
        backward, addition = self.trace.steps[entry.steps[0]], self.trace.steps[entry.steps[1]]
        assert isinstance(backward, BackwardStep) and isinstance(addition, AccumulateStep)  # as __init__ told them
        return backward, addition

    def _template(self, backward: BackwardStep, addition: AccumulateStep) -> tuple[str, str, str]:
        """The left side, the sign ("=" for a bar's first contribution, "+=" after) and the right side."""
        match = _RULE.match(backward.rule)
        left, right = (match.group(1), match.group(2)) if match else ("{out:bar}", backward.rule)
        return left, "=" if addition.count == 1 else "+=", right

    def formula(self, position: int, latex: bool = False) -> str:
        """Presented step ``position``'s formula with the names on its edge: ``x̄ = Wᵀ ā``."""
        edge = self._edge(position)
        if edge is None:
            return self.trace.formula(self.told[position].index, latex=latex)
        backward, addition = edge
        left, sign, right = self._template(backward, addition)
        names = {
            port.name: self.trace.program.node(parent).name
            for port, parent in zip(backward.node.op.ports, backward.node.inputs)
        }
        names["out"] = backward.node.name
        if not backward.summed_axes:
            return (render_latex if latex else render_unicode)(f"{left} {sign} {right}", names)
        bracketed = right if _SINGLE.match(right) else f"({right})"
        if latex:
            below = ("\\mathrm{axis}\\ " if len(backward.summed_axes) == 1 else "\\mathrm{axes}\\ ") + ",".join(
                map(str, backward.summed_axes)
            )
            sign_tex = "=" if sign == "=" else "{+}{=}"
            return f"{render_latex(left, names)} {sign_tex} \\sum_{{{below}}} {render_latex(bracketed, names)}"
        return render_unicode(f"{left} {sign} Σ over {_axes(backward.summed_axes)} of {bracketed}", names)

    def shapes(self, position: int) -> str | None:
        """An edge's formula with each name replaced by its shape, ``(2×1) = (3×2)ᵀ (3×1)``; None otherwise."""
        edge = self._edge(position)
        if edge is None:
            return None
        backward, addition = edge
        left, sign, right = self._template(backward, addition)
        program = self.trace.program
        shapes = {
            port.name: program.node(parent).shape for port, parent in zip(backward.node.op.ports, backward.node.inputs)
        }
        shapes["out"] = backward.node.shape
        if backward.summed_axes:
            right = f"Σ over {_axes(backward.summed_axes)} of ({render_shapes(right, shapes)})"
        return render_shapes(f"{left} {sign} {right}", shapes)

    def sentence(self, position: int) -> str:
        """Presented step ``position`` in words, for the timeline and the frames' captions."""
        edge = self._edge(position)
        index = self.told[position].index
        step = self.trace.steps[index]
        if edge is None:
            if isinstance(step, SeedStep):
                name = step.node.name
                return f"the reverse pass starts at the cost {name}: {_bar(name)} = ∂{name}/∂{name} = 1"
            return exact_sentence(self.trace, index)
        backward, addition = edge
        child, parent = backward.node, backward.parent
        words = f"{_bar(child.name)} flows back through {child.op.name} to {parent.name}"
        if backward.summed_axes:
            raw = show(tuple(backward.raw_shape))
            words += (
                f"; {parent.name} ({show(parent.shape)}) was broadcast to {raw} along "
                f"{_axes(backward.summed_axes)}, so its bar sums the {raw} contribution over "
                f"{'that axis' if len(backward.summed_axes) == 1 else 'those axes'}"
            )
        additions = self._additions[parent.id]
        total = len(additions)
        if total == 1:
            return words
        users = Counter(self.trace.steps[add.backward_index].node.name for add in additions)
        listed = _listed(
            [
                name if times == 1 else f"{name} {'twice' if times == 2 else f'{times} times'}"
                for name, times in users.items()
            ]
        )
        uses = (
            f"{parent.name} feeds {total} nodes ({listed})"
            if len(users) == total
            else f"{parent.name} is used {total} times ({listed})"
        )
        place = f"this is the {ordinal(addition.count)} of {total}"
        if addition.count == total:
            place += f": {_bar(parent.name)} is complete"
        return f"{words}: {uses}, {place}"


_stories: WeakKeyDictionary[Walkable, Story] = WeakKeyDictionary()


def story_of(trace: Walkable) -> Story:
    """The story of ``trace``, made once per trace (a trace never changes, so neither does its story)."""
    story = _stories.get(trace)
    if story is None:
        story = _stories[trace] = Story(trace)
    return story
