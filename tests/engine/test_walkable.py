"""Both traces are walked through the one Protocol: a viewer written against Walkable reads either."""

from __future__ import annotations

import pytest

from gradviz.engine.build import Builder
from gradviz.engine.forward_mode import ForwardTrace, TangentStep
from gradviz.engine.trace import Step
from gradviz.engine.tracer import run
from gradviz.engine.walkable import Walkable


def program():
    """c = Σ tanh(x) for x of 2 elements: reverse mode has 3 + 1 + 2·2 steps, forward mode 2 passes."""
    g = Builder()
    x = g.input("x", [0.5, -1.0])
    return g.program(g.op("sum", g.op("tanh", x, id="h"), id="c"))


def walk(trace: Walkable) -> list[tuple[str, set[str]]]:
    """What a viewer does with a trace, through the Protocol alone: every step's place and what it redraws."""
    assert len(trace) == len(trace.steps) and trace.program.output == "c"
    assert trace.state(-1).index == -1
    return [(trace.where(i), trace.changed(i - 1, i)) for i in range(len(trace))]


def test_a_reverse_trace_walks_forward_seed_backward():
    trace = run(program())
    walked = walk(trace)
    assert [where for where, _ in walked] == ["forward"] * 3 + ["seed"] + ["backward"] * 4
    assert walked[1][1] >= {"h"}  # computing h redraws h
    assert all(isinstance(step, Step) for step in trace.steps)


def test_a_forward_trace_walks_one_pass_per_element():
    trace = ForwardTrace(program())
    walked = walk(trace)
    assert {where for where, _ in walked} == {"pass 1 of 2", "pass 2 of 2"}
    assert all(isinstance(step, TangentStep) for step in trace.steps)


@pytest.mark.parametrize("make", [run, ForwardTrace])
def test_every_step_has_a_rule_and_a_cost(make):
    trace = make(program())
    for index in range(len(trace)):
        assert isinstance(trace.formula(index), str) and trace.flops(index) >= 0
