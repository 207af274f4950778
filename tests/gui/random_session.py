"""Random user actions on the real window, with the window's invariants checked after every one.

A ``RandomSession`` draws actions from a seeded ``random.Random`` and performs each as a user would:
mouse and key events from QTest on the canvas's viewport and on the panels' widgets (found by
objectName), menu actions for File ▸ Examples. Dialogs that would block (QMessageBox, QFileDialog) are
patched by the caller to answer at once, from the same random generator, so a seed replays a session.

After every action: no exception reached Qt, no Qt warning, the document is consistent (every input
names a node of it), each canvas shows exactly the document's nodes and wires, the window's frame is on
the screen and the canvas's scale is positive and finite. At the end, undoing everything gives the
document the history started from, and redoing gives the last one back.

The actions themselves are in random_actions.py. The pytest test at the bottom runs in a child process
(see test_random_actions.py) because the offscreen screen's size is fixed when Qt starts:
``GRADVIZ_RANDOM_SEEDS`` (comma-separated) and ``GRADVIZ_RANDOM_ACTIONS`` (per seed) choose the run.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import random
import traceback
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QtMsgType, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from gradviz.gui.canvas.items import EdgeItem, NodeItem
from gradviz.gui.canvas.scene import GraphScene
from gradviz.gui.main_window import MainWindow
from gradviz.model.code_print import code_of
from tests.gui.random_actions import RandomActions, semantic


class ManualClock(QObject):
    """The player's Play clock, ticked by the session once per action instead of by time, so that a
    seed replays the same session however fast the machine is (the player only calls these four)."""

    timeout = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._active = False

    def isActive(self) -> bool:
        return self._active

    def start(self, _interval: int = 0) -> None:
        self._active = True

    def stop(self) -> None:
        self._active = False


class SessionFailure(AssertionError):
    """A broken invariant, with the seed and every action so far, so the run can be replayed."""


class RandomSession(RandomActions):
    """One window driven by one seed. ``log`` holds a line per action performed."""

    def __init__(self, window: MainWindow, qtbot, qtlog, seed: int, folder: Path) -> None:
        super().__init__(window, random.Random(seed))
        self.qtbot, self.qtlog, self.seed, self.folder = qtbot, qtlog, seed, folder
        self.warnings_seen = 0
        self.covered: set[str] = set()  # what the session reached: actions, examples, modes, steps
        self.log: list[str] = []
        self.saved: list[Path] = []
        self.examples: list[str] = []  # the examples still to open before any opens again
        self.baseline = semantic(window.document.to_graph_file())  # where undo-all must return
        self.dialogs: list[str] = []  # message boxes shown (warnings and questions), with their text
        self.clock = window.player._clock = ManualClock()

    # ----- patched dialogs (installed by the caller with monkeypatch) -------------------------------------

    def question(self, _parent, title: str, text: str, *_args, **_kwargs) -> QMessageBox.StandardButton:
        buttons = QMessageBox.StandardButton
        if title == "Unsaved changes":  # mostly Discard, so examples do open and get stepped through
            answer = self.rng.choices([buttons.Save, buttons.Discard, buttons.Cancel], [1, 4, 1])[0]
        else:
            answer = self.rng.choice([buttons.Yes, buttons.No])
        self.dialogs.append(f"question {title!r}: {text!r} → {answer.name}")
        return answer

    def warning(self, _parent, title: str, text: str, *_args, **_kwargs) -> QMessageBox.StandardButton:
        self.dialogs.append(f"warning {title!r}: {text!r}")
        return QMessageBox.StandardButton.Ok

    def save_file_name(self, _parent=None, title: str = "", *_args, **_kwargs) -> tuple[str, str]:
        if title == "Export image":
            return str(self.export_to), ""
        path = self.folder / f"saved{len(self.saved)}.json"
        self.saved.append(path)
        return str(path), ""

    def open_file_name(self, *_args, **_kwargs) -> tuple[str, str]:
        return (str(self.saved[-1]) if self.saved else ""), ""

    # ----- running ------------------------------------------------------------------------------------

    def run(self, count: int) -> None:
        """``count`` random actions, each checked; then undo everything and redo it all."""
        names = [getattr(self, name) for name in self.WEIGHTS]
        weights = list(self.WEIGHTS.values())
        performed = 0
        while performed < count:
            action = self.rng.choices(names, weights)[0]
            before = len(self.log)
            self.log.append(action.__name__)
            with self.qtbot.capture_exceptions() as exceptions:
                try:
                    done = action()
                except SessionFailure:
                    raise
                except Exception:  # the driver's own mistake, or the window's: either way, say where
                    self.fail("the action raised", traceback.format_exc())
                self.pump()
                if self.clock.isActive():
                    self.clock.timeout.emit()  # playing: one step per action
                    self.pump()
                self.window_manager()
            if done is None and not exceptions:
                self.log.pop()  # not possible now (no node to click…): draw again
                del self.log[before:]
                continue
            self.log[before] = f"{action.__name__}: {done}"
            self.covered.add(f"action:{action.__name__}")
            performed += 1
            if exceptions:
                self.fail("an exception reached Qt", "".join(traceback.format_exception(*exceptions[0])))
            self.check()
        self.check_undo_redo()

    def window_manager(self) -> None:
        """What a desktop's window manager does and the offscreen platform does not: a popup or dialog
        that closed gives the activation back to the main window (its shortcuts work again). A dialog
        left open (Graph as Code) stays open, and the next action's click on the main window activates it."""
        active = QApplication.activeWindow()
        if active is not self.window:
            self.window.activateWindow()
            self.pump(1)

    def fail(self, what: str, detail: str = "") -> None:
        lines = [f"  {number:4d}  {line}" for number, line in enumerate(self.log)]
        every = self.folder / "actions.txt"
        every.write_text("\n".join(lines) + "\n")
        lines = "\n".join(lines[-60:]) + f"\n  (all {len(lines)} actions: {every})"
        dialogs = "\n".join(self.dialogs[-5:])
        active = QApplication.activeWindow()
        focus = QApplication.focusWidget()
        what += (
            f" (active window {type(active).__name__}:{active.objectName() if active else ''}, "
            f"focus {type(focus).__name__}:{focus.objectName() if focus else ''})"
        )
        raise SessionFailure(
            f"seed {self.seed}, after action {len(self.log) - 1}: {what}\n{detail}\n"
            f"actions:\n{lines}\nlast dialogs:\n{dialogs}\n"
            f"replay: GRADVIZ_RANDOM_SEEDS={self.seed} GRADVIZ_RANDOM_ACTIONS={len(self.log)} "
            "python -m pytest tests/gui/test_random_actions.py "
            f"-k {self.window.screen().size().width()}"
        )

    # ----- invariants ---------------------------------------------------------------------------------

    def check_quiet(self) -> None:
        """No Qt warning since the last check (pytest-qt would fail the test at its end; this says where)."""
        warnings = [
            record.message
            for record in self.qtlog.records[self.warnings_seen :]
            if record.type in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)
            and not record.ignored
        ]  # pyproject's qt_log_ignore: the offscreen platform's notes
        self.warnings_seen = len(self.qtlog.records)
        if warnings:
            self.fail(f"Qt warned: {warnings}")

    def check(self) -> None:
        """Everything below, after every action."""
        window = self.window
        self.check_quiet()
        self.covered.add(f"mode:{window.mode}")
        if window.player.index >= 0:
            self.covered.add(f"stepping:{window.mode}")
        if QApplication.mouseButtons() != Qt.MouseButton.NoButton:
            self.fail("a mouse button is still down after the action (the driver lost a release)")
        self.check_document()
        self.check_scene(window.scene, "canvas")
        if window.mode == "both" and window.reverse_side.scene is not None:
            self.check_scene(window.reverse_side.scene, "reverse side")
        self.check_window()

    def check_document(self) -> None:
        """Every input names a node; every node has a position; the cost is a node; it diagnoses."""
        document = self.window.document
        for spec in document.nodes.values():
            missing = [parent for parent in spec.inputs if parent is not None and parent not in document.nodes]
            if missing:
                self.fail(f"{spec.id} reads {missing}, which the document does not hold")
        if set(document.positions) != set(document.nodes):
            self.fail(f"positions {sorted(document.positions)} ≠ nodes {sorted(document.nodes)}")
        if document.chosen_output is not None and document.chosen_output not in document.nodes:
            self.fail(f"the chosen cost {document.chosen_output} is not a node")
        document.statuses()

    def check_window(self) -> None:
        """On the screen, a usable zoom, no stale inspector, no stray window, no warning dialog, and an
        unedited Graph as Code editor showing the graph."""
        window, document = self.window, self.window.document
        available = window.screen().availableGeometry()
        if not available.contains(window.frameGeometry()):
            self.fail(f"the window {window.frameGeometry().getRect()} is off the screen {available.getRect()}")
        zoom = window.view.transform().m11()
        if not (math.isfinite(zoom) and zoom > 0):
            self.fail(f"the canvas's scale is {zoom}")
        if window.inspector.node_id is not None and window.inspector.node_id not in document.nodes:
            self.fail(f"the inspector shows {window.inspector.node_id}, which is gone")
        strays = [
            widget
            for widget in QApplication.topLevelWidgets()
            if widget.isVisible()
            and widget is not window
            and widget.objectName() != "codeEditor"  # not modal: it may stay open beside the canvas
            and widget.windowType() in (Qt.WindowType.Window, Qt.WindowType.Dialog)
        ]
        if strays:
            self.fail(f"a stray window is shown: {[type(w).__name__ + ':' + w.objectName() for w in strays]}")
        editor = window.findChild(QWidget, "codeEditor")
        if (
            editor is not None
            and editor.isVisible()
            and not editor.text.document().isModified()
            and editor.text.toPlainText() != code_of(document.to_graph_file())
        ):
            self.fail("the Graph as Code editor, unedited, does not show the graph")
        problems = [dialog for dialog in self.dialogs if dialog.startswith("warning") and "Cannot check" not in dialog]
        if problems:
            self.fail(f"a warning was shown: {problems[-1]}")

    def check_scene(self, scene: GraphScene, name: str) -> None:
        document = self.window.document
        shown = {item.node_id for item in scene.items() if isinstance(item, NodeItem)}
        if shown != set(document.nodes) or set(scene.nodes) != set(document.nodes):
            self.fail(f"the {name} shows nodes {sorted(shown)}, the document holds {sorted(document.nodes)}")
        wires = {
            (spec.id, port, parent)
            for spec in document.nodes.values()
            for port, parent in enumerate(spec.inputs)
            if parent is not None
        }
        drawn = {
            (item.child_id, item.port, item.parent_id)
            for item in scene.items()
            if isinstance(item, EdgeItem) and item is not scene._wire
        }
        if drawn != wires:
            self.fail(
                f"the {name} draws wires {sorted(drawn - wires)} the document lacks, and lacks {sorted(wires - drawn)}"
            )
        for node_id, item in scene.nodes.items():
            position = document.positions[node_id]
            if (item.x(), item.y()) != tuple(position):
                self.fail(f"the {name} draws {node_id} at {(item.x(), item.y())}, the document has it at {position}")

    def check_undo_redo(self) -> None:
        """Undo everything: the document the history began with; redo: the last one."""
        stack, document = self.window.undo_stack, self.window.document
        last, index = semantic(document.to_graph_file()), stack.index()
        self.log.append(f"undo all ({index} commands)")
        with self.qtbot.capture_exceptions() as exceptions:
            stack.setIndex(0)
            self.pump()
        if exceptions:
            self.fail("undoing everything raised", str(exceptions[0][1]))
        self.check()
        if semantic(document.to_graph_file()) != self.baseline:
            self.fail("undoing everything did not give the first document", self.diff(self.baseline))
        self.log.append(f"redo all to {index}")
        with self.qtbot.capture_exceptions() as exceptions:
            stack.setIndex(index)
            self.pump()
        if exceptions:
            self.fail("redoing everything raised", str(exceptions[0][1]))
        self.check()
        if semantic(document.to_graph_file()) != last:
            self.fail("redoing everything did not give the last document", self.diff(last))

    def diff(self, expected: str) -> str:
        now = semantic(self.window.document.to_graph_file())
        return "\n".join(difflib.unified_diff(expected.splitlines(), now.splitlines(), "expected", "now", lineterm=""))

    def history_reset(self) -> None:
        """Opening or making a graph starts a new history: undo-all comes back to this document."""
        if self.window.undo_stack.count() == 0:
            self.baseline = semantic(self.window.document.to_graph_file())


