"""The trace: the immutable record of one forward and reverse pass, step by step.

Steps come in four kinds, in this order:
- a ``ForwardStep`` per node (its value),
- one ``SeedStep`` at the output (c̄ = 1),
- per edge in reverse order, a ``BackwardStep`` (the child's bar through the op's rule, the
  contribution after un-broadcasting, the summed axes) followed by the ``AccumulateStep`` that adds
  it into the parent's bar (fan-out shows as several accumulations into one bar).

The state at step k (values known, every bar's partial sum) is a pure function of k, so a viewer
steps back exactly as cheaply as it steps forward; nothing is ever undone by mutation. ``state(k)`` is a
pair of read-only views over the trace's histories, made in constant time whatever the graph's size
(a 10,000-node chain used to cost milliseconds per step to copy into dicts); ``changed(a, b)`` names the
nodes a move from step a to step b touches, so a viewer redraws only those.

Steps are NamedTuples: immutable and cheap to make, which matters for the per-op overhead target.
Arrays in steps are read-only. Whether a step produced a non-finite number is asked of the step
(``step.nonfinite``), and ``Trace.nonfinite_steps`` lists every such step.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple, TypeVar, overload

import numpy as np

from gradviz.engine.formula import render_latex, render_unicode
from gradviz.engine.program import Node, Program

if TYPE_CHECKING:
    from gradviz.engine.checkpoints import CheckpointStore

_Default = TypeVar("_Default")


class StepKind(StrEnum):
    """A step's kind by name, for what is printed or keyed (``gradviz trace``'s JSON); code that acts on a step
    tests its class (``isinstance``, ``match``), which also tells a type checker the step's fields."""

    FORWARD = "forward"
    SEED = "seed"
    BACKWARD = "backward"
    ACCUMULATE = "accumulate"
    TANGENT = "tangent"  # forward mode's steps (engine.forward_mode.TangentStep)


def _has_nonfinite(array: np.ndarray) -> bool:
    return not np.isfinite(array).all()


def _names(child: Node, program: Program) -> dict[str, str]:
    """Port placeholders of ``child``'s formulas mapped to the names of the nodes on them."""
    names = {port.name: program.node(parent).name for port, parent in zip(child.op.ports, child.inputs)}
    names["out"] = child.name
    return names


# A step's ``index`` (and an addition's ``count``) is a field that shadows the tuple method of that name, which no
# step uses; mypy reads the field as overriding the method, hence the ignores on those two field names.


class ForwardStep(NamedTuple):
    """Node ``node`` computed its value."""

    index: int  # type: ignore[assignment]  # shadows tuple.index (see above)
    node: Node
    value: np.ndarray

    @property
    def kind(self) -> StepKind:
        return StepKind.FORWARD

    @property
    def nonfinite(self) -> bool:
        return _has_nonfinite(self.value)


class SeedStep(NamedTuple):
    """The reverse pass starts: the output's bar is c̄ = ∂c/∂c = 1."""

    index: int  # type: ignore[assignment]  # shadows tuple.index (see above)
    node: Node
    bar: np.ndarray

    @property
    def kind(self) -> StepKind:
        return StepKind.SEED

    @property
    def nonfinite(self) -> bool:
        return False


class BackwardStep(NamedTuple):
    """The bar of ``node`` flowed through port ``port`` of its op into the parent ``parent``."""

    index: int  # type: ignore[assignment]  # shadows tuple.index (see above)
    node: Node
    port: int
    parent: Node
    child_bar: np.ndarray
    contribution: np.ndarray
    summed_axes: tuple[int, ...]
    raw_shape: tuple[int, ...]

    @property
    def kind(self) -> StepKind:
        return StepKind.BACKWARD

    @property
    def nonfinite(self) -> bool:
        return _has_nonfinite(self.contribution)

    @property
    def port_name(self) -> str:
        return self.node.op.ports[self.port].name

    @property
    def rule(self) -> str:
        """The bar rule as the op declares it, with port names (``{a:bar} += {out:bar} {b}ᵀ``)."""
        return self.node.op.bar_formulas[self.port] or ""

    @property
    def note(self) -> str | None:
        """What this rule teaches, where the op says (correlation's bar is a convolution)."""
        return self.node.op.bar_notes[self.port]


class AccumulateStep(NamedTuple):
    """``node``'s bar += the contribution of the backward step at ``backward_index``; its ``count``-th addition."""

    index: int  # type: ignore[assignment]  # shadows tuple.index (see above)
    node: Node
    backward_index: int
    bar: np.ndarray
    count: int  # type: ignore[assignment]  # shadows tuple.count (see above)

    @property
    def kind(self) -> StepKind:
        return StepKind.ACCUMULATE

    @property
    def nonfinite(self) -> bool:
        return _has_nonfinite(self.bar)


