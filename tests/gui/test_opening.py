"""Opening a big file keeps the window answering, shows progress, and can be cancelled (issue 10, item 12).

A 10,000-node file without positions froze the window for seconds with no progress and no way out.
Each test opens through a user's way in (Ctrl+O, Examples, Esc, the Cancel button) and watches the
event loop with a 20 ms timer, as a user watches the window.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from gradviz.gui import app
from gradviz.gui.commands import ReplaceNode
from gradviz.gui.recovery import Recovery
from gradviz.io.graph_file import dumps, read
from gradviz.io.paths import EXAMPLES
from gradviz.model.document import DocumentReset

BIG = 10_000
TYPO = {
    "format": "gradviz-graph",
    "version": 1,
    "nodes": [{"id": "x", "op": "input", "value": [1.0]}, {"id": "c", "op": "sum", "inputs": ["X"]}],
}  # "X" for "x": no such node


def chain_file(path: Path, nodes: int) -> Path:
    """A ``nodes``-node graph file without positions: a quarter 2×2 parameters, the rest tanh and add
    nodes reading the last ones made (so layout, check and canvas all have real work), summed at the end."""
    specs = [{"id": f"p{i}", "op": "parameter", "value": [[0.1 * i, 0.2], [0.3, -0.1]]} for i in range(nodes // 4)]
    last = [spec["id"] for spec in specs[-4:]]
    for i in range(nodes - len(specs) - 1):
        node = (
            {"id": f"n{i}", "op": "tanh", "inputs": [last[-1]]}
            if i % 2
            else {"id": f"n{i}", "op": "add", "inputs": [last[-1], specs[i % len(specs)]["id"]]}
        )
        specs.append(node)
        last.append(node["id"])
    specs.append({"id": "c", "op": "sum", "inputs": [last[-1]]})
    path.write_text(json.dumps({"format": "gradviz-graph", "version": 1, "output": "c", "nodes": specs}))
    return path


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    return chain_file(tmp_path_factory.mktemp("big") / "big.json", BIG)


def progress_shown(window) -> bool:
    """Whether the window shows the opening's progress bar and Cancel (in its status bar)."""
    panel = window.findChild(QWidget, "openProgressPanel")
    return panel is not None and panel.isVisible() and panel.findChild(QWidget, "openCancel").isVisible()


