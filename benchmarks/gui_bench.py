"""The window's speed (issue 4's targets), offscreen, medians of several runs.

    python benchmarks/gui_bench.py [--quick]

1. Start to window shown with the default example, as a ratio to a bare PySide6 + pyqtgraph window
   started in the same run (target ≤ 1.3×).
2. Open a 2000-node graph with no layout: read, laid out, scene built, fitted (target ≤ 1 s).
3. A 500-node graph fitted in a 1920×1080 view: one repaint while panning (target ≤ 16 ms).
4. Playing the backward pass of a 500-node graph: one step and its repaint (target ≤ 16 ms, 60 fps).
5. One step on a 200-node graph of 256×256 tensors, with its repaint (target ≤ 30 ms).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

START_OURS = """
import time; t0 = time.perf_counter()
import sys
from pathlib import Path
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from gradviz.gui.main_window import MainWindow
from gradviz.gui.recovery import Recovery
from gradviz.io.paths import DEFAULT_EXAMPLE
window = MainWindow(QSettings(sys.argv[1], QSettings.Format.IniFormat), Recovery(Path(sys.argv[2])))
window.show()
window.open_path(DEFAULT_EXAMPLE)
app.processEvents()
print(time.perf_counter() - t0)
"""

START_BARE = """
import time; t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication, QMainWindow
import pyqtgraph
app = QApplication([])
window = QMainWindow()
window.setCentralWidget(pyqtgraph.PlotWidget())
window.show()
app.processEvents()
print(time.perf_counter() - t0)
"""


def start_times(repeats: int) -> tuple[float, float]:
    """Median wall time from interpreter start to the window shown, ours and bare, interleaved."""
    ours, bare = [], []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(repeats):
            for script, times in ((START_OURS, ours), (START_BARE, bare)):
                start = time.perf_counter()
                subprocess.run([sys.executable, "-c", script, f"{folder}/s.ini", f"{folder}/state"], check=True,
                               capture_output=True)
                times.append(time.perf_counter() - start)
    return statistics.median(ours), statistics.median(bare)


def big_graph_without_layout(nodes: int):
    from files_bench import big_graph  # noqa: PLC0415 - the same generator as the files benchmark

    from gradviz.io.graph_file import GraphFile  # noqa: PLC0415

    graph = big_graph(nodes)
    return GraphFile(graph.nodes, graph.output, {}, {}, graph.title, "")


def open_time(repeats: int, nodes: int) -> float:
    from PySide6.QtCore import QSettings  # noqa: PLC0415
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    from gradviz.gui.main_window import MainWindow  # noqa: PLC0415
    from gradviz.gui.recovery import Recovery  # noqa: PLC0415
    from gradviz.io.graph_file import save  # noqa: PLC0415

    app = QApplication.instance() or QApplication([])
    times = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.json"
        save(big_graph_without_layout(nodes), path)
        window = MainWindow(QSettings(f"{folder}/s.ini", QSettings.Format.IniFormat), Recovery(Path(folder)))
        window.resize(1920, 1080)
        window.show()
        for _ in range(repeats):
            start = time.perf_counter()
            window.open_path(path)
            window.view.fit()
            app.processEvents()
            times.append(time.perf_counter() - start)
        window.undo_stack.setClean()
        window.close()
    return statistics.median(times)


def pan_repaint_time(repeats: int, nodes: int) -> float:
    from PySide6.QtCore import QSettings  # noqa: PLC0415
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    from gradviz.gui.main_window import MainWindow  # noqa: PLC0415
    from gradviz.gui.recovery import Recovery  # noqa: PLC0415
    from gradviz.model.layout import layered_positions  # noqa: PLC0415

    app = QApplication.instance() or QApplication([])
    graph = big_graph_without_layout(nodes)
    from gradviz.io.graph_file import GraphFile  # noqa: PLC0415

    graph = GraphFile(graph.nodes, graph.output, layered_positions(graph.nodes), {}, "", "")
    with tempfile.TemporaryDirectory() as folder:
        window = MainWindow(QSettings(f"{folder}/s.ini", QSettings.Format.IniFormat), Recovery(Path(folder)))
        window.load_graph(graph, None)
        window.view.resize(1920, 1080)
        window.show()
        app.processEvents()
        window.view.fit()
        app.processEvents()
        bar = window.view.horizontalScrollBar()
        times = []
        for step in range(repeats):
            bar.setValue(bar.minimum() + (step * 37) % max(1, bar.maximum() - bar.minimum() + 1))
            start = time.perf_counter()
            window.view.viewport().repaint()
            times.append(time.perf_counter() - start)
        window.undo_stack.setClean()
        window.close()
    return statistics.median(times)


def step_frame_time(nodes: int, side: int, frames: int, backward: bool) -> float:
    """Median time of one step plus the repaint it causes, playing through the trace."""
    from files_bench import big_graph  # noqa: PLC0415
    from PySide6.QtCore import QSettings  # noqa: PLC0415
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    from gradviz.gui.main_window import MainWindow  # noqa: PLC0415
    from gradviz.gui.recovery import Recovery  # noqa: PLC0415
    from gradviz.io.graph_file import GraphFile  # noqa: PLC0415
    from gradviz.model.layout import layered_positions  # noqa: PLC0415

    app = QApplication.instance() or QApplication([])
    graph = big_graph(nodes, side)
    graph = GraphFile(graph.nodes, graph.output, layered_positions(graph.nodes), {}, "", "")
    with tempfile.TemporaryDirectory() as folder:
        window = MainWindow(QSettings(f"{folder}/s.ini", QSettings.Format.IniFormat), Recovery(Path(folder)))
        window.load_graph(graph, None)
        window.view.resize(1920, 1080)
        window.show()
        app.processEvents()
        window.view.fit()
        playback = window.player.playback
        window.player.seek(playback.trace.seed_index if backward else -1)
        app.processEvents()
        times = []
        for _ in range(min(frames, playback.last - playback.index)):
            start = time.perf_counter()
            window.player.step()
            window.view.viewport().repaint()
            times.append(time.perf_counter() - start)
        window.undo_stack.setClean()
        window.close()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description="gradviz window speed")
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args().quick
    ours, bare = start_times(3 if quick else 7)
    verdict = "smoke run" if quick else ("PASS" if ours / bare <= 1.3 else "MISS")
    print(f"start        ours/bare = {ours / bare:5.2f}  (target ≤ 1.30)  {verdict}   "
          f"[ours {ours:.2f} s, bare PySide6 + pyqtgraph {bare:.2f} s]")
    opened = open_time(3 if quick else 5, 200 if quick else 2000)
    verdict = "smoke run" if quick else ("PASS" if opened <= 1.0 else "MISS")
    print(f"open 2000    {opened:6.3f} s  (target ≤ 1.00 s, read + layout + scene + fit)  {verdict}")
    repaint = pan_repaint_time(10 if quick else 40, 100 if quick else 500)
    verdict = "smoke run" if quick else ("PASS" if repaint <= 0.016 else "MISS")
    print(f"pan 500      {repaint * 1000:6.1f} ms per repaint  (target ≤ 16 ms, 1920×1080, fitted)  {verdict}")
    frame = step_frame_time(100 if quick else 500, 10, 20 if quick else 200, backward=True)
    verdict = "smoke run" if quick else ("PASS" if frame <= 0.016 else "MISS")
    print(f"play 500     {frame * 1000:6.1f} ms per backward step + repaint  (target ≤ 16 ms)  {verdict}")
    frame = step_frame_time(50 if quick else 200, 64 if quick else 256, 20 if quick else 60, backward=False)
    verdict = "smoke run" if quick else ("PASS" if frame <= 0.030 else "MISS")
    print(f"step 200     {frame * 1000:6.1f} ms per step + repaint, 256×256 tensors  (target ≤ 30 ms)  {verdict}")


if __name__ == "__main__":
    main()
