"""The state at step k, read through views, equals the state recomputed naively from the steps; changed(a, b)
names exactly the nodes whose value or bar differs; forward mode's recomputed tangents equal recorded ones."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gradviz.engine.forward_mode import ForwardTrace, forward_mode
from gradviz.engine.tracer import forward_values, run
from tests.engine.test_trace import random_programs


def naive_state(trace, program, index):
    """Replay steps 0..index: a forward step makes its node's value (recomputed by the forward pass), the
    seed makes c̄ = 1, an accumulation adds its backward step's contribution into the parent's bar."""
    computed = forward_values(program)
    values, bars = {}, {}
    for step in trace.steps[: index + 1]:
        if step.kind == "forward":
            values[step.node.id] = computed[step.node.id]
        elif step.kind == "seed":
            bars[step.node.id] = np.ones(())
        elif step.kind == "accumulate":
            contribution = trace.steps[step.backward_index].contribution
            bars[step.node.id] = bars.get(step.node.id, 0) + contribution
    return values, bars


@settings(max_examples=40, deadline=None)
@given(random_programs(), st.data())
def test_state_at_any_step_equals_the_naive_replay(program, data):
    trace = run(program)
    for index in data.draw(st.lists(st.integers(-1, len(trace) - 1), min_size=1, max_size=8)):
        state = trace.state(index)
        values, bars = naive_state(trace, program, index)
        assert state.index == index
        assert set(state.values) == set(values) and len(state.values) == len(values)
        assert set(state.bars) == set(bars) and len(state.bars) == len(bars)
        for node in program.nodes:
            assert (node.id in state.values) == (node.id in values)
            assert (node.id in state.bars) == (node.id in bars)
            if node.id in values:
                np.testing.assert_array_equal(state.values[node.id], values[node.id])
            else:
                assert state.values.get(node.id) is None
            if node.id in bars:
                np.testing.assert_allclose(state.bars[node.id], bars[node.id], rtol=1e-12, atol=1e-12)
            else:
                assert state.bars.get(node.id) is None
        assert "no such node" not in state.values and state.values.get("no such node") is None


@settings(max_examples=40, deadline=None)
@given(random_programs(), st.data())
def test_changed_names_exactly_the_nodes_that_differ(program, data):
    trace = run(program)
    steps = st.integers(-1, len(trace) - 1)
    a, b = data.draw(steps), data.draw(steps)
    before, after = trace.state(a), trace.state(b)
    differ = {
        node.id
        for node in program.nodes
        if before.values.get(node.id) is not after.values.get(node.id)  # recorded arrays: identity is change
        or before.bars.get(node.id) is not after.bars.get(node.id)
    }
    assert trace.changed(a, b) == differ == trace.changed(b, a)


@settings(max_examples=30, deadline=None)
@given(random_programs(), st.data())
def test_forward_mode_recomputes_the_tangents_it_used_to_record(program, data):
    recorded = forward_mode(program).steps
    trace = ForwardTrace(program)
    assert len(trace) == len(recorded)
    last_of_pass = [
        step.index
        for step, after in zip(recorded, [*recorded[1:], None])
        if after is None or after.pass_index != step.pass_index
    ]
    assert trace.pass_ends == last_of_pass
    order = data.draw(st.permutations(range(len(trace)))) if len(trace) < 60 else range(len(trace))
    for index in order:  # in any order: passes are recomputed as they are evicted
        step, kept = trace.steps[index], recorded[index]
        assert (step.pass_index, step.source_id, step.element, step.node.id) == (
            kept.pass_index,
            kept.source_id,
            kept.element,
            kept.node.id,
        )
        np.testing.assert_array_equal(step.tangent, kept.tangent)
        state = trace.state(index)
        own = [s for s in recorded[: index + 1] if s.pass_index == kept.pass_index]
        assert list(state.bars) == [s.node.id for s in own]
        for s in own:
            np.testing.assert_array_equal(state.bars[s.node.id], s.tangent)
    assert len(trace._kept) <= trace.KEPT_PASSES


@settings(max_examples=30, deadline=None)
@given(random_programs(), st.data())
def test_forward_mode_changed_covers_every_node_that_differs(program, data):
    trace = ForwardTrace(program)
    steps = st.integers(-1, len(trace) - 1)
    a, b = data.draw(steps), data.draw(steps)
    before, after = trace.state(a), trace.state(b)

    def differs(first, second):
        return (first is None) != (second is None) or (first is not None and not np.array_equal(first, second))

    differ = {
        node.id
        for node in program.nodes
        if differs(before.values.get(node.id), after.values.get(node.id))
        or differs(before.bars.get(node.id), after.bars.get(node.id))
    }
    assert differ <= trace.changed(a, b) == trace.changed(b, a)