class Ticks:
    """A timer ticking every 20 ms: the wall time of each tick, so gaps show when the event loop stalled, and
    the GUI thread's CPU time at each, so a gap the window's own work made tells from one the machine made
    (a loaded test machine, another process, the scheduler)."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.busy: list[float] = []
        self.timer = QTimer(interval=20, timeout=self._tick)
        self.timer.start()

    def _tick(self) -> None:
        self.times.append(time.perf_counter())
        self.busy.append(time.thread_time())

    def between(self, start: float, end: float) -> list[float]:
        return [moment for moment in self.times if start <= moment <= end]

    def longest_gap(self, start: float, end: float) -> float:
        moments = [start, *self.between(start, end), end]
        return max(later - earlier for earlier, later in itertools.pairwise(moments))

    def longest_work(self, start: float, end: float) -> float:
        """The most GUI-thread CPU time spent between two ticks from ``start`` to ``end``."""
        work = [cpu for moment, cpu in zip(self.times, self.busy, strict=True) if start <= moment <= end]
        return max((later - earlier for earlier, later in itertools.pairwise(work)), default=0.0)


@pytest.fixture
def ctrl_o(window, qtbot, monkeypatch):
    """File ▸ Open… (Ctrl+O) on the window, choosing a path in the file dialog."""

    window.show()
    qtbot.waitExposed(window)

    def press(path: Path) -> None:
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(path), ""))
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        window.view.setFocus()
        qtbot.keyClick(window.view.viewport(), Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)

    return press


@pytest.fixture
def homework(window, tmp_path):
    """The window showing a saved file with one unsaved edit: what a cancelled open must leave alone."""
    path = tmp_path / "homework.json"
    path.write_bytes((EXAMPLES / "linear_layer.json").read_bytes())
    assert window.open_path(path)
    x = window.document.nodes["x"]
    window.undo_stack.push(ReplaceNode(window.document, dataclasses.replace(x, label="x0"), "label x"))
    return path


@pytest.mark.slow
def test_a_big_file_opens_in_the_background_with_progress_and_the_window_answering(window, qtbot, ctrl_o, big_file):
    window.open_path(EXAMPLES / "linear_layer.json")
    ticks = Ticks()
    swapped: list[float] = []
    window.document.subscribe(lambda change: isinstance(change, DocumentReset) and swapped.append(time.perf_counter()))
    start = time.perf_counter()
    ctrl_o(big_file)
    assert window.files.loading
    qtbot.waitUntil(lambda: progress_shown(window), timeout=5000)  # a long open shows its bar and Cancel
    qtbot.waitUntil(lambda: not window.files.loading, timeout=120_000)
    assert not progress_shown(window)
    assert len(window.scene.nodes) == BIG and window.path == big_file and window.undo_stack.isClean()
    assert set(window.scene.nodes) == {spec.id for spec in read(big_file).nodes}
    assert len(window.scene.edges) == sum(len(spec.inputs) for spec in read(big_file).nodes)
    # the event loop kept turning until the swap: a 20 ms timer ticked all along, never held up for long
    (swap,) = swapped
    assert swap - start > 0.5  # (the file is big enough to matter)
    assert len(ticks.between(start, swap)) >= (swap - start) / 0.02 / 4
    # the goal is 0.1 s (benchmarks/gui_bench.py measures it: about 55 ms); the window's own work between two
    # ticks is what it controls, the wall gap also holds whatever else the test machine did meanwhile
    assert ticks.longest_work(start, swap) < 0.25 and ticks.longest_gap(start, swap) < 1.5


@pytest.mark.slow
@pytest.mark.usefixtures("homework")
@pytest.mark.parametrize("how", ["Cancel button", "Esc"])
def test_cancelling_an_open_leaves_the_document_path_undo_and_view_as_they_were(window, qtbot, ctrl_o, big_file, how):
    homework = window.path
    before = dumps(window.document.to_graph_file())
    undo = (window.undo_stack.count(), window.undo_stack.index(), window.undo_stack.isClean())
    qtbot.wait(100)  # the window shown and laid out, its graph fitted
    transform, nodes = window.view.transform(), dict(window.scene.nodes)
    ctrl_o(big_file)
    qtbot.waitUntil(lambda: progress_shown(window), timeout=5000)
    if how == "Esc":
        qtbot.keyClick(window.view.viewport(), Qt.Key.Key_Escape)
    else:
        QTest.mouseClick(window.findChild(QWidget, "openCancel"), Qt.MouseButton.LeftButton)
    assert not window.files.loading and not progress_shown(window)
    assert "cancelled" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not window.files._stopping, timeout=60_000)  # the thread has ended: nothing comes later
    qtbot.wait(50)
    assert window.path == homework and dumps(window.document.to_graph_file()) == before
    assert (window.undo_stack.count(), window.undo_stack.index(), window.undo_stack.isClean()) == undo
    assert window.scene.nodes == nodes and window.view.transform() == transform


@pytest.mark.slow
def test_a_second_open_while_one_is_loading_takes_over(window, qtbot, ctrl_o, big_file):
    ctrl_o(big_file)
    assert window.files.loading
    window.findChild(QAction, "example_matmul").trigger()  # the user changed their mind
    qtbot.waitUntil(lambda: not window.files.loading and not window.files._stopping, timeout=60_000)
    qtbot.wait(50)
    assert set(window.document.nodes) == {spec.id for spec in read(EXAMPLES / "matmul.json").nodes}
    assert window.path is None  # an example opens as an untitled copy


def test_an_example_opens_at_once_with_no_progress_bar(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    seen: list[bool] = []
    watch = QTimer(interval=1, timeout=lambda: seen.append(progress_shown(window)))
    watch.start()
    start = time.perf_counter()
    window.findChild(QAction, "example_linear_layer").trigger()
    qtbot.waitUntil(lambda: not window.files.loading)
    opened = time.perf_counter() - start
    qtbot.wait(20)
    watch.stop()
    assert set(window.document.nodes) == {spec.id for spec in read(EXAMPLES / "linear_layer.json").nodes}
    if opened < 0.15:  # (a test machine busy enough to take longer may show the bar, as it should)
        assert not any(seen)


def test_a_bad_file_opened_in_the_background_changes_nothing(window, qtbot, monkeypatch, ctrl_o, homework):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *rest: shown.append(text))
    before = dumps(window.document.to_graph_file())
    bad = homework.parent / "typo.json"
    bad.write_text(json.dumps(TYPO))
    ctrl_o(bad)
    qtbot.waitUntil(lambda: not window.files.loading)
    assert shown == [f"{bad}, node 'c', field 'inputs': input 1 names 'X', which is no node"]
    assert window.path == homework and dumps(window.document.to_graph_file()) == before
    assert not window.undo_stack.isClean()


def test_recovered_work_that_cannot_be_shown_is_refused_and_start_up_opens_its_file(qtbot, monkeypatch, tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    (state / "crashed.json").write_text(json.dumps(TYPO))  # a window died with this unsaved (a typo'd input)
    (state / "crashed.source").write_text("")
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *rest: warned.append(f"{title}: {text}"))
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = app.start(str(EXAMPLES / "matmul.json"), settings, Recovery(state))
    qtbot.addWidget(window, before_close_func=lambda w: w.undo_stack.setClean())
    qtbot.waitUntil(lambda: not window.files.loading)  # the recovery, refused, then the file named at start-up
    assert warned == [
        "Cannot recover: <graph>, node 'c', field 'inputs': input 1 names 'X', which is no node"
    ]  # untitled work
    assert set(window.document.nodes) == {spec.id for spec in read(EXAMPLES / "matmul.json").nodes}
    assert (state / "crashed.json").exists()  # kept for a later look: never deleted unseen
