"""The window's speed (issue 4's targets), offscreen, medians of several runs.

    python benchmarks/gui_bench.py [--quick]

1. Start to window shown with the default example, as a ratio to a bare PySide6 + pyqtgraph window
   started in the same run (target ≤ 1.3×).
2. Open a 2000-node graph with no layout: read, laid out, scene built, fitted (target ≤ 1 s).
3. A 500-node graph fitted in a 1920×1080 view: one repaint while panning (target ≤ 16 ms).
4. Playing the backward pass of a 500-node graph: one step and its repaint (target ≤ 16 ms, 60 fps).
5. One step on a 200-node graph of 256×256 tensors, with its repaint (target ≤ 30 ms).
6. The kernel-flip view on a 64×64 image with a 5×5 kernel: one animation frame (window moved,
   products and result redrawn, repainted) in each phase (target ≤ 16 ms), beside a bare pyqtgraph
   ImageItem showing the same 64×64 array and repainting, timed in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402
from files_bench import big_graph  # noqa: E402 - after the platform is chosen and the path set
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from gradviz.engine.ops.conv import correlate2d  # noqa: E402
from gradviz.gui.main_window import MainWindow  # noqa: E402
from gradviz.gui.panels.conv_phases import Names  # noqa: E402
from gradviz.gui.panels.convolution import ConvolutionPanel  # noqa: E402
from gradviz.gui.recovery import Recovery  # noqa: E402
from gradviz.io.graph_file import GraphFile, save  # noqa: E402
from gradviz.model.layout import layered_positions  # noqa: E402

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


def big_graph_without_layout(nodes: int, side: int = 10) -> GraphFile:
    graph = big_graph(nodes, side)
    return GraphFile(graph.nodes, graph.output, {}, {}, graph.title, "")


def laid_out(nodes: int, side: int = 10) -> GraphFile:
    graph = big_graph(nodes, side)
    return GraphFile(graph.nodes, graph.output, layered_positions(graph.nodes), {}, "", "")


@contextmanager
def bench_window(graph: GraphFile | None = None) -> Iterator[tuple[QApplication, MainWindow]]:
    """A window with throwaway settings, its view 1920×1080, showing ``graph`` fitted."""
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        window = MainWindow(QSettings(f"{folder}/s.ini", QSettings.Format.IniFormat), Recovery(Path(folder)))
        if graph is not None:
            window.load_graph(graph, None)
        window.view.resize(1920, 1080)
        window.show()
        app.processEvents()
        window.view.fit()
        app.processEvents()
        try:
            yield app, window
        finally:
            window.undo_stack.setClean()  # nothing to save: closing must not ask
            window.close()


def open_time(repeats: int, nodes: int) -> float:
    """Median time to open a graph file with no layout: read, laid out, scene built, fitted."""
    times = []
    with tempfile.TemporaryDirectory() as folder, bench_window() as (app, window):
        path = Path(folder) / "big.json"
        save(big_graph_without_layout(nodes), path)
        for _ in range(repeats):
            start = time.perf_counter()
            window.open_path(path)
            window.view.fit()
            app.processEvents()
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def pan_repaint_time(repeats: int, nodes: int) -> float:
    """Median time of one repaint of the fitted graph, scrolled a little further each time."""
    times = []
    with bench_window(laid_out(nodes)) as (_, window):
        bar = window.view.horizontalScrollBar()
        for step in range(repeats):
            bar.setValue(bar.minimum() + (step * 37) % max(1, bar.maximum() - bar.minimum() + 1))
            start = time.perf_counter()
            window.view.viewport().repaint()
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def step_frame_time(nodes: int, side: int, frames: int, backward: bool) -> float:
    """Median time of one step plus the repaint it causes, playing through the trace."""
    times = []
    with bench_window(laid_out(nodes, side)) as (app, window):
        playback = window.player.run()
        window.player.seek(playback.trace.seed_index if backward else -1)
        app.processEvents()
        for _ in range(min(frames, playback.last - playback.index)):
            start = time.perf_counter()
            window.player.step()
            window.view.viewport().repaint()
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def conv_frame_times(frames: int) -> tuple[dict[str, float], float]:
    """Median time of one kernel-flip frame per phase (64×64 image, 5×5 kernel, 'same'), and of a bare
    pyqtgraph image update with repaint, the floor any heatmap view pays."""
    import pyqtgraph as pg  # noqa: PLC0415

    app = QApplication.instance() or QApplication([])
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(64, 64)), rng.normal(size=(5, 5))
    bar = rng.normal(size=correlate2d(image, kernel, "same").shape)
    panel = ConvolutionPanel()
    panel.resize(1700, 420)
    panel.show()
    panel.show_node("correlate2d", {"mode": "same"}, [image, kernel], bar, Names("I", "k", "O"))
    times = {}
    for phase in ("forward", "image", "kernel"):
        panel.set_phase(phase)
        panel.finish_flip()
        app.processEvents()
        samples = []
        for frame in range(0, min(frames, panel.scrubber.maximum() + 1)):
            start = time.perf_counter()
            panel.seek(frame * 37 % (panel.scrubber.maximum() + 1))  # jumps, not neighbours: no luck
            panel.repaint()
            panel.heatmaps.viewport().repaint()  # the heatmaps: a graphics view paints its viewport itself
            samples.append(time.perf_counter() - start)
        times[phase] = statistics.median(samples)
    panel.close()
    bare = pg.GraphicsLayoutWidget()
    bare.resize(340, 340)
    item = pg.ImageItem(image, axisOrder="row-major")
    box = bare.addViewBox(lockAspect=True)
    box.addItem(item)
    bare.show()
    box.autoRange()
    app.processEvents()
    samples = []
    for frame in range(frames):
        start = time.perf_counter()
        item.setImage(image + frame)
        bare.viewport().repaint()
        samples.append(time.perf_counter() - start)
    bare.close()
    return times, statistics.median(samples)


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
    phases, bare = conv_frame_times(20 if quick else 150)
    for phase, frame in phases.items():
        verdict = "smoke run" if quick else ("PASS" if frame <= 0.016 else "MISS")
        print(f"conv {phase:<7} {frame * 1000:6.1f} ms per frame, 64×64 ⋆ 5×5  (target ≤ 16 ms)  {verdict}   "
              f"[{frame / bare:.1f}× a bare pyqtgraph 64×64 update + repaint, {bare * 1000:.1f} ms]")


if __name__ == "__main__":
    main()
