"""The window's speed against bare Qt doing the least the same picture needs, both timed in one run.

    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1920x1080x24" python benchmarks/gui_bench.py [--quick]

Every figure is a median over several runs, printed beside the floor measured in the same process and
the same run (interleaved, so the machine's noise of the moment hits both alike), and their ratio:

1. start: interpreter start to the window shown with the default example, beside a bare PySide6 window
   and a bare PySide6 + pyqtgraph window (the window loads both), each started as its own process.
2. open: a 2000-node graph file with its layout, until idle (read, scene built, fitted, painted), beside a
   bare QGraphicsScene of as many rects with a text each, built, fitted and painted. Then a 10,000-node
   file without positions opened as a user does (in the background): the total time until painted,
   beside the same open done blocking on the GUI thread, and the window's longest stall meanwhile (the
   gaps of a 20 ms timer, wall time) before the swap-in and during it, beside the idle window's.
3. zoom: one repaint after a zoom change of 500 nodes fitted in the window (caches dropped: the case
   panning never shows), zoomed out and at the readable zoom a graph opens at, and with every node's
   value and bar heatmaps (the floors then made again: a node showing its badges is taller); beside a bare
   QGraphicsView of 500 rects with a text each at the same zooms, and the same with the window's wires:
   one path item per wire (the floor of earlier runs), and all of them in one path item (what a competent
   Qt programmer would do with that many static curves: cheaper zoomed out, but at a legible zoom Qt fills
   one outline of hundreds of crossing thick wires five times slower than the wires one by one; see
   gradviz/gui/canvas/wire_layer.py).
   The fitted zoom of the benchmark graph is 0.12× since wires running back to the left are bounded by
   their curve, not their control points (0.08× before: the graph looked twice as wide as it is).
4. pan: one repaint while scrolling the fitted graph, beside the bare view scrolled alike.
5. step: one playback step on a 500-node graph, the Python work of the whole window (the canvas's part
   beside it: since box pictures are made as the step is shown rather than as the view paints, their
   making moved from the repaint into this figure), and with the repaint it causes; beside a bare view
   changing one rect's colour, painted.
6. play: 10 s of Play at 60 steps/s on 500 nodes, three times (median): the CPU share of one core it takes
   (process time over wall time: the X server's own work is not in it) and the late frames (over 1.5 frame
   periods apart);
   fitted (the whole graph in view), then at the legible zoom a graph this big opens at, where the view
   scrolls to follow the step: beside a bare view of the same rects, texts and wires moved to the same
   places at 60 Hz, since following repaints the strip each step brings into view whatever draws it.
   Formulas are typeset only when the steps rest, so none is typeset here; "play slow" is 10 s at
   4 steps/s on mlp_cross_entropy, typesetting every rule: the late ticks of a 60 Hz clock (what the
   tokens' glide would show) and the longest stall of the event loop. Both are wall-clock figures:
   on a loaded machine they measure the load as much as the window.
7. tensors: one step and its repaint on a 200-node graph of 256×256 tensors (wall time: with --cpu too,
   the background run and a loaded machine move it a lot).
8. conv: one kernel-flip frame (64×64 ⋆ 5×5) per phase until painted, beside bare pyqtgraph updating
   5 tiles of the frame's sizes (one image each) until painted.
9. scaling: open, zoom repaint and step at 100, 1000 and 5000 nodes, with the cost per node.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]  # this checkout's gradviz, not an installed one

import numpy as np  # noqa: E402
from files_bench import big_graph  # noqa: E402 - after the platform is chosen and the path set
from PySide6.QtCore import QEventLoop, QPointF, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QColor, QPainter, QPainterPath, QTransform  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
)

from gradviz.engine.ops.conv import correlate2d  # noqa: E402
from gradviz.gui.main_window import MainWindow  # noqa: E402
from gradviz.gui.panels.conv_phases import Names  # noqa: E402
from gradviz.gui.panels.convolution import ConvolutionPanel  # noqa: E402
from gradviz.gui.playback import Player  # noqa: E402
from gradviz.gui.qt_application import application  # noqa: E402
from gradviz.gui.recovery import Recovery  # noqa: E402
from gradviz.io.graph_file import GraphFile, save  # noqa: E402
from gradviz.io.paths import EXAMPLES  # noqa: E402
from gradviz.model.layout import layered_positions  # noqa: E402

START_OURS = """
import time; t0 = time.perf_counter()
import sys
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
from gradviz.gui.main_window import MainWindow
from gradviz.gui.recovery import Recovery
from gradviz.io.paths import DEFAULT_EXAMPLE
window = MainWindow(QSettings(sys.argv[1], QSettings.Format.IniFormat), Recovery(Path(sys.argv[2])))
window.show()
window.open_path(DEFAULT_EXAMPLE)
app.processEvents()
"""

START_PYSIDE = """
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.show()
app.processEvents()
"""

START_PYQTGRAPH = """
from PySide6.QtWidgets import QApplication, QMainWindow
import pyqtgraph
app = QApplication([])
window = QMainWindow()
window.setCentralWidget(pyqtgraph.PlotWidget())
window.show()
app.processEvents()
"""

WINDOW = (1920, 1080)
clock = time.perf_counter  # --cpu: time.thread_time, the CPU this process spent, steady on a loaded machine


def line(label: str, ours: float, floor: float, floor_name: str, target: str = "", unit: str = "ms") -> None:  # noqa: PLR0917
    """One figure: ours, the floor, their ratio, and the target when there is one."""
    scale = 1000.0 if unit == "ms" else 1.0
    print(
        f"{label:<26} {ours * scale:8.2f} {unit}   floor {floor * scale:7.2f} {unit} ({floor_name})   "
        f"ratio {ours / floor:5.2f}" + (f"   target {target}" if target else "")
    )


def interleaved(candidates: dict[str, Callable[[int], float]], repeats: int) -> dict[str, float]:
    """Median of each candidate's seconds over ``repeats`` rounds; each round runs every candidate once."""
    times: dict[str, list[float]] = {name: [] for name in candidates}
    for repetition in range(repeats):
        for name, run in candidates.items():
            times[name].append(run(repetition))
    return {name: statistics.median(values) for name, values in times.items()}


