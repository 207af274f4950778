"""Graph files at scale: load + validate a 2000-node graph with 10×10 values, and `run --json` on it.

Targets (issue 3): load and validate in at most 0.3 s; `gradviz run --json` end to end under 1 s.
References measured in the same run put the figures in context on a noisy machine: json.loads of the
same text (the floor for any JSON loader), and a bare `python -c "import numpy"` (the floor for any
command that uses numpy). Prints medians of several runs.

    python benchmarks/files_bench.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from gradviz.engine.build import Builder
from gradviz.io.graph_file import GraphFile, compile_file, read, save

ROOT = Path(__file__).resolve().parents[1]


def big_graph(nodes: int = 2000, side: int = 10, seed: int = 0) -> GraphFile:
    """A layered graph of ``nodes`` nodes: a quarter 10×10 parameters, the rest smooth ops over them."""
    rng = np.random.default_rng(seed)
    g = Builder()
    pool = [g.parameter(f"p{i}", np.round(rng.normal(size=(side, side)), 6)) for i in range(nodes // 4)]
    ops = nodes - len(pool) - 1
    for i in range(ops):
        kind = ("tanh", "mul", "add", "sin")[i % 4]
        recent = pool[-8:]
        if kind in ("mul", "add"):
            pool.append(
                g.op(kind, recent[int(rng.integers(len(recent)))], pool[int(rng.integers(len(pool)))], id=f"n{i}")
            )
        else:
            pool.append(g.op(kind, pool[-1], id=f"n{i}"))
    output = g.op("sum", pool[-1], id="c")
    layout = {spec.id: (float(k % 50) * 200, float(k // 50) * 120) for k, spec in enumerate(g.specs)}
    return GraphFile(g.specs, output, layout, {}, "benchmark graph", "")


def median_time(action, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, for a smoke run")
    repeats = 3 if parser.parse_args().quick else 9
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.json"
        save(big_graph(), path)
        text = path.read_text()
        size_mb = len(text.encode()) / 1e6

        load_time = median_time(lambda: compile_file(read(path), path), repeats)
        json_time = median_time(lambda: json.loads(text), repeats)
        command = [sys.executable, str(ROOT / "main.py"), "run", str(path), "--json"]
        run_time = median_time(lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL), repeats)
        bare = [sys.executable, "-c", "import numpy"]
        bare_time = median_time(lambda: subprocess.run(bare, check=True), repeats)

    print(f"graph: 2000 nodes, 10×10 values, {size_mb:.1f} MB of JSON; medians of {repeats} runs")
    verdict = "PASS" if load_time <= 0.3 else "MISS"
    print(
        f"load + validate + compile  {load_time:6.3f} s  (target ≤ 0.30 s)  {verdict}"
        f"   [{load_time / json_time:.1f}× json.loads alone]"
    )
    verdict = "PASS" if run_time < 1.0 else "MISS"
    print(
        f"run --json, end to end     {run_time:6.3f} s  (target < 1.00 s)  {verdict}"
        f"   [{run_time / bare_time:.1f}× a bare python -c 'import numpy']"
    )


if __name__ == "__main__":
    main()
