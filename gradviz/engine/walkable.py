"""What a viewer walks: reverse mode's ``Trace`` and forward mode's ``ForwardTrace`` as one Protocol.

The story, the player, the canvas and the panels read a trace through this alone: its steps, the state
after a step, what changed between two steps, where a step lies in the run and what it costs. What only
one mode has (reverse mode's seed and final bars, forward mode's passes and partial gradient) is read
after asking the trace's type (``isinstance(trace, ForwardTrace)``), never by sniffing for attributes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from gradviz.engine.forward_mode import TangentStep
from gradviz.engine.program import Program
from gradviz.engine.trace import State, Step

AnyStep = Step | TangentStep  # a step of either trace: test its class to read its fields


class Walkable(Protocol):
    """A run recorded as steps a viewer moves through, either way, one at a time."""

    @property
    def program(self) -> Program: ...

    @property
    def steps(self) -> Sequence[AnyStep]: ...

    def __len__(self) -> int: ...

    def state(self, index: int) -> State:
        """What is known once step ``index`` is done (-1: before the first)."""
        ...

    def changed(self, a: int, b: int) -> set[str]:
        """Ids of the nodes a move from step ``a`` to step ``b`` may redraw."""
        ...

    def where(self, index: int) -> str:
        """Where step ``index`` lies in the run, in the timeline's words ('backward', 'pass 2 of 6')."""
        ...

    def formula(self, index: int, latex: bool = False) -> str:
        """The rule applied at step ``index``, with the names of the nodes on its edge."""
        ...

    def flops(self, index: int) -> int:
        """Floating-point operations of step ``index``."""
        ...

    def naive_flops(self, index: int) -> int | None:
        """The flops of summing every partial derivative one by one, where the step's op declares it."""
        ...
