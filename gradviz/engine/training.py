"""Training: a few steps of gradient descent on the parameters, every iteration kept.

Each iteration runs the program with the parameters it starts from, reads their bars and moves them
against the bar: W ← W − η W̄. Inputs and constants never change. Keeping every iteration's
parameters lets a viewer stop at any iteration and step through exactly that iteration's backward pass
(``run(program, iteration.parameters)``).

Training a big graph takes long, so ``train`` reports its progress and can be stopped between two steps
by a ``report`` that raises, as ``tracer.run`` can; it holds no state of its own, so a thread may run it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from gradviz.engine import budget
from gradviz.engine.program import Program
from gradviz.engine.tracer import Report, holding, run


@dataclass(frozen=True)
class Iteration:
    """The parameters an iteration started from and the cost they gave."""

    index: int
    parameters: Mapping[str, np.ndarray]
    loss: float


def train(
    program: Program, learning_rate: float, iterations: int, report: Report | None = None
) -> tuple[Iteration, ...]:
    """``iterations`` + 1 records: the starting point, then one per gradient-descent step. ``report(done,
    total)`` hears how many of the iterations + 1 runs are done, on every step of each run. Refused
    (TooBigError) before anything runs if one trace and every iteration's parameters exceed the budget."""
    if learning_rate <= 0 or iterations < 0:
        raise ValueError("the learning rate must be positive and the number of iterations at least 0")
    needed, _flops = budget.training(program, iterations)
    if needed > budget.BUDGET_BYTES:
        raise budget.TooBigError(needed, what=f"training this graph for {iterations} iterations")
    parameters = {node.id: node.held.astype(float) for node in program.sources if node.op.name == "parameter"}
    records = []
    runs = iterations + 1
    for index in range(runs):
        trace = run(program, parameters, None if report is None else holding(report, index, runs))
        records.append(Iteration(index, {key: value.copy() for key, value in parameters.items()}, trace.output_value))
        bars = trace.gradients()
        parameters = {key: value - learning_rate * bars[key] for key, value in parameters.items()}
        if report is not None:
            report(index + 1, runs)
    return tuple(records)
