"""Running a program: forward values, the seed, one backward and one accumulate step per edge, in order;
overrides, progress reports, and errors that name the node."""

from __future__ import annotations

import numpy as np
import pytest

from gradviz.engine.build import Builder
from gradviz.engine.errors import NodeError
from gradviz.engine.program import NodeSpec, Program
from gradviz.engine.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep
from gradviz.engine.tracer import forward_values, run


def square_sum() -> Program:
    """c = Σ x ⊙ x for x = [1, 2, 3]: c = 14, and x̄ = 2x arrives as two contributions of x."""
    g = Builder()
    x = g.input("x", [1.0, 2.0, 3.0])
    return g.program(g.op("sum", g.op("mul", x, x, id="s"), id="c"))


def test_the_steps_come_forward_then_seed_then_an_edge_and_its_accumulation_at_a_time():
    trace = run(square_sum())
    kinds = [type(step) for step in trace.steps]
    assert kinds == [ForwardStep] * 3 + [SeedStep] + [BackwardStep, AccumulateStep] * 3
    assert [step.index for step in trace.steps] == list(range(10))
    edges = [(step.node.id, step.port, step.parent.id) for step in trace.steps if isinstance(step, BackwardStep)]
    assert edges == [("c", 0, "s"), ("s", 0, "x"), ("s", 1, "x")]
    assert trace.output_value == 14.0
    np.testing.assert_array_equal(trace.bar("x"), [2.0, 4.0, 6.0])
    np.testing.assert_array_equal(trace.steps[7].bar, [1.0, 2.0, 3.0])  # the first of x's two contributions


def test_recorded_arrays_cannot_be_changed():
    trace = run(square_sum())
    for step in trace.steps:
        for name in ("value", "bar", "contribution"):
            array = getattr(step, name, None)
            if isinstance(array, np.ndarray):
                assert not array.flags.writeable, (step.index, name)


def test_overrides_replace_a_source_value_of_the_same_shape():
    program = square_sum()
    assert run(program, {"x": [0.0, 1.0, -2.0]}).output_value == 5.0
    np.testing.assert_array_equal(forward_values(program, {"x": [1.0, 1.0, 1.0]})["s"], [1.0, 1.0, 1.0])
    with pytest.raises(NodeError, match=r"a new value must keep the shape \(3,\), not \(2,\)"):
        run(program, {"x": [1.0, 2.0]})


def test_progress_is_reported_for_every_op_and_every_edge():
    heard = []
    run(square_sum(), report=lambda done, total: heard.append((done, total)))
    assert heard == [(done, 5) for done in range(1, 6)]  # 2 ops (mul, sum) and 3 edges


def test_a_branch_that_does_not_reach_the_output_gets_no_bar():
    specs = [
        NodeSpec("x", "input", value=np.array([1.0, 2.0])),
        NodeSpec("dead", "exp", ("x",)),
        NodeSpec("c", "sum", ("x",)),
    ]
    trace = run(Program(specs, "c"))
    assert "dead" not in trace.bars()
    assert not any(isinstance(step, BackwardStep) and step.node.id == "dead" for step in trace.steps)


def test_value_errors_at_run_time_name_the_node():
    specs = [
        NodeSpec("z", "input", value=np.ones((2, 3))),
        NodeSpec("y", "constant", value=[0, 7]),
        NodeSpec("c", "cross_entropy", ("z", "y")),
    ]
    with pytest.raises(NodeError, match=r"node 'c'.*label 7 is out of range for 3 classes"):
        run(Program(specs, "c"))
    singular = [
        NodeSpec("A", "input", value=np.zeros((2, 2))),
        NodeSpec("C", "inv", ("A",)),
        NodeSpec("c", "sum", ("C",)),
    ]
    with pytest.raises(NodeError, match=r"node 'C'.*singular"):
        run(Program(singular, "c"))


def test_det_of_a_matrix_gone_non_finite_gives_nan_bars_flagged_not_an_error():
    """Training that diverges feeds det an inf: its bar (the adjugate, from an SVD that cannot converge on
    inf) is NaN and the trace flags the step, as for any op, instead of raising LinAlgError mid-training."""
    program = Program([NodeSpec("A", "parameter", value=[[1.0, 2.0], [3.0, 4.0]]), NodeSpec("c", "det", ("A",))], "c")
    trace = run(program, {"A": np.array([[np.inf, 2.0], [3.0, 4.0]])})
    assert np.isnan(trace.bars()["A"]).all()
    assert trace.nonfinite_steps
