"""Random user actions on the real window, with the window's invariants checked after every one.

A ``RandomSession`` draws actions from a seeded ``random.Random`` and performs each as a user would:
mouse and key events from QTest on the canvas's viewport and on the panels' widgets (found by
objectName), menu actions for File ▸ Examples. Dialogs that would block (QMessageBox, QFileDialog) are
patched by the caller to answer at once, from the same random generator, so a seed replays a session.

After every action: no exception reached Qt, no Qt warning, the document is consistent (every input
names a node of it), each canvas shows exactly the document's nodes and wires, the window's frame is on
the screen and the canvas's scale is positive and finite. At the end, undoing everything gives the
document the history started from, and redoing gives the last one back.

The pytest test at the bottom runs in a child process (see test_random_actions.py) because the
offscreen screen's size is fixed when Qt starts: ``GRADVIZ_RANDOM_SEEDS`` (comma-separated) and
``GRADVIZ_RANDOM_ACTIONS`` (per seed) choose the run.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import math
import os
import random
import traceback
from pathlib import Path
from typing import ClassVar

import pytest
from PySide6.QtCore import QEvent, QMimeData, QObject, QPoint, QPointF, Qt, QtMsgType, Signal
from PySide6.QtGui import QAction, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeyEvent, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QScrollArea,
    QTabBar,
    QTableWidget,
    QWidget,
)

from gradviz.engine.registry import all_ops
from gradviz.gui.canvas.items import EdgeItem, NodeItem
from gradviz.gui.canvas.scene import GraphScene
from gradviz.gui.main_window import MainWindow
from gradviz.gui.panels import palette
from gradviz.io.graph_file import GraphFile, dumps, read
from gradviz.io.paths import EXAMPLES

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
OPS = [op.name for op in all_ops()]
EXAMPLE_NAMES = sorted(path.stem for path in EXAMPLES.glob("*.json"))
# what a student types into a field: numbers, shapes, JSON, and nonsense
TEXTS = ["0", "1", "-2.5", "3", "2x3", "3×1", "2, 2", "[0, 1]", "null", "1e400", "nan", "inf", "abc", "",
         "  ", "-1", "0x0", "1e7", "[[1, 2]]", "x^", "αβ", "<b>w</b>", "9" * 30]


def semantic(graph: GraphFile) -> str:
    """The saved form of a graph without its view section: zoom, mode and step are where the user is
    looking, not edits, so undo does not restore them."""
    return dumps(dataclasses.replace(graph, view={}))


def double_click(widget: QWidget, where: QPoint) -> None:
    """Press, release, double-click, release: what a mouse sends. (QTest.mouseDClick alone, in this Qt,
    sends the double-click event only and leaves the button down, so the next move would drag.)"""
    QTest.mouseClick(widget, LEFT, NONE, where)
    QTest.mouseDClick(widget, LEFT, NONE, where)
    QTest.mouseRelease(widget, LEFT, NONE, where)


def type_text(widget: QWidget, text: str) -> None:
    """Key presses for ``text``; QTest.keyClicks handles ASCII only (it aborts on ×), so other
    characters are sent as the key events an input method delivers: no key code, just the text."""
    for character in text:
        if character.isascii():
            QTest.keyClicks(widget, character)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(widget, QKeyEvent(kind, 0, NONE, character))


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


class RandomSession:
    """One window driven by one seed. ``log`` holds a line per action performed."""

    # how often each action is drawn, relative to the others
    WEIGHTS: ClassVar[dict[str, float]] = {
        "palette_drag": 6, "palette_search": 2, "quick_add": 2, "connect_wire": 8, "pick_up_wire": 3,
        "click_node": 5, "drag_node": 3, "rubber_band": 2, "select_all": 2, "delete": 4, "undo": 6, "redo": 4,
        "copy_paste": 2, "inspector_edit": 6, "value_cell": 4, "fill_button": 2, "step_key": 8, "space_tap": 1,
        "speed": 2, "timeline_button": 2, "switch_mode": 3, "open_example": 4, "save_and_reopen": 1,
        "new_document": 1, "fit": 2, "wheel_zoom": 2, "dark_mode": 1, "graph_as_code": 1, "auto_layout": 1,
        "use_as_cost": 1, "check_gradients": 1, "resize_window": 1,
    }

    def __init__(self, window: MainWindow, qtbot, qtlog, seed: int, folder: Path) -> None:
        self.window, self.qtbot, self.qtlog, self.seed, self.folder = window, qtbot, qtlog, seed, folder
        self.warnings_seen = 0
        self.covered: set[str] = set()  # what the session reached: actions, examples, modes, steps
        self.rng = random.Random(seed)
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

    def save_file_name(self, *_args, **_kwargs) -> tuple[str, str]:
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
        that closed gives the activation back to the main window (its shortcuts work again)."""
        active = QApplication.activeWindow()
        if active is None or not active.isVisible():
            self.window.activateWindow()
            self.pump(1)

    def pump(self, rounds: int = 3) -> None:
        for _ in range(rounds):
            QApplication.processEvents()

    def fail(self, what: str, detail: str = "") -> None:
        lines = [f"  {number:4d}  {line}" for number, line in enumerate(self.log)]
        every = self.folder / "actions.txt"
        every.write_text("\n".join(lines) + "\n")
        lines = "\n".join(lines[-60:]) + f"\n  (all {len(lines)} actions: {every})"
        dialogs = "\n".join(self.dialogs[-5:])
        active = QApplication.activeWindow()
        focus = QApplication.focusWidget()
        what += (f" (active window {type(active).__name__}:{active.objectName() if active else ''}, "
                 f"focus {type(focus).__name__}:{focus.objectName() if focus else ''})")
        raise SessionFailure(f"seed {self.seed}, after action {len(self.log) - 1}: {what}\n{detail}\n"
                             f"actions:\n{lines}\nlast dialogs:\n{dialogs}\n"
                             f"replay: GRADVIZ_RANDOM_SEEDS={self.seed} GRADVIZ_RANDOM_ACTIONS={len(self.log)} "
                             "python -m pytest tests/gui/test_random_actions.py")

    # ----- invariants ---------------------------------------------------------------------------------

    def check_quiet(self) -> None:
        """No Qt warning since the last check (pytest-qt would fail the test at its end; this says where)."""
        warnings = [record.message for record in self.qtlog.records[self.warnings_seen:]
                    if record.type in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)
                    and not record.ignored]  # pyproject's qt_log_ignore: the offscreen platform's notes
        self.warnings_seen = len(self.qtlog.records)
        if warnings:
            self.fail(f"Qt warned: {warnings}")

    def check(self) -> None:
        window, document = self.window, self.window.document
        self.check_quiet()
        self.covered.add(f"mode:{window.mode}")
        if window.player.index >= 0:
            self.covered.add(f"stepping:{window.mode}")
        if QApplication.mouseButtons() != Qt.MouseButton.NoButton:
            self.fail("a mouse button is still down after the action (the driver lost a release)")
        for spec in document.nodes.values():
            missing = [parent for parent in spec.inputs if parent is not None and parent not in document.nodes]
            if missing:
                self.fail(f"{spec.id} reads {missing}, which the document does not hold")
        if set(document.positions) != set(document.nodes):
            self.fail(f"positions {sorted(document.positions)} ≠ nodes {sorted(document.nodes)}")
        if document.chosen_output is not None and document.chosen_output not in document.nodes:
            self.fail(f"the chosen cost {document.chosen_output} is not a node")
        document.statuses()
        self.check_scene(window.scene, "canvas")
        if window.mode == "both" and window.reverse_side.scene is not None:
            self.check_scene(window.reverse_side.scene, "reverse side")
        available = window.screen().availableGeometry()
        if not available.contains(window.frameGeometry()):
            self.fail(f"the window {window.frameGeometry().getRect()} is off the screen {available.getRect()}")
        zoom = window.view.transform().m11()
        if not (math.isfinite(zoom) and zoom > 0):
            self.fail(f"the canvas's scale is {zoom}")
        if window.inspector.node_id is not None and window.inspector.node_id not in document.nodes:
            self.fail(f"the inspector shows {window.inspector.node_id}, which is gone")
        strays = [widget for widget in QApplication.topLevelWidgets() if widget.isVisible() and widget is not window
                  and widget.windowType() in (Qt.WindowType.Window, Qt.WindowType.Dialog)]
        if strays:
            self.fail(f"a stray window is shown: {[type(w).__name__ + ':' + w.objectName() for w in strays]}")
        problems = [dialog for dialog in self.dialogs if dialog.startswith("warning") and "Cannot check" not in dialog]
        if problems:
            self.fail(f"a warning was shown: {problems[-1]}")

    def check_scene(self, scene: GraphScene, name: str) -> None:
        document = self.window.document
        shown = {item.node_id for item in scene.items() if isinstance(item, NodeItem)}
        if shown != set(document.nodes) or set(scene.nodes) != set(document.nodes):
            self.fail(f"the {name} shows nodes {sorted(shown)}, the document holds {sorted(document.nodes)}")
        wires = {(spec.id, port, parent) for spec in document.nodes.values()
                 for port, parent in enumerate(spec.inputs) if parent is not None}
        drawn = {(item.child_id, item.port, item.parent_id) for item in scene.items()
                 if isinstance(item, EdgeItem) and item is not scene._wire}
        if drawn != wires:
            self.fail(f"the {name} draws wires {sorted(drawn - wires)} the document lacks, and lacks "
                      f"{sorted(wires - drawn)}")
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

    # ----- where things are ---------------------------------------------------------------------------

    @property
    def viewport(self) -> QWidget:
        return self.window.view.viewport()

    def on_screen(self, point: QPointF) -> QPoint | None:
        """``point`` (scene) in viewport pixels, if it is in view (a margin from the edge)."""
        pixel = self.window.view.mapFromScene(point)
        return pixel if self.viewport.rect().adjusted(4, 4, -4, -4).contains(pixel) else None

    def random_pixel(self) -> QPoint:
        rect = self.viewport.rect()
        return QPoint(self.rng.randint(5, max(5, rect.width() - 5)), self.rng.randint(5, max(5, rect.height() - 5)))

    def node_ids(self) -> list[str]:
        return list(self.window.scene.nodes)

    def title_point(self, node_id: str) -> QPointF:
        item = self.window.scene.nodes[node_id]
        return item.mapToScene(QPointF(60.0, 40.0))  # the name row: no port there

    def drag(self, start: QPoint, end: QPoint, modifiers: Qt.KeyboardModifier = NONE) -> None:
        QTest.mousePress(self.viewport, LEFT, modifiers, start)
        for fraction in (0.1, 0.5, 1.0):
            QTest.mouseMove(self.viewport, start + (end - start) * fraction)
        QTest.mouseRelease(self.viewport, LEFT, modifiers, end)

    def key(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = NONE, widget: QWidget | None = None) -> None:
        QTest.keyClick(widget or self.viewport, key, modifiers)

    def raise_tab(self, title: str) -> None:
        """Click the dock tab called ``title`` (Ops, Inspector, Training), as a user brings it forward."""
        for bar in self.window.findChildren(QTabBar):
            for index in range(bar.count()):
                if bar.tabText(index) == title and bar.isVisible():
                    QTest.mouseClick(bar, LEFT, NONE, bar.tabRect(index).center())
                    return

    def shown(self, widget: QWidget) -> bool:
        """Scroll ``widget`` into its panel's view; False if it cannot be seen (its dock is hidden)."""
        area = widget.parent()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parent()
        if area is not None:
            area.ensureWidgetVisible(widget)
        return widget.isVisible()

    def type_into(self, field: QWidget, text: str) -> None:
        QTest.mouseClick(field, LEFT, NONE, field.rect().center())
        QTest.keyClick(field, Qt.Key.Key_A, CTRL)
        type_text(field, text)
        QTest.keyClick(field, Qt.Key.Key_Return)

    # ----- actions: each returns what it did, or None when it cannot be done now ---------------------------

    def palette_drag(self) -> str | None:
        """Press an op in the palette, drag it out and drop it on the canvas."""
        self.raise_tab("Ops")
        tree = self.window.palette.tree
        if not self.shown(tree):
            return None
        search = self.window.palette.search
        if search.text():  # a filtered tree may not show the op: clear the search as the user would
            QTest.mouseClick(search, LEFT, NONE, search.rect().center())
            QTest.keyClick(search, Qt.Key.Key_A, CTRL)
            QTest.keyClick(search, Qt.Key.Key_Backspace)
        name = self.rng.choice(OPS)
        item = tree.findItems(name, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)[0]
        tree.scrollToItem(item)
        start = tree.visualItemRect(item).center()
        target = self.random_pixel()
        carried: list[QMimeData] = []

        class Drag(palette.QDrag):  # offscreen Qt cannot run a drag: carry its data to the drop ourselves
            def exec(self, *_args) -> Qt.DropAction:
                carried.append(self.mimeData())
                return Qt.DropAction.IgnoreAction
        palette.QDrag, real = Drag, palette.QDrag
        try:
            QTest.mousePress(tree.viewport(), LEFT, NONE, start)
            for step in range(1, 6):
                QTest.mouseMove(tree.viewport(), start + QPoint(12 * step, 2 * step))
            QTest.mouseRelease(tree.viewport(), LEFT, NONE, start + QPoint(60, 10))
        finally:
            palette.QDrag = real
        if not carried:
            return f"drag {name} from the palette: no drag started"
        self.drop(carried[0], target)
        return f"drag {name} from the palette to {target.toTuple()}"

    def drop(self, mime: QMimeData, target: QPoint) -> None:
        """What the window system delivers to the canvas when a drag enters, moves over it and drops."""
        copy = Qt.DropAction.CopyAction
        for event in (QDragEnterEvent(target, copy, mime, LEFT, NONE), QDragMoveEvent(target, copy, mime, LEFT, NONE),
                      QDropEvent(QPointF(target), copy, mime, LEFT, NONE)):
            QApplication.sendEvent(self.viewport, event)

    def palette_search(self) -> str | None:
        self.raise_tab("Ops")
        search = self.window.palette.search
        if not self.shown(search):
            return None
        text = self.rng.choice([*self.rng.sample(OPS, 3), "zzz", "conv", "", "a"])
        self.type_into(search, text)  # Enter adds the first match at the canvas's centre
        return f"palette search {text!r} + Enter"

    def quick_add(self) -> str | None:
        text = self.rng.choice(OPS)[:self.rng.randint(1, 4)]
        if self.rng.random() < 0.5:
            double_click(self.viewport, where := self.random_pixel())
            how = f"double-click {where.toTuple()}"
        else:
            self.window.view.setFocus()
            self.key(Qt.Key.Key_Tab)
            how = "Tab"
        popup = self.window.quick_add
        if not popup.isVisible():
            return f"{how}: (on a node, no quick add)"
        QTest.keyClicks(popup.search, text)
        if self.rng.random() < 0.8:
            QTest.keyClick(popup.search, Qt.Key.Key_Return)
        else:
            QTest.keyClick(popup.search, Qt.Key.Key_Escape)
        popup.hide() if popup.isVisible() else None  # no match: Enter chooses nothing, the user clicks away
        return f"{how}, type {text!r}"

    def _ensure_in_view(self, points: list[QPointF]) -> list[QPoint] | None:
        pixels = [self.on_screen(point) for point in points]
        if None in pixels:
            self.key(Qt.Key.Key_F)  # the user fits the graph to see both ends
            self.pump()
            pixels = [self.on_screen(point) for point in points]
        return None if None in pixels else pixels

    def connect_wire(self) -> str | None:
        """Drag from one node's output port to another's input port."""
        scene = self.window.scene
        children = [node_id for node_id in self.node_ids() if scene.nodes[node_id].look.port_names]
        if not children or len(self.node_ids()) < 2:
            return None
        child = self.rng.choice(children)
        parent = self.rng.choice(self.node_ids())
        port = self.rng.randrange(len(scene.nodes[child].look.port_names))
        pitem, citem = scene.nodes[parent], scene.nodes[child]
        ends = self._ensure_in_view([pitem.mapToScene(pitem.output_port()), citem.mapToScene(citem.input_port(port))])
        if ends is None:
            return None
        if self.rng.random() < 0.3:
            ends.reverse()  # from the input port to the output port works too
        self.drag(*ends)
        return f"wire {parent} → {child}.{port}"

    def pick_up_wire(self) -> str | None:
        """Press on a connected input port and drop the wire elsewhere (another port or empty canvas)."""
        wired = [(spec.id, port) for spec in self.window.document.nodes.values()
                 for port, parent in enumerate(spec.inputs) if parent is not None]
        if not wired:
            return None
        child, port = self.rng.choice(wired)
        item = self.window.scene.nodes[child]
        start = self._ensure_in_view([item.mapToScene(item.input_port(port))])
        if start is None:
            return None
        other = self.window.scene.nodes[self.rng.choice(self.node_ids())]
        places = [self.random_pixel()]
        if other.look.port_names:
            places.append(self.on_screen(other.mapToScene(other.input_port(
                self.rng.randrange(len(other.look.port_names))))))
        end = self.rng.choice([place for place in places if place is not None])
        self.drag(start[0], end)
        return f"pick up the wire into {child}.{port}, drop at {end.toTuple()}"

    def click_node(self) -> str | None:
        if not self.node_ids():
            return None
        node_id = self.rng.choice(self.node_ids())
        where = self._ensure_in_view([self.title_point(node_id)])
        if where is None:
            return None
        modifiers = CTRL if self.rng.random() < 0.25 else NONE
        QTest.mouseClick(self.viewport, LEFT, modifiers, where[0])
        return f"click {node_id}{' with Ctrl' if modifiers == CTRL else ''}"

    def drag_node(self) -> str | None:
        if not self.node_ids():
            return None
        node_id = self.rng.choice(self.node_ids())
        where = self._ensure_in_view([self.title_point(node_id)])
        if where is None:
            return None
        end = where[0] + QPoint(self.rng.randint(-200, 200), self.rng.randint(-150, 150))
        self.drag(where[0], end)
        return f"drag {node_id} by {(end - where[0]).toTuple()}"

    def rubber_band(self) -> str | None:
        start, end = self.random_pixel(), self.random_pixel()
        if self.window.scene.itemAt(self.window.view.mapToScene(start), self.window.view.transform()) is not None:
            return None  # that would drag an item, not a band
        self.drag(start, end)
        return f"rubber band {start.toTuple()} → {end.toTuple()}"

    def select_all(self) -> str:
        self.key(Qt.Key.Key_A, CTRL)
        return "Ctrl+A"

    def delete(self) -> str:
        self.key(Qt.Key.Key_Delete)
        return "Delete"

    def undo(self) -> str:
        self.key(Qt.Key.Key_Z, CTRL)
        return "Ctrl+Z"

    def redo(self) -> str:
        if self.rng.random() < 0.5:
            self.key(Qt.Key.Key_Z, CTRL | SHIFT)
            return "Ctrl+Shift+Z"
        self.key(Qt.Key.Key_Y, CTRL)
        return "Ctrl+Y"

    def copy_paste(self) -> str:
        choice = self.rng.choice(["Ctrl+C", "Ctrl+V", "Ctrl+D"])
        self.key({"Ctrl+C": Qt.Key.Key_C, "Ctrl+V": Qt.Key.Key_V, "Ctrl+D": Qt.Key.Key_D}[choice], CTRL)
        return choice

    def _inspected(self) -> bool:
        """A node selected alone and its inspector in front (a click on a node brings it forward)."""
        if self.window.inspector.node_id is None:
            return False
        self.raise_tab("Inspector")
        return self.window.inspector.isVisible()

    def inspector_edit(self) -> str | None:
        """Type into a field of the inspector's form (label, attribute, shape), tick a box, pick a choice."""
        if not self._inspected():
            return None
        fields = [widget for widget in self.window.inspector.findChildren(QWidget)
                  if widget.objectName() in ("labelEdit", "shapeEdit") or widget.objectName().startswith("attr_")]
        fields = [field for field in fields if field.isVisibleTo(self.window.inspector)]
        if not fields:
            return None
        field = self.rng.choice(fields)
        if not self.shown(field):
            return None
        name = field.objectName()
        if isinstance(field, QCheckBox):
            QTest.mouseClick(field, LEFT, NONE, QPoint(8, field.height() // 2))
            return f"click {name}"
        if isinstance(field, QComboBox):
            field.setFocus()
            self.key(self.rng.choice([Qt.Key.Key_Down, Qt.Key.Key_Up]), widget=field)
            return f"arrow key on {name}"
        text = self.rng.choice(TEXTS)
        target = field.lineEdit() if hasattr(field, "lineEdit") and not isinstance(field, QLineEdit) else field
        self.type_into(target, text)
        return f"type {text!r} into {name}"

    def value_cell(self) -> str | None:
        """Double-click a cell of the value table, type, Enter."""
        if not self._inspected():
            return None
        table = self.window.inspector.findChild(QTableWidget, "valueTable")
        if table is None or not self.shown(table):
            return None
        row, column = self.rng.randrange(table.rowCount()), self.rng.randrange(table.columnCount())
        rect = table.visualItemRect(table.item(row, column))
        double_click(table.viewport(), rect.center())
        editor = QApplication.focusWidget()
        if not isinstance(editor, QLineEdit):
            return f"double-click cell ({row}, {column}): no editor"
        text = self.rng.choice(TEXTS)
        QTest.keyClick(editor, Qt.Key.Key_A, CTRL)
        type_text(editor, text)
        QTest.keyClick(editor, Qt.Key.Key_Return)
        return f"type {text!r} into cell ({row}, {column})"

    def fill_button(self) -> str | None:
        if not self._inspected():
            return None
        buttons = [button for button in self.window.inspector.findChildren(QAbstractButton)
                   if button.objectName().startswith("fill_") or button.objectName() == "costButton"]
        if not buttons:
            return None
        button = self.rng.choice(buttons)
        if not self.shown(button):
            return None
        QTest.mouseClick(button, LEFT)
        return f"click {button.objectName()}"

    def step_key(self) -> str:
        """A few presses of →, ←, Home or End (→ most often: students step forward)."""
        keys = [self.rng.choice([Qt.Key.Key_Right] * 4 + [Qt.Key.Key_Left, Qt.Key.Key_Home, Qt.Key.Key_End])
                for _ in range(self.rng.randint(1, 6))]
        for key in keys:
            self.key(key)
        return " ".join(key.name.removeprefix("Key_") for key in keys) + f" (at step {self.window.player.index})"

    def speed(self) -> str | None:
        combo = self.window.timeline.speed
        if not combo.isEnabled() or not combo.isVisible():
            return None
        combo.setFocus()
        self.key(self.rng.choice([Qt.Key.Key_Down, Qt.Key.Key_Up]), widget=combo)
        return f"speed {combo.currentText()}"

    def space_tap(self) -> str:
        self.window.view.setFocus()
        self.key(Qt.Key.Key_Space)  # play or pause; the clock steps while later actions run
        return "Space"

    def timeline_button(self) -> str | None:
        name = self.rng.choice(["home", "back", "step", "end", "play"])
        button = self.window.timeline.buttons[name]
        if not button.isEnabled() or not button.isVisible():
            return None
        QTest.mouseClick(button, LEFT)
        return f"click timeline_{name}"

    def switch_mode(self) -> str | None:
        combo = self.window.timeline.mode
        if not combo.isVisible():
            return None
        combo.setFocus()
        target = self.rng.randrange(combo.count())
        while combo.currentIndex() != target:  # arrow keys on the focused box, to the mode chosen
            self.key(Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up, widget=combo)
        steps = self.rng.randint(0, 4)  # and, as a student would, step to see what the mode does
        for _ in range(steps):
            self.key(Qt.Key.Key_Right)
        return f"mode {combo.currentText()}, → ×{steps}"

    def open_example(self) -> str:
        if not self.examples:  # every example in turn, in an order of this seed's
            self.examples = self.rng.sample(EXAMPLE_NAMES, len(EXAMPLE_NAMES))
        name = self.examples.pop()
        self.window.findChild(QAction, f"example_{name}").trigger()
        self.history_reset()
        if self.window.undo_stack.count() == 0 and self.window.path is None:
            self.covered.add(f"example:{name}")
        return f"File ▸ Examples ▸ {name}"

    def save_and_reopen(self) -> str:
        """Save As to a new file, check it holds the document, then open it again."""
        before = semantic(self.window.document.to_graph_file())
        self.key(Qt.Key.Key_S, CTRL | SHIFT)
        path = self.saved[-1]
        if semantic(read(path)) != before:
            self.fail(f"{path.name} does not hold the document that was saved")
        self.key(Qt.Key.Key_O, CTRL)
        self.history_reset()
        if semantic(self.window.document.to_graph_file()) != before:
            self.fail(f"reopening {path.name} did not give the document that was saved")
        if self.window.path != path or self.window.isWindowModified():
            self.fail(f"after reopening, the window has path {self.window.path} and modified "
                      f"{self.window.isWindowModified()}")
        return f"Save As {path.name}, reopen"

    def new_document(self) -> str:
        self.key(Qt.Key.Key_N, CTRL)
        self.history_reset()
        return "Ctrl+N"

    def fit(self) -> str:
        self.key(Qt.Key.Key_F)
        return "F"

    def wheel_zoom(self) -> str:
        where = self.random_pixel()
        delta = self.rng.choice([-360, -120, 120, 240, 720])
        event = QWheelEvent(QPointF(where), QPointF(self.viewport.mapToGlobal(where)), QPoint(), QPoint(0, delta),
                            Qt.MouseButton.NoButton, NONE, Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(self.viewport, event)
        return f"wheel {delta} at {where.toTuple()}"

    def dark_mode(self) -> str:
        self.key(Qt.Key.Key_D, CTRL | SHIFT)
        return "Ctrl+Shift+D"

    def graph_as_code(self) -> str:
        """Ctrl+E, change the text (a new line, a number, nonsense), Apply, Close."""
        self.key(Qt.Key.Key_E, CTRL)
        editor = self.window.findChild(QWidget, "codeEditor")
        text = editor.text
        ids = [node_id for node_id in self.node_ids() if node_id.isidentifier()]
        edit = self.rng.choice(["line", "line", "nonsense", "delete", "none"])
        if edit == "line" and ids:
            op = self.rng.choice(["tanh", "exp", "neg", "sum"])
            line = f"z{self.rng.randint(0, 99)} = {op}({self.rng.choice(ids)})"
        elif edit == "nonsense":
            line = self.rng.choice(["= (", "y = nosuchop(x)", "x = input(1e999)", "cost = None"])
        else:
            line = ""
        if line:
            QTest.keyClick(text, Qt.Key.Key_End, CTRL)
            QTest.keyClick(text, Qt.Key.Key_Return)
            QTest.keyClicks(text, line)
        elif edit == "delete":
            QTest.keyClick(text, Qt.Key.Key_End, CTRL)
            QTest.keyClick(text, Qt.Key.Key_Home, SHIFT)
            QTest.keyClick(text, Qt.Key.Key_Delete)
        QTest.mouseClick(editor.apply_button, LEFT)
        error = editor.error.text()
        QTest.mouseClick(editor.findChild(QWidget, "codeClose"), LEFT)
        return f"graph as code: {edit} {line!r}, Apply{' → ' + error if error else ''}"

    def auto_layout(self) -> str:
        self.key(Qt.Key.Key_L, CTRL)
        return "Ctrl+L"

    def use_as_cost(self) -> str:
        self.key(Qt.Key.Key_C, CTRL | SHIFT)
        return "Ctrl+Shift+C"

    def check_gradients(self) -> str:
        self.key(Qt.Key.Key_G, CTRL)
        shown = [dialog for dialog in self.window.findChildren(QWidget, "gradCheckDialog") if dialog.isVisible()]
        for dialog in shown:
            dialog.close()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # what returning to the event loop does
        left = self.window.findChildren(QWidget, "gradCheckDialog")
        if left:
            self.fail(f"{len(left)} closed gradient-check dialog(s) are still alive")
        return f"Ctrl+G{' (dialog shown, closed)' if shown else ''}"

    def resize_window(self) -> str:
        """Drag the window's corner: smaller or larger, never past the screen's edge."""
        available, frame = self.window.screen().availableGeometry(), self.window.frameGeometry()
        room_x = available.right() - frame.left() + 1 - (frame.width() - self.window.width())
        room_y = available.bottom() - frame.top() + 1 - (frame.height() - self.window.height())
        width = self.rng.randint(min(room_x, available.width() // 2), room_x)
        height = self.rng.randint(min(room_y, available.height() // 2), room_y)
        self.window.resize(width, height)
        return f"resize to {width}×{height}"


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
