"""Reverse mode against forward mode on one clock: the counters agree with each trace and with the engine."""

from __future__ import annotations

import numpy as np
import pytest

from gradviz.engine.build import Builder
from gradviz.engine.compare import Race
from gradviz.engine.forward_mode import ForwardTrace, forward_mode
from gradviz.engine.tracer import run

rng = np.random.default_rng(7)


def _linear_layer():
    """Two sources (W 2×3, x 3) fan into a matmul; a cost sums the squares: 9 gradient elements."""
    g = Builder()
    w, x = g.parameter("W", rng.normal(size=(2, 3))), g.input("x", rng.normal(size=3))
    z = g.op("matmul", w, x, id="z")
    cost = g.op("sum", g.op("square", z, id="s"), id="c")
    return g.program(cost)


@pytest.fixture
def race() -> Race:
    program = _linear_layer()
    return Race(run(program), ForwardTrace(program))


def test_the_clock_is_forward_modes_steps_and_both_end_together(race):
    assert race.last == len(race.forward) - 1 > len(race.reverse) - 1
    assert race.reverse_at(3).index == race.forward_at(3).index == 3
    assert race.reverse_at(race.last - 1).index == len(race.reverse) - 1  # reverse mode finished long ago
    reverse, forward = race.at(race.last)
    assert reverse.index == len(race.reverse) - 1 and forward.index == len(race.forward) - 1


def test_a_reverse_trace_longer_than_forward_modes_still_ends_at_the_last_tick():
    g = Builder()  # one scalar source, a long chain of reuses: forward mode has a single short pass
    x = g.input("x", 0.5)
    y = g.op("mul", x, x, id="y")
    cost = g.op("mul", y, y, id="c")
    program = g.program(cost)
    race = Race(run(program), ForwardTrace(program))
    assert len(race.reverse) > len(race.forward)
    reverse, forward = race.at(race.last)
    assert reverse.finished and forward.finished and reverse.index == len(race.reverse) - 1


def test_both_finish_every_element_and_forward_mode_needs_one_sweep_per_element(race):
    reverse, forward = race.at(race.last)
    assert reverse.finished and forward.finished
    assert reverse.elements == forward.elements == 2 * 3 + 3
    assert (reverse.sweeps, forward.sweeps) == (2, 9)


def test_flop_totals_match_the_engine(race):
    program = race.reverse.program
    values = sum(race.reverse.flops(i) for i in range(race.reverse.seed_index))
    reverse, forward = race.at(race.last)
    assert reverse.flops == reverse.total_flops == sum(race.reverse.flops(i) for i in range(len(race.reverse)))
    # forward_mode counts its tangent flops on its own, without the trace
    assert forward.flops == forward.total_flops == values + forward_mode(program, record=False).flops
    # matmul of 2×3 by 3: 12 flops for values, the same again for every one of the 9 tangent passes
    assert forward.total_flops > 3 * reverse.total_flops


def test_forward_mode_knows_one_element_per_finished_pass(race):
    for tick in range(-1, race.last + 1):
        forward = race.forward_at(tick)
        known = race.forward.gradient_at(forward.index) if forward.index >= 0 else {}
        assert forward.known == sum(int((~np.isnan(gradient)).sum()) for gradient in known.values())
        assert forward.sweeps_done == forward.known


def test_reverse_mode_knows_each_source_whole_once_its_bar_is_final(race):
    final = race.reverse.gradients()
    for tick in range(-1, race.last + 1):
        reverse = race.reverse_at(tick)
        state = race.reverse.state(reverse.index)
        complete = [
            source
            for source in race.reverse.program.sources
            if all(
                race.reverse.bar_at(source.id, later) is not None
                and np.array_equal(race.reverse.bar_at(source.id, later), final[source.id])
                for later in range(reverse.index, len(race.reverse))
            )
            and source.id in state.bars
        ]
        assert reverse.known == sum(source.value.size for source in complete)
    assert race.reverse_at(race.reverse.seed_index).known == 0  # nothing known at the seed


def test_reverse_sweeps_count_the_forward_sweep_then_the_backward_sweep(race):
    seed = race.reverse.seed_index
    assert race.reverse_at(seed - 2).sweeps_done == 0
    assert race.reverse_at(seed - 1).sweeps_done == 1
    assert race.reverse_at(len(race.reverse) - 2).sweeps_done == 1
    assert race.reverse_at(len(race.reverse) - 1).sweeps_done == 2


def test_counters_never_go_backwards(race):
    previous = race.at(-1)
    assert previous[0].flops == 0 and previous[1].known == 0
    for tick in range(race.last + 1):
        now = race.at(tick)
        for before, after in zip(previous, now):
            assert after.flops >= before.flops and after.known >= before.known
        previous = now
