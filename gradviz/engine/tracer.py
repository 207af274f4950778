"""Running a program: the forward pass, then the reverse pass, recorded as a Trace.

The reverse pass visits nodes in reverse topological order, so a node's bar is complete (every
child has added its contribution) before it flows on to the node's own inputs. Only edges into
nodes that need a bar (on a path from an input or parameter to the output) are followed.

This loop is the engine's hot path (a chain of 1000 tiny ops must stay within a few times a
hand-written numpy loop), so it does no per-step checks beyond what the trace must record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from gradviz.engine import budget
from gradviz.engine.broadcast import unbroadcast
from gradviz.engine.errors import GradvizError, NodeError
from gradviz.engine.program import Node, Program, source_array
from gradviz.engine.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep, Step, Trace


def _frozen(array: object) -> np.ndarray:
    """``array`` as a read-only ndarray, so nothing downstream can change a recorded step."""
    array = np.asarray(array)
    array.setflags(write=False)
    return array


def _source_value(node: Node, overrides: Mapping[str, object]) -> np.ndarray:
    if node.id not in overrides:
        return node.held
    value = source_array(overrides[node.id], "int" if node.held.dtype.kind == "i" else "float", node.id)
    if value.shape != node.shape:
        raise NodeError(node.id, f"a new value must keep the shape {node.shape}, not {value.shape}", "value")
    return value


def at_node(node: Node, error: GradvizError) -> NodeError:
    """A rule's error as a NodeError naming the node it happened at."""
    return error if isinstance(error, NodeError) else NodeError(node.id, str(error))


Report = Callable[[int, int], None]
"""``report(done, total)`` after each unit of work: how a long run shows progress (and, by raising,
is cancelled between two steps)."""


def holding(report: Report, done: int, total: int) -> Report:
    """A report for the steps inside one unit of a longer job (a training iteration, a gradient-check
    element): progress stays at ``done`` of ``total`` while it is called on every step, so raising from it
    still stops the job between two steps rather than at the end of the unit."""
    return lambda _step, _steps: report(done, total)


def forward_values(
    program: Program, overrides: Mapping[str, object] | None = None, report: Report | None = None, total: int = 0
) -> dict[str, np.ndarray]:
    """Every node's value, with source values replaced by ``overrides`` where given. ``report`` hears of
    each op computed, out of ``total`` (the op count if 0)."""
    overrides = overrides or {}
    values = {node.id: _source_value(node, overrides) for node in program.sources_and_constants}
    total = total or len(program.forward_plan)
    with np.errstate(all="ignore"):
        for done, (node, forward, inputs, attrs) in enumerate(program.forward_plan, 1):
            try:
                value = np.asarray(forward(*[values[i] for i in inputs], **attrs))
            except GradvizError as error:
                raise at_node(node, error) from None
            value.setflags(write=False)
            values[node.id] = value
            if report is not None:
                report(done, total)
    return values


def run(
    program: Program,
    overrides: Mapping[str, object] | None = None,
    report: Report | None = None,
    limit: int | None = None,
) -> Trace:
    """Run ``program`` forward and backward and return every step.

    ``overrides`` replaces the stored values of some sources (same shape), as the window does when a
    student edits a number. A trace over the memory budget ``limit`` (budget.BUDGET_BYTES unless given) is
    kept at checkpoints (the same steps, their arrays recomputed when read), and one over it even so is
    refused (TooBigError) before anything is allocated. ``report(done, total)`` hears of every op and every
    edge done.
    """
    if budget.check(program, "reverse", limit) == "checkpoints":
        from gradviz.engine import checkpoints  # noqa: PLC0415  (it builds on this module)

        return checkpoints.run(program, overrides, report)
    ops = len(program.forward_plan)
    work = ops + sum(len(edges) for _node, _attrs, edges in program.backward_plan) if report is not None else 0
    values = forward_values(program, overrides, report, work)
    steps: list[Step] = [ForwardStep(i, node, values[node.id]) for i, node in enumerate(program.nodes)]
    output = program.node(program.output)
    seed = _frozen(np.ones(()))
    # node id → (indices of the steps that changed its bar, the bar after each): the running bars,
    # and the index the trace answers "the bar at step k" from
    history: dict[str, tuple[list[int], list[np.ndarray]]] = {output.id: ([len(steps)], [seed])}
    steps.append(SeedStep(len(steps), output, seed))
    record = steps.append
    axes: tuple[int, ...]
    with np.errstate(all="ignore"):
        for node, attrs, edges in program.backward_plan:
            if node.id not in history:  # nothing downstream of it reached the output
                continue
            g = history[node.id][1][-1]
            xs = [values[parent] for parent in node.inputs]
            z = values[node.id]
            for port, parent, rule in edges:
                try:
                    raw = np.asarray(rule(g, z, *xs, **attrs))
                except GradvizError as error:
                    raise at_node(node, error) from None
                if raw.shape == parent.shape:
                    contribution, axes = raw, ()
                else:
                    contribution, axes = unbroadcast(raw, parent.shape)
                contribution.setflags(write=False)
                index = len(steps)
                record(BackwardStep(index, node, port, parent, g, contribution, axes, raw.shape))
                indices, totals = history.setdefault(parent.id, ([], []))
                total = _frozen(totals[-1] + contribution) if totals else contribution
                indices.append(index + 1)
                totals.append(total)
                record(AccumulateStep(index + 1, parent, index, total, len(indices)))
                if report is not None:
                    ops += 1
                    report(ops, work)
    return Trace(program, tuple(steps), history, {node.id: i for i, node in enumerate(program.nodes)})
