"""Reverse mode against forward mode, step for step: the seed's "n passes versus one", counted.

Both modes run on one clock, forward mode's steps (each step is one node visited). At tick k forward
mode stands at its step k and reverse mode at its step min(k, its last); at the last tick both have
finished (in the rare graph where reverse mode takes more steps, it is shown finished there too). Each
side reports its sweeps through the graph, the floating-point operations spent so far and how
many gradient elements it has finished. Reverse mode finishes every element after two sweeps; forward
mode finishes one element per sweep.

Both count the forward values once: reverse mode computes them in its first sweep, forward mode
needs them before its first tangent pass (its trace starts after them, so they are charged at once).
"""

from __future__ import annotations

from itertools import accumulate
from typing import NamedTuple

from gradviz.engine.forward_mode import ForwardTrace
from gradviz.engine.trace import Trace


class Progress(NamedTuple):
    """How far one mode has got at one tick of the shared clock."""

    mode: str
    index: int  # type: ignore[assignment]  # the step of this mode's own trace, -1 before its first (shadows tuple.index)
    sweeps_done: int
    sweeps: int
    flops: int
    total_flops: int
    known: int  # gradient elements finished
    elements: int  # gradient elements in all

    @property
    def finished(self) -> bool:
        return self.known == self.elements and self.sweeps_done == self.sweeps


class Race:
    """The two traces of one program on one clock; ``at(k)`` is (reverse, forward) progress at tick k."""

    def __init__(self, reverse: Trace, forward: ForwardTrace) -> None:
        self.reverse, self.forward = reverse, forward
        self.last = len(forward) - 1
        self._reverse_flops = list(accumulate(reverse.flops(i) for i in range(len(reverse))))
        self._forward_flops = list(accumulate(forward.flops(i) for i in range(len(forward))))
        self._values_flops = self._reverse_flops[reverse.seed_index - 1] if reverse.seed_index else 0
        self.elements = sum(node.size for node in reverse.program.sources)
        # a source's bar is final after the last addition into it: from then on its elements are known
        last_write = {source.id: -1 for source in reverse.program.sources}
        for step in reverse.steps[reverse.seed_index :]:
            if step.node.id in last_write:
                last_write[step.node.id] = step.index
        self._reverse_known = sorted(
            (index, reverse.program.node(node_id).size) for node_id, index in last_write.items()
        )

    def reverse_at(self, tick: int) -> Progress:
        trace = self.reverse
        index = len(trace) - 1 if tick >= self.last else min(tick, len(trace) - 1)
        sweeps_done = int(index >= trace.seed_index - 1) + int(index == len(trace) - 1)
        known = sum(size for last, size in self._reverse_known if last <= index)
        flops = self._reverse_flops[index] if index >= 0 else 0
        return Progress("reverse mode", index, sweeps_done, 2, flops, self._reverse_flops[-1], known, self.elements)

    def forward_at(self, tick: int) -> Progress:
        index = min(tick, self.last)
        done = sum(1 for end in self.forward.pass_ends if end <= index)
        tangents = self._forward_flops[index] if index >= 0 else 0
        # one element per finished pass: passes are per source element, so these counts are equal
        return Progress(
            "forward mode",
            index,
            done,
            self.forward.passes,
            self._values_flops + tangents,
            self._values_flops + (self._forward_flops[-1] if self._forward_flops else 0),
            done,
            self.elements,
        )

    def at(self, tick: int) -> tuple[Progress, Progress]:
        return self.reverse_at(tick), self.forward_at(tick)
