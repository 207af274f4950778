"""A reverse trace kept at checkpoints reads exactly as the full trace: every step's every field bitwise, the
state at any step, the story, in any order of reading; it holds no more than its plan says; a budget between
the two figures runs it instead of refusing, in the engine and the CLI."""

from __future__ import annotations

import json
import sys
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradviz.cli import main
from gradviz.engine import budget, checkpoints
from gradviz.engine.build import Builder
from gradviz.engine.checkpoint_plan import plan
from gradviz.engine.errors import NodeError
from gradviz.engine.program import NodeSpec, Program
from gradviz.engine.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep
from gradviz.engine.tracer import run
from gradviz.io.graph_file import GraphFile, save
from gradviz.model.story import story_of

SHAPES = {"x": (2, 3), "p": (3,), "q": (2, 1), "r": (1, 3)}  # all broadcast together to 2×3


@st.composite
def broadcasting_programs(draw, most=30):
    """Random DAGs with fan-out, broadcasting (2×3 with 3, 2×1 and 1×3), reductions to a scalar, a matmul, and
    log (NaN where its input is negative); 4 to 34 nodes."""
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    g = Builder()
    pool = [g.input("x", rng.normal(size=SHAPES["x"]))]
    pool += [g.parameter(name, rng.normal(size=SHAPES[name])) for name in ("p", "q", "r")]
    w = g.constant("W", rng.normal(size=(3, 3)))
    shapes = dict(SHAPES)
    for i in range(draw(st.integers(1, most))):
        kind = draw(st.sampled_from(["sin", "tanh", "sigmoid", "square", "log", "sum", "add", "mul", "sub", "matmul"]))
        a = draw(st.sampled_from(pool))
        if kind == "matmul":
            a = draw(st.sampled_from([n for n in pool if shapes[n] == (2, 3)]))
            node, shape = g.op("matmul", a, w, id=f"n{i}"), (2, 3)
        elif kind in ("add", "mul", "sub"):
            b = draw(st.sampled_from(pool))
            node, shape = g.op(kind, a, b, id=f"n{i}"), np.broadcast_shapes(shapes[a], shapes[b])
        else:
            node, shape = g.op(kind, a, id=f"n{i}"), () if kind == "sum" else shapes[a]
        shapes[node] = tuple(shape)
        pool.append(node)
    return g.program(g.op("sum", pool[-1], id="c"))


def same_array(a, b) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and same_array(a, b)
    return a == b


def assert_same_step(full, kept, index):
    """Step ``index`` of both traces: the same class, every field equal (arrays bitwise), the same flag."""
    a, b = full.steps[index], kept.steps[index]
    assert isinstance(b, type(a)) and b.kind == a.kind
    for name in a._fields:
        assert same(getattr(a, name), getattr(b, name)), (index, name)
    assert a.nonfinite == b.nonfinite, index


def assert_same_state(full, kept, index):
    a, b = full.state(index), kept.state(index)
    assert set(a.values) == set(b.values) and set(a.bars) == set(b.bars)
    for node in full.program.nodes:
        for mine, theirs in (
            (a.values.get(node.id), b.values.get(node.id)),
            (a.bars.get(node.id), b.bars.get(node.id)),
        ):
            assert (mine is None) == (theirs is None) and (mine is None or same_array(mine, theirs)), (index, node.id)


@settings(max_examples=60, deadline=None)
@given(broadcasting_programs(), st.integers(1, 6), st.data())
def test_a_checkpointed_trace_reads_exactly_as_the_full_one_forwards_backwards_and_by_seeks(program, length, data):
    full = run(program)
    kept = checkpoints.run(program, segments=plan(program, length))
    assert kept.checkpoints is not None and full.checkpoints is None
    assert len(kept) == len(full) and kept.seed_index == full.seed_index
    assert kept.nonfinite_steps == full.nonfinite_steps  # from the recorded flags: nothing recomputed
    assert story_of(kept).told == story_of(full).told
    last = len(full) - 1
    seeks = data.draw(st.lists(st.integers(-1, last), max_size=12))
    for index in [*range(len(full)), *range(last, -2, -1), *seeks]:
        if index >= 0:
            assert_same_step(full, kept, index)
            assert kept.formula(index) == full.formula(index) and kept.flops(index) == full.flops(index)
            assert kept.where(index) == full.where(index)
        assert_same_state(full, kept, index)
    for a, b in data.draw(st.lists(st.tuples(st.integers(-1, last), st.integers(-1, last)), max_size=6)):
        assert kept.changed(a, b) == full.changed(a, b)
    assert all(same(kept.bars()[k], bar) for k, bar in full.bars().items()) and kept.bars().keys() == full.bars().keys()
    assert all(same(kept.gradients()[k], bar) for k, bar in full.gradients().items())
    assert same(np.asarray(kept.output_value), np.asarray(full.output_value))


