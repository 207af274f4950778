"""Running a program: the forward pass, then the reverse pass, recorded as a Trace.

The reverse pass visits nodes in reverse topological order, so a node's bar is complete (every
child has added its contribution) before it flows on to the node's own inputs. Only edges into
nodes that need a bar (on a path from an input or parameter to the output) are followed.

This loop is the engine's hot path (a chain of 1000 tiny ops must stay within a few times a
hand-written numpy loop), so it does no per-step checks beyond what the trace must record.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from gradviz.engine.broadcast import unbroadcast
from gradviz.engine.errors import GradvizError, NodeError
from gradviz.engine.program import Node, Program, source_array
from gradviz.engine.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep, Step, Trace


def _frozen(array: object) -> np.ndarray:
    """``array`` as a read-only ndarray, so nothing downstream can change a recorded step."""
    array = np.asarray(array)
    array.flags.writeable = False
    return array


def _source_value(node: Node, overrides: Mapping[str, object]) -> np.ndarray:
    if node.id not in overrides:
        return node.value
    value = source_array(overrides[node.id], "int" if node.value.dtype.kind == "i" else "float", node.id)
    if value.shape != node.shape:
        raise NodeError(node.id, f"a new value must keep the shape {node.shape}, not {value.shape}", "value")
    return value


def _call(node: Node, rule, *args: object) -> np.ndarray:  # noqa: ANN001
    """Apply one of ``node``'s rules; a GradvizError it raises becomes a NodeError naming the node."""
    try:
        return rule(*args, **node.attrs)
    except NodeError:
        raise
    except GradvizError as error:
        raise NodeError(node.id, str(error)) from None


def forward_values(program: Program, overrides: Mapping[str, object] | None = None) -> dict[str, np.ndarray]:
    """Every node's value, with source values replaced by ``overrides`` where given."""
    overrides = overrides or {}
    values: dict[str, np.ndarray] = {}
    with np.errstate(all="ignore"):
        for node in program.nodes:
            if node.op.is_source:
                values[node.id] = _source_value(node, overrides)
            else:
                values[node.id] = _frozen(_call(node, node.op.forward, *[values[i] for i in node.inputs]))
    return values


def run(program: Program, overrides: Mapping[str, object] | None = None) -> Trace:
    """Run ``program`` forward and backward and return every step.

    ``overrides`` replaces the stored values of some sources (same shape), as the window does when a
    student edits a number.
    """
    values = forward_values(program, overrides)
    steps: list[Step] = [ForwardStep(i, node, values[node.id]) for i, node in enumerate(program.nodes)]
    output = program.node(program.output)
    bars: dict[str, np.ndarray] = {output.id: _frozen(np.ones(()))}
    counts: dict[str, int] = {}
    steps.append(SeedStep(len(steps), output, bars[output.id]))
    needs_bar = program.needs_bar
    nodes = program.nodes
    with np.errstate(all="ignore"):
        for node in reversed(nodes):
            g = bars.get(node.id)
            if g is None or node.op.is_source:
                continue
            xs = [values[parent] for parent in node.inputs]
            z = values[node.id]
            for port, parent_id in enumerate(node.inputs):
                rule = node.op.vjp[port]
                if rule is None or not needs_bar[parent_id]:
                    continue
                parent = nodes[program.index[parent_id]]
                raw = np.asarray(_call(node, rule, g, z, *xs))
                contribution, axes = unbroadcast(raw, parent.shape)
                contribution.flags.writeable = False
                backward_index = len(steps)
                steps.append(BackwardStep(backward_index, node, port, parent, g, contribution, axes, raw.shape))
                previous = bars.get(parent_id)
                total = contribution if previous is None else _frozen(previous + contribution)
                bars[parent_id] = total
                counts[parent_id] = counts.get(parent_id, 0) + 1
                steps.append(AccumulateStep(len(steps), parent, backward_index, total, counts[parent_id]))
    return Trace(program, tuple(steps))