Step = ForwardStep | SeedStep | BackwardStep | AccumulateStep


@dataclass(frozen=True)
class State:
    """What is known at step ``index``: the values computed and each bar's partial sum; ``trace`` is the
    reverse trace they come from (None for other states), which says which step made each array without
    reading it (``Trace.value_made``, ``Trace.bar_made``)."""

    index: int
    values: Mapping[str, np.ndarray]
    bars: Mapping[str, np.ndarray]
    trace: Trace | None = None


class _StateView(Mapping[str, np.ndarray]):
    """A read-only view of one kind of array at step ``index``, answering each lookup from the trace (made in
    O(1)); a subclass says how one node is looked up and which nodes it has."""

    __slots__ = ("_index", "_trace")

    def __init__(self, trace: Trace, index: int) -> None:
        self._trace, self._index = trace, index

    def _lookup(self, node_id: str) -> np.ndarray | None:
        raise NotImplementedError

    @overload
    def get(self, node_id: str, /) -> np.ndarray | None: ...
    @overload
    def get(self, node_id: str, default: np.ndarray | _Default, /) -> np.ndarray | _Default: ...
    def get(self, node_id: str, default: object = None, /) -> object:
        found = self._lookup(node_id)
        return default if found is None else found

    def __getitem__(self, node_id: str) -> np.ndarray:
        found = self._lookup(node_id)
        if found is None:
            raise KeyError(node_id)
        return found

    def __contains__(self, node_id: object) -> bool:
        return isinstance(node_id, str) and self._lookup(node_id) is not None

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _ValuesAt(_StateView):
    """The values known once step ``index`` is done."""

    __slots__ = ()

    def _lookup(self, node_id: str) -> np.ndarray | None:
        return self._trace.value_at(node_id, self._index) if node_id in self._trace._value_step else None

    def __contains__(self, node_id: object) -> bool:
        step = self._trace._value_step.get(node_id) if isinstance(node_id, str) else None
        return step is not None and step <= self._index

    def __iter__(self) -> Iterator[str]:
        return (node_id for node_id, step in self._trace._value_step.items() if step <= self._index)


class _BarsAt(_StateView):
    """Every bar's partial sum once step ``index`` is done."""

    __slots__ = ()

    def _lookup(self, node_id: str) -> np.ndarray | None:
        return self._trace.bar_at(node_id, self._index)

    def __iter__(self) -> Iterator[str]:
        return (node_id for node_id, (indices, _bars) in self._trace._bar_history.items() if indices[0] <= self._index)


