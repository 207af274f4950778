"""Playback and opening at scale: Trace.state(k), forward mode's memory, layout, opening, a long run.

Each figure is a median of several runs with its baseline measured in the same run:
- ``state(k)`` on a 10,000-node chain, against the old state (dicts copied from every history, kept
  here as the baseline) and against one ``bar_at`` lookup (the floor: one bisection);
- forward mode's peak memory (tracemalloc) walking every step of a 40×40 input (1,600 passes), against
  recording every tangent as before;
- ``layered_positions`` against the old full scan per slot (kept here as the baseline), 1000 to 10,000 nodes;
- opening a 2000-node file without positions in the window (offscreen) until the event loop is idle;
- the longest time the event loop stood still while a 2000×2000 matmul graph ran in the background,
  against the run's own length (what the window froze for when it ran on the GUI thread);
- reverse traces kept at checkpoints (over the budget, or forced by a budget passed in): a 300-op tanh
  chain on 1000×1000 (4.5 GiB whole, refused before) and a 10,000-node chain of 2-vectors, against the
  full trace where it can be built: the first run, a seek to a random step and a step on (what a view
  reads: the step's arrays and the state of the nodes it changed), and peak memory (tracemalloc).

    python benchmarks/trace_bench.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's gradviz, not an installed one

from gradviz.engine import budget
from gradviz.engine.build import Builder
from gradviz.engine.forward_mode import ForwardTrace, forward_mode
from gradviz.engine.program import NodeSpec, Program
from gradviz.engine.tracer import run
from gradviz.io.graph_file import GraphFile, save
from gradviz.model.layout import COLUMN, NODE_HEIGHT, NODE_WIDTH, ROW, layered_positions


def median_time(action: Callable[[], object], repeats: int, inner: int = 1) -> float:
    """Median over ``repeats`` of the time of one call, each repeat timing ``inner`` calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(inner):
            action()
        times.append((time.perf_counter() - start) / inner)
    return statistics.median(times)


