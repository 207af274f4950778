"""Training: a few steps of gradient descent on the parameters, every iteration kept.

Each iteration runs the program with the parameters it starts from, reads their bars and moves them
against the bar: W ← W − η W̄. Inputs and constants never change. Keeping every iteration's
parameters lets a viewer stop at any iteration and step through exactly that iteration's backward pass
(``run(program, iteration.parameters)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from gradviz.engine.program import Program
from gradviz.engine.tracer import run


@dataclass(frozen=True)
class Iteration:
    """The parameters an iteration started from and the cost they gave."""

    index: int
    parameters: Mapping[str, np.ndarray]
    loss: float


def train(program: Program, learning_rate: float, iterations: int) -> tuple[Iteration, ...]:
    """``iterations`` + 1 records: the starting point, then one per gradient-descent step."""
    if learning_rate <= 0 or iterations < 0:
        raise ValueError("the learning rate must be positive and the number of iterations at least 0")
    parameters = {node.id: node.held.astype(float) for node in program.sources if node.op.name == "parameter"}
    records = []
    for index in range(iterations + 1):
        trace = run(program, parameters)
        records.append(Iteration(index, {key: value.copy() for key, value in parameters.items()}, trace.output_value))
        bars = trace.gradients()
        parameters = {key: value - learning_rate * bars[key] for key, value in parameters.items()}
    return tuple(records)