# ----- 1. start ------------------------------------------------------------------------------------


def start_times(repeats: int) -> dict[str, float]:
    """Median wall time from interpreter start to the window shown, each a fresh process, interleaved."""
    scripts = {"ours": START_OURS, "pyside": START_PYSIDE, "pyqtgraph": START_PYQTGRAPH}
    with tempfile.TemporaryDirectory() as folder:

        def process(script: str) -> Callable[[int], float]:
            def run(_: int) -> float:
                start = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-c", script, f"{folder}/s.ini", f"{folder}/state"],
                    check=True,
                    capture_output=True,
                    cwd=ROOT,
                )
                return time.perf_counter() - start

            return run

        return interleaved({name: process(script) for name, script in scripts.items()}, repeats)


# ----- the window and the floor --------------------------------------------------------------------


def laid_out(nodes: int, side: int = 10) -> GraphFile:
    """The benchmark graph laid out by gradviz's own layout (what a file without positions gets)."""
    graph = big_graph(nodes, side)
    return GraphFile(graph.nodes, graph.output, layered_positions(graph.nodes), {}, "", "")


@contextmanager
def bench_window(graph: GraphFile | None = None) -> Iterator[tuple[QApplication, MainWindow]]:
    """A 1920×1080 window with throwaway settings, showing ``graph`` fitted."""
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        window = MainWindow(QSettings(f"{folder}/s.ini", QSettings.Format.IniFormat), Recovery(Path(folder)))
        if graph is not None:
            window.load_graph(graph, None)
        window.resize(*WINDOW)
        window.show()
        app.processEvents()
        window.view.fit()
        app.processEvents()
        try:
            yield app, window
        finally:
            window.undo_stack.setClean()  # nothing to save: closing must not ask
            window.close()
            app.processEvents()


