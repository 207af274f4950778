"""Never lose a student's work when opening, deleting or starting on a bad file (issue 10, items 1-2).

Each test drives a reproduction from the bug report through the window: keys on the canvas, menu
actions, the file commands a user triggers.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from gradviz.gui import app
from gradviz.gui.recovery import Recovery
from gradviz.io.graph_file import dumps, parse, read, save
from gradviz.io.paths import EXAMPLES

TYPO = {
    "format": "gradviz-graph",
    "version": 1,
    "output": "c",
    "nodes": [{"id": "x", "op": "input", "value": [1.0]}, {"id": "c", "op": "sum", "inputs": ["X"]}],
}  # "X" for "x": no such node
SINGULAR = {
    "format": "gradviz-graph",
    "version": 1,
    "output": "c",
    "nodes": [
        {"id": "A", "op": "parameter", "value": [[1.0, 2.0], [2.0, 4.0]]},
        {"id": "c", "op": "det", "inputs": ["A"]},
    ],
}
LINEAR = {"W": [[0.1, -0.3], [0.7, 0.2], [-0.5, 0.4]], "x": [[1.0], [2.0]], "y": [[0.5], [0.0], [1.0]]}
TOO_MANY_INPUTS = {
    "format": "gradviz-graph",
    "version": 1,
    "output": "L",
    "nodes": [
        {"id": "W", "op": "parameter", "value": LINEAR["W"]},
        {"id": "x", "op": "input", "value": LINEAR["x"]},
        {"id": "a", "op": "matmul", "inputs": ["W", "x", "x"]},
        {"id": "y", "op": "constant", "value": LINEAR["y"]},
        {"id": "L", "op": "mse", "inputs": ["a", "y"], "attrs": {"reduction": "sum"}},
    ],
}
MISSING_INPUT = {
    **TOO_MANY_INPUTS,
    "nodes": [
        *TOO_MANY_INPUTS["nodes"][:2],
        {"id": "a", "op": "matmul", "inputs": ["W", "nope"]},
        *TOO_MANY_INPUTS["nodes"][3:],
    ],
}


@pytest.fixture
def warnings(monkeypatch) -> list[str]:
    """The texts of the warning dialogs the window shows (answered at once)."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *rest: shown.append(text))
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Discard)
    return shown


@pytest.fixture
def homework(tmp_path) -> tuple[Path, bytes]:
    """A student's saved file, and its bytes, which nothing may change."""
    path = tmp_path / "my_homework.json"
    save(read(EXAMPLES / "linear_layer.json"), path)
    return path, path.read_bytes()


def write(path: Path, document: dict) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def without_view(file: Path | bytes) -> str:
    graph = read(file) if isinstance(file, Path) else parse(file)
    return dumps(dataclasses.replace(graph, view={}))


def trigger(window, name: str) -> None:
    window.findChild(QAction, name).trigger()


def shown(window, qtbot):
    """The window on screen and active: its shortcuts answer keys (offscreen, nothing activates it)."""
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.view.setFocus()
    return window


def test_a_file_naming_a_missing_node_is_refused_whole(window, qtbot, warnings, homework, tmp_path):
    mine, original = homework
    shown(window, qtbot)
    window.open_path(mine)
    before = dumps(window.document.to_graph_file())
    assert not window.open_path(write(tmp_path / "typo.json", TYPO))
    assert warnings == [f"{tmp_path / 'typo.json'}, node 'c', field 'inputs': input 1 names 'X', which is no node"]
    assert window.path == mine and dumps(window.document.to_graph_file()) == before  # nothing changed
    assert window.undo_stack.isClean()
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl+S
    assert without_view(mine) == without_view(original)  # saved again, with its view: the same graph


def test_opening_a_graph_whose_run_fails_while_stepping(window, qtbot, warnings, homework, tmp_path):
    mine, original = homework
    shown(window, qtbot)
    window.open_path(mine)
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_Right)  # stepping
    assert window.player.index == 0
    singular = write(tmp_path / "singular.json", SINGULAR)
    assert window.open_path(singular)
    assert warnings == [] and window.path == singular and sorted(window.document.nodes) == ["A", "c"]
    assert window.player.index == -1  # a new file starts before its first step
    trigger(window, "actionSave")
    assert mine.read_bytes() == original


