"""Forward-mode differentiation: one pass of dot rules per scalar source element.

The lecture notes (20.1): for an input of length n, forward mode needs n passes to get every
∂L/∂xᵢ, while reverse mode needs one for a scalar L. This module does exactly that, pass by pass,
so the count is seen rather than told: each pass seeds one element's tangent with 1 and carries
tangents forward through every node that depends on it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple, overload

import numpy as np

from gradviz.engine import budget
from gradviz.engine.errors import GradvizError
from gradviz.engine.formula import render_latex, render_unicode
from gradviz.engine.program import Node, Program
from gradviz.engine.trace import State, StepKind
from gradviz.engine.tracer import Report, at_node, forward_values


class TangentStep:
    """Step ``index``: in pass ``pass_index`` (seeding element ``element`` of node ``source_id``), ``node``'s tangent.

    The tangent is an array, or (in a ForwardTrace) made when first read: a step's place in the trace is
    known from the graph's structure alone, so walking the steps never computes a pass.
    """

    __slots__ = ("_tangent", "element", "index", "node", "pass_index", "source_id")

    def __init__(
        self,
        index: int,
        pass_index: int,
        source_id: str,
        element: tuple[int, ...],
        node: Node,
        *,
        tangent: np.ndarray | Callable[[], np.ndarray],
    ) -> None:
        self.index, self.pass_index, self.source_id, self.element, self.node = (
            index,
            pass_index,
            source_id,
            element,
            node,
        )
        self._tangent = tangent

    @property
    def kind(self) -> StepKind:
        return StepKind.TANGENT

    @property
    def tangent(self) -> np.ndarray:
        return self._tangent() if callable(self._tangent) else self._tangent

    @property
    def nonfinite(self) -> bool:
        return not np.isfinite(self.tangent).all()


@dataclass(frozen=True)
class ForwardModeResult:
    """The gradient found by forward mode, its pass count and cost, and (if recorded) its steps."""

    gradients: Mapping[str, np.ndarray]
    passes: int
    flops: int
    steps: tuple[TangentStep, ...]


def _tangent_of(node: Node, tangents: Mapping[str, np.ndarray], values: Mapping[str, np.ndarray]) -> np.ndarray:
    """Σ over ports of the dot rule: the node's tangent (``node`` is one a pass reaches, so an input carries one)."""
    xs = [values[parent] for parent in node.inputs]
    z = values[node.id]
    total: np.ndarray | None = None
    for port, parent in enumerate(node.inputs):
        rule = node.op.jvp[port]
        t = tangents.get(parent)
        if rule is None or t is None:
            continue
        try:
            part = np.asarray(rule(t, z, *xs, **node.attrs))
        except GradvizError as error:
            raise at_node(node, error) from None
        total = part if total is None else total + part
    assert total is not None, f"no tangent flows into {node.id}"  # reached() keeps only nodes one flows into
    return np.broadcast_to(total, z.shape)


def reached(program: Program, source: Node) -> tuple[Node, ...]:
    """The nodes a tangent seeded at ``source`` reaches, the source first, in program order: one pass's
    steps. Which nodes carry a tangent follows from the graph alone, never from the numbers."""
    carrying, order = {source.id}, [source]
    for node in program.nodes[program.index[source.id] + 1 :]:
        if any(rule is not None and parent in carrying for rule, parent in zip(node.op.jvp, node.inputs)):
            carrying.add(node.id)
            order.append(node)
    return tuple(order)


def tangent_pass(
    values: Mapping[str, np.ndarray], nodes: tuple[Node, ...], element: tuple[int, ...]
) -> dict[str, np.ndarray]:
    """One pass: node id → tangent for ``nodes`` (from ``reached``, in their order) with element ``element``
    of the source seeded."""
    source = nodes[0]
    seed = np.zeros(source.shape)
    seed[element] = 1.0
    tangents = {source.id: seed}
    with np.errstate(all="ignore"):
        for node in nodes[1:]:
            tangents[node.id] = _tangent_of(node, tangents, values)
    return tangents