@settings(max_examples=40, deadline=None)
@given(broadcasting_programs(most=40), st.data())
def test_a_budget_below_the_full_trace_gives_the_checkpointed_one_with_the_same_steps(program, data):
    """Forced as the app forces it, by a budget the full trace is over: whatever segment length the plan chose."""
    estimate = budget.estimate(program)
    full = run(program)
    if estimate.checkpointed >= estimate.bytes:  # small graphs: checkpoints would hold as much
        with pytest.raises(budget.TooBigError):
            run(program, limit=estimate.bytes - 1)
        return
    kept = run(program, limit=estimate.checkpointed)
    assert kept.checkpoints is not None and kept.checkpoints.plan.bytes == estimate.checkpointed
    order = data.draw(st.permutations(range(len(full))))
    for index in order:
        assert_same_step(full, kept, index)
    for index in data.draw(st.lists(st.integers(-1, len(full) - 1), max_size=10)):
        assert_same_state(full, kept, index)


def held_bytes(trace) -> int:
    """What a checkpointed trace holds right now: the seed and every distinct array its store refers to."""
    store, arrays = trace.checkpoints, {}
    found = [trace.steps[trace.seed_index].bar, *store._kept.values()]
    found += [bar for bars in store._bars_before for bar in bars.values()]
    found += [value for values in store._forward.values() for value in values.values()]
    found += [array for edges in store._reverse.values() for edge in edges for array in edge]
    for array in found:
        arrays[id(array)] = array
    return sum(array.nbytes for array in arrays.values())


@settings(max_examples=30, deadline=None)
@given(broadcasting_programs(), st.integers(1, 6), st.data())
def test_a_checkpointed_trace_never_holds_more_than_its_plan_says(program, length, data):
    segments = plan(program, length)
    kept = checkpoints.run(program, segments=segments)
    assert held_bytes(kept) <= segments.bytes  # after the first run
    for index in data.draw(st.lists(st.integers(0, len(kept) - 1), max_size=20)):
        kept.state(index).values.get("c")
        for name in ("value", "bar", "contribution", "child_bar"):
            getattr(kept.steps[index], name, None)
        assert held_bytes(kept) <= segments.bytes


def chain_specs(ops: int) -> tuple[NodeSpec, ...]:
    """x (4×4) → t1 = tanh x → … → t``ops`` → c = sum."""
    g = Builder()
    h = g.input("x", np.random.default_rng(0).normal(size=(4, 4)))
    for k in range(ops):
        h = g.op("tanh", h, id=f"t{k + 1}")
    g.op("sum", h, id="c")
    return g.specs


def chain(ops: int) -> Program:
    return Program(chain_specs(ops), "c")


def test_on_a_chain_the_checkpoints_hold_a_value_and_a_bar_per_boundary_and_two_segments_of_each_pass():
    """x → t1 → … → t30 → c = sum, 4×4 (16 numbers), segments of 5. Full: 32 values (30 of 16, x 16, c 1),
    the seed, 31 contributions of 16 (each bar's only addition keeps its contribution): 994 numbers.
    Checkpointed: x; the value read across each forward boundary (t4, t9, …, t29: 6); the bar read across each
    reverse boundary (6); the three largest forward segments (5 tanh each) and two reverse ones (5 edges each);
    the seed: 16 + 96 + 96 + 240 + 160 + 1 = 609 numbers."""
    program = chain(30)
    assert budget.estimate(program).bytes == 994 * 8
    segments = plan(program, 5)
    assert segments.kept_values == {"t4", "t9", "t14", "t19", "t24", "t29"}
    assert segments.bytes == 609 * 8
    assert budget.estimate(program).checkpointed <= segments.bytes  # the length the budget picks is no worse


