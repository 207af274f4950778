"""A reverse trace kept at checkpoints: the same Trace, its arrays recomputed when read.

A full trace holds steps × tensor size (a 300-op chain on 1000×1000 matrices: 4.5 GiB). When that is over
the budget but the checkpointed form (checkpoint_plan.Plan) fits, ``run`` records the same steps while
keeping only the plan's values and running bars; reading a step's array recomputes the segment holding it
from the nearest checkpoint with the same functions on the same inputs, so the numbers are bitwise those
of the full trace.

The Trace is the ordinary one: only its steps differ. They are subclasses of the trace's step NamedTuples
(so ``isinstance`` and ``match`` see a ForwardStep, a BackwardStep, ...) whose array fields are properties
asking the store, while every other field (index, node, port, parent, summed axes, raw shape, source,
count) and the ``nonfinite`` flag are recorded for every step. Readers that walk all the steps for those
(the story, ``changed``, ``nonfinite_steps``, retracing) never recompute anything; a reader of a step's
array recomputes at most its segment (and, for a reverse one, the forward segments holding the values its
rules read). Read the fields by name: the tuple itself holds the store where an array would be.

The window reads the trace on the GUI thread after a background thread built it; the recomputing and the
segments kept are behind one lock, so readers on several threads are safe.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple, cast, overload

import numpy as np

from gradviz.engine.broadcast import unbroadcast
from gradviz.engine.checkpoint_plan import FORWARD_SEGMENTS_KEPT, REVERSE_SEGMENTS_KEPT, Plan, plan
from gradviz.engine.errors import GradvizError
from gradviz.engine.program import Node, Program
from gradviz.engine.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep, Step, Trace
from gradviz.engine.tracer import Report, _frozen, _source_value, at_node  # its own helpers: the same arrays


class EdgeArrays(NamedTuple):
    """The arrays of one reverse edge: the bar sent, its contribution to the parent, the parent's bar after."""

    child_bar: np.ndarray
    contribution: np.ndarray
    bar: np.ndarray