def forward_mode(
    program: Program, overrides: Mapping[str, object] | None = None, record: bool = True, report: Report | None = None
) -> ForwardModeResult:
    """∂c/∂s for every input and parameter s by one forward-mode pass per element of s. ``record`` keeps
    every tangent (memory grows as passes × graph; ForwardTrace recomputes them instead); ``report(done,
    total)`` hears of every pass."""
    values = forward_values(program, overrides)
    gradients: dict[str, np.ndarray] = {}
    steps: list[TangentStep] = []
    passes = flops = 0
    total = sum(source.size for source in program.sources)
    per_pass_flops = {
        node.id: int(node.op.flops(*(program.node(p).shape for p in node.inputs), **node.attrs))
        for node in program.nodes
        if not node.op.is_source
    }
    for source in program.sources:
        gradient = np.zeros(source.shape)
        nodes = reached(program, source)
        pass_flops = sum(per_pass_flops[node.id] for node in nodes[1:])
        for element in np.ndindex(*source.shape):
            tangents = tangent_pass(values, nodes, element)
            if record:
                steps.extend(
                    TangentStep(index, passes, source.id, element, node, tangent=tangent)
                    for index, node, tangent in zip(
                        range(len(steps), len(steps) + len(nodes)), nodes, tangents.values()
                    )
                )
            flops += pass_flops
            gradient[element] = float(tangents[program.output]) if program.output in tangents else 0.0
            passes += 1
            if report is not None:
                report(passes, total)
        gradients[source.id] = gradient
    return ForwardModeResult(gradients, passes, flops, tuple(steps))