def test_a_budget_between_the_two_figures_runs_from_checkpoints_and_below_both_is_refused_naming_them():
    program = chain(30)
    full, _flops, checkpointed = budget.estimate(program)
    assert checkpointed < full
    assert run(program, limit=full).checkpoints is None
    assert run(program, limit=checkpointed).checkpoints is not None
    assert budget.check(program, limit=checkpointed) == "checkpoints"
    with pytest.raises(budget.TooBigError) as refused:
        run(program, limit=checkpointed - 1)
    message = str(refused.value)
    assert message == (
        f"this graph's trace needs 7.8 KiB ({budget.show_bytes(checkpointed)} kept at checkpoints); "
        f"the limit is {budget.show_bytes(checkpointed - 1)}"
    )
    assert "\n" not in message and refused.value.checkpointed == checkpointed


def test_stepping_by_one_recomputes_at_most_one_reverse_segment_and_the_forward_ones_it_reads():
    """What a view reads per step: the step's arrays and the state of the nodes the step changed. Walking on
    or back costs at most one segment of each pass per step (with three forward segments kept, the one two
    neighbouring reverse segments share stays); after a seek, a step costs at most one reverse segment and the
    (on a chain, two) forward segments its rules read, which reading a kept reverse segment did not need."""
    program = chain(60)
    full = run(program)
    kept = checkpoints.run(program, segments=plan(program, 6))
    computed = kept.checkpoints.computed

    def view(index):
        step = kept.steps[index]
        for name in ("value", "bar", "contribution", "child_bar"):
            getattr(step, name, None)
        state = kept.state(index)
        for node_id in kept.changed(index - 1, index):
            state.values.get(node_id)
            state.bars.get(node_id)

    def cost(index):
        before = dict(computed)
        view(index)
        return computed["forward"] - before["forward"], computed["reverse"] - before["reverse"]

    for walk in (range(len(full)), range(len(full) - 1, -1, -1)):
        view(walk[0])
        forward, reverse = zip(*(cost(index) for index in walk[1:]))
        assert max(forward) == 1 and max(reverse) == 1  # a walk does recompute (not all is kept), one at a time
    rng = np.random.default_rng(1)
    for index in rng.integers(1, len(full) - 1, 100):  # a seek, then a step either way
        view(int(index))
        forward, reverse = cost(int(index) + int(rng.choice([-1, 1])))
        assert forward <= 2 and reverse <= 1