def show(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


# ----- Trace.state(k) -----------------------------------------------------------------------------


def old_state(trace, index: int) -> tuple[dict, dict]:
    """The state as it was made before: a dict of every value known, a bisection per bar history."""
    values = {node_id: trace.steps[i].value for node_id, i in trace._value_step.items() if i <= index}
    bars = {}
    for node_id in trace._bar_history:
        bar = trace.bar_at(node_id, index)
        if bar is not None:
            bars[node_id] = bar
    return values, bars


def bench_state(repeats: int) -> None:
    g = Builder()
    h = g.input("x", [1.0, 2.0])
    for k in range(9_998):
        h = g.op(("neg", "sin", "tanh")[k % 3], h, id=f"n{k}")
    trace = run(g.program(g.op("sum", h, id="c")))
    rng = np.random.default_rng(0)
    indices = [int(i) for i in rng.integers(0, len(trace), 200)]
    ids = [node.id for node in trace.program.nodes]

    def states(make):
        def walk():
            for index in indices:
                make(index)

        return walk

    def step_and_read(index):  # what a view does per step: make the state, read what the step changed
        state = trace.state(index)
        for node_id in trace.changed(index - 1, index):
            state.values.get(node_id)
            state.bars.get(node_id)

    new = median_time(states(trace.state), repeats) / len(indices)
    old = median_time(states(lambda i: old_state(trace, i)), max(3, repeats // 3)) / len(indices)
    floor = median_time(states(lambda i: trace.bar_at(ids[i % len(ids)], i)), repeats) / len(indices)
    step = median_time(states(step_and_read), repeats) / len(indices)
    print(
        f"state(k), 10,000-node chain ({len(trace)} steps): {show(new)}   old {show(old)} "
        f"(old/new {old / new:,.0f}×)   bar_at {show(floor)} (state/bar_at {new / floor:.1f}×)"
    )
    print(
        f"  one step as a view takes it (state + changed + reads): {show(step)} "
        f"(/bar_at {step / floor:.1f}×; goal: O(nodes changed), not O(all nodes))"
    )


# ----- forward mode's memory ----------------------------------------------------------------------


def peak_bytes(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def bench_forward_memory(side: int) -> None:
    g = Builder()
    x = g.input("x", np.random.default_rng(0).normal(size=(side, side)))
    w = g.parameter("W", np.random.default_rng(1).normal(size=(side, side)))
    program = g.program(g.op("sum", g.op("tanh", g.op("matmul", x, w, id="h"), id="a"), id="c"))

    def walk_lazily():
        trace = ForwardTrace(program)
        for index in range(len(trace)):
            trace.state(index)

    recorded = peak_bytes(lambda: forward_mode(program, record=True))
    lazy = peak_bytes(walk_lazily)
    passes = 2 * side * side
    print(
        f"forward mode, {side}×{side} input and parameter ({passes:,} passes), peak memory: every tangent "
        f"recorded {recorded / 2**20:,.1f} MiB, on demand {lazy / 2**20:,.2f} MiB "
        f"(recorded/on demand {recorded / lazy:,.0f}×)"
    )


# ----- reverse traces kept at checkpoints ------------------------------------------------------------


def tanh_chain(ops: int, shape: tuple[int, ...]) -> Program:
    g = Builder()
    h = g.input("x", np.random.default_rng(0).normal(size=shape))
    for k in range(ops):
        h = g.op("tanh", h, id=f"t{k + 1}")
    return g.program(g.op("sum", h, id="c"))


def view(trace, index: int) -> None:
    """What the window reads at a step: the step's arrays, the state's values and bars of the nodes it changed."""
    step = trace.steps[index]
    for name in ("value", "bar", "contribution", "child_bar"):
        getattr(step, name, None)
    state = trace.state(index)
    for node_id in trace.changed(index - 1, index):
        state.values.get(node_id)
        state.bars.get(node_id)


def read_costs(trace, seeks: int, walk: int, seed: int = 0) -> tuple[float, float, float]:
    """Median seconds of a view after a seek to a random step, and of a view one step on (median and worst),
    over a walk of ``walk`` steps from a random place (each seek and walk start cold for the segments kept)."""
    rng = np.random.default_rng(seed)
    seek_times, step_times = [], []
    for index in rng.integers(0, len(trace) - walk, seeks):
        start = time.perf_counter()
        view(trace, int(index))
        seek_times.append(time.perf_counter() - start)
        for k in range(int(index) + 1, int(index) + 1 + walk // seeks):
            start = time.perf_counter()
            view(trace, k)
            step_times.append(time.perf_counter() - start)
    return statistics.median(seek_times), statistics.median(step_times), max(step_times)


def bench_checkpoints_large(ops: int, side: int) -> None:
    program = tanh_chain(ops, (side, side))
    estimate = budget.estimate(program)
    limit = min(budget.BUDGET_BYTES, estimate.bytes - 1)  # as the app runs it (forced below the full size)
    tracemalloc.start()
    start = time.perf_counter()
    trace = run(program, limit=limit)
    built = time.perf_counter() - start
    build_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    seek, step, worst = read_costs(trace, seeks=5, walk=60)
    read_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    x = np.random.default_rng(0).normal(size=(side, side))
    op = median_time(lambda: np.tanh(x), 9)
    plan = trace.checkpoints.plan
    print(
        f"checkpointed {ops}-op tanh chain on {side}×{side} ({len(trace)} steps, segments of {plan.length}): "
        f"full trace {budget.show_bytes(estimate.bytes)} (estimate), checkpointed {budget.show_bytes(plan.bytes)} "
        f"(estimate), peak measured {budget.show_bytes(build_peak)} building, {budget.show_bytes(read_peak)} reading"
    )
    print(
        f"  first run {show(built)} ({built / op:,.0f} tanh ops of {show(op)}); seek to a random step {show(seek)} "
        f"({seek / op:.1f} ops), a step on: median {show(step)} ({step / op:.2f} ops), worst {show(worst)} "
        f"({worst / op:.1f} ops: a segment recomputed)"
    )


def bench_checkpoints_small(nodes: int, repeats: int) -> None:
    program = tanh_chain(nodes - 2, (2,))
    estimate = budget.estimate(program)
    results = {}
    for name, limit in (("full", None), ("checkpointed", estimate.bytes - 1)):
        tracemalloc.start()
        trace = run(program, limit=limit)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        del trace
        built = median_time(lambda limit=limit: run(program, limit=limit), max(3, repeats // 3))
        trace = run(program, limit=limit)
        costs = [read_costs(trace, seeks=20, walk=2000, seed=seed) for seed in range(max(3, repeats // 3))]
        seek, step, worst = (statistics.median(values) for values in zip(*costs))
        state = median_time(lambda trace=trace: trace.state(len(trace) // 2), repeats, inner=1000)
        results[name] = (peak, built, seek, step, worst, state)
        assert (trace.checkpoints is None) == (name == "full")
    full, kept = results["full"], results["checkpointed"]
    print(
        f"{nodes:,}-node chain of 2-vectors, full / checkpointed (segments of "
        f"{run(program, limit=estimate.bytes - 1).checkpoints.plan.length}): peak memory "
        f"{budget.show_bytes(full[0])} / {budget.show_bytes(kept[0])}; first run {show(full[1])} / {show(kept[1])} "
        f"({kept[1] / full[1]:.1f}×)"
    )
    print(
        f"  state(k) {show(full[5])} / {show(kept[5])}; seek {show(full[2])} / {show(kept[2])} "
        f"({kept[2] / full[2]:.0f}×); a step on: median {show(full[3])} / {show(kept[3])} ({kept[3] / full[3]:.1f}×), "
        f"worst {show(full[4])} / {show(kept[4])}"
    )


def bench_checkpoints_memory(ops: int, side: int) -> None:
    """Peak memory of both forms of one chain small enough to hold whole, each built and walked end to end."""
    program = tanh_chain(ops, (side, side))
    estimate = budget.estimate(program)
    peaks = []
    for limit in (None, estimate.bytes - 1):
        tracemalloc.start()
        trace = run(program, limit=limit)
        for index in range(len(trace)):
            view(trace, index)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        del trace
    print(
        f"{ops}-op tanh chain on {side}×{side}, built and walked: peak memory full {budget.show_bytes(peaks[0])} "
        f"(estimate {budget.show_bytes(estimate.bytes)}), checkpointed {budget.show_bytes(peaks[1])} "
        f"(estimate {budget.show_bytes(estimate.checkpointed)}): full/checkpointed {peaks[0] / peaks[1]:.1f}×"
    )


# ----- layout ---------------------------------------------------------------------------------------


def old_layout(specs, kept=None):
    """The layout as it was: for every candidate slot, a scan of every node placed (O(N²))."""
    specs, kept = list(specs), dict(kept or {})
    graph = nx.DiGraph()
    graph.add_nodes_from(spec.id for spec in specs)
    graph.add_edges_from((parent, spec.id) for spec in specs for parent in spec.inputs if parent in graph)
    by_id = {spec.id: spec for spec in specs}
    column = {node_id: depth for depth, layer in enumerate(nx.topological_generations(graph)) for node_id in layer}
    sources = {node_id for node_id in graph if graph.in_degree(node_id) == 0 and graph.out_degree(node_id) > 0}
    for node_id in sources:
        column[node_id] = max(0, min(column[child] for child in graph.successors(node_id)) - 1)
    positions = dict(kept)
    written = {spec.id: i for i, spec in enumerate(specs)}

    def snap(y):
        return round(y / (ROW / 2)) * (ROW / 2)

    def free(x, y):
        while any(abs(x - px) < NODE_WIDTH and abs(y - py) < NODE_HEIGHT for px, py in positions.values()):
            y += ROW / 2
        return x, y

    def height(node_id):
        above = [positions[parent][1] for parent in by_id[node_id].inputs if parent in positions]
        return sum(above) / len(above) if above else written[node_id] * ROW

    for depth in sorted(set(column.values())):
        ops = [node_id for node_id in graph if column[node_id] == depth and node_id not in sources]
        for node_id in sorted(ops, key=lambda n: (height(n), written[n])):
            if node_id not in kept:
                positions[node_id] = free(depth * COLUMN, snap(height(node_id)))
    for node_id in sorted(sources, key=written.__getitem__):
        if node_id in kept:
            continue
        child = min(graph.successors(node_id), key=lambda c: (column[c], written[c]))
        port = list(by_id[child].inputs).index(node_id)
        x, y = positions[child]
        positions[node_id] = free(
            (column[child] - 1) * COLUMN if column[child] else x - COLUMN, y + snap(port * 0.8 * ROW)
        )
    return {spec.id: positions[spec.id] for spec in specs}


def layered_graph(nodes: int, seed: int = 0) -> list[NodeSpec]:
    """Chains that merge now and then, with a parameter beside every fourth op: a deep, narrow graph
    like the ones students build, scaled up."""
    rng = np.random.default_rng(seed)
    specs = [NodeSpec("x", "input", value=[[1.0, 2.0], [3.0, 4.0]])]
    while len(specs) < nodes - 1:
        k = len(specs)
        if k % 4 == 0:
            specs.append(NodeSpec(f"p{k}", "parameter", value=[[0.5, 0.1], [0.2, 0.3]]))
            specs.append(NodeSpec(f"n{k}", "mul", (specs[-2].id, f"p{k}")))
        elif k % 7 == 0:
            other = specs[int(rng.integers(max(0, k - 30), k))].id
            specs.append(NodeSpec(f"n{k}", "add", (specs[-1].id, other)))
        else:
            specs.append(NodeSpec(f"n{k}", "tanh", (specs[-1].id,)))
    specs.append(NodeSpec("c", "sum", (specs[-1].id,)))
    return specs


def bench_layout(sizes: list[int], repeats: int) -> None:
    for size in sizes:
        specs = layered_graph(size)
        new = median_time(lambda specs=specs: layered_positions(specs), repeats)
        if size <= 5000:
            old = median_time(lambda specs=specs: old_layout(specs), max(1, repeats // 3))
            assert old_layout(specs) == layered_positions(specs)
            versus = f"old scan {show(old)} (old/new {old / new:.1f}×)"
        else:
            versus = "old scan not run (O(N²): 25 s reported for 10,000 nodes)"
        print(f"layout, {len(specs):>6,} nodes: {show(new)} ({show(new / len(specs))} per node)   {versus}")


# ----- the window ---------------------------------------------------------------------------------


def _window():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings  # noqa: PLC0415
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    from gradviz.gui.main_window import MainWindow  # noqa: PLC0415
    from gradviz.gui.recovery import Recovery  # noqa: PLC0415

    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp())
    window = MainWindow(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat), Recovery(folder / "state"))
    window.show()
    app.processEvents()
    return app, window, folder


def until_idle(app) -> None:
    """Process events until a pass finds nothing more to do (timers at 0 ms included)."""
    from PySide6.QtCore import QEventLoop  # noqa: PLC0415

    for _ in range(200):
        if not app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents):
            break
        app.processEvents()


def bench_open(nodes: int, repeats: int) -> None:
    app, window, folder = _window()
    specs = layered_graph(nodes)
    save(GraphFile(tuple(specs), "c"), folder / "big.json")  # no layout: the window places every node
    times = []
    for _ in range(repeats):
        window.new_document()
        until_idle(app)
        start = time.perf_counter()
        window.open_path(folder / "big.json")
        until_idle(app)
        times.append(time.perf_counter() - start)
    layout = median_time(lambda: layered_positions(specs), repeats)
    opened = statistics.median(times)
    print(
        f"open a {nodes:,}-node file without positions until idle: {show(opened)} (goal ≤ 1 s; "
        f"its layout {show(layout)}, {layout / opened:.0%} of it)"
    )
    window.undo_stack.setClean()
    window.close()


def bench_background(side: int) -> None:
    app, window, _folder = _window()
    rng = np.random.default_rng(0)
    specs = (
        NodeSpec("A", "input", value=rng.normal(size=(side, side))),
        NodeSpec("B", "parameter", value=rng.normal(size=(side, side))),
        NodeSpec("P", "matmul", ("A", "B")),
        NodeSpec("c", "sum", ("P",)),
    )
    window.load_graph(window.prepare_graph(GraphFile(specs, "c"), "bench"), None)
    until_idle(app)
    gaps, last = [], time.perf_counter()
    start = last
    window.player.step()
    while window.player.busy:
        app.processEvents()  # the pass in which the run ends also draws its first step: timed apart
        now = time.perf_counter()
        if window.player.busy:
            gaps.append(now - last)
        last = now
        time.sleep(0.001)
    shown = time.perf_counter() - last
    run_time = last - start
    print(
        f"{side}×{side} matmul graph run in the background: {show(run_time)}; longest event-loop stall while "
        f"it ran {show(max(gaps))} (on the GUI thread the stall was the whole run: stall/run "
        f"{max(gaps) / run_time:.1%}); then drawing its first step {show(shown)}"
    )
    window.undo_stack.setClean()
    window.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and smaller sizes")
    quick = parser.parse_args().quick
    repeats = 3 if quick else 9
    bench_state(repeats)
    bench_checkpoints_small(10_000, repeats)
    bench_checkpoints_memory(300, 100 if quick else 250)
    bench_checkpoints_large(100 if quick else 300, 1000)
    bench_forward_memory(20 if quick else 40)
    bench_layout([1000, 2000] if quick else [1000, 2000, 5000, 10_000], repeats)
    bench_open(2000, 2 if quick else 5)
    bench_background(1000 if quick else 2000)


if __name__ == "__main__":
    main()
