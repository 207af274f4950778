"""The memory budget: a trace's size is estimated from shapes before anything is allocated, and a run
beyond the budget is refused with both numbers, in the engine, the CLI and (tests/gui/test_run_errors.py)
the window."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gradviz.engine import budget
from gradviz.engine.build import Builder
from gradviz.engine.forward_mode import ForwardTrace
from gradviz.engine.program import NodeSpec, Program
from gradviz.engine.tracer import run
from gradviz.io.graph_file import GraphFile, save

ROOT = Path(__file__).resolve().parents[2]


def linear() -> Program:
    g = Builder()
    h = g.op("matmul", g.input("x", np.ones((3, 4))), g.parameter("W", np.ones((4, 5))), id="h")
    return g.program(g.op("sum", h, id="c"))


def outer(n: int) -> tuple[NodeSpec, ...]:
    """u (n×1) times v (1×n): tiny inputs, an n×n product."""
    return (
        NodeSpec("u", "input", value=np.ones((n, 1))),
        NodeSpec("v", "parameter", value=np.ones((1, n))),
        NodeSpec("p", "matmul", ("u", "v")),
        NodeSpec("c", "sum", ("p",)),
    )


def trace_bytes(trace) -> int:
    """What a trace really holds: every distinct array its steps keep."""
    arrays = {}
    for step in trace.steps:
        for name in ("value", "bar", "contribution", "child_bar"):
            array = getattr(step, name, None)
            if array is not None:
                arrays[id(array)] = array
    return sum(array.nbytes for array in arrays.values())


def test_the_estimate_counts_values_seed_contributions_and_bars_by_hand():
    """x (3×4) @ W (4×5) = h (3×5), c = sum h. Values 12 + 20 + 15 + 1, the seed 1, the contribution into
    h (15, also h's bar: a first addition keeps it), into x (12) and into W (20): 96 float64s."""
    needed = budget.estimate(linear()).bytes
    assert needed == 96 * 8
    assert trace_bytes(run(linear())) == needed  # every one of them is a distinct array


def test_a_second_addition_into_a_bar_makes_a_new_running_bar():
    """c = sum(x ⊙ x): x (2×3) gets two contributions and a second running bar, 3 arrays of 6."""
    g = Builder()
    x = g.input("x", np.arange(6.0).reshape(2, 3))
    program = g.program(g.op("sum", g.op("mul", x, x, id="m"), id="c"))
    needed = budget.estimate(program).bytes
    values, seed, into_m = 6 + 6 + 1, 1, 6
    assert needed == (values + seed + into_m + 3 * 6) * 8
    assert trace_bytes(run(program)) <= needed


def test_over_the_budget_the_run_is_refused_with_both_numbers_before_allocating():
    """A graph this small has one segment per pass: kept at checkpoints, it holds what the full trace holds."""
    with pytest.raises(budget.TooBigError) as refused:
        budget.check(linear(), limit=512)
    assert (
        str(refused.value)
        == "this graph's trace needs 768 bytes (768 bytes kept at checkpoints); the limit is 512 bytes"
    )
    huge = Program(outer(20_000), "c")  # 4·10⁸ float64s for the product, as many for its bar: 6 GiB
    with pytest.raises(budget.TooBigError, match=r"needs 6 GiB \(6 GiB kept at checkpoints\); the limit is 2 GiB"):
        run(huge)  # refused at once: computing the product first would take 3 GiB and seconds


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (int(9.6 * 2**30), "9.6 GiB"),
        (2 * 2**30, "2 GiB"),
        (512 * 2**20, "512 MiB"),
        (3 * 1024, "3 KiB"),
        (100, "100 bytes"),
        (3 * 2**40, "3 TiB"),
        (56_843 * 2**60, "56,843 EiB"),
    ],
)
def test_sizes_are_shown_in_binary_units(count, shown):
    assert budget.show_bytes(count) == shown


def test_forward_mode_keeps_two_passes_not_every_tangent():
    """A 100×100 input: 10,000 passes. Recording every tangent took passes × graph memory (1.7 GB for the
    window's graphs); the trace now holds the values and two passes, whatever the step read."""
    g = Builder()
    program = g.program(g.op("sum", g.op("square", g.input("x", np.ones((100, 100))), id="s"), id="c"))
    needed = budget.estimate(program, "forward").bytes
    assert needed < 2**20
    trace = ForwardTrace(program)
    assert trace.passes == 10_000 and len(trace) == 30_000
    for index in (0, 29_999, 15_000, 2):
        trace.state(index)
    assert len(trace._kept) == 2
    np.testing.assert_allclose(trace.gradients["x"], 2 * np.ones((100, 100)))
    np.testing.assert_allclose(trace.state(29_999).bars["c"], 2.0)  # the last pass: ∂c/∂x[99, 99]


def test_the_cli_refuses_a_trace_over_the_budget_in_one_line(tmp_path):
    save(GraphFile(outer(20_000), "c"), tmp_path / "outer.json")
    done = subprocess.run(
        [sys.executable, "main.py", "run", str(tmp_path / "outer.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "this graph's trace needs 6 GiB (6 GiB kept at checkpoints); the limit is 2 GiB" in done.stderr