def _element(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The index of element number ``flat`` of an array of ``shape``, row-major (np.unravel_index, without
    its per-call overhead: retracing walks every step's metadata)."""
    element = []
    for length in reversed(shape):
        flat, position = divmod(flat, length)
        element.append(position)
    return tuple(reversed(element))


class _Block(NamedTuple):
    """The passes of one source: where its steps start, its first pass, and the nodes each pass visits."""

    first_step: int
    first_pass: int
    source: Node
    nodes: tuple[Node, ...]


class _TangentSteps(Sequence[TangentStep]):
    """A ForwardTrace's steps, made when asked for: their tangents are computed (per pass) when read."""

    def __init__(self, trace: ForwardTrace, length: int) -> None:
        self._trace, self._length = trace, length

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> TangentStep: ...
    @overload
    def __getitem__(self, index: slice) -> list[TangentStep]: ...
    def __getitem__(self, index: int | slice) -> TangentStep | list[TangentStep]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(f"step {index} is outside 0..{self._length - 1}")
        return self._trace._step(index)


class ForwardTrace:
    """Forward mode's passes as steps a viewer can walk, read the way a reverse Trace is read.

    The state at step k holds every value (forward mode needs them all first) and, as "bars", the
    tangents of the current pass so far; ``gradient_at(k)`` is ∂c/∂source assembled from the passes
    already finished: one element per pass, which is the whole point. There is no seed step: every step
    belongs to some pass.

    Storing every pass's tangents costs passes × graph (a 100×100 input: 10,000 passes, 1.7 GB), so a
    pass's tangents are recomputed when a step of it is read, and only the last ``KEPT_PASSES`` are kept:
    stepping through one pass computes it once.
    """

    KEPT_PASSES = budget.FORWARD_PASSES_KEPT

    def __init__(
        self, program: Program, overrides: Mapping[str, object] | None = None, report: Report | None = None
    ) -> None:
        budget.check(program, "forward")
        self.program = program
        self._values = forward_values(program, overrides)
        result = forward_mode(program, overrides, record=False, report=report)
        self.passes, self.gradients = result.passes, result.gradients
        self._blocks: list[_Block] = []
        step = first_pass = 0
        for source in program.sources:
            if source.size:
                nodes = reached(program, source)
                self._blocks.append(_Block(step, first_pass, source, nodes))
                step += source.size * len(nodes)
                first_pass += source.size
        self._block_starts = [block.first_step for block in self._blocks]
        self._pass_starts = [block.first_pass for block in self._blocks]
        self.steps = _TangentSteps(self, step)
        self.pass_ends = [
            block.first_step + (k + 1) * len(block.nodes) - 1  # the last step of each pass
            for block in self._blocks
            for k in range(block.source.size)
        ]
        self._kept: OrderedDict[int, list[np.ndarray]] = OrderedDict()

    def __len__(self) -> int:
        return len(self.steps)

    def _locate(self, index: int) -> tuple[_Block, int, int]:
        """The block of step ``index``, its pass within the block and its position within the pass."""
        block = self._blocks[bisect_right(self._block_starts, index) - 1]
        within, position = divmod(index - block.first_step, len(block.nodes))
        return block, within, position

    def _tangents(self, pass_index: int) -> list[np.ndarray]:
        """The tangents of pass ``pass_index`` (one per node it visits), recomputed unless kept."""
        if pass_index in self._kept:
            self._kept.move_to_end(pass_index)
            return self._kept[pass_index]
        block = self._blocks[bisect_right(self._pass_starts, pass_index) - 1]
        element = _element(pass_index - block.first_pass, block.source.shape)
        tangents = list(tangent_pass(self._values, block.nodes, element).values())
        for tangent in tangents:
            tangent.setflags(write=False)
        self._kept[pass_index] = tangents
        while len(self._kept) > self.KEPT_PASSES:
            self._kept.popitem(last=False)
        return tangents

    def _step(self, index: int) -> TangentStep:
        block, within, position = self._locate(index)
        pass_index = block.first_pass + within
        return TangentStep(
            index,
            pass_index,
            block.source.id,
            _element(within, block.source.shape),
            block.nodes[position],
            tangent=lambda: self._tangents(pass_index)[position],
        )

    def where(self, index: int) -> str:
        """Where step ``index`` lies in the run, as the timeline says it: 'pass 2 of 6'."""
        return f"pass {self.steps[index].pass_index + 1} of {self.passes}"

    def state(self, index: int) -> State:
        """Every value, and the tangents of the pass that step ``index`` belongs to, up to that step."""
        if index < 0:
            return State(index, {}, {})
        block, within, position = self._locate(index)
        tangents = self._tangents(block.first_pass + within)
        return State(
            index,
            MappingProxyType(self._values),
            {node.id: tangent for node, tangent in zip(block.nodes[: position + 1], tangents)},
        )

    def changed(self, a: int, b: int) -> set[str]:
        """Ids of the nodes whose value or tangent may differ between the states at steps ``a`` and ``b``
        (see Trace.changed): within one pass the nodes visited in between, else both passes' nodes."""
        if min(a, b) < 0:
            return {node.id for node in self.program.nodes} if max(a, b) >= 0 else set()
        (block_a, pass_a, at_a), (block_b, pass_b, at_b) = self._locate(a), self._locate(b)
        if block_a is block_b and pass_a == pass_b:
            low, high = sorted((at_a, at_b))
            return {node.id for node in block_a.nodes[low + 1 : high + 1]}
        return {node.id for node in block_a.nodes[: at_a + 1]} | {node.id for node in block_b.nodes[: at_b + 1]}

    def gradient_at(self, index: int) -> dict[str, np.ndarray]:
        """∂c/∂s for every source, known only at the elements whose passes have finished by step ``index``
        (nan elsewhere): one pass, one element."""
        partial = {source: np.full(gradient.shape, np.nan) for source, gradient in self.gradients.items()}
        finished = bisect_right(self.pass_ends, index)  # passes are in order, so these are the first ones
        for block in self._blocks:
            count = min(max(finished - block.first_pass, 0), block.source.size)
            partial[block.source.id].reshape(-1)[:count] = self.gradients[block.source.id].reshape(-1)[:count]
        return partial

    def formula(self, index: int, latex: bool = False) -> str:
        step = self.steps[index]
        render = render_latex if latex else render_unicode
        if step.node.op.is_source:
            return render("{out:dot} = e", {"out": step.node.name}) + (
                f"_{{{','.join(map(str, step.element))}}}" if latex else f"{list(step.element)}"
            )
        names = {
            port.name: self.program.node(parent).name for port, parent in zip(step.node.op.ports, step.node.inputs)
        }
        return render(step.node.op.dot_formula, names | {"out": step.node.name})

    def naive_flops(self, index: int) -> None:
        """Only reverse steps have a naive count to compare with (see Trace.naive_flops)."""
        return None

    def flops(self, index: int) -> int:
        node = self.steps[index].node
        if node.op.is_source:
            return 0
        return int(node.op.flops(*(self.program.node(p).shape for p in node.inputs), **node.attrs))