class Floor:
    """A bare QGraphicsView of plain rects with one text each where the window's nodes are, the same
    size and render hints as the canvas: what Qt costs for that picture whatever gradviz does. With
    ``wires``, also the window's wires with the same pens: wires crossing a big graph are much of what
    any node editor must draw. ``wires="items"`` draws them as one plain path item each (the floor of
    earlier runs); ``wires="one"`` as one path item holding every wire, as a competent Qt programmer
    would draw that many static curves (the honest floor for the window's one cached wire layer)."""

    def __init__(self, window: MainWindow, wires: str = "") -> None:
        self.scene = QGraphicsScene()
        for node_id, item in window.scene.nodes.items():
            rect = item.sceneBoundingRect()
            box = QGraphicsRectItem(0, 0, rect.width(), rect.height())
            box.setPos(rect.topLeft())
            box.setBrush(QColor("#ffffff"))
            text = QGraphicsSimpleTextItem(node_id, box)
            text.setPos(10, 6)
            self.scene.addItem(box)
        edges = list(window.scene.edges.values())
        if wires == "items":
            for edge in edges:
                wire = QGraphicsPathItem(edge.path())
                wire.setPen(edge.pen())
                self.scene.addItem(wire)
        elif wires == "one" and edges:
            every = QPainterPath()
            for edge in edges:
                every.addPath(edge.path())
            wire = QGraphicsPathItem(every)
            wire.setPen(edges[0].pen())
            self.scene.addItem(wire)
        self.view = QGraphicsView(self.scene)
        self.view.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.view.resize(window.view.size())
        self.view.setTransform(window.view.transform())
        self.view.show()
        QApplication.processEvents()
        self.view.centerOn(window.view.mapToScene(window.view.viewport().rect().center()))


def zoom_run(view: QGraphicsView, base: float) -> Callable[[int], float]:
    """One repaint after the zoom changes by a little (never back to a zoom seen before)."""

    def run(repetition: int) -> float:
        zoom = base * (1.0 + 0.004 * (repetition + 1))
        centre = view.mapToScene(view.viewport().rect().center())
        view.setTransform(QTransform.fromScale(zoom, zoom))
        view.centerOn(centre)
        start = clock()
        view.viewport().repaint()
        return clock() - start

    return run


def pan_run(view: QGraphicsView) -> Callable[[int], float]:
    def run(repetition: int) -> float:
        bar = view.horizontalScrollBar()
        bar.setValue(bar.minimum() + (repetition * 37) % max(1, bar.maximum() - bar.minimum() + 1))
        start = clock()
        view.viewport().repaint()
        return clock() - start

    return run


def zoom_times(window: MainWindow, floors: tuple[Floor, ...], repeats: int, zoom: float) -> dict[str, float]:
    """One repaint after a zoom change: ours, the bare rects + text, and the same with the wires (one item
    each, and all in one item)."""
    views = {"ours": window.view, "floor": floors[0].view, "wired": floors[1].view, "one path": floors[2].view}
    for view in views.values():
        view.setTransform(QTransform.fromScale(zoom, zoom))
        view.viewport().repaint()
    return interleaved({name: zoom_run(view, zoom) for name, view in views.items()}, repeats)


def zoom_lines(label: str, times: dict[str, float], nodes: int, target: str = "") -> None:
    line(label, times["ours"], times["floor"], f"{nodes} rects + text", target)
    line("", times["ours"], times["wired"], "the same + the wires, an item each")
    line("", times["ours"], times["one path"], "the same + the wires in one item")


def fitted_zoom(window: MainWindow) -> float:
    window.view.fit()
    return window.view.zoom()


# ----- 2. open -------------------------------------------------------------------------------------


def open_times(repeats: int, nodes: int) -> tuple[float, float]:
    """Median time to open a laid-out graph file until idle, and to build and paint the bare floor."""
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder, bench_window() as (_, window):
        path = Path(folder) / "big.json"
        save(big_graph(nodes), path)

        def ours(_: int) -> float:
            start = clock()
            window.open_path(path)
            window.view.fit()
            app.processEvents()
            window.view.viewport().repaint()
            return clock() - start

        def floor(_: int) -> float:
            start = clock()
            bare = Floor(window)
            bare.view.fitInView(bare.scene.itemsBoundingRect())
            bare.view.viewport().repaint()
            elapsed = clock() - start
            bare.view.close()
            return elapsed

        ours(0)  # the first open imports the modules a graph needs: not what a second file costs
        times = interleaved({"ours": ours, "floor": floor}, repeats)
    return times["ours"], times["floor"]


