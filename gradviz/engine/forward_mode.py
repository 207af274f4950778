"""Forward-mode differentiation: one pass of dot rules per scalar source element.

The lecture notes (20.1): for an input of length n, forward mode needs n passes to get every
∂L/∂xᵢ, while reverse mode needs one for a scalar L. This module does exactly that, pass by pass,
so the count is seen rather than told: each pass seeds one element's tangent with 1 and carries
tangents forward through every node that depends on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from gradviz.engine.errors import GradvizError
from gradviz.engine.formula import render_latex, render_unicode
from gradviz.engine.program import Node, Program
from gradviz.engine.trace import State
from gradviz.engine.tracer import at_node, forward_values


class TangentStep(NamedTuple):
    """Step ``index``: in pass ``pass_index`` (seeding element ``element`` of ``source``), ``node``'s tangent."""

    index: int
    pass_index: int
    source: str
    element: tuple[int, ...]
    node: Node
    tangent: np.ndarray

    kind = "tangent"

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


def _tangent_of(node: Node, tangents: Mapping[str, np.ndarray], values: Mapping[str, np.ndarray]) -> np.ndarray | None:
    """Σ over ports of the dot rule: the node's tangent, or None where no input carries one."""
    xs = [values[parent] for parent in node.inputs]
    z = values[node.id]
    total = None
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
    return None if total is None else np.broadcast_to(total, z.shape)


def forward_mode(program: Program, overrides: Mapping[str, object] | None = None,
                 record: bool = True) -> ForwardModeResult:
    """∂c/∂s for every input and parameter s by one forward-mode pass per element of s."""
    values = forward_values(program, overrides)
    gradients: dict[str, np.ndarray] = {}
    steps: list[TangentStep] = []
    passes = flops = 0
    per_pass_flops = {
        node.id: int(node.op.flops(*(program.node(p).shape for p in node.inputs), **node.attrs))
        for node in program.nodes if not node.op.is_source
    }
    with np.errstate(all="ignore"):
        for source in program.sources:
            gradient = np.zeros(source.shape)
            start = program.index[source.id]
            for element in np.ndindex(*source.shape):
                seed = np.zeros(source.shape)
                seed[element] = 1.0
                tangents = {source.id: seed}
                if record:
                    steps.append(TangentStep(len(steps), passes, source.id, element, source, seed))
                for node in program.nodes[start + 1:]:
                    tangent = _tangent_of(node, tangents, values)
                    if tangent is None:
                        continue
                    tangents[node.id] = tangent
                    flops += per_pass_flops[node.id]
                    if record:
                        steps.append(TangentStep(len(steps), passes, source.id, element, node, tangent))
                output_tangent = tangents.get(program.output)
                gradient[element] = 0.0 if output_tangent is None else float(output_tangent)
                passes += 1
            gradients[source.id] = gradient
    return ForwardModeResult(gradients, passes, flops, tuple(steps))


class ForwardTrace:
    """Forward mode's passes as steps a viewer can walk, read the way a reverse Trace is read.

    The state at step k holds every value (forward mode needs them all first) and, as "bars", the
    tangents of the current pass so far; ``gradient_at(k)`` is ∂c/∂source assembled from the passes
    already finished: one element per pass, which is the whole point.
    """

    kind = "forward mode"

    def __init__(self, program: Program, overrides: Mapping[str, object] | None = None) -> None:
        self.program = program
        self._values = forward_values(program, overrides)
        result = forward_mode(program, overrides)
        self.steps, self.passes, self.gradients = result.steps, result.passes, result.gradients
        self.seed_index = 0  # no seed: every step belongs to some pass
        self._pass_start = [i for i, step in enumerate(self.steps) if step.node.id == step.source]
        self.pass_ends = [start - 1 for start in self._pass_start[1:]] + [len(self.steps) - 1]  # last step of each

    def __len__(self) -> int:
        return len(self.steps)

    def phase(self, index: int) -> str:
        step = self.steps[index]
        return f"pass {step.pass_index + 1} of {self.passes}"

    def state(self, index: int) -> State:
        """Every value, and the tangents of the pass that step ``index`` belongs to, up to that step."""
        if index < 0:
            return State(index, {}, {})
        start = self._pass_start[self.steps[index].pass_index]
        tangents = {step.node.id: step.tangent for step in self.steps[start:index + 1]}
        return State(index, dict(self._values), tangents)

    def gradient_at(self, index: int) -> dict[str, np.ndarray]:
        """∂c/∂s for every source, known only at the elements whose passes have finished by step ``index``
        (nan elsewhere): one pass, one element."""
        partial = {source: np.full(gradient.shape, np.nan) for source, gradient in self.gradients.items()}
        for start, end in zip(self._pass_start, self.pass_ends):
            if end <= index:
                seed = self.steps[start]
                partial[seed.source][seed.element] = self.gradients[seed.source][seed.element]
        return partial

    def formula(self, index: int, latex: bool = False) -> str:
        step = self.steps[index]
        render = render_latex if latex else render_unicode
        if step.node.op.is_source:
            return render("{out:dot} = e", {"out": step.node.name}) + (
                f"_{{{','.join(map(str, step.element))}}}" if latex else f"{list(step.element)}")
        names = {port.name: self.program.node(parent).name for port, parent in zip(step.node.op.ports,
                                                                                   step.node.inputs)}
        return render(step.node.op.dot_formula, names | {"out": step.node.name})

    def naive_flops(self, index: int) -> None:
        """Only reverse steps have a naive count to compare with (see Trace.naive_flops)."""
        return None

    def flops(self, index: int) -> int:
        node = self.steps[index].node
        if node.op.is_source:
            return 0
        return int(node.op.flops(*(self.program.node(p).shape for p in node.inputs), **node.attrs))