class Trace:
    """The steps of one run of a program, and the state at any step."""

    # Where the arrays are when the full trace was over the budget: its steps recompute them from checkpoints
    # when read (see checkpoints.py); None when every array is held.
    checkpoints: CheckpointStore | None = None

    def __init__(
        self,
        program: Program,
        steps: tuple[Step, ...],
        bar_history: dict[str, tuple[list[int], list[np.ndarray]]] | None = None,
        value_step: dict[str, int] | None = None,
    ) -> None:
        """``bar_history`` (node id → step indices and bars after them) and ``value_step`` (node id → its
        forward step) may come from the tracer, which knows them while recording; otherwise they are
        read off the steps."""
        self.program = program
        self.steps = steps
        self.seed_index = len(program.nodes)  # one forward step per node, then the seed
        self._value_step: dict[str, int] = (
            value_step if value_step is not None else {step.node.id: step.index for step in steps[: self.seed_index]}
        )
        if bar_history is None:
            bar_history = {}
            for step in steps[self.seed_index :]:
                if isinstance(step, SeedStep | AccumulateStep):
                    indices, bars = bar_history.setdefault(step.node.id, ([], []))
                    indices.append(step.index)
                    bars.append(step.bar)
        self._bar_history = bar_history

    def __len__(self) -> int:
        return len(self.steps)

    def where(self, index: int) -> str:
        """Where step ``index`` lies in the run, as the timeline says it: 'forward', 'seed' or 'backward'."""
        if index < self.seed_index:
            return "forward"
        return "seed" if index == self.seed_index else "backward"

    def _value_of(self, index: int) -> np.ndarray:
        step = self.steps[index]
        assert isinstance(step, ForwardStep), f"step {index} holds no value"  # a node's value step is a forward step
        return step.value

    # ----- final results ----------------------------------------------------------------------

    def value(self, node_id: str) -> np.ndarray:
        return self._value_of(self._value_step[node_id])

    @property
    def output_value(self) -> float:
        return float(self.value(self.program.output))

    def bar(self, node_id: str) -> np.ndarray | None:
        """The node's complete bar, or None for a node that has none (a constant, a dead end)."""
        history = self._bar_history.get(node_id)
        return history[1][-1] if history else None

    def bars(self) -> dict[str, np.ndarray]:
        """Every bar the run has: each node on a path from a source to the output, and every input
        and parameter (zeros for one that does not reach the output). Constants have none."""
        found = {node.id: bar for node in self.program.nodes if (bar := self.bar(node.id)) is not None}
        found.update({node_id: bar for node_id, bar in self.gradients().items() if node_id not in found})
        return {node.id: found[node.id] for node in self.program.nodes if node.id in found}

    def gradients(self) -> dict[str, np.ndarray]:
        """∂c/∂s for every input and parameter s; zeros where s does not reach the output."""
        return {
            node.id: bar if (bar := self.bar(node.id)) is not None else np.zeros(node.shape)
            for node in self.program.sources
        }

    # ----- the state at a step ----------------------------------------------------------------

    def value_at(self, node_id: str, index: int) -> np.ndarray | None:
        """The node's value once step ``index`` is done, or None if not yet computed."""
        step = self._value_step[node_id]
        return self._value_of(step) if step <= index else None

    def bar_at(self, node_id: str, index: int) -> np.ndarray | None:
        """The node's partial bar once step ``index`` is done, or None before its first addition."""
        history = self._bar_history.get(node_id)
        if history is None:
            return None
        position = bisect_right(history[0], index)
        return history[1][position - 1] if position else None

    def value_made(self, node_id: str, index: int) -> int | None:
        """The step that made the node's value known at step ``index`` (None if not yet): which array
        ``value_at`` gives, found without reading it (a checkpointed trace would recompute it)."""
        step = self._value_step.get(node_id)
        return step if step is not None and step <= index else None

    def bar_made(self, node_id: str, index: int) -> int | None:
        """The step that made the node's partial bar at step ``index`` (None before its first addition)."""
        history = self._bar_history.get(node_id)
        if history is None:
            return None
        position = bisect_right(history[0], index)
        return history[0][position - 1] if position else None

    def state(self, index: int) -> State:
        """Everything known once step ``index`` (0-based, -1 for before the first) is done: read-only views
        answering each lookup from the histories, so making a state costs nothing whatever the graph's size."""
        if not -1 <= index < len(self.steps):
            raise IndexError(f"step {index} is outside 0..{len(self.steps) - 1}")
        return State(index, _ValuesAt(self, index), _BarsAt(self, index), self)

    def changed(self, a: int, b: int) -> set[str]:
        """Ids of the nodes whose value or bar may differ between the states at steps ``a`` and ``b``: those
        the steps in between computed or added into. Costs the steps between, not the graph's size, so a
        view moving from step a to step b redraws only these nodes (plus the marks of steps a and b
        themselves, which a view knows from the two steps)."""
        low, high = sorted((max(a, -1), max(b, -1)))
        return {step.node.id for step in self.steps[low + 1 : high + 1] if not isinstance(step, BackwardStep)}

    # ----- reading steps ------------------------------------------------------------------------

    @property
    def nonfinite_steps(self) -> tuple[int, ...]:
        """Indices of the steps that produced a nan or an infinity."""
        return tuple(step.index for step in self.steps if step.nonfinite)

    def formula(self, index: int, latex: bool = False) -> str:
        """The rule applied at step ``index``, with the names of the nodes on its edge."""
        step = self.steps[index]
        render = render_latex if latex else render_unicode
        match step:
            case ForwardStep():
                return render(step.node.op.formula, _names(step.node, self.program))
            case SeedStep():
                return render("{out:bar} = 1", {"out": step.node.name})
            case BackwardStep():
                return render(step.rule, _names(step.node, self.program))
            case AccumulateStep():
                child = self.steps[step.backward_index].node
                return render("{x:bar} += {c}", {"x": step.node.name, "c": f"contribution from {child.name}"})

    def naive_flops(self, index: int) -> int | None:
        """For a backward step whose op declares it, the flops of summing every partial derivative."""
        step = self.steps[index]
        if not isinstance(step, BackwardStep) or (count := step.node.op.naive_bar_flops[step.port]) is None:
            return None
        shapes = tuple(self.program.node(parent).shape for parent in step.node.inputs)
        return int(count(*shapes))

    def flops(self, index: int) -> int:
        """Floating-point operations of step ``index`` (a bar rule costs as much as its forward)."""
        step = self.steps[index]
        if isinstance(step, ForwardStep | BackwardStep) and not step.node.op.is_source:
            node = step.node
            shapes = tuple(self.program.node(parent).shape for parent in node.inputs)
            return int(node.op.flops(*shapes, **node.attrs))
        if isinstance(step, AccumulateStep):  # its shape, not its array: a checkpointed one would be recomputed
            return step.node.size if step.count > 1 else 0
        return 0