class Ticks:
    """A 20 ms timer noting, at each tick, the wall time and the GUI thread's CPU time: a gap between two
    ticks is a stall of the event loop, and its CPU time is the work in it (on a machine shared with
    other jobs the wall time of a stall also holds the time other processes had the cores)."""

    def __init__(self) -> None:
        self.moments: list[tuple[float, float]] = []
        self.timer = QTimer(interval=20, timeout=self.tick)
        self.tick()
        self.timer.start()

    def tick(self) -> None:
        self.moments.append((time.perf_counter(), time.thread_time()))

    def longest(self, keep: Callable[[float, float], bool]) -> tuple[float, float]:
        """The longest gap (wall, CPU) among those from ``earlier`` to ``later`` that ``keep`` keeps."""
        gaps = [
            (later[0] - earlier[0], later[1] - earlier[1])
            for earlier, later in itertools.pairwise(self.moments)
            if keep(earlier[0], later[0])
        ]
        return max(gaps, default=(0.0, 0.0))


def wait_until(done: Callable[[], bool]) -> None:
    loop = QEventLoop()
    poll = QTimer(interval=2, timeout=lambda: done() and loop.quit())
    poll.start()
    if not done():
        loop.exec()
    poll.stop()


def background_open(window: MainWindow, path: Path) -> dict[str, tuple[float, float]]:
    """Open ``path`` as File ▸ Open does, until painted: the total (wall, CPU of the GUI thread), and the
    longest stall before the swap-in, the swap-in's own (the gap that holds it), and the longest in the
    2 s after it (the garbage collector's first passes over the new graph fall there)."""
    app = QApplication.instance()
    files = window.files
    swaps: list[float] = []
    load_graph = files.load_graph

    def timed_load(*args: object) -> None:
        swaps.append(time.perf_counter())
        load_graph(*args)

    files.load_graph = timed_load  # type: ignore[method-assign] - timed, for this run only
    ticks = Ticks()
    start, cpu = time.perf_counter(), time.thread_time()
    files.open_file(path)
    wait_until(lambda: not files.loading)
    app.processEvents()  # the fit the swap asked for, then the paint
    window.view.viewport().repaint()
    total = (time.perf_counter() - start, time.thread_time() - cpu)
    settle = QEventLoop()
    QTimer.singleShot(2000, settle.quit)
    settle.exec()
    ticks.timer.stop()
    files.load_graph = load_graph  # type: ignore[method-assign]
    swap = swaps[-1]
    return {
        "total": total,
        "stall": ticks.longest(lambda _earlier, later: later < swap),
        "swap": ticks.longest(lambda earlier, later: earlier <= swap < later),
        "after": ticks.longest(lambda earlier, _later: earlier > swap),
    }


def background_open_times(repeats: int, nodes: int) -> dict[str, tuple[float, float]]:
    """Medians (wall, CPU) of ``background_open`` of a ``nodes``-node file without positions, beside the
    same file opened blocking (open_path) and the idle window's longest gap between ticks over a second."""
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder, bench_window() as (_, window):
        path = Path(folder) / "big.json"
        graph = big_graph(nodes)
        save(GraphFile(graph.nodes, graph.output, {}, {}, graph.title, ""), path)
        window.open_path(path)  # the first open imports the modules a graph needs: not what a file costs
        runs: dict[str, list[tuple[float, float]]] = {}
        for _ in range(repeats):
            window.new_document()
            app.processEvents()
            for name, figures in background_open(window, path).items():
                runs.setdefault(name, []).append(figures)
            window.new_document()
            app.processEvents()
            start, cpu = time.perf_counter(), time.thread_time()
            window.open_path(path)
            app.processEvents()
            window.view.viewport().repaint()
            runs.setdefault("blocking", []).append((time.perf_counter() - start, time.thread_time() - cpu))
            ticks = Ticks()
            idle = QEventLoop()
            QTimer.singleShot(1000, idle.quit)
            idle.exec()
            ticks.timer.stop()
            runs.setdefault("idle", []).append(ticks.longest(lambda _earlier, _later: True))
    return {
        name: (statistics.median(wall for wall, _ in values), statistics.median(cpu for _, cpu in values))
        for name, values in runs.items()
    }


