"""How long the window's event loop stalls while a long training or gradient check runs in the background.

    python benchmarks/jobs_bench.py [--quick]

For each job, on a graph big enough that the job takes several seconds: the job is started by a click
(Train, Ctrl+G) in a real window (offscreen) while a 20 ms precise QTimer ticks; the figure is the longest
gap between two ticks during the job, less the timer's 20 ms. Beside it, in the same run and interleaved
(the machine is shared and noisy), the floor: the longest gap of the same timer over as long an idle event
loop. Also the job's time in the window against the same engine call made directly (the cost of running
it in a thread, reporting progress). Without the background the stall would be the whole job. Medians of
several repetitions (5, 1 with --quick).
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]  # this checkout's gradviz, not an installed one

from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from gradviz.engine.gradcheck import gradcheck  # noqa: E402
from gradviz.engine.program import NodeSpec  # noqa: E402
from gradviz.engine.training import train  # noqa: E402
from gradviz.gui.main_window import MainWindow  # noqa: E402
from gradviz.gui.qt_application import application  # noqa: E402
from gradviz.gui.recovery import Recovery  # noqa: E402
from gradviz.io.graph_file import GraphFile  # noqa: E402
from tests.gui.long_graphs import matmul_chain, outer_product  # noqa: E402 - the job tests' graphs

TICK_MS = 20
TRAIN_ITERATIONS = 8


def ticking(until: Callable[[], bool]) -> tuple[float, float]:
    """Turn the event loop with a 20 ms timer until ``until()``; (seconds taken, longest gap in ms)."""
    clock = QElapsedTimer()
    ticks: list[int] = []
    loop = QEventLoop()
    timer = QTimer(interval=TICK_MS, timerType=Qt.TimerType.PreciseTimer, timeout=lambda: ticks.append(clock.elapsed()))
    watch = QTimer(interval=5, timeout=lambda: until() and loop.quit())
    clock.start()
    timer.start()
    watch.start()
    loop.exec()  # the event loop the window runs in, not a loop of processEvents
    timer.stop()
    watch.stop()
    gaps = [b - a for a, b in itertools.pairwise(ticks)] or [clock.elapsed()]
    return clock.elapsed() / 1000, float(max(gaps))


def window_with(nodes: tuple[NodeSpec, ...], state: Path) -> MainWindow:
    window = MainWindow(QSettings(str(state / "settings.ini"), QSettings.Format.IniFormat), Recovery(state / "r"))
    window.load_graph(window.prepare_graph(GraphFile(nodes, "c"), "bench"), None)
    window.show()
    return window


def activate(window: MainWindow) -> None:
    """The window active and its canvas focused, as after a click on it: Ctrl+G goes to the active window
    (the last check's dialog took the focus)."""
    window.activateWindow()
    while not window.isActiveWindow():
        QApplication.processEvents()
    window.view.setFocus()


def in_window(job: str, window: MainWindow) -> tuple[float, float]:
    """Start ``job`` by its control and tick until it is done: (seconds, longest gap in ms)."""
    activate(window)
    if job == "training":
        window.training.rate.setValue(1e-3)
        window.training.count.setValue(TRAIN_ITERATIONS)
        QTest.mouseClick(window.training.train_button, Qt.MouseButton.LeftButton)
    else:
        QTest.keyClick(window.view.viewport(), Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    if not window.jobs.busy:
        raise SystemExit(f"the {job} did not go to the background: {window.statusBar().currentMessage()}")
    took, gap = ticking(lambda: not window.jobs.busy)
    for dialog in window.findChildren(QWidget, "gradCheckDialog"):
        dialog.close()  # the check's result, shown when it is done
    return took, gap


def direct(job: str, window: MainWindow) -> float:
    program = window.document.program()
    start = time.perf_counter()
    train(program, 1e-3, TRAIN_ITERATIONS) if job == "training" else gradcheck(program)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    repeats = 1 if parser.parse_args().quick else 5
    app = application([])
    with tempfile.TemporaryDirectory() as folder:
        for job, nodes in (("training", matmul_chain(400, 12)), ("gradient check", outer_product(400))):
            window = window_with(nodes, Path(folder))
            stalls, floors, times, alone = [], [], [], []
            for _ in range(repeats):
                took, gap = in_window(job, window)
                times.append(took)
                stalls.append(gap - TICK_MS)
                deadline = time.monotonic() + took
                floors.append(ticking(lambda deadline=deadline: time.monotonic() >= deadline)[1] - TICK_MS)
                alone.append(direct(job, window))
            window.undo_stack.setClean()
            window.close()
            app.processEvents()
            stall, floor = statistics.median(stalls), statistics.median(floors)
            print(
                f"{job:15s} job {statistics.median(times):5.1f} s in the window, {statistics.median(alone):5.1f} s"
                f" called directly (×{statistics.median(times) / statistics.median(alone):.2f});"
                f" longest event-loop stall {stall:5.0f} ms, idle floor {floor:4.0f} ms"
                f" (all stalls {', '.join(f'{s:.0f}' for s in stalls)} ms)"
            )


if __name__ == "__main__":
    main()
