"""The trace as a viewer uses it: step order, fan-out, stepping back and forth, flags."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradviz.engine.build import Builder
from gradviz.engine.forward_mode import ForwardTrace, forward_mode
from gradviz.engine.gradcheck import gradcheck
from gradviz.engine.tracer import run


def fan_out_program():
    """x feeds three children; c = Σ (sin x + x ⊙ x + 3x)."""
    g = Builder()
    x = g.input("x", [0.5, -1.0, 2.0])
    s = g.op("sin", x, id="s")
    sq = g.op("mul", x, x, id="sq")
    t = g.op("mul", x, g.constant("three", 3.0), id="t")
    total = g.op("add", g.op("add", s, sq, id="u"), t, id="v")
    return g.program(g.op("sum", total, id="c"))


def test_step_kinds_come_in_order():
    trace = run(fan_out_program())
    kinds = [step.kind for step in trace.steps]
    seed = kinds.index("seed")
    assert set(kinds[:seed]) == {"forward"} and kinds.count("seed") == 1
    backward_part = kinds[seed + 1 :]
    assert backward_part == ["backward", "accumulate"] * (len(backward_part) // 2)
    assert [trace.where(i) for i in (0, seed, seed + 1)] == ["forward", "seed", "backward"]


def test_fan_out_sums_contributions():
    trace = run(fan_out_program())
    x = np.array([0.5, -1.0, 2.0])
    into_x = [step for step in trace.steps if step.kind == "accumulate" and step.node.id == "x"]
    assert [step.count for step in into_x] == [1, 2, 3, 4]  # sin, x⊙x (two ports), 3x
    contributions = [trace.steps[step.backward_index].contribution for step in into_x]
    np.testing.assert_allclose(sum(contributions), np.cos(x) + 2 * x + 3)
    np.testing.assert_allclose(into_x[-1].bar, np.cos(x) + 2 * x + 3)
    np.testing.assert_allclose(trace.bar("x"), np.cos(x) + 2 * x + 3)


def test_broadcast_axes_are_recorded():
    g = Builder()
    b = g.input("b", [[1.0, 2.0, 3.0]])  # 1×3, stretched over 4 rows
    a = g.input("a", np.ones((4, 3)))
    trace = run(g.program(g.op("sum", g.op("add", a, b, id="s"), id="c")))
    into_b = next(s for s in trace.steps if s.kind == "backward" and s.parent.id == "b")
    assert into_b.summed_axes == (0,) and into_b.raw_shape == (4, 3)
    np.testing.assert_allclose(into_b.contribution, [[4.0, 4.0, 4.0]])
    into_a = next(s for s in trace.steps if s.kind == "backward" and s.parent.id == "a")
    assert into_a.summed_axes == ()


def test_state_is_a_function_of_the_step():
    trace = run(fan_out_program())
    last = len(trace) - 1
    assert trace.state(-1).values == {} and trace.state(-1).bars == {}
    assert set(trace.state(trace.seed_index - 1).values) == {node.id for node in trace.program.nodes}
    assert trace.state(trace.seed_index - 1).bars == {}
    assert set(trace.state(trace.seed_index).bars) == {"c"}
    final = trace.state(last)
    np.testing.assert_allclose(final.bars["x"], trace.bar("x"))
    with pytest.raises(IndexError):
        trace.state(len(trace))


def _same_state(one, other):
    assert one.index == other.index
    assert one.values.keys() == other.values.keys() and one.bars.keys() == other.bars.keys()
    for key in one.values:
        np.testing.assert_array_equal(one.values[key], other.values[key])
    for key in one.bars:
        np.testing.assert_array_equal(one.bars[key], other.bars[key])


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_stepping_there_and_back_equals_going_straight(data):
    trace = run(fan_out_program())
    k = data.draw(st.integers(-1, len(trace) - 1))
    j = data.draw(st.integers(-1, len(trace) - 1))
    straight = trace.state(j)
    for index in range(-1, k + 1):  # walk forward to k, then back down to j
        trace.state(index)
    for index in range(k, j - 1, -1):
        trace.state(index)
    _same_state(trace.state(j), straight)
    # a bar at step j is the sum of the contributions accumulated up to j
    for node_id, bar in straight.bars.items():
        added = [s for s in trace.steps[: j + 1] if s.kind == "accumulate" and s.node.id == node_id]
        if added:
            np.testing.assert_allclose(bar, sum(trace.steps[s.backward_index].contribution for s in added))


def test_recorded_arrays_are_read_only():
    trace = run(fan_out_program())
    for step in trace.steps:
        for array in (getattr(step, name, None) for name in ("value", "contribution", "bar", "child_bar")):
            if array is not None:
                assert not array.flags.writeable


def test_nonfinite_values_are_flagged_where_they_appear():
    g = Builder()
    x = g.input("x", [1.0, -1.0])
    logged = g.op("log", x, id="l")  # log(−1) = nan
    trace = run(g.program(g.op("sum", logged, id="c")))
    flagged = trace.nonfinite_steps
    first = trace.steps[flagged[0]]
    assert first.kind == "forward" and first.node.id == "l"
    assert not trace.steps[trace.program.index["x"]].nonfinite


def test_softmax_family_is_stable_for_huge_logits():
    logits = np.array([[1000.0, -1000.0, 999.0], [-1000.0, -1000.0, -999.0]])
    g = Builder()
    z = g.input("z", logits)
    ce = g.op("cross_entropy", z, g.constant("y", [0, 2]), id="c")
    trace = run(g.program(ce))
    assert trace.nonfinite_steps == ()
    # row 0: −log softmax picks 1000 against {1000, 999}; row 1 picks −999 against {−1000, −1000}
    expected = (np.log1p(np.exp(-1.0)) + np.log(1 + 2 * np.exp(-1.0))) / 2
    assert trace.output_value == pytest.approx(expected, rel=1e-12)
    for name in ("softmax", "log_softmax", "logsumexp"):
        g = Builder()
        out = g.op(name, g.input("z", logits), id="o")
        t = run(g.program(g.op("sum", out, id="c")))
        assert t.nonfinite_steps == (), name


def test_cross_entropy_matches_its_definition():
    rng = np.random.default_rng(7)
    logits, labels = rng.normal(size=(4, 3)), np.array([2, 0, 1, 2])
    g = Builder()
    trace = run(g.program(g.op("cross_entropy", g.input("z", logits), g.constant("y", labels), id="c")))
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    assert trace.output_value == pytest.approx(-np.mean(np.log(probabilities[np.arange(4), labels])))
    np.testing.assert_allclose(trace.bar("z"), (probabilities - np.eye(3)[labels]) / 4)


def test_constants_and_dead_ends_get_no_bar_but_sources_report_zero():
    g = Builder()
    x = g.input("x", [1.0, 2.0])
    unused = g.parameter("u", [5.0])
    g.op("exp", unused, id="dead")
    k = g.constant("k", [3.0, 4.0])
    trace = run(g.program(g.op("sum", g.op("mul", x, k), id="c")))
    assert trace.bar("k") is None and trace.bar("dead") is None
    np.testing.assert_array_equal(trace.gradients()["u"], [0.0])
    np.testing.assert_allclose(trace.gradients()["x"], [3.0, 4.0])


def test_overrides_replace_source_values():
    program = fan_out_program()
    trace = run(program, {"x": [0.0, 0.0, 0.0]})
    np.testing.assert_allclose(trace.bar("x"), np.cos(0.0) + 3.0 + np.zeros(3))


@st.composite
def random_programs(draw):
    """Random DAGs of smooth ops with fan-out, over a 2×2 input and a 2-vector parameter."""
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    g = Builder()
    pool = [g.input("x", rng.normal(size=(2, 2))), g.parameter("p", rng.normal(size=(2,)))]
    for i in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["sin", "tanh", "sigmoid", "square", "add", "mul", "sub"]))
        if kind in ("add", "mul", "sub"):
            pool.append(g.op(kind, draw(st.sampled_from(pool)), draw(st.sampled_from(pool)), id=f"n{i}"))
        else:
            pool.append(g.op(kind, draw(st.sampled_from(pool)), id=f"n{i}"))
    return g.program(g.op("sum", pool[-1], id="c"))


@settings(max_examples=40, deadline=None)
@given(random_programs())
def test_random_graphs_forward_equals_reverse_and_finite_differences(program):
    trace = run(program)
    forward = forward_mode(program, record=False)
    assert forward.passes == sum(node.value.size for node in program.sources)
    for source, bar in trace.gradients().items():
        np.testing.assert_allclose(forward.gradients[source], bar, rtol=1e-10, atol=1e-12)
    assert gradcheck(program).passed


def test_forward_mode_records_tangent_steps_per_pass():
    program = fan_out_program()
    result = forward_mode(program)
    assert result.passes == 3
    per_pass = [sum(step.pass_index == k for step in result.steps) for k in range(3)]
    assert per_pass == [per_pass[0]] * 3  # every pass walks the same nodes
    assert {step.element for step in result.steps if step.node.id == "x"} == {(0,), (1,), (2,)}


def test_forward_trace_passes_fill_the_gradient_one_element_at_a_time():
    program = fan_out_program()
    forward = ForwardTrace(program)
    reverse = run(program).gradients()
    assert forward.passes == 3 and forward.where(0) == "pass 1 of 3"
    known = [int(np.sum(~np.isnan(forward.gradient_at(k)["x"]))) for k in range(len(forward))]
    assert known == sorted(known) and known[-1] == 3 and known[0] == 0  # one more element per finished pass
    np.testing.assert_allclose(forward.gradient_at(len(forward) - 1)["x"], reverse["x"])
    last = forward.state(len(forward) - 1)
    assert set(last.values) == {node.id for node in program.nodes}  # forward mode needs every value
    np.testing.assert_allclose(last.bars["c"], reverse["x"][2])  # the last pass carries ∂c/∂x[2] to c
    assert forward.formula(0) == "ẋ = e[0]" and forward.formula(1) == "ṡ = cos(x) ⊙ ẋ"