def background_lines(nodes: int, times: dict[str, tuple[float, float]]) -> None:
    """The background open's figures: wall time, and the GUI thread's CPU time in the same span."""
    wall = {name: figures[0] for name, figures in times.items()}
    line(f"open {nodes} in background", wall["total"], wall["blocking"], "the same, blocking", unit="s")
    for name, label, target in (
        ("stall", "  longest stall before swap", "≤ 100 ms"),
        ("swap", "  swap-in stall", "≤ 1 s"),
        ("after", "  longest stall 2 s after", ""),
    ):
        line(label, wall[name], wall["idle"], "idle window", target)
        print(f"{'':<26} of which GUI-thread CPU {times[name][1] * 1000:8.2f} ms")


# ----- 5. step -------------------------------------------------------------------------------------


def step_times(window: MainWindow, floor: Floor, repeats: int) -> dict[str, float]:
    """Python work of one step (whole window, and the canvas's part), step + repaint, and the floor."""
    app = QApplication.instance()
    player, scene = window.player, window.scene
    canvas: list[float] = []
    show_step = scene.show_step

    def timed_show_step(*args: object) -> None:
        start = clock()
        show_step(*args)
        canvas.append(clock() - start)

    scene.show_step = timed_show_step
    player.seek(player.run().trace.seed_index - repeats)  # the last forward steps, then the backward pass
    app.processEvents()
    boxes = [item for item in floor.scene.items() if isinstance(item, QGraphicsRectItem)]

    def python(_: int) -> float:
        start = clock()
        player.step()
        return clock() - start

    paint_at = scene.paint_at
    waiting = QEventLoop()

    def painting(zoom: float) -> None:  # the canvas starts painting: end the wait once that paint is done
        paint_at(zoom)
        waiting.quit()

    def with_repaint(_: int) -> float:
        """The step and the window's repaint of what it changed (nodes, wires, timeline, inspector), up to
        the end of the canvas's paint; the wait for Qt's next update request costs no CPU."""
        start = clock()
        player.step()
        QTimer.singleShot(100, waiting.quit)  # never wait longer, whatever happens
        waiting.exec()
        return clock() - start

    def bare(repetition: int) -> float:
        box = boxes[repetition % len(boxes)]
        start = clock()
        box.setBrush(QColor("#ffcc80" if repetition % 2 else "#ffffff"))
        floor.view.viewport().repaint(floor.view.mapFromScene(box.sceneBoundingRect()).boundingRect())
        return clock() - start

    scene.paint_at = painting
    try:
        times = interleaved({"python": python, "repaint": with_repaint, "floor": bare}, repeats)
    finally:
        scene.paint_at = paint_at
    times["canvas"] = statistics.median(canvas)
    scene.show_step = show_step
    return times


# ----- 6. play -------------------------------------------------------------------------------------


def play_load(window: MainWindow, seconds: float) -> tuple[float, int, list[QPointF]]:
    """Play at 60 steps/s for ``seconds``: the share of one core taken, late frames, and the scene point
    at the middle of the view at each step shown (the view follows the step when the graph is not fitted)."""
    player, view = window.player, window.view
    player.seek(0)
    player.set_speed(60.0)
    settle = QEventLoop()  # the first pause typesets a formula, once importing matplotlib (seconds): not a frame
    QTimer.singleShot(1000, settle.quit)
    settle.exec()
    moments: list[float] = []
    centres: list[QPointF] = []

    def shown(_: int) -> None:
        moments.append(time.perf_counter())
        centres.append(view.mapToScene(view.viewport().rect().center()))

    player.moved.connect(shown)
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    cpu, wall = time.process_time(), time.perf_counter()
    player.play()
    loop.exec()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    player.pause()
    player.moved.disconnect(shown)
    period = 1.0 / 60.0
    late = sum(1 for earlier, later in itertools.pairwise(moments) if later - earlier > 1.5 * period)
    return cpu / wall, late, centres


