"""What the window holds at the last step of a run, beside what the trace alone holds.

    python benchmarks/window_memory.py [--root CHECKOUT] [--runs N]

Each case runs in a process of its own (a fresh heap): the window opens the graph, seeks its last step
and the events settle. Printed per case, medians of ``--runs`` processes:

- python: the bytes Python allocated (tracemalloc: every numpy array, not Qt's images) from before the
  file is opened to the last step shown; ``trace`` is the distinct numpy bytes the trace holds (for a
  checkpointed trace, its store's checkpoints and kept segments), so python − trace is the window's own.
- badges: the bytes of the heatmap images the canvas keeps (QImage.sizeInBytes, and pixmaps made).
- rss: the process's resident memory growth over the same span (Qt's allocations included; noisy).

Cases: a 100-op tanh chain on 300×300 forced to checkpoints (the budget set to its checkpointed size),
the same chain whole, and the mlp_cross_entropy example. ``--root`` runs another checkout's gradviz (the
commit before a change, extracted with ``git archive``) to compare before and after in one run.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

import fresh_processes

CASES = ("chain checkpointed", "chain whole", "mlp_cross_entropy example")


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _chain_file(folder: Path) -> Path:
    import numpy as np  # noqa: PLC0415 - the child imports from the checkout it measures

    from gradviz.engine.program import NodeSpec  # noqa: PLC0415
    from gradviz.io.graph_file import GraphFile, save  # noqa: PLC0415

    value = np.random.default_rng(0).normal(size=(300, 300)).tolist()
    nodes = (
        NodeSpec("x", "input", value=value),
        *(NodeSpec(f"t{k + 1}", "tanh", (f"t{k}" if k else "x",)) for k in range(100)),
        NodeSpec("c", "sum", ("t100",)),
    )
    path = folder / "chain.json"
    save(GraphFile(nodes, "c"), path)
    return path


def _trace_bytes(trace: object) -> int:
    """Distinct numpy bytes the trace holds: its steps' arrays, or its checkpoint store's."""
    import numpy as np  # noqa: PLC0415

    seen: dict[int, int] = {}

    def add(array: object) -> None:
        if isinstance(array, np.ndarray):
            base = array if array.base is None else array.base
            seen[id(base)] = getattr(base, "nbytes", array.nbytes)

    store = getattr(trace, "checkpoints", None)
    if store is not None:
        for array in store._kept.values():
            add(array)
        for bars in store._bars_before:
            for array in bars.values():
                add(array)
        for values in store._forward.values():
            for array in values.values():
                add(array)
        for edges in store._reverse.values():
            for edge in edges:
                for array in edge:
                    add(array)
    else:
        for step in trace.steps:
            for field in step:
                add(field)
    return sum(seen.values())


def child(case: str) -> dict[str, float]:
    import tracemalloc  # noqa: PLC0415

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings  # noqa: PLC0415
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    from gradviz.engine import budget  # noqa: PLC0415
    from gradviz.gui.main_window import MainWindow  # noqa: PLC0415
    from gradviz.gui.recovery import Recovery  # noqa: PLC0415
    from gradviz.io.graph_file import load  # noqa: PLC0415

    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp())
    if case.startswith("chain"):
        path = _chain_file(folder)
        if case == "chain checkpointed":
            _graph, program = load(path)
            budget.BUDGET_BYTES = budget.estimate(program).checkpointed
    else:
        from gradviz.io.paths import EXAMPLES  # noqa: PLC0415

        path = EXAMPLES / "mlp_cross_entropy.json"
    window = MainWindow(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat), Recovery(folder))
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    tracemalloc.start()
    rss = _rss()
    window.open_path(path)
    player = window.player
    last = len(player.run().trace) - 1
    player.seek(last)
    while player.index != last or getattr(player, "seeking", False):  # a long seek lands in the background
        app.processEvents()
    for _ in range(20):
        app.processEvents()
    python = tracemalloc.get_traced_memory()[0]
    trace = player.playback.trace
    badges = 0
    for item in window.scene.nodes.values():
        for badge in item._badges:
            if badge is not None:
                badges += badge.image.sizeInBytes()
                badges += sum(pixmap.toImage().sizeInBytes() for pixmap in badge._pixmap)
    result = {
        "python": python,
        "trace": _trace_bytes(trace),
        "badges": badges,
        "rss": _rss() - rss,
        "checkpointed": trace.checkpoints is not None,
    }
    window.close()
    return result


def report(case: str, runs: list[dict[str, float]]) -> None:
    mib = 2**20
    median = {key: statistics.median(run[key] for run in runs) for key in ("python", "trace", "badges", "rss")}
    print(
        f"{case:28} python {median['python'] / mib:7.1f} MiB (trace {median['trace'] / mib:6.1f} MiB, window "
        f"{(median['python'] - median['trace']) / mib:6.1f} MiB)  badges {median['badges'] / mib:6.1f} MiB  "
        f"rss +{median['rss'] / mib:7.1f} MiB  checkpointed={runs[0]['checkpointed']}"
    )


if __name__ == "__main__":
    sys.exit(fresh_processes.main(__file__, CASES, child, report))
