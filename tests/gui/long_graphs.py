"""Graphs heavy enough that running, training or checking them takes a while: the tests of the background
jobs and the jobs benchmark (benchmarks/jobs_bench.py) share them."""

from __future__ import annotations

import numpy as np

from gradviz.engine.program import NodeSpec


def matmul_chain(side: int, depth: int) -> tuple[NodeSpec, ...]:
    """x (side×side) through ``depth`` matmuls by side×side parameters, summed into c: 4·depth·side³ flops a
    run with its reverse pass (400, 12: about 4.6 GFlop; 200, 6: about 0.3)."""
    rng = np.random.default_rng(0)
    nodes = [NodeSpec("x", "input", value=rng.normal(size=(side, side)) / side**0.5)]
    for k in range(depth):
        nodes.append(NodeSpec(f"W{k}", "parameter", value=rng.normal(size=(side, side)) / side**0.5))
        nodes.append(NodeSpec(f"h{k}", "matmul", (nodes[-2].id if k == 0 else f"h{k - 1}", f"W{k}")))
    nodes.append(NodeSpec("c", "sum", (f"h{depth - 1}",)))
    return tuple(nodes)


def outer_product(numbers: int, side: int = 300) -> tuple[NodeSpec, ...]:
    """Few numbers to check (x, 1×numbers) and a heavy forward pass: p = u x (side×numbers), q = p K
    (side×side), c = sum q. Each number costs two passes of 2·side·side·numbers flops."""
    rng = np.random.default_rng(1)
    return (
        NodeSpec("x", "parameter", value=rng.normal(size=(1, numbers))),
        NodeSpec("u", "constant", value=rng.normal(size=(side, 1))),
        NodeSpec("p", "matmul", ("u", "x")),
        NodeSpec("K", "constant", value=rng.normal(size=(numbers, side)) / side),
        NodeSpec("q", "matmul", ("p", "K")),
        NodeSpec("c", "sum", ("q",)),
    )