def scrolled_load(view: QGraphicsView, centres: list[QPointF], seconds: float) -> float:
    """The share of one core a bare view takes moved to ``centres`` in turn at 60 Hz for ``seconds``."""
    clock = QTimer()
    clock.setTimerType(Qt.TimerType.PreciseTimer)
    clock.setInterval(int(1000 / 60))
    moves = itertools.cycle(centres)
    clock.timeout.connect(lambda: view.centerOn(next(moves)))
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    cpu, wall = time.process_time(), time.perf_counter()
    clock.start()
    loop.exec()
    clock.stop()
    return (time.process_time() - cpu) / (time.perf_counter() - wall)


def slow_play(seconds: float, speed: float = 4.0) -> tuple[int, int, float]:
    """Play mlp_cross_entropy at ``speed`` steps/s (a rule typeset at each step) for ``seconds``: late
    ticks of a 60 Hz clock, ticks, and the longest gap between ticks in seconds."""
    with bench_window() as (app, window):
        window.open_path(EXAMPLES / "mlp_cross_entropy.json")
        window.player.seek(0)
        settle = QEventLoop()
        QTimer.singleShot(1500, settle.quit)  # the first typeset imports matplotlib: not a frame
        settle.exec()
        while window.formula_panel.typesetting:
            app.processEvents()
        ticks: list[float] = []
        clock = QTimer()
        clock.setTimerType(Qt.TimerType.PreciseTimer)
        clock.setInterval(16)
        clock.timeout.connect(lambda: ticks.append(time.perf_counter()))
        window.player.set_speed(speed)
        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        clock.start()
        window.player.play()
        loop.exec()
        window.player.pause()
        clock.stop()
    gaps = [later - earlier for earlier, later in itertools.pairwise(ticks)]
    return sum(gap > 1.5 / 60 for gap in gaps), len(gaps), max(gaps, default=0.0)


# ----- 7. tensors ----------------------------------------------------------------------------------


def tensor_step_time(nodes: int, side: int, frames: int) -> float:
    """Median time of one step plus the repaint it causes, playing through a graph of large tensors."""
    times = []
    with bench_window(laid_out(nodes, side)) as (_, window):
        player = window.player
        player.seek(-1)
        for _ in range(min(frames, player.run().last)):
            start = time.perf_counter()
            player.step()
            window.view.viewport().repaint()
            times.append(time.perf_counter() - start)
    return statistics.median(times)


# ----- 8. conv -------------------------------------------------------------------------------------


def conv_frame_times(frames: int) -> tuple[dict[str, float], float]:
    """Median time of one kernel-flip frame per phase (64×64 image, 5×5 kernel, 'same'), and of bare
    pyqtgraph updating the same frame's 5 tiles (one image each) and repainting."""
    import pyqtgraph as pg  # noqa: PLC0415

    app = QApplication.instance() or QApplication([])
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(64, 64)), rng.normal(size=(5, 5))
    bar = rng.normal(size=correlate2d(image, kernel, "same").shape)
    panel = ConvolutionPanel(Player())
    panel.resize(1700, 420)
    panel.show()
    panel.show_node("correlate2d", {"mode": "same"}, [image, kernel], bar, Names("I", "k", "O"))
    bare = pg.GraphicsLayoutWidget()
    bare.resize(1700, 340)
    shapes = [(68, 68), (5, 5), (5, 5), (5, 5), (64, 64)]  # padded image, kernel, flipped, products, result
    items = []
    for column, shape in enumerate(shapes):
        box = bare.addViewBox(row=0, col=column, lockAspect=True, invertY=True, enableMouse=False)
        item = pg.ImageItem(rng.normal(size=shape), axisOrder="row-major")
        box.addItem(item)
        items.append((item, rng.normal(size=shape)))
    bare.show()
    app.processEvents()

    def bare_frame(frame: int) -> float:
        start = clock()
        for item, data in items:
            item.setImage(data + frame)
        app.processEvents()  # the paint the updates asked for, as the window's event loop does it
        return clock() - start

    times: dict[str, list[float]] = {}
    floor: list[float] = []
    for phase in ("forward", "image", "kernel"):
        panel.set_phase(phase)
        panel.finish_flip()
        app.processEvents()
        samples = []
        for frame in range(0, min(frames, panel.scrubber.maximum() + 1)):
            start = clock()
            panel.seek(frame * 37 % (panel.scrubber.maximum() + 1))  # jumps, not neighbours: no luck
            app.processEvents()  # the paints the frame asked for: tiles, sentence, scrubber
            samples.append(clock() - start)
            floor.append(bare_frame(frame))
        times[phase] = samples
    panel.close()
    bare.close()
    return {phase: statistics.median(samples) for phase, samples in times.items()}, statistics.median(floor)