SEEDS = [int(seed) for seed in os.environ.get("GRADVIZ_RANDOM_SEEDS", "1").split(",")]


@pytest.mark.parametrize("seed", SEEDS)
def test_random_session(make_window, qtbot, qtlog, *, tmp_path, monkeypatch, seed):
    """The child process's test: one seed, ``GRADVIZ_RANDOM_ACTIONS`` actions (150 by default)."""
    count = int(os.environ.get("GRADVIZ_RANDOM_ACTIONS", "150"))
    window = make_window(dark=False)
    session = RandomSession(window, qtbot, qtlog, seed, tmp_path)
    monkeypatch.setattr(QMessageBox, "question", session.question)
    monkeypatch.setattr(QMessageBox, "warning", session.warning)
    monkeypatch.setattr("gradviz.gui.files.QFileDialog.getSaveFileName", session.save_file_name)
    monkeypatch.setattr("gradviz.gui.files.QFileDialog.getOpenFileName", session.open_file_name)
    window.show()
    qtbot.waitExposed(window)
    session.pump(10)
    session.run(count)
    print(f"seed {seed}: {count} actions, {window.undo_stack.count()} commands on the stack at the end")
    print("covered: " + json.dumps(sorted(session.covered)))
    if os.environ.get("GRADVIZ_RANDOM_VERBOSE"):  # every action, also when nothing failed
        print("\n".join(session.log))