class CheckpointStore:
    """The kept values and bars of one checkpointed run, and the segments recomputed from them (a few kept)."""

    def __init__(self, program: Program, plan: Plan, sources: Mapping[str, np.ndarray]) -> None:
        self.program, self.plan = program, plan
        self.seed_index = len(program.nodes)
        self._position = {node.id: i for i, node in enumerate(program.nodes)}
        self._kept: dict[str, np.ndarray] = dict(sources)  # then every op value a later segment reads
        self._bars_before: list[dict[str, np.ndarray]] = []  # per reverse segment, the bars it starts from
        self._forward: OrderedDict[int, dict[str, np.ndarray]] = OrderedDict()
        self._reverse: OrderedDict[int, list[EdgeArrays]] = OrderedDict()
        self._lock = threading.RLock()
        self.nonfinite: frozenset[int] = frozenset()
        self.computed = {"forward": 0, "reverse": 0}  # segments computed, the first run's included: what reads cost

    def __repr__(self) -> str:  # what a step's array field shows when the step is printed
        return "<recomputed from checkpoints>"

    # ----- reading ----------------------------------------------------------------------------------

    def value(self, node_id: str) -> np.ndarray:
        """The value of ``node_id``: kept, or recomputed with the rest of its forward segment."""
        with self._lock:
            kept = self._kept.get(node_id)
            if kept is not None:
                return kept
            return self._forward_segment(self._position[node_id] // self.plan.length)[node_id]

    def edge(self, index: int) -> EdgeArrays:
        """The arrays of the edge whose backward step or accumulate step is ``index``."""
        edge = (index - self.seed_index - 1) // 2
        with self._lock:
            return self._reverse_segment(edge // self.plan.length)[edge % self.plan.length]

    def work(self, values: Iterable[str], steps: Iterable[int]) -> int:
        """The flops that reading these nodes' values and the arrays of these steps would cost now: the
        segments holding them that are neither kept nor recomputed already. A reverse segment costs twice its
        edges' forward flops (a bar rule costs about what its forward does, as budget estimates) and the
        forward segments holding the values its rules read. A viewer asks before a seek, to do a long one
        off its GUI thread."""
        length = self.plan.length
        with self._lock:
            forward = {self._position[node_id] // length for node_id in values if node_id not in self._kept}
            reverse = {(index - self.seed_index - 1) // 2 // length for index in steps if index > self.seed_index}
            reverse -= self._reverse.keys()
            flops = 0
            for segment in reverse:
                for edge in self.plan.edges[segment * length : (segment + 1) * length]:
                    flops += 2 * self._flops(edge.node)
                    read = (edge.node.id, *edge.node.inputs)
                    forward |= {self._position[node_id] // length for node_id in read if node_id not in self._kept}
            forward -= self._forward.keys()
        return flops + sum(self._flops(op.node) for segment in forward for op in self.plan.forward_segments[segment])

    def _flops(self, node: Node) -> int:
        shapes = (self.program.node(parent).shape for parent in node.inputs)
        return 0 if node.op.is_source else int(node.op.flops(*shapes, **node.attrs))

    # ----- recomputing ------------------------------------------------------------------------------

    def _forward_segment(self, segment: int) -> dict[str, np.ndarray]:
        values = self._forward.get(segment)
        if values is not None:
            self._forward.move_to_end(segment)
            return values
        while len(self._forward) >= FORWARD_SEGMENTS_KEPT:  # make room first: the budget counts this many
            self._forward.popitem(last=False)
        values = {}
        op = None
        try:
            with np.errstate(all="ignore"):
                for op in self.plan.forward_segments[segment]:
                    args = [values[i] if i in values else self._kept[i] for i in op.inputs]
                    values[op.node.id] = _frozen(np.asarray(op.forward(*args, **op.attrs)))
        except GradvizError as error:
            assert op is not None  # an error comes from some op
            raise at_node(op.node, error) from None
        self.computed["forward"] += 1
        self._forward[segment] = values
        return values

    def _reverse_segment(self, segment: int) -> list[EdgeArrays]:
        arrays = self._reverse.get(segment)
        if arrays is not None:
            self._reverse.move_to_end(segment)
            return arrays
        return self._compute_reverse(segment).arrays

    def _compute_reverse(self, segment: int) -> _ReverseSegment:
        """The edges of reverse ``segment`` from the bars it starts from, exactly as tracer.run computes them."""
        while len(self._reverse) >= REVERSE_SEGMENTS_KEPT:
            self._reverse.popitem(last=False)
        current = dict(self._bars_before[segment])
        arrays: list[EdgeArrays] = []
        shapes: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
        axes: tuple[int, ...]
        length = self.plan.length
        edge = None
        try:
            with np.errstate(all="ignore"):
                for edge in self.plan.edges[segment * length : (segment + 1) * length]:
                    node, parent = edge.node, edge.parent
                    g = current[node.id]
                    xs = [self.value(input_id) for input_id in node.inputs]
                    raw = np.asarray(edge.rule(g, self.value(node.id), *xs, **edge.attrs))
                    if raw.shape == parent.shape:
                        contribution, axes = raw, ()
                    else:
                        contribution, axes = unbroadcast(raw, parent.shape)
                    contribution.setflags(write=False)
                    previous = current.get(parent.id)
                    total = _frozen(previous + contribution) if previous is not None else contribution
                    current[parent.id] = total
                    arrays.append(EdgeArrays(g, contribution, total))
                    shapes.append((axes, raw.shape))
        except GradvizError as error:
            assert edge is not None  # an error comes from some edge's rule
            raise at_node(edge.node, error) from None
        self.computed["reverse"] += 1
        self._reverse[segment] = arrays
        return _ReverseSegment(arrays, current, shapes)

    # ----- the first run ----------------------------------------------------------------------------

    def record(self, seed: np.ndarray, report: Report | None) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
        """Run forward and backward once, segment by segment, keeping the checkpoints and every step's
        nonfinite flag; return each edge's summed axes and raw shape (metadata its backward step carries)."""
        plan, nodes = self.plan, self.program.nodes
        flagged: list[int] = []
        total = len(nodes) - len(self.program.sources_and_constants) + len(plan.edges)
        done = 0
        for segment, ops in enumerate(plan.forward_segments):
            values = self._forward_segment(segment)
            self._kept.update({op.node.id: values[op.node.id] for op in ops if op.node.id in plan.kept_values})
            start = segment * plan.length
            for position, node in enumerate(nodes[start : start + plan.length], start):
                value = values[node.id] if node.id in values else self._kept[node.id]
                if not np.isfinite(value).all():
                    flagged.append(position)
            if report is not None and ops:
                done += len(ops)
                report(done, total)
        shapes = []
        current = {self.program.output: seed}
        for segment, live in enumerate(plan.live_bars):
            self._bars_before.append({node_id: current[node_id] for node_id in live})
            computed = self._compute_reverse(segment)
            current = computed.bars
            shapes.extend(computed.shapes)
            first = self.seed_index + 1 + 2 * segment * plan.length
            for index, (_g, contribution, bar) in enumerate(computed.arrays):
                if not np.isfinite(contribution).all():
                    flagged.append(first + 2 * index)
                if not np.isfinite(bar).all():
                    flagged.append(first + 2 * index + 1)
            if report is not None:
                done += len(computed.arrays)
                report(done, total)
        self.nonfinite = frozenset(flagged)
        return shapes


class _ReverseSegment(NamedTuple):
    arrays: list[EdgeArrays]
    bars: dict[str, np.ndarray]  # every running bar after the segment (the next one starts from some)
    shapes: list[tuple[tuple[int, ...], tuple[int, ...]]]  # per edge: the summed axes, the raw shape


# ----- the steps: the trace's own step classes, with their arrays asked of the store ------------------


def _store(step: tuple[object, ...], field: int) -> CheckpointStore:
    store = tuple.__getitem__(step, field)
    assert isinstance(store, CheckpointStore)
    return store


class CheckpointedForwardStep(ForwardStep):
    """A ForwardStep whose value is recomputed when read."""

    __slots__ = ()

    @property
    def value(self) -> np.ndarray:  # type: ignore[override]  # a field made a property: same type, read-only
        return _store(self, 2).value(self.node.id)

    @property
    def nonfinite(self) -> bool:
        return self.index in _store(self, 2).nonfinite


class CheckpointedBackwardStep(BackwardStep):
    """A BackwardStep whose bar sent and contribution are recomputed when read."""

    __slots__ = ()

    @property
    def child_bar(self) -> np.ndarray:  # type: ignore[override]
        return _store(self, 4).edge(self.index).child_bar

    @property
    def contribution(self) -> np.ndarray:  # type: ignore[override]
        return _store(self, 4).edge(self.index).contribution

    @property
    def nonfinite(self) -> bool:
        return self.index in _store(self, 4).nonfinite


class CheckpointedAccumulateStep(AccumulateStep):
    """An AccumulateStep whose bar is recomputed when read."""

    __slots__ = ()

    @property
    def bar(self) -> np.ndarray:  # type: ignore[override]
        return _store(self, 3).edge(self.index).bar

    @property
    def nonfinite(self) -> bool:
        return self.index in _store(self, 3).nonfinite


class _Bars(Sequence[np.ndarray]):
    """A node's running bars, the bar of each step that changed it (the history Trace.bar_at bisects)."""

    __slots__ = ("_indices", "_steps")

    def __init__(self, steps: Sequence[Step], indices: list[int]) -> None:
        self._steps, self._indices = steps, indices

    def __len__(self) -> int:
        return len(self._indices)

    @overload
    def __getitem__(self, position: int) -> np.ndarray: ...
    @overload
    def __getitem__(self, position: slice) -> list[np.ndarray]: ...
    def __getitem__(self, position: int | slice) -> np.ndarray | list[np.ndarray]:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        step = self._steps[self._indices[position]]
        assert isinstance(step, (SeedStep, AccumulateStep))
        return step.bar


def run(
    program: Program,
    overrides: Mapping[str, object] | None = None,
    report: Report | None = None,
    segments: Plan | None = None,
) -> Trace:
    """``tracer.run`` for a program whose full trace is over the budget: the same steps, kept at checkpoints
    (``segments``: the plan's, unless given)."""
    sources = {node.id: _source_value(node, overrides or {}) for node in program.sources_and_constants}
    store = CheckpointStore(program, segments or plan(program), sources)
    seed = _frozen(np.ones(()))
    shapes = store.record(seed, report)
    seed_index = store.seed_index
    steps: list[Step] = [
        tuple.__new__(CheckpointedForwardStep, (i, node, store)) for i, node in enumerate(program.nodes)
    ]
    output = program.node(program.output)
    # mypy takes the class constants (kind, nonfinite) for fields
    steps.append(SeedStep(seed_index, output, seed))  # type: ignore[call-arg]
    indices: dict[str, list[int]] = {output.id: [seed_index]}
    for e, (edge, (axes, raw_shape)) in enumerate(zip(store.plan.edges, shapes)):
        index = seed_index + 1 + 2 * e
        added = indices.setdefault(edge.parent.id, [])
        added.append(index + 1)
        steps.append(
            tuple.__new__(
                CheckpointedBackwardStep, (index, edge.node, edge.port, edge.parent, store, store, axes, raw_shape)
            )
        )
        steps.append(tuple.__new__(CheckpointedAccumulateStep, (index + 1, edge.parent, index, store, len(added))))
    frozen_steps = tuple(steps)
    history = {node_id: (added, _Bars(frozen_steps, added)) for node_id, added in indices.items()}
    # Trace reads a history's bars only by position (bar_at, bar), never changes them: _Bars answers as the
    # tracer's lists do. The cast leaves Trace's signature (and its own history-building loop) untouched.
    lists = cast(dict[str, tuple[list[int], list[np.ndarray]]], history)
    trace = Trace(program, frozen_steps, lists, {node.id: i for i, node in enumerate(program.nodes)})
    trace.checkpoints = store
    return trace