# ----- 9. scaling ----------------------------------------------------------------------------------


def scaling_row(nodes: int, repeats: int) -> tuple[float, float, float, float]:
    """Open (laid-out file, until painted), one fitted zoom repaint, one step's Python work (and the
    canvas's part of it), at ``nodes``."""
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder, bench_window() as (_, window):
        path = Path(folder) / "big.json"
        save(big_graph(nodes), path)
        opened = []
        for _ in range(max(1, repeats // 3)):
            start = clock()
            window.open_path(path)
            window.view.fit()
            app.processEvents()
            window.view.viewport().repaint()
            opened.append(clock() - start)
        zoom = fitted_zoom(window)
        window.view.viewport().repaint()
        repaint = statistics.median(zoom_run(window.view, zoom)(k) for k in range(repeats))
        player, scene = window.player, window.scene
        player.seek(player.run().trace.seed_index)
        app.processEvents()
        steps, canvas = [], []
        show_step = scene.show_step

        def timed_show_step(*args: object) -> None:
            start = clock()
            show_step(*args)
            canvas.append(clock() - start)

        scene.show_step = timed_show_step
        for _ in range(repeats):
            start = clock()
            player.step()
            steps.append(clock() - start)
        scene.show_step = show_step
    return statistics.median(opened), repaint, statistics.median(steps), statistics.median(canvas)


def main() -> None:
    parser = argparse.ArgumentParser(description="gradviz window speed against bare Qt floors")
    parser.add_argument("--quick", action="store_true", help="smaller graphs, fewer runs: a smoke run")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time repaints and steps in CPU time of this thread "
        "(steady on a loaded machine; the X server's share is not in it), not wall time",
    )
    arguments = parser.parse_args()
    quick = arguments.quick
    global clock  # noqa: PLW0603 - chosen once, before anything is timed
    clock = time.thread_time if arguments.cpu else time.perf_counter
    app = application([])  # the window's settings (serial fills), for ours and the floors alike
    print(
        f"platform {app.platformName()}, window {WINDOW[0]}×{WINDOW[1]}; medians of interleaved runs "
        f"({'CPU' if arguments.cpu else 'wall'} time); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (a loaded machine slows ours and "
        "the floors alike: read the ratios)" + ("; --quick: small sizes, indicative only" if quick else "")
    )

    starts = start_times(3 if quick else 7)
    line("start (window shown)", starts["ours"], starts["pyqtgraph"], "PySide6 + pyqtgraph", "≤ 1.30", unit="s")
    line("start (window shown)", starts["ours"], starts["pyside"], "PySide6 alone", unit="s")

    big = 200 if quick else 2000
    opened, bare = open_times(3 if quick else 5, big)
    line(f"open {big} (laid out)", opened, bare, "bare scene", "≤ 1 s", unit="s")
    huge = 1000 if quick else 10_000
    background_lines(huge, background_open_times(3 if quick else 5, huge))

    nodes, repeats = (100 if quick else 500), (10 if quick else 40)
    with bench_window(big_graph(nodes)) as (_, window):
        floors = Floor(window), Floor(window, wires="items"), Floor(window, wires="one")
        floor = floors[0]
        fitted = fitted_zoom(window)
        target = "≤ 2× floor and ≤ 16 ms"
        zoom_lines(f"zoom {nodes} fitted ({fitted:.2f}×)", zoom_times(window, floors, repeats, fitted), nodes, target)
        readable = window.view.readable_zoom()
        zoom_lines(f"zoom at {readable:.2f}× (legible)", zoom_times(window, floors, repeats, readable), nodes)
        window.view.setTransform(QTransform.fromScale(fitted, fitted))
        times = interleaved({"ours": pan_run(window.view), "floor": pan_run(floor.view)}, repeats)
        line(f"pan {nodes} fitted", times["ours"], times["floor"], "bare view scrolled")

        steps = step_times(window, floor, repeats * 2)
        line(f"step {nodes}: Python work", steps["python"], steps["floor"], "one rect recoloured + repaint", "≤ 3 ms")
        print(
            f"{'':<26} of which the canvas {steps['canvas'] * 1000:.2f} ms (the rest: trace state, inspector, "
            "timeline, formula panel)"
        )
        line(
            f"step {nodes} + its repaint", steps["repaint"], steps["floor"], "one rect recoloured + repaint", "≤ 16 ms"
        )

        window.player.seek(window.player.run().last)  # every node shows its value and bar heatmaps
        QApplication.processEvents()
        for bare in floors:
            bare.view.close()
        floors = Floor(window), Floor(window, wires="items"), Floor(window, wires="one")  # the taller nodes' rects
        zoom_lines(f"zoom {nodes} with heatmaps", zoom_times(window, floors, repeats, fitted), nodes, target)
        zoom_lines(f"zoom at {readable:.2f}× w/ heatmaps", zoom_times(window, floors, repeats, readable), nodes)

        seconds, rounds = (3.0, 1) if quick else (10.0, 3)
        fitted_runs, legible_runs, floor_runs = [], [], []
        scrolled = Floor(window, wires="items")
        for _ in range(rounds):  # interleaved: the machine's moods of the moment hit all three alike
            window.view.fit()  # the whole graph in view, as the goal was set
            fitted_runs.append(play_load(window, seconds))
            window.view.fit(readable=True)  # as a graph this big opens: legible, following the step
            legible_runs.append(play_load(window, seconds))
            floor_runs.append(scrolled_load(scrolled.view, legible_runs[-1][2], seconds))
        share, late, centres = sorted(fitted_runs, key=lambda run: run[0])[len(fitted_runs) // 2]
        print(
            f"play {nodes} fitted, 60 steps/s  CPU {share * 100:5.1f} % of one core over {seconds:.0f} s "
            f"(median of {rounds}: {', '.join(f'{run[0] * 100:.1f}' for run in fitted_runs)}), "
            f"{late} late frames of {len(centres)}   target < 35 %"
        )
        share, late, centres = sorted(legible_runs, key=lambda run: run[0])[len(legible_runs) // 2]
        floor = statistics.median(floor_runs)
        print(
            f"play {nodes} legible, following CPU {share * 100:5.1f} % of one core (median of {rounds}), {late} late "
            f"frames of {len(centres)}; floor: the bare view + wires moved alike at 60 Hz {floor * 100:5.1f} %   "
            f"ratio {share / floor:5.2f}"
        )
        for bare in (*floors, scrolled):
            bare.view.close()

    late, ticks, stall = slow_play(3.0 if quick else 10.0)
    print(
        f"{'play slow (4 steps/s)':<26} {late} late ticks of {ticks} (60 Hz clock), longest stall "
        f"{stall * 1000:.0f} ms   (a rule typeset per step, off the GUI thread)"
    )

    frame = tensor_step_time(50 if quick else 200, 64 if quick else 256, 20 if quick else 60)
    print(f"{'step 256×256 tensors':<26} {frame * 1000:8.2f} ms per step + repaint   target ≤ 30 ms")

    phases, bare = conv_frame_times(20 if quick else 150)
    for phase, frame in phases.items():
        line(f"conv {phase} frame", frame, bare, "bare pyqtgraph, 5 tiles", "≤ 2× floor")

    print(
        "scaling: open (laid-out file, painted), zoom repaint (fitted), step (Python work of the window; "
        "the canvas's part of it)"
    )
    print(f"{'nodes':>7} {'open s':>9} {'µs/node':>8} {'zoom ms':>9} {'µs/node':>8} {'step ms':>9} {'canvas ms':>10}")
    for count in (100, 300) if quick else (100, 1000, 5000):
        opened, repaint, step, canvas = scaling_row(count, 5 if quick else 15)
        print(
            f"{count:>7} {opened:>9.3f} {opened / count * 1e6:>8.0f} {repaint * 1000:>9.2f} "
            f"{repaint / count * 1e6:>8.1f} {step * 1000:>9.2f} {canvas * 1000:>10.2f}"
        )


if __name__ == "__main__":
    main()