def test_threads_reading_one_checkpointed_trace_all_see_the_full_traces_numbers():
    """The window reads on the GUI thread a trace a background thread made; several readers at once (segments
    of one step, so nearly every read recomputes and evicts; threads switching every microsecond) must never
    see a half-made segment nor lose one another's (without the store's lock this fails about one run in four,
    with KeyErrors from the segments kept)."""
    program = chain(40)
    full = run(program)
    kept = checkpoints.run(program, segments=plan(program, 1))
    failures = []

    def read(seed):
        rng = np.random.default_rng(seed)
        try:
            for index in rng.integers(0, len(full), 400):
                assert_same_step(full, kept, int(index))
        except Exception as error:
            failures.append(error)

    threads = [threading.Thread(target=read, args=(seed,)) for seed in range(8)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert failures == []


def test_overrides_progress_and_errors_are_those_of_the_full_run():
    """20 tanh and the sum: 21 ops and 21 edges, each heard of once, in order, whichever form runs them."""
    program = chain(20)
    new_x = np.arange(16.0).reshape(4, 4) / 10
    full = run(program, {"x": new_x})
    heard = []
    kept = run(program, {"x": new_x}, lambda done, total: heard.append((done, total)), limit=full_bytes(program) - 1)
    assert kept.checkpoints is not None
    for index in range(len(full)):
        assert_same_step(full, kept, index)
    assert {total for _done, total in heard} == {42} and heard[-1] == (42, 42)
    assert [done for done, _total in heard] == sorted({done for done, _total in heard})
    g = Builder()
    a = g.input("A", np.ones((2, 2)))  # singular: inv refuses it at the node, in either form
    program = g.program(g.op("sum", g.op("inv", g.op("tanh", a, id="t"), id="B"), id="c"))
    with pytest.raises(NodeError) as whole:
        run(program)
    with pytest.raises(NodeError) as segmented:
        checkpoints.run(program, segments=plan(program, 1))
    assert (segmented.value.node_id, str(segmented.value)) == (whole.value.node_id, str(whole.value))


def full_bytes(program: Program) -> int:
    return budget.estimate(program).bytes


def test_step_classes_are_the_traces_own_and_a_printed_step_says_where_its_array_is():
    kept = checkpoints.run(chain(3), segments=plan(chain(3), 1))
    classes = (ForwardStep, SeedStep, BackwardStep, AccumulateStep)
    found = [next(kind for kind in classes if isinstance(step, kind)) for step in kept.steps]
    assert found == [ForwardStep] * 5 + [SeedStep] + [BackwardStep, AccumulateStep] * 4
    assert "value=<recomputed from checkpoints>" in repr(kept.steps[1])


def test_the_cli_traces_a_graph_over_the_budget_from_checkpoints_as_it_traces_it_whole(tmp_path, capsys, monkeypatch):
    """A trace the budget used to refuse: `trace --json` prints what the full trace prints, to the byte."""
    path = tmp_path / "chain.json"
    save(GraphFile(chain_specs(30), "c"), path)
    assert main(["trace", "--json", str(path)]) == 0
    whole = capsys.readouterr().out
    estimate = budget.estimate(chain(30))
    monkeypatch.setattr(budget, "BUDGET_BYTES", estimate.checkpointed)  # over the full trace's 7.8 KiB
    assert main(["trace", "--json", str(path)]) == 0
    assert capsys.readouterr().out == whole and json.loads(whole)["steps"]
    monkeypatch.setattr(budget, "BUDGET_BYTES", estimate.checkpointed - 1)
    assert main(["trace", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs 7.8 KiB (" in err and "kept at checkpoints); the limit is" in err


def test_flops_and_the_steps_that_made_each_array_are_read_without_recomputing():
    """What a viewer asks of every step or node before reading arrays (the window's cost estimates and its
    pictures' tokens) comes from shapes and bookkeeping: nothing is recomputed, and it agrees with the full trace."""
    program = chain(30)
    full, kept = run(program), checkpoints.run(program, segments=plan(program, 5))
    store = kept.checkpoints
    before = dict(store.computed)
    assert [kept.flops(k) for k in range(len(kept))] == [full.flops(k) for k in range(len(full))]
    for index in range(-1, len(kept)):
        for node in program.nodes:
            made = kept.bar_made(node.id, index), kept.value_made(node.id, index)
            assert made == (full.bar_made(node.id, index), full.value_made(node.id, index))
            bar_step, value_step = made
            if bar_step is not None:  # the bar shown at ``index`` is the one the seed or an addition into it made
                assert bar_step <= index and kept.steps[bar_step].node.id == node.id
                assert isinstance(kept.steps[bar_step], SeedStep | AccumulateStep)
                assert full.bar_at(node.id, index) is full.bar_at(node.id, bar_step)
            if value_step is not None:
                assert value_step <= index and isinstance(kept.steps[value_step], ForwardStep)
            assert (value_step is None) == (full.value_at(node.id, index) is None)
    assert store.computed == before


def test_the_work_of_a_read_is_the_flops_of_the_segments_it_would_recompute():
    """Segments of 5 on x → t1 … t30 → c: t12's value is in the forward segment of t10 … t14 (five tanh of
    4×4), which costs their declared flops until it is computed, then nothing; a reverse step costs its
    segment's rules (twice their forward flops) and the forward segments they read."""
    program = chain(30)
    kept = checkpoints.run(program, segments=plan(program, 5))
    store = kept.checkpoints
    store._forward.clear()  # as after reads elsewhere evicted every recomputed segment
    store._reverse.clear()
    tanh = program.node("t12")
    one = int(tanh.op.flops(tanh.shape))
    assert store.work(["t12"], []) == 5 * one
    assert store.work(["t14", "t10", "t12"], []) == 5 * one  # one segment, counted once
    assert store.work(["x", "t9"], []) == 0  # a source and a checkpoint are held
    store.value("t12")
    assert store.work(["t12"], []) == 0
    # the last addition is in the last reverse segment: 31 edges in fives leave it one, t1 → x, whose rule
    # costs twice t1's forward and reads t1, in the forward segment x, t1 … t4 (four tanh)
    last = len(kept) - 1
    assert store.work([], [last]) == 2 * one + 4 * one
    kept.steps[last].bar  # noqa: B018 - read: its segment is computed and kept
    assert store.work([], [last]) == 0
