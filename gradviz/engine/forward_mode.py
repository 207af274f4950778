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
from gradviz.engine.program import Node, Program
from gradviz.engine.tracer import at_node, forward_values


class TangentStep(NamedTuple):
    """In pass ``pass_index`` (seeding element ``element`` of ``source``), ``node``'s tangent."""

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
                    steps.append(TangentStep(passes, source.id, element, source, seed))
                for node in program.nodes[start + 1:]:
                    tangent = _tangent_of(node, tangents, values)
                    if tangent is None:
                        continue
                    tangents[node.id] = tangent
                    flops += per_pass_flops[node.id]
                    if record:
                        steps.append(TangentStep(passes, source.id, element, node, tangent))
                output_tangent = tangents.get(program.output)
                gradient[element] = 0.0 if output_tangent is None else float(output_tangent)
                passes += 1
            gradients[source.id] = gradient
    return ForwardModeResult(gradients, passes, flops, tuple(steps))
