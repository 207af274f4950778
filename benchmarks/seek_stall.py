"""The window's longest stall while a far seek lands on a trace kept at checkpoints, beside the seek's length.

    python benchmarks/seek_stall.py [--root CHECKOUT] [--runs N]

Each case runs in a process of its own: a tanh chain forced to checkpoints (the budget set to its
checkpointed size) opens, steps to its first step, then Go to End is pressed while a 20 ms timer runs.
Printed, medians of ``--runs`` processes: the time until the last step is shown, and the longest gap
between two ticks of the timer meanwhile (wall time: how long the window did not answer). A seek done on
the GUI thread stalls for all of it; prepared in the background, the stall is the landing alone.
``--root`` measures another checkout (the commit before a change, from ``git archive``) in the same run.
"""

from __future__ import annotations

import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import fresh_processes

CASES = {"100 tanh on 300×300": (300, 100), "40 tanh on 1000×1000": (1000, 40)}


def child(case: str) -> dict[str, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import numpy as np  # noqa: PLC0415 - the child imports from the checkout it measures
    from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: PLC0415
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    from gradviz.engine import budget  # noqa: PLC0415
    from gradviz.engine.program import NodeSpec, Program  # noqa: PLC0415
    from gradviz.gui.main_window import MainWindow  # noqa: PLC0415
    from gradviz.gui.recovery import Recovery  # noqa: PLC0415
    from gradviz.io.graph_file import GraphFile, save  # noqa: PLC0415

    side, depth = CASES[case]
    nodes = (
        NodeSpec("x", "input", value=np.random.default_rng(0).normal(size=(side, side)).tolist()),
        *(NodeSpec(f"t{k + 1}", "tanh", (f"t{k}" if k else "x",)) for k in range(depth)),
        NodeSpec("c", "sum", (f"t{depth}",)),
    )
    budget.BUDGET_BYTES = budget.estimate(Program(nodes, "c")).checkpointed
    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp())
    save(GraphFile(nodes, "c"), folder / "chain.json")
    window = MainWindow(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat), Recovery(folder))
    window.resize(1400, 900)
    window.show()
    window.open_path(folder / "chain.json")
    player = window.player
    player.step()
    while player.busy or player.index != 0:
        app.processEvents()
    last = len(player.playback.trace) - 1
    ticks = [time.perf_counter()]
    clock = QTimer(interval=20, timeout=lambda: ticks.append(time.perf_counter()))
    clock.start()
    app.processEvents()
    start = time.perf_counter()
    player.end()
    while player.index != last or getattr(player, "seeking", False):
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)  # idle as an event loop is, not spinning
    landed = time.perf_counter() - start
    ticks.append(time.perf_counter())
    clock.stop()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    result = {"landed": landed, "stall": max(gaps), "checkpointed": player.playback.trace.checkpoints is not None}
    window.close()
    return result


def report(case: str, runs: list[dict[str, float]]) -> None:
    landed = statistics.median(run["landed"] for run in runs)
    stall = statistics.median(run["stall"] for run in runs)
    print(
        f"{case:24} End lands in {landed * 1000:7.0f} ms; longest stall {stall * 1000:6.0f} ms "
        f"({stall / landed:.0%} of it)  checkpointed={runs[0]['checkpointed']}"
    )


if __name__ == "__main__":
    sys.exit(fresh_processes.main(__file__, CASES, child, report))