def test_a_lesson_saved_at_a_step_its_run_cannot_reach_opens_unrun(window, warnings, homework, tmp_path):
    mine, original = homework
    window.open_path(mine)
    lesson = write(tmp_path / "singular_at_2.json", {**SINGULAR, "view": {"step": 2, "mode": "reverse"}})
    assert window.open_path(lesson)
    assert window.path == lesson and sorted(window.document.nodes) == ["A", "c"] and window.undo_stack.isClean()
    assert "singular" in window.statusBar().currentMessage()
    window.save()
    assert mine.read_bytes() == original and [spec.id for spec in read(lesson).nodes] == ["A", "c"]


def test_select_all_delete_a_node_and_the_parent_listed_after_it(window, qtbot):
    shown(window, qtbot)
    window.new_document()
    child = window.scene.add_op("neg", QPointF(300, 0))  # added first: listed before its parent
    parent = window.scene.add_op("input", QPointF(0, 0))
    assert window.scene.connect_ports(parent, child, 0)
    built = dumps(window.document.to_graph_file())
    viewport = window.view.viewport()
    qtbot.keyClick(viewport, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # Select All
    qtbot.keyClick(viewport, Qt.Key.Key_Delete)
    assert window.document.nodes == {} and window.scene.nodes == {}
    qtbot.keyClick(viewport, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # Undo
    assert dumps(window.document.to_graph_file()) == built
    assert window.document.nodes[child].inputs == (parent,) and (child, 0) in window.scene.edges
    trigger(window, "actionRedo")
    assert window.document.nodes == {} and window.scene.nodes == {}


def test_the_automatic_cost_gives_way_to_a_choice_and_undo_is_exact(window, qtbot):
    window.new_document()
    x = window.scene.add_op("input", QPointF(0, 0))
    total = window.scene.add_op("sum", QPointF(300, 0))
    window.scene.connect_ports(x, total, 0)
    assert window.document.output == total and window.scene.nodes[total].look.is_output
    qtbot.waitUntil(lambda: window.player.available)  # it runs with no cost chosen by hand
    before = dumps(window.document.to_graph_file())
    window.scene.clearSelection()
    window.scene.nodes[x].setSelected(True)
    shown(window, qtbot)  # active again: running the graph may have let another window take the focus
    qtbot.keyClick(
        window.view.viewport(), Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )  # Use as Cost
    assert window.document.output == x and not window.scene.nodes[total].look.is_output
    window.undo_stack.undo()
    assert window.document.chosen_output is None and dumps(window.document.to_graph_file()) == before


def test_starting_on_a_file_with_too_many_inputs_shows_it_red(qtbot, tmp_path, warnings):
    bad = write(tmp_path / "33_wrong_arity_high.json", TOO_MANY_INPUTS)
    window = app.start(
        str(bad), QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), Recovery(tmp_path / "state")
    )
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: not window.files.loading)  # start-up opens the file in the background
    assert warnings == [] and window.isVisible() and window.path == bad
    assert window.scene.nodes["a"].look.error == "matmul takes 2 inputs (a, b), not 3"


def test_starting_on_a_file_naming_a_missing_node_shows_why_over_an_empty_window(qtbot, tmp_path, warnings):
    bad = write(tmp_path / "36_missing_input.json", MISSING_INPUT)
    window = app.start(
        str(bad), QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), Recovery(tmp_path / "state")
    )
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: not window.files.loading)
    assert warnings == [f"{bad}, node 'a', field 'inputs': input 2 names 'nope', which is no node"]
    assert window.isVisible() and window.path is None and window.document.nodes == {}


CLOSE_SOON = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
qapp = QApplication(sys.argv[:1])
QMessageBox.warning = staticmethod(lambda parent, title, text, *rest: print("dialog:", text))
from gradviz.gui import app
QTimer.singleShot(500, lambda: [w.close() for w in QApplication.topLevelWidgets()])
sys.exit(app.run(sys.argv[1]))
"""


def test_the_app_started_on_a_bad_file_exits_0_when_closed(tmp_path):
    bad = write(tmp_path / "36_missing_input.json", MISSING_INPUT)
    home = tmp_path / "home"
    env = {
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CLOSE_SOON), str(bad)],
        env=env,
        check=False,
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.splitlines() == [
        f"dialog: {bad}, node 'a', field 'inputs': input 2 names 'nope', which is no node"
    ]
