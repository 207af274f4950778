"""Training and the gradient check as long work: their cost is estimated before they start, they report
progress (iterations done, numbers checked) and a report that raises stops them, with no Qt anywhere."""

from __future__ import annotations

import numpy as np
import pytest

from gradviz.engine import budget
from gradviz.engine.build import Builder
from gradviz.engine.gradcheck import gradcheck
from gradviz.engine.program import NodeSpec, Program
from gradviz.engine.training import train
from gradviz.io.graph_file import load
from gradviz.io.paths import EXAMPLES
from gradviz.model.playback import LONG_RUN_FLOPS


class Stop(Exception):
    """What a caller's report raises to stop the work (the window's worker raises its own)."""


def linear() -> Program:
    """x (3×4) @ W (4×5) = h, c = sum h: 2·15·4 = 120 flops for the product, 15 for the sum."""
    g = Builder()
    h = g.op("matmul", g.input("x", np.ones((3, 4))), g.parameter("W", np.ones((4, 5))), id="h")
    return g.program(g.op("sum", h, id="c"))


CALLS = 2 * budget.CALL_FLOPS  # a forward pass calls 2 ops; a reverse run about 3 times as many


def test_training_costs_one_reverse_run_per_iteration_and_keeps_every_iterations_parameters():
    """A reverse run is 3 × 135 flops and 96 float64s (tests/engine/test_budget.py), and its op calls; 4
    iterations run it 5 times and keep W (20 numbers) 5 times."""
    assert budget.estimate(linear())[:2] == (96 * 8, 3 * 135)  # (bytes, flops); the checkpointed figure aside
    assert budget.training(linear(), 4) == (96 * 8 + 5 * 20 * 8, 5 * (3 * 135 + 3 * CALLS))


def test_the_gradient_check_costs_one_reverse_run_and_two_forward_passes_per_number():
    """x and W hold 32 numbers: 64 forward passes of 135 flops and 2 op calls after the reverse run; it holds
    the trace (96 numbers, more than the 48 values of a forward pass) and two arrays of 32 (bars and
    estimates)."""
    assert budget.gradient_check(linear()) == (96 * 8 + 2 * 32 * 8, 3 * 135 + 3 * CALLS + 64 * (135 + CALLS))


def test_training_tiny_ops_for_many_iterations_is_long_work_for_its_calls():
    """20 sines and a sum on a 2×2 parameter, 1000 iterations: about 3 × 21 op calls a run, 63,000 in all
    (a tenth of a second or more in Python), although the arithmetic is a quarter of a MFlop."""
    g = Builder()
    h = g.parameter("x", np.ones((2, 2)))
    for _ in range(20):
        h = g.op("sin", h)
    program = g.program(g.op("sum", h, id="c"))
    _needed, flops = budget.training(program, 1000)
    arithmetic = 1001 * budget.estimate(program)[1]
    assert arithmetic < 300_000 < LONG_RUN_FLOPS < flops == arithmetic + 1001 * 3 * 21 * budget.CALL_FLOPS


def test_training_reports_each_iteration_done_and_gives_what_it_gives_unwatched():
    _, program = load(EXAMPLES / "linear_layer.json")
    heard = []
    records = train(program, 0.05, 5, lambda done, total: heard.append((done, total)))
    assert {total for _, total in heard} == {6}  # iterations + 1 runs: the start, then one per step
    done = [d for d, _ in heard]
    assert done == sorted(done) and done[0] == 0 and done[-1] == 6
    assert set(done) == set(range(7))
    assert len(heard) > 7  # heard on every step of a run too, so a report that raises stops within one
    unwatched = train(program, 0.05, 5)
    assert [r.loss for r in records] == [r.loss for r in unwatched]
    for watched, alone in zip(records, unwatched, strict=True):
        np.testing.assert_array_equal(watched.parameters["W"], alone.parameters["W"])


def test_a_report_that_raises_stops_training_within_the_run_it_is_in():
    _, program = load(EXAMPLES / "linear_layer.json")
    heard = []

    def report(done: int, total: int) -> None:
        heard.append(done)
        if done == 2:
            raise Stop

    with pytest.raises(Stop):
        train(program, 0.05, 50, report)
    assert heard[-1] == 2 and heard.count(2) == 1  # the first step of the third run, not its end


def test_training_beyond_the_memory_budget_is_refused_before_it_starts():
    """A 1000×1000 parameter is 8·10⁶ bytes; 300 iterations keep 301 of them, and the trace holds W and its
    bar: 303 · 8·10⁶ bytes = 2.26 GiB, past the 2 GiB budget."""
    program = Program([NodeSpec("W", "parameter", value=np.zeros((1000, 1000))), NodeSpec("c", "sum", ("W",))], "c")
    heard = []
    with pytest.raises(budget.TooBigError, match=r"training this graph for 300 iterations needs 2\.3 GiB"):
        train(program, 0.1, 300, lambda done, total: heard.append(done))
    assert heard == []  # nothing ran


def test_the_gradient_check_reports_numbers_checked_of_every_differentiable_number():
    """linear_layer: W (3×2) and x (2×1) are checked, the constant y is not: 8 numbers."""
    _, program = load(EXAMPLES / "linear_layer.json")
    assert {node.id: node.shape for node in program.sources} == {"W": (3, 2), "x": (2, 1)}
    heard = []
    result = gradcheck(program, report=lambda done, total: heard.append((done, total)))
    assert {total for _, total in heard} == {8}
    done = [d for d, _ in heard]
    assert done == sorted(done) and done[0] == 0 and done[-1] == 8 and set(done) == set(range(9))
    alone = gradcheck(program)
    assert result.passed and alone.passed
    for source, check in result.sources.items():
        np.testing.assert_array_equal(check.numeric, alone.sources[source].numeric)
        np.testing.assert_array_equal(check.bar, alone.sources[source].bar)


def test_a_report_that_raises_stops_the_gradient_check():
    _, program = load(EXAMPLES / "linear_layer.json")
    heard = []

    def report(done: int, total: int) -> None:
        heard.append(done)
        if done == 4:
            raise Stop

    with pytest.raises(Stop):
        gradcheck(program, report=report)
    assert heard[-1] == 4 and heard.count(4) == 1
