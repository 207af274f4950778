"""The command line: ``python main.py`` / ``gradviz``.

Until the window exists (issue 4), running with no arguments prints the step-by-step trace of the
lecture notes' linear layer, so a fresh install shows what gradviz is about at once.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import numpy as np

from gradviz.engine.build import Builder
from gradviz.engine.describe import line, sentence
from gradviz.engine.program import Program
from gradviz.engine.tracer import run


def linear_layer_example() -> Program:
    """Notes 20.2: a = W x, c = Σ (a − y)²."""
    g = Builder()
    a = g.op("matmul", g.parameter("W", [[0.1, -0.3], [0.7, 0.2]]), g.input("x", [[1.0], [2.0]]), id="a")
    return g.program(g.op("mse", a, g.constant("y", [[0.5], [0.0]]), id="c"))


def main(argv: Sequence[str] | None = None) -> int:
    """Print the trace of the default example, step by step, with each bar at the end."""
    del argv  # the commands arrive with the graph files (issue 3)
    trace = run(linear_layer_example())
    for index in range(len(trace)):
        print(line(trace, index))
        print(f"           {sentence(trace, index)}")
    print()
    with np.printoptions(precision=4, suppress=True):
        for source, bar in trace.gradients().items():
            print(f"{source}̄ =\n{bar}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
